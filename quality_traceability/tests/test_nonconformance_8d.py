# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TraceabilityCommon, rpc

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"|csrf_token: "([^"]+)"')


class Common8D(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        trace = "quality_traceability.group_traceability_"
        cls.trace_user = new_test_user(cls.env, "d8_user", groups=trace + "user")
        cls.trace_user_2 = new_test_user(cls.env, "d8_user_2", groups=trace + "user")
        cls.manager = new_test_user(cls.env, "d8_manager", groups=trace + "manager")
        cls.flows.receive(cls.vendor, cls.raw, [("D8-1", 10)])
        cls.nc_lot = cls.lot(cls.raw, "D8-1")
        created = (
            cls.env["traceability.nonconformance"]
            .with_user(cls.trace_user)
            .create(
                {
                    "lot_id": cls.nc_lot.id,
                    "partner_id": cls.vendor.id,
                    "responsibility": "vendor",
                    "description": "<p>D8 burrs on the rim</p>",
                }
            )
        )
        cls.nc = cls.env["traceability.nonconformance"].browse(created.id)


class TestNonconformance8D(Common8D):
    """8D on a nonconformance (Ford's Eight Disciplines, as in VDA's "8D -
    Problem Solving in 8 Disciplines", 2018): team, containment, 5 whys, root
    cause, corrective and preventive actions, verification of effectiveness."""

    def _actions(self):
        today = fields.Date.today()
        Action = self.env["traceability.nonconformance.action"].with_user(
            self.trace_user
        )
        return Action.create(
            [
                {
                    "nonconformance_id": self.nc.id,
                    "kind": "corrective",
                    "description": "Deburr the mould",
                    "user_id": self.trace_user_2.id,
                    "date_deadline": today + timedelta(days=7),
                },
                {
                    "nonconformance_id": self.nc.id,
                    "kind": "preventive",
                    "description": "Add the rim to the mould maintenance plan",
                    "user_id": self.manager.id,
                    "date_deadline": today + timedelta(days=30),
                },
            ]
        )

    def test_each_action_schedules_its_owner_activity(self):
        corrective, preventive = self._actions()
        activities = self.nc.activity_ids
        self.assertEqual(len(activities), 2)
        for action in (corrective, preventive):
            self.assertIn(action.activity_id, activities)
            self.assertEqual(action.activity_id.user_id, action.user_id)
            self.assertEqual(action.activity_id.date_deadline, action.date_deadline)
            self.assertIn(self.nc.name, action.activity_id.summary)
        # A new owner or due date moves the activity with it.
        new_date = fields.Date.today() + timedelta(days=3)
        corrective.with_user(self.trace_user).write(
            {"user_id": self.manager.id, "date_deadline": new_date}
        )
        self.assertEqual(corrective.activity_id.user_id, self.manager)
        self.assertEqual(corrective.activity_id.date_deadline, new_date)
        self.assertEqual(len(self.nc.activity_ids), 2)
        # Done: its activity is done (a message in the chatter), the other stays.
        activity = corrective.activity_id
        messages = self.nc.message_ids
        corrective.with_user(self.trace_user_2).action_done()
        self.assertEqual(corrective.state, "done")
        self.assertEqual(corrective.date_done, fields.Date.today())
        self.assertFalse(corrective.activity_id)
        self.assertFalse(activity.exists() and activity.active)
        self.assertEqual(self.nc.activity_ids, preventive.activity_id)
        done = self.nc.message_ids - messages
        self.assertTrue(any("Deburr the mould" in m.body for m in done))
        # Cancelled: its activity goes too.
        preventive.with_user(self.trace_user).action_cancel()
        self.assertEqual(preventive.state, "cancel")
        self.assertFalse(self.nc.activity_ids)
        with self.assertRaises(UserError):
            corrective.with_user(self.trace_user).action_done()

    def test_action_state_is_set_by_its_buttons_only(self):
        corrective = self._actions()[0]
        for vals in ({"state": "done"}, {"date_done": fields.Date.today()}):
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    self.trace_user,
                    corrective._name,
                    "write",
                    [corrective.ids, vals],
                )
        created = rpc(
            self.env,
            self.trace_user,
            corrective._name,
            "create",
            [
                {
                    "nonconformance_id": self.nc.id,
                    "description": "Sneaky",
                    "state": "done",
                    "date_done": "2020-01-01",
                }
            ],
        )
        sneaky = corrective.browse(created)
        self.assertEqual(sneaky.state, "open")
        self.assertFalse(sneaky.date_done)
        self.assertTrue(sneaky.activity_id)

    def test_only_managers_verify_effectiveness(self):
        self.nc.with_user(self.trace_user).effectiveness_note = "No burr in 5 lots"
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                self.nc._name,
                "action_verify_effectiveness",
                [self.nc.ids],
            )
        for vals in (
            {"effectiveness_verified_by_id": self.trace_user.id},
            {"effectiveness_date": "2020-01-01"},
        ):
            for user in (self.trace_user, self.manager):
                with self.assertRaises(AccessError):
                    rpc(self.env, user, self.nc._name, "write", [self.nc.ids, vals])
        self.nc.invalidate_recordset()
        self.assertFalse(self.nc.effectiveness_verified_by_id)
        self.assertFalse(self.nc.effectiveness_date)
        # Open actions must be finished (or cancelled) first.
        corrective, preventive = self._actions()
        with self.assertRaises(UserError):
            rpc(
                self.env,
                self.manager,
                self.nc._name,
                "action_verify_effectiveness",
                [self.nc.ids],
            )
        corrective.with_user(self.trace_user).action_done()
        preventive.with_user(self.trace_user).action_cancel()
        rpc(
            self.env,
            self.manager,
            self.nc._name,
            "action_verify_effectiveness",
            [self.nc.ids],
        )
        self.assertEqual(self.nc.effectiveness_verified_by_id, self.manager)
        self.assertEqual(self.nc.effectiveness_date, fields.Date.today())
        self.assertEqual(self.nc.state, "open")
        # The verified note is fixed.
        with self.assertRaises(UserError):
            self.nc.with_user(self.trace_user).effectiveness_note = "Changed"

    def test_eight_d_step_follows_the_disciplines(self):
        nc = self.nc.with_user(self.trace_user)
        nc.write({"description": False})
        self.assertEqual(nc.eight_d_step, "d1")
        nc.write({"team_ids": [(6, 0, self.trace_user_2.ids)]})
        self.assertEqual(nc.eight_d_step, "d1")
        nc.write({"champion_id": self.manager.id})
        self.assertEqual(nc.eight_d_step, "d2")
        nc.write({"description": "<p>Burrs</p>", "severity": "major"})
        self.assertEqual(nc.eight_d_step, "d3")
        nc.write(
            {
                "containment_action": "Sort the stock",
                "containment_date": fields.Date.today(),
            }
        )
        self.assertEqual(nc.eight_d_step, "d4")
        nc.write(
            {
                "root_cause_id": self.env.ref(
                    "quality_traceability.root_cause_machine"
                ).id,
                "root_cause": "Worn mould edge",
                "why_ids": [
                    (0, 0, {"sequence": 1, "name": "Burr on the rim"}),
                    (0, 0, {"sequence": 2, "name": "Mould edge worn"}),
                ],
            }
        )
        self.assertEqual(nc.why_ids.mapped("name")[0], "Burr on the rim")
        self.assertEqual(nc.eight_d_step, "d5")
        corrective, preventive = self._actions()
        self.assertEqual(nc.eight_d_step, "d6")
        corrective.action_done()
        self.assertEqual(nc.eight_d_step, "d7")
        preventive.action_done()
        self.assertEqual(nc.eight_d_step, "d8")

    def test_cost_in_company_currency(self):
        self.nc.with_user(self.trace_user).cost_poor_quality = 250.5
        self.assertEqual(self.nc.currency_id, self.nc.company_id.currency_id)
        self.assertEqual(self.nc.cost_poor_quality, 250.5)

    def test_root_cause_pareto(self):
        """Pareto (Juran): categories counted, the most frequent first. The
        six categories are Ishikawa's 6M."""
        causes = {
            name: self.env.ref(f"quality_traceability.root_cause_{name}")
            for name in ("material", "method", "machine", "man", "measurement")
        }
        self.assertTrue(self.env.ref("quality_traceability.root_cause_environment"))
        NC = self.env["traceability.nonconformance"]
        for cause, count in (("machine", 3), ("material", 1), ("method", 2)):
            for _index in range(count):
                NC.create({"lot_id": self.nc_lot.id, "root_cause_id": causes[cause].id})
        action = self.env.ref(
            "quality_traceability.traceability_root_cause_pareto_action"
        )
        # This test's nonconformances (the demo data may hold others).
        groups = NC.with_user(self.trace_user)._read_group(
            ast.literal_eval(action.domain) + [("lot_id", "=", self.nc_lot.id)],
            groupby=["root_cause_id"],
            aggregates=["__count"],
            order="__count desc",
        )
        self.assertEqual(
            [(cause.name, count) for cause, count in groups],
            [("Machine", 3), ("Method", 2), ("Material", 1)],
        )
        self.assertEqual(causes["machine"].nonconformance_count, 3)

    def test_ask_vendor_posts_portal_link(self):
        internal = self.env["traceability.nonconformance"].create(
            {"lot_id": self.nc_lot.id, "responsibility": "internal"}
        )
        with self.assertRaises(UserError):
            internal.with_user(self.trace_user).action_ask_vendor_root_cause()
        messages = self.nc.message_ids
        rpc(
            self.env,
            self.trace_user,
            self.nc._name,
            "action_ask_vendor_root_cause",
            [self.nc.ids],
        )
        message = self.nc.message_ids - messages
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.vendor)
        self.assertIn(
            f"/my/nonconformances/{self.nc.id}?access_token={self.nc.access_token}",
            message.body,
        )
        self.assertTrue(self.nc.vendor_request_date)
        self.assertEqual(self.nc.state, "open")
        # The vendor's answer fields are the vendor's only.
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                self.nc._name,
                "write",
                [self.nc.ids, {"vendor_root_cause": "Made up"}],
            )


@tagged("post_install", "-at_install")
class TestNonconformanceVendorPortal(Common8D, HttpCase):
    """The vendor answers from the portal (Odoo's portal pattern:
    ``_document_check_access`` and the CSRF token of the form)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor_b = cls.env["res.partner"].create(
            {"name": "D8 Vendor Bravo", "is_company": True}
        )
        vendor_contact, vendor_b_contact, customer_contact = cls.env[
            "res.partner"
        ].create(
            [
                {"name": "D8 Vera", "parent_id": cls.vendor.id},
                {"name": "D8 Boris", "parent_id": cls.vendor_b.id},
                {"name": "D8 Carla", "parent_id": cls.customer_a.id},
            ]
        )
        cls.vendor_user, cls.vendor_b_user, cls.customer_user = (
            new_test_user(
                cls.env, login, groups="base.group_portal", partner_id=partner.id
            )
            for login, partner in (
                ("d8_vendor", vendor_contact),
                ("d8_vendor_b", vendor_b_contact),
                ("d8_customer", customer_contact),
            )
        )
        cls.nc.sudo().write(
            {
                "cost_poor_quality": 4321.5,
                "containment_action": "D8INTERNALCONTAINMENT",
                "root_cause": "D8INTERNALROOT",
            }
        )
        cls.nc.message_post(body="D8INTERNALNOTE", subtype_xmlid="mail.mt_note")
        cls.nc.with_user(cls.trace_user).action_ask_vendor_root_cause()
        cls.flows.receive(cls.vendor_b, cls.raw, [("D8-B", 5)])
        cls.nc_b = cls.env["traceability.nonconformance"].create(
            {
                "lot_id": cls.lot(cls.raw, "D8-B").id,
                "partner_id": cls.vendor_b.id,
                "responsibility": "vendor",
            }
        )
        cls.nc_b.action_ask_vendor_root_cause()

    def _login(self, user):
        self.authenticate(user and user.login, user and user.login)

    def _url(self, record, token=None):
        url = f"/my/nonconformances/{record.id}"
        return f"{url}?access_token={token}" if token else url

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        match = CSRF_RE.search(response.text)
        return match.group(1) or match.group(2)

    def _post(self, record, csrf, token=None, files=None):
        data = {
            "csrf_token": csrf,
            "root_cause": "Mould insert worn",
            "corrective_action": "Insert replaced, 100% check of 3 lots",
        }
        if token:
            data["access_token"] = token
        return self.url_open(
            self._url(record), data=data, files=files, allow_redirects=False
        )

    def _snapshot(self, record):
        self.env.invalidate_all()
        return (
            record.vendor_root_cause,
            record.vendor_corrective_action,
            record.vendor_answer_date,
            record.state,
            record.message_ids.ids,
        )

    def test_vendor_portal_user_answers(self):
        self._login(self.vendor_user)
        response = self.url_open(self._url(self.nc))
        self.assertEqual(response.status_code, 200)
        self.assertIn("D8-1", response.text)
        self.assertIn("D8 burrs on the rim", response.text)
        for internal in (
            "D8INTERNALCONTAINMENT",
            "D8INTERNALROOT",
            "D8INTERNALNOTE",
            "4,321.50",
            "4321.5",
        ):
            self.assertNotIn(internal, response.text)
        match = CSRF_RE.search(response.text)
        csrf = match.group(1) or match.group(2)
        files = {"attachments": ("8d-report.txt", b"D8 report", "text/plain")}
        response = self._post(self.nc, csrf, files=files)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self.nc.vendor_root_cause, "Mould insert worn")
        self.assertEqual(
            self.nc.vendor_corrective_action, "Insert replaced, 100% check of 3 lots"
        )
        self.assertTrue(self.nc.vendor_answer_date)
        self.assertEqual(self.nc.state, "open")
        # Into the 8D: the next why (D4) and an open corrective action (D5)
        # with its owner's activity, for the team to verify.
        self.assertEqual(self.nc.why_ids[-1].name, "Vendor: Mould insert worn")
        action = self.nc.action_ids.filtered(
            lambda a: a.description.startswith("Vendor:")
        )
        self.assertEqual(len(action), 1)
        self.assertEqual(
            action.description, "Vendor: Insert replaced, 100% check of 3 lots"
        )
        self.assertEqual((action.kind, action.state), ("corrective", "open"))
        self.assertEqual(action.user_id, self.nc.champion_id or self.nc.create_uid)
        self.assertTrue(action.activity_id)
        message = self.nc.message_ids[0]
        self.assertEqual(message.author_id, self.vendor_user.partner_id)
        self.assertIn("Mould insert worn", message.body)
        self.assertEqual(message.attachment_ids.mapped("name"), ["8d-report.txt"])

    def test_token_holder_answers(self):
        self._login(None)
        token = self.nc.access_token
        csrf = self._csrf(self._url(self.nc, token))
        response = self._post(self.nc, csrf, token=token)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self.nc.vendor_root_cause, "Mould insert worn")
        self.assertEqual(self.nc.message_ids[0].author_id, self.vendor)

    def test_incomplete_answer_is_refused(self):
        self._login(self.vendor_user)
        csrf = self._csrf(self._url(self.nc))
        before = self._snapshot(self.nc)
        response = self.url_open(
            self._url(self.nc),
            data={"csrf_token": csrf, "root_cause": "Only half"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._snapshot(self.nc), before)

    def test_others_are_refused_and_change_nothing(self):
        before = self._snapshot(self.nc)
        # Vendor B (its own nonconformance opens), a customer, a visitor.
        self._login(self.vendor_b_user)
        self.assertEqual(
            self.url_open(self._url(self.nc), allow_redirects=False).status_code, 303
        )
        csrf = self._csrf(self._url(self.nc_b))
        self.assertEqual(self._post(self.nc, csrf).status_code, 404)
        # Vendor B's token does not open vendor A's nonconformance.
        self.assertEqual(
            self._post(self.nc, csrf, token=self.nc_b.access_token).status_code, 404
        )
        self._login(self.customer_user)
        self.assertEqual(
            self.url_open(self._url(self.nc), allow_redirects=False).status_code, 303
        )
        self._login(None)
        self.assertEqual(
            self.url_open(self._url(self.nc), allow_redirects=False).status_code, 303
        )
        self.assertEqual(
            self.url_open(
                self._url(self.nc, self.nc_b.access_token), allow_redirects=False
            ).status_code,
            303,
        )
        csrf = self._csrf(self._url(self.nc_b, self.nc_b.access_token))
        self.assertEqual(self._post(self.nc, csrf).status_code, 404)
        self.assertEqual(
            self._post(self.nc, csrf, token=self.nc_b.access_token).status_code, 404
        )
        # A logged-in customer holding the link sees it but does not answer for
        # the vendor.
        self._login(self.customer_user)
        token = self.nc.access_token
        csrf = self._csrf(self._url(self.nc, token))
        self.assertEqual(self._post(self.nc, csrf, token=token).status_code, 403)
        # Without the CSRF token: refused by Odoo.
        self._login(self.vendor_user)
        self.assertEqual(self._post(self.nc, "not-a-token").status_code, 400)
        self.assertEqual(self._snapshot(self.nc), before)
