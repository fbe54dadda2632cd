# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestHttp(HttpCase):
    def test_login_page_and_admin_login(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)
        self.authenticate("admin", "admin")
        info = self.make_jsonrpc_request("/web/session/get_session_info")
        self.assertEqual(info["uid"], self.env.ref("base.user_admin").id)
        response = self.url_open("/odoo/action-stock.action_production_lot_form")
        self.assertEqual(response.status_code, 200)

    def test_traceability_menu_tour(self):
        if not self.env.ref("quality_traceability.product_thermos_cup", False):
            self.skipTest("installed without demo data")
        self.start_tour("/odoo", "quality_traceability_menu_tour", login="admin")
