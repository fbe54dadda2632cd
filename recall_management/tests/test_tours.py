# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRecallTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env.ref(
            "quality_traceability.partner_customer_hangzhou", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not self.customer:
            self.skipTest("installed without demo data")

    def test_sale_order_wizard_tour(self):
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "sale")], limit=1
        )
        self.start_tour(
            f"/odoo/sale.order/{order.id}",
            "recall_management_sale_order_tour",
            login="admin",
        )
        recall = self.env["recall.recall"].search([], order="id desc", limit=1)
        self.assertEqual(recall.state, "in_progress")
        cup = self.env["stock.lot"].search([("name", "=", "CUP-0001")])
        self.assertEqual(recall.source_lot_ids, cup)
        self.assertEqual(cup.quality_state, "blocked")

    def test_portal_notice_tour(self):
        portal_user = new_test_user(
            self.env,
            "recall_portal_tour",
            groups="base.group_portal",
            password="recall_portal_tour",
        )
        portal_user.partner_id.parent_id = self.customer
        cup = self.env["stock.lot"].search([("name", "=", "CUP-0001")])
        recall = self.env["recall.recall"].create(
            {
                "reason": "Lid seal",
                "consumer_instructions": "Stop using the cup.",
                "source_lot_ids": [(6, 0, cup.ids)],
            }
        )
        recall.action_scope()
        recall.action_notify_customers()
        notice = recall.customer_ids.filtered(lambda c: c.partner_id == self.customer)
        self.start_tour(
            f"/my/recalls/{notice.id}",
            "recall_management_portal_tour",
            login=portal_user.login,
        )
        self.assertTrue(notice.date_acknowledged)

    def test_public_page_under_recall(self):
        cup = self.env["stock.lot"].search([("name", "=", "CUP-0001")])
        response = self.url_open(f"/trace/{cup.trace_code}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Under recall", response.text)
        recall = self.env["recall.recall"].create(
            {
                "reason": "Lid seal",
                "consumer_instructions": "Stop using the cup & bring it back.",
                "source_lot_ids": [(6, 0, cup.ids)],
            }
        )
        recall.action_scope()
        # Scoped only: nothing public until the customers are notified.
        response = self.url_open(f"/trace/{cup.trace_code}")
        self.assertNotIn("Under recall", response.text)
        recall.action_notify_customers()
        response = self.url_open(f"/trace/{cup.trace_code}")
        self.assertIn("Under recall", response.text)
        self.assertIn("Stop using the cup &amp; bring it back.", response.text)
        # Customers and the recall reason stay private.
        self.assertNotIn(self.customer.name, response.text)
        recall.action_cancel()
        response = self.url_open(f"/trace/{cup.trace_code}")
        self.assertNotIn("Under recall", response.text)
