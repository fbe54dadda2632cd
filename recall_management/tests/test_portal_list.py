# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .test_recall import RecallCommon


@tagged("post_install", "-at_install")
class TestPortalRecallList(RecallCommon, HttpCase):
    """``/my/recalls``: the notified customer lists their own notices, with
    the status of each, its acknowledgement and its return; nobody else's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rsn_a, rsn_b = cls.serials

        def recall(name, lots, notify=True):
            record = (
                cls.env["recall.recall"]
                .with_user(cls.manager)
                .create(
                    {
                        "name": name,
                        "reason": "Lid seal",
                        "consumer_instructions": "Stop using the cup.",
                        "source_lot_ids": [(6, 0, lots.ids)],
                    }
                )
            )
            record.action_scope()
            if notify:
                record.action_notify_customers()
            return record

        # Shared by A and B, to A only (answered), to B only, and one to A that
        # is scoped but not sent yet.
        cls.shared = recall("RC-SHARED", cls.rv1)
        cls.alpha = recall("RC-ALPHA", rsn_a)
        cls.beta = recall("RC-BETA", rsn_b)
        cls.draft_a = recall("RC-DRAFT-A", rsn_a, notify=False)
        by_partner = {notice.partner_id: notice for notice in cls.shared.customer_ids}
        cls.notice_shared_a = by_partner[cls.customer_a]
        cls.notice_shared_b = by_partner[cls.customer_b]
        cls.notice_alpha = cls.alpha.customer_ids
        cls.notice_beta = cls.beta.customer_ids
        cls.notice_alpha._portal_answer(cls.customer_a, "acknowledge")
        cls.notice_alpha._portal_answer(cls.customer_a, "return")
        alice, bob = cls.env["res.partner"].create(
            [
                {"name": "Alice of A", "parent_id": cls.customer_a.id},
                {"name": "Bob of B", "parent_id": cls.customer_b.id},
            ]
        )
        cls.portal_a = new_test_user(
            cls.env, "rl_portal_a", groups="base.group_portal", partner_id=alice.id
        )
        cls.portal_b = new_test_user(
            cls.env, "rl_portal_b", groups="base.group_portal", partner_id=bob.id
        )
        cls.portal_other = new_test_user(
            cls.env, "rl_portal_other", groups="base.group_portal"
        )

    def _rows(self, html):
        return html.count('class="o_recall_portal_row"')

    def test_customer_lists_own_notices(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self.url_open("/my/recalls")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertEqual(self._rows(html), 2)
        for notice in self.notice_shared_a | self.notice_alpha:
            self.assertIn(f'href="/my/recalls/{notice.id}"', html)
        # Another customer's notices, and a notice not sent yet, stay out.
        for notice in (
            self.notice_shared_b | self.notice_beta | self.draft_a.customer_ids
        ):
            self.assertNotIn(f'href="/my/recalls/{notice.id}"', html)
        self.assertNotIn("RC-BETA", html)
        self.assertNotIn("RC-DRAFT-A", html)
        # Status, acknowledgement and return of each notice, newest first.
        self.assertEqual(html.count("To acknowledge"), 1)
        self.assertIn("Not Requested", html)
        self.assertIn(">Requested<", html)
        self.assertIn(">Scoped<", html)
        self.assertLess(html.index("RC-ALPHA"), html.index("RC-SHARED"))
        response = self.url_open("/my/recalls?sortby=date_asc")
        self.assertLess(
            response.text.index("RC-SHARED"), response.text.index("RC-ALPHA")
        )
        # Odoo's portal table, sorting and pager; a page past the last shows it.
        self.assertIn("o_portal_my_doc_table", html)
        self.assertIn("portal_searchbar_sortby", html)
        response = self.url_open("/my/recalls/page/9?sortby=unknown")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._rows(response.text), 2)
        # Each row opens its notice.
        response = self.url_open(f"/my/recalls/{self.notice_alpha.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("RC-ALPHA", response.text)

    def test_other_customer_sees_only_theirs(self):
        self.authenticate(self.portal_b.login, self.portal_b.login)
        html = self.url_open("/my/recalls").text
        self.assertEqual(self._rows(html), 2)
        self.assertIn("RC-BETA", html)
        self.assertNotIn("RC-ALPHA", html)
        self.assertNotIn(f'href="/my/recalls/{self.notice_shared_a.id}"', html)
        self.authenticate(self.portal_other.login, self.portal_other.login)
        response = self.url_open("/my/recalls")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._rows(response.text), 0)
        self.assertIn("No recall concerns the products you received.", response.text)

    def test_staff_list_only_their_own_company_notices(self):
        # Recall staff read every notice in the backend; their portal list is
        # still that of their own company as a customer: empty here.
        for user in (self.manager, self.reader):
            self.authenticate(user.login, user.login)
            response = self.url_open("/my/recalls")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self._rows(response.text), 0)
            counters = self.make_jsonrpc_request(
                "/my/counters", {"counters": ["recall_count"]}
            )
            self.assertEqual(counters["recall_count"], 0)
        # An employee without any recall right gets an empty list, no error.
        employee = new_test_user(self.env, "rl_employee", groups="base.group_user")
        self.authenticate(employee.login, employee.login)
        response = self.url_open("/my/recalls")
        self.assertEqual(response.status_code, 200)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recall_count"]}
        )
        self.assertEqual(counters["recall_count"], 0)

    def test_home_counts_the_notices(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-placeholder_count="recall_count"', response.text)
        self.assertIn(
            "/recall_management/static/src/img/recall_notice.svg", response.text
        )
        self.assertIn(
            "/quality_traceability/static/src/img/traced_products.svg", response.text
        )
        self.assertNotIn("/web/static/img/barcode.svg", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recall_count"]}
        )
        self.assertEqual(counters["recall_count"], 2)

    def test_anonymous_is_sent_to_login(self):
        self.authenticate(None, None)
        response = self.url_open("/my/recalls", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_portal_list_tour(self):
        self.start_tour(
            "/my",
            "recall_management_portal_list_tour",
            login=self.portal_a.login,
        )
