# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import HttpCase, new_test_user, tagged

from .test_recall import RecallCommon

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"|csrf_token: "([^"]+)"')


@tagged("post_install", "-at_install")
class TestPortalNoticeAttacks(RecallCommon, HttpCase):
    """The portal answers of a recall notice (acknowledge, quantities, return)
    come from the notified customer only, over the real forms: anyone else is
    refused and nothing changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = (
            cls.env["recall.recall"]
            .with_user(cls.manager)
            .create(
                {
                    "reason": "Lid seal",
                    "consumer_instructions": "Stop using the cup.",
                    "source_lot_ids": [(6, 0, cls.rv1.ids)],
                }
            )
        )
        cls.recall.action_scope()
        cls.recall.action_notify_customers()
        cls.notice_a = cls.recall.customer_ids.filtered(
            lambda c: c.partner_id == cls.customer_a
        )
        cls.notice_b = cls.recall.customer_ids.filtered(
            lambda c: c.partner_id == cls.customer_b
        )
        alice, warehouse_a, bob = cls.env["res.partner"].create(
            [
                {"name": "Alice of A", "parent_id": cls.customer_a.id},
                {"name": "Warehouse of A", "parent_id": cls.customer_a.id},
                {"name": "Bob of B", "parent_id": cls.customer_b.id},
            ]
        )
        cls.portal_a = new_test_user(
            cls.env, "rp_portal_a", groups="base.group_portal", partner_id=alice.id
        )
        cls.portal_a2 = new_test_user(
            cls.env,
            "rp_portal_a2",
            groups="base.group_portal",
            partner_id=warehouse_a.id,
        )
        cls.portal_b = new_test_user(
            cls.env, "rp_portal_b", groups="base.group_portal", partner_id=bob.id
        )
        cls.employee = new_test_user(cls.env, "rp_employee", groups="base.group_user")

    def _login(self, user):
        self.authenticate(user.login if user else None, user.login if user else None)

    def _csrf(self, url):
        """The CSRF token of the session, as the page renders it for its forms."""
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        match = CSRF_RE.search(response.text)
        return match.group(1) or match.group(2)

    def _post(self, notice, csrf, access_token=None, **data):
        data = dict(data, csrf_token=csrf)
        if access_token:
            data["access_token"] = access_token
        return self.url_open(
            f"/my/recalls/{notice.id}", data=data, allow_redirects=False
        )

    def _snapshot(self, notice):
        self.env.invalidate_all()
        returns = self.env["stock.picking"].search_count(
            [("origin", "=", self.recall.name)]
        )
        return (
            notice.date_acknowledged,
            notice.on_hand_qty,
            notice.destroyed_qty,
            notice.return_picking_id,
            notice.message_ids.ids,
            self.recall.message_ids.ids,
            returns,
        )

    def _answers(self):
        return [
            {"action": "acknowledge"},
            {"action": "report", "on_hand_qty": "1", "destroyed_qty": "0"},
            {"action": "return"},
        ]

    def test_other_customer_is_refused(self):
        self._login(self.portal_b)
        csrf = self._csrf(f"/my/recalls/{self.notice_b.id}")
        before = self._snapshot(self.notice_a)
        for answer in self._answers():
            # A's notice is not B's to read: not found.
            response = self._post(self.notice_a, csrf, **answer)
            self.assertEqual(response.status_code, 404, answer)
            # With A's link (forwarded, or leaked), B still is not A.
            response = self._post(
                self.notice_a, csrf, self.notice_a.access_token, **answer
            )
            self.assertEqual(response.status_code, 403, answer)
            self.assertIn("Only the notified customer", response.text)
        self.assertEqual(self._snapshot(self.notice_a), before)
        self.assertFalse(self.notice_a.date_acknowledged)
        self.assertFalse(self.notice_a.return_picking_id)

    def test_internal_users_are_refused(self):
        before = self._snapshot(self.notice_a)
        token = self.notice_a.access_token
        # Read-only recall users see the notice but cannot answer it.
        self._login(self.reader)
        csrf = self._csrf(f"/my/recalls/{self.notice_a.id}")
        for answer in self._answers():
            response = self._post(self.notice_a, csrf, **answer)
            self.assertEqual(response.status_code, 403, answer)
            response = self._post(self.notice_a, csrf, token, **answer)
            self.assertEqual(response.status_code, 403, answer)
        response = self.url_open(f"/my/recalls/{self.notice_a.id}")
        self.assertIn("o_recall_not_customer", response.text)
        self.assertNotIn("o_recall_acknowledge", response.text)
        # An employee without recall rights: no access, and the token of the
        # e-mail does not make them the customer.
        self._login(self.employee)
        csrf = self._csrf(f"/my/recalls/{self.notice_a.id}?access_token={token}")
        for answer in self._answers():
            response = self._post(self.notice_a, csrf, **answer)
            self.assertEqual(response.status_code, 404, answer)
            response = self._post(self.notice_a, csrf, token, **answer)
            self.assertEqual(response.status_code, 403, answer)
        # Recall staff record what a customer says in the backend, not here.
        self._login(self.manager)
        csrf = self._csrf(f"/my/recalls/{self.notice_a.id}")
        for answer in self._answers():
            response = self._post(self.notice_a, csrf, token, **answer)
            self.assertEqual(response.status_code, 403, answer)
        self.assertEqual(self._snapshot(self.notice_a), before)

    def test_public_visitor_needs_the_token(self):
        self._login(None)
        before = self._snapshot(self.notice_b)
        url = (
            f"/my/recalls/{self.notice_b.id}?access_token={self.notice_b.access_token}"
        )
        csrf = self._csrf(url)
        response = self._post(self.notice_b, csrf, **self._answers()[0])
        self.assertEqual(response.status_code, 404)
        response = self._post(
            self.notice_b, csrf, self.notice_a.access_token, **self._answers()[0]
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._snapshot(self.notice_b), before)
        # The link of the e-mail answers in the name of the notified customer.
        response = self._post(
            self.notice_b, csrf, self.notice_b.access_token, **self._answers()[0]
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(self.notice_b.date_acknowledged)
        message = self.notice_b.message_ids.filtered(
            lambda m: "acknowledged" in str(m.body)
        )
        self.assertEqual(message.author_id, self.customer_b)

    def test_quantities_must_be_sane(self):
        self._login(self.portal_a)
        csrf = self._csrf(f"/my/recalls/{self.notice_a.id}")
        before = self._snapshot(self.notice_a)
        for on_hand, destroyed in [
            ("nan", "0"),
            ("NaN", "nan"),
            ("0", "inf"),
            ("-inf", "0"),
            ("1e999", "0"),
            ("-1", "0"),
            ("0", "-0.5"),
            ("one", "0"),
            ("0", "1,5"),
            ("2", "0"),
        ]:
            response = self._post(
                self.notice_a,
                csrf,
                action="report",
                on_hand_qty=on_hand,
                destroyed_qty=destroyed,
            )
            self.assertEqual(response.status_code, 400, (on_hand, destroyed))
            self.assertIn("alert-danger", response.text)
            self.assertEqual(self._snapshot(self.notice_a), before)

    def test_second_return_creates_none(self):
        self._login(self.portal_a)
        csrf = self._csrf(f"/my/recalls/{self.notice_a.id}")
        response = self._post(self.notice_a, csrf, action="return")
        self.assertEqual(response.status_code, 200)
        before = self._snapshot(self.notice_a)
        first = self.notice_a.return_picking_id
        self.assertTrue(first)
        # Again, from the same contact and from another contact of A.
        response = self._post(self.notice_a, csrf, action="return")
        self.assertEqual(response.status_code, 400)
        self.assertIn("A return is already requested.", response.text)
        self._login(self.portal_a2)
        csrf = self._csrf(f"/my/recalls/{self.notice_a.id}")
        response = self._post(self.notice_a, csrf, action="return")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._snapshot(self.notice_a), before)
        self.assertEqual(self.notice_a.return_picking_id, first)

    def test_notified_customer_answers_and_declarations_are_kept(self):
        alice = self.portal_a.partner_id
        self._login(self.portal_a)
        url = f"/my/recalls/{self.notice_a.id}"
        response = self.url_open(url)
        self.assertIn("o_recall_acknowledge", response.text)
        self.assertNotIn("o_recall_not_customer", response.text)
        csrf = self._csrf(url)

        response = self._post(self.notice_a, csrf, action="acknowledge")
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(self.notice_a.date_acknowledged)
        acknowledged = self.notice_a.message_ids.filtered(
            lambda m: "acknowledged" in str(m.body)
        )
        self.assertEqual(acknowledged.author_id, alice)

        for on_hand, destroyed in [("1", "0"), ("0.25", "0.75")]:
            response = self._post(
                self.notice_a,
                csrf,
                action="report",
                on_hand_qty=on_hand,
                destroyed_qty=destroyed,
            )
            self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self.notice_a.on_hand_qty, 0.25)
        self.assertEqual(self.notice_a.destroyed_qty, 0.75)
        # Both declarations stay on record, in the name of who made them.
        declarations = self.notice_a.message_ids.filtered(
            lambda m: "Declared by the customer" in str(m.body)
        ).sorted("id")
        self.assertEqual(len(declarations), 2)
        self.assertEqual(declarations.author_id, alice)
        self.assertIn("1.00 still on hand, 0.00 destroyed", str(declarations[0].body))
        self.assertIn("0.25 still on hand, 0.75 destroyed", str(declarations[1].body))

        response = self._post(self.notice_a, csrf, action="return")
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        picking = self.notice_a.return_picking_id
        self.assertEqual(picking.partner_id, self.customer_a)
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.serials[0])
        requested = self.recall.message_ids.filtered(
            lambda m: picking.name in str(m.body)
        )
        self.assertEqual(requested.author_id, alice)
