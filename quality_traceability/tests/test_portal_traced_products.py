# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime
from unittest.mock import patch

from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from ..controllers.portal import TraceabilityCustomerPortal
from .common import TraceabilityCommon


@tagged("post_install", "-at_install")
class TestPortalTracedProducts(TraceabilityCommon, HttpCase):
    """*Traced Products* in the portal: each customer sees the lots delivered to
    their company, and only those."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env["res.partner"].create(
            [
                {"name": "Alice of A", "parent_id": cls.customer_a.id},
                {"name": "Warehouse of A", "parent_id": cls.customer_a.id},
                {"name": "Bob of B", "parent_id": cls.customer_b.id},
            ]
        )
        cls.contact_a, cls.address_a, cls.contact_b = partners
        cls.user_a = new_test_user(
            cls.env,
            login="qt_portal_a",
            name="Alice of A",
            groups="base.group_portal",
            partner_id=cls.contact_a.id,
        )
        cls.user_b = new_test_user(
            cls.env,
            login="qt_portal_b",
            name="Bob of B",
            groups="base.group_portal",
            partner_id=cls.contact_b.id,
        )
        cls.flows.receive(cls.vendor, cls.raw, [("V-1", 10), ("V-2", 10), ("V-3", 10)])
        v1, v2, v3 = (cls.lot(cls.raw, name) for name in ("V-1", "V-2", "V-3"))
        cls.lots_a = v1 | v2
        cls.lots_b = v3
        cls.flows.deliver(
            cls.customer_a, [(cls.raw, [(v1, 2)])], date=datetime(2024, 1, 10, 12)
        )
        # To another address of A's company: still A's.
        cls.flows.deliver(
            cls.address_a, [(cls.raw, [(v2, 3)])], date=datetime(2024, 2, 10, 12)
        )
        cls.flows.deliver(
            cls.customer_b, [(cls.raw, [(v3, 4)])], date=datetime(2024, 3, 10, 12)
        )

    def counters(self):
        return self.make_jsonrpc_request(
            "/my/counters", {"counters": ["traced_product_count"]}
        )

    def test_customer_a_sees_only_their_lots(self):
        self.authenticate("qt_portal_a", "qt_portal_a")
        response = self.url_open("/my/traced-products")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Traced Products", html)
        self.assertIn("breadcrumb", html)
        for lot in self.lots_a:
            self.assertIn(f'href="/trace/{lot.trace_code}"', html)
        self.assertNotIn("V-3", html)
        self.assertNotIn(self.lots_b.trace_code, html)
        # Latest delivery first.
        self.assertLess(html.index(">V-2<"), html.index(">V-1<"))
        self.assertIn("02/10/2024", html)
        # /my: the entry waits for its counter...
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn('data-placeholder_count="traced_product_count"', home.text)
        self.assertIn('href="/my/traced-products"', home.text)
        self.assertEqual(self.counters(), {"traced_product_count": 2})
        # ... and is shown at once when the session knows it is not empty.
        home = self.url_open("/my").text
        entry = home[: home.index('href="/my/traced-products"')]
        self.assertNotIn("d-none", entry[entry.rindex("o_portal_index_card") :])

    def test_customer_b_sees_only_their_lots(self):
        self.authenticate("qt_portal_b", "qt_portal_b")
        html = self.url_open("/my/traced-products").text
        self.assertIn(f'href="/trace/{self.lots_b.trace_code}"', html)
        for lot in self.lots_a:
            self.assertNotIn(lot.trace_code, html)
            self.assertNotIn(f">{lot.name}<", html)
        self.assertEqual(self.counters(), {"traced_product_count": 1})
        # No parameter of the request chooses the customer.
        html = self.url_open(
            f"/my/traced-products?partner_id={self.customer_a.id}"
        ).text
        self.assertNotIn(">V-1<", html)

    def test_pager(self):
        self.authenticate("qt_portal_a", "qt_portal_a")
        with patch.object(TraceabilityCustomerPortal, "_items_per_page", 1):
            first = self.url_open("/my/traced-products").text
            second = self.url_open("/my/traced-products/page/2").text
        self.assertIn(">V-2<", first)
        self.assertNotIn(">V-1<", first)
        self.assertIn('href="/my/traced-products/page/2"', first)
        self.assertIn(">V-1<", second)
        self.assertNotIn(">V-2<", second)

    def test_portal_user_without_deliveries(self):
        new_test_user(self.env, login="qt_portal_c", groups="base.group_portal")
        self.authenticate("qt_portal_c", "qt_portal_c")
        response = self.url_open("/my/traced-products")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no traced products", response.text)
        self.assertEqual(self.counters(), {"traced_product_count": 0})

    def test_portal_user_refused_internal_pages(self):
        self.authenticate("qt_portal_a", "qt_portal_a")
        response = self.url_open("/odoo/action-stock.action_production_lot_form")
        self.assertNotIn("/odoo", response.url)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/stock.lot/search_read",
                {
                    "model": "stock.lot",
                    "method": "search_read",
                    "args": [[]],
                    "kwargs": {"fields": ["name"]},
                },
            )

    def test_anonymous_redirected_to_login(self):
        response = self.url_open("/my/traced-products", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
