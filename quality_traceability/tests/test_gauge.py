# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import QualityCommon, rpc

TRACE = "quality_traceability.group_traceability_"


class GaugeCommon(QualityCommon):
    """Gauges of the incoming inspection: one calibrated 10 days ago, one past
    its due date, one of another company.

    Measuring equipment is calibrated at specified intervals and a measurement
    with an instrument past its calibration is not relied upon: ISO 9001:2015
    clause 7.1.5.2 (measurement traceability), ISO 10012:2003 clause 7.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["traceability.gauge"])
        cls.Gauge = cls.env["traceability.gauge"]
        cls.gauge, cls.old_gauge = cls.Gauge.create(
            [
                {"name": "Caliper 150 mm", "code": "G-001"},
                {
                    "name": "Old caliper",
                    "code": "G-OLD",
                    "calibration_interval_days": 30,
                },
            ]
        )
        cls.gauge._record_calibration(cls.today - timedelta(days=10), "pass")
        cls.old_gauge._record_calibration(cls.today - timedelta(days=40), "pass")
        cls.company_b = cls.env["res.company"].create({"name": "Gauge Company B"})
        cls.gauge_b = cls.Gauge.create(
            {"name": "B caliper", "code": "G-B", "company_id": cls.company_b.id}
        )
        cls.gauge_b._record_calibration(cls.today, "pass")
        cls.receive([("GAUGE-1", 10), ("GAUGE-2", 10)])
        cls.lot_1 = cls.lot(cls.raw, "GAUGE-1")
        cls.lot_2 = cls.lot(cls.raw, "GAUGE-2")
        cls.trace_user = new_test_user(cls.env, "gauge_user", groups=TRACE + "user")
        cls.trace_manager = new_test_user(
            cls.env, "gauge_manager", groups=TRACE + "manager"
        )

    @classmethod
    def gauged_check(cls, lot, gauge, width=10.0):
        """A check of ``lot`` whose width was measured with ``gauge``."""
        return cls.env["traceability.check"].create(
            {
                "control_point_id": cls.incoming_point.id,
                "lot_id": lot.id,
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": cls.width_spec.id,
                            "value_float": width,
                            "value_is_set": True,
                            "gauge_id": gauge.id,
                        }
                    ),
                    Command.create(
                        {"spec_id": cls.visual_spec.id, "value_pass_fail": "pass"}
                    ),
                ],
            }
        )

    def checks_of(self, lot):
        return self.env["traceability.check"].search_count([("lot_id", "=", lot.id)])


class TestGauge(GaugeCommon):
    def test_due_date_and_state(self):
        """Due date = last passing calibration + interval; overdue when the due
        date is before today (ISO 10012:2003 7.1.2, calibration intervals)."""
        self.assertEqual(self.gauge.last_calibration_date, self.today - timedelta(10))
        self.assertEqual(self.gauge.calibration_due_date, self.today + timedelta(355))
        self.assertEqual(self.gauge.state, "valid")
        self.assertFalse(self.gauge.overdue)
        self.assertEqual(
            self.old_gauge.calibration_due_date, self.today - timedelta(10)
        )
        self.assertEqual(self.old_gauge.state, "overdue")
        self.assertTrue(self.old_gauge.overdue)
        new = self.Gauge.create({"name": "New", "code": "G-NEW"})
        self.assertEqual(new.state, "uncalibrated")
        self.assertFalse(new.calibration_due_date)

    def test_calibrated_gauge_stored_and_shown(self):
        check = self.gauged_check(self.lot_1, self.gauge)
        width = check.value_ids.filtered(lambda v: v.spec_id == self.width_spec)
        visual = check.value_ids - width
        self.assertEqual(width.gauge_id, self.gauge)
        self.assertFalse(visual.gauge_id)
        self.env.flush_all()
        event = self.env["traceability.lot.event"].search(
            [("lot_id", "=", self.lot_1.id), ("event_type", "=", "quality_check")]
        )
        self.assertEqual(event.note, "Resin incoming: Pass (gauge G-001)")

    def test_overdue_gauge_refuses_the_check(self):
        with self.refused(ValidationError, r"G-OLD.*overdue.*due \d{4}-\d\d-\d\d"):
            self.gauged_check(self.lot_1, self.old_gauge)
        self.assertEqual(self.checks_of(self.lot_1), 0)
        due = self.old_gauge.calibration_due_date.isoformat()
        with self.refused(ValidationError, due):
            self.gauged_check(self.lot_1, self.old_gauge)
        self.assertFalse(
            self.env["traceability.check.value"].search_count(
                [("gauge_id", "=", self.old_gauge.id)]
            )
        )

    def test_backdated_check_within_calibration(self):
        """What counts is the day the measurement was taken: a check dated
        before the due date is accepted (ISO 9001:2015 7.1.5.2)."""
        check = self.env["traceability.check"].create(
            {
                "control_point_id": self.incoming_point.id,
                "lot_id": self.lot_1.id,
                "date": fields.Datetime.now() - timedelta(days=20),
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": self.width_spec.id,
                            "value_float": 10.0,
                            "value_is_set": True,
                            "gauge_id": self.old_gauge.id,
                        }
                    ),
                    Command.create(
                        {"spec_id": self.visual_spec.id, "value_pass_fail": "pass"}
                    ),
                ],
            }
        )
        self.assertEqual(check.value_ids.gauge_id, self.old_gauge)

    def test_archived_failed_and_uncalibrated_gauges_refused(self):
        self.gauge.action_archive()
        with self.refused(ValidationError, "G-001.*archived"):
            self.gauged_check(self.lot_1, self.gauge)
        self.gauge.action_unarchive()
        self.gauge._record_calibration(self.today, "fail")
        self.assertEqual(self.gauge.state, "failed")
        self.assertEqual(self.gauge.last_calibration_date, self.today - timedelta(10))
        with self.refused(ValidationError, "G-001.*failed its last calibration"):
            self.gauged_check(self.lot_1, self.gauge)
        new = self.Gauge.create({"name": "New", "code": "G-NEW"})
        with self.refused(ValidationError, "G-NEW.*no passing calibration"):
            self.gauged_check(self.lot_1, new)
        self.assertEqual(self.checks_of(self.lot_1), 0)

    def test_spec_default_gauge(self):
        self.width_spec.gauge_id = self.gauge
        check = self.check(self.lot_1)
        width = check.value_ids.filtered(lambda v: v.spec_id == self.width_spec)
        self.assertEqual(width.gauge_id, self.gauge)
        self.width_spec.gauge_id = self.old_gauge
        with self.refused(ValidationError, "G-OLD"):
            self.check(self.lot_2)
        self.assertEqual(self.checks_of(self.lot_2), 0)

    def test_recording_a_calibration_moves_the_due_date(self):
        """A manager records a calibration with the wizard, over RPC; the due
        date moves to its date plus the interval, the gauge's chatter says so."""
        wizard_id = rpc(
            self.env,
            self.trace_manager,
            "traceability.gauge.calibration.wizard",
            "create",
            [{"gauge_id": self.old_gauge.id, "note": "Lab 42, cert 7"}],
        )
        rpc(
            self.env,
            self.trace_manager,
            "traceability.gauge.calibration.wizard",
            "action_confirm",
            [wizard_id],
        )
        self.assertEqual(self.old_gauge.last_calibration_date, self.today)
        self.assertEqual(
            self.old_gauge.calibration_due_date, self.today + timedelta(days=30)
        )
        self.assertEqual(self.old_gauge.state, "valid")
        latest = self.old_gauge.calibration_ids[0]
        self.assertEqual(
            (latest.user_id, latest.result, latest.note),
            (self.trace_manager, "pass", "Lab 42, cert 7"),
        )
        self.assertIn("recorded", self.old_gauge.message_ids[0].body)
        # Now usable.
        self.gauged_check(self.lot_1, self.old_gauge)
        self.assertEqual(self.checks_of(self.lot_1), 1)
        # Not in the future.
        with self.refused(UserError, "up to today"):
            self.old_gauge._record_calibration(self.today + timedelta(days=1), "pass")

    def test_user_cannot_touch_calibrations(self):
        """A Traceability User reads gauges and calibrations, changes none of
        them over RPC: the calibration record is evidence (see the README's
        trust model)."""
        calibration = self.gauge.calibration_ids
        due = self.gauge.calibration_due_date
        user = self.trace_user
        Calibration = "traceability.gauge.calibration"
        self.assertEqual(
            rpc(self.env, user, Calibration, "read", [calibration.ids, ["result"]])[0][
                "result"
            ],
            "pass",
        )
        attempts = [
            (
                Calibration,
                "create",
                [{"gauge_id": self.gauge.id, "date": "2099-01-01", "result": "pass"}],
            ),
            (Calibration, "write", [calibration.ids, {"date": "2099-01-01"}]),
            (Calibration, "unlink", [calibration.ids]),
            (
                "traceability.gauge",
                "write",
                [self.gauge.ids, {"calibration_due_date": "2099-01-01"}],
            ),
            (
                "traceability.gauge",
                "write",
                [self.gauge.ids, {"calibration_interval_days": 5000}],
            ),
            ("traceability.gauge", "action_record_calibration", [self.gauge.ids]),
            (
                "traceability.gauge.calibration.wizard",
                "create",
                [{"gauge_id": self.gauge.id}],
            ),
        ]
        for model, method, args in attempts:
            with (
                self.subTest(model=model, method=method),
                self.refused(UserError, "."),  # AccessError included
            ):
                rpc(self.env, user, model, method, args)
        self.env.invalidate_all()
        self.assertEqual(self.gauge.calibration_ids, calibration)
        self.assertEqual(calibration.date, self.today - timedelta(days=10))
        self.assertEqual(self.gauge.calibration_due_date, due)
        self.assertEqual(self.gauge.calibration_interval_days, 365)

    def test_manager_cannot_rewrite_evidence(self):
        """Even a manager changes the dates only by recording a calibration."""
        manager = self.trace_manager
        calibration = self.gauge.calibration_ids
        with self.refused(UserError, "record a calibration"):
            rpc(
                self.env,
                manager,
                "traceability.gauge",
                "write",
                [self.gauge.ids, {"last_calibration_date": "2099-01-01"}],
            )
        for method, args in (
            ("write", [calibration.ids, {"result": "fail"}]),
            ("unlink", [calibration.ids]),
        ):
            with self.refused(AccessError, "."):
                rpc(self.env, manager, "traceability.gauge.calibration", method, args)
        with self.refused(UserError, "archive it"):
            rpc(self.env, manager, "traceability.gauge", "unlink", [self.gauge.ids])
        self.env.invalidate_all()
        self.assertEqual(self.gauge.calibration_due_date, self.today + timedelta(355))
        self.assertEqual(calibration.result, "pass")

    def test_multi_company(self):
        """A gauge of company B is neither readable nor usable in company A."""
        with self.refused(
            ValidationError, "gauge of a measurement belongs to another company"
        ):
            self.gauged_check(self.lot_1, self.gauge_b)
        self.assertEqual(self.checks_of(self.lot_1), 0)
        found = rpc(
            self.env,
            self.trace_user,
            "traceability.gauge",
            "search_read",
            [[("code", "in", ["G-001", "G-B"])], ["code"]],
        )
        self.assertEqual([row["code"] for row in found], ["G-001"])
        # Codes are unique per company, not across companies.
        self.Gauge.create(
            {"name": "Another", "code": "G-B", "company_id": self.env.company.id}
        )
        with mute_logger("odoo.sql_db"), self.refused(Exception, "unique"):
            self.Gauge.create(
                {"name": "Twice", "code": "G-B", "company_id": self.company_b.id}
            )


class TestGaugeScans(GaugeCommon):
    """Device scans naming a gauge (``traceability.scan.record_scans``, as the
    device API's user calls it)."""

    def scan(self, uid, **values):
        item = {
            "client_uid": uid,
            "code": "GAUGE-1",
            "control_point": self.incoming_point.id,
            "values": {"Width": 10.1, "Visual": "pass"},
        }
        item.update(values)
        return item

    def test_batch_with_an_overdue_gauge(self):
        scans = [
            self.scan("g1", gauge="G-001"),
            self.scan("g2", gauge="G-OLD"),
            self.scan("g3", gauge="G-B"),
            self.scan("g4", gauge="NO-SUCH"),
            self.scan("g5", gauge=42),
            self.scan("g6"),
        ]
        results = rpc(
            self.env,
            self.trace_user,
            "traceability.scan",
            "record_scans",
            [scans],
            kwargs={"device_id": "HH-G"},
        )
        self.assertEqual(
            [result["status"] for result in results],
            ["created", "error", "error", "error", "error", "created"],
        )
        due = self.old_gauge.calibration_due_date.isoformat()
        self.assertIn("G-OLD", results[1]["error"])
        self.assertIn(f"overdue for calibration (due {due})", results[1]["error"])
        self.assertIn("Unknown gauge: G-B", results[2]["error"])
        self.assertIn("Unknown gauge: NO-SUCH", results[3]["error"])
        self.assertIn("gauge must be a string", results[4]["error"])
        checks = self.env["traceability.check"].search([("device_id", "=", "HH-G")])
        self.assertEqual(sorted(checks.mapped("client_uid")), ["g1", "g6"])
        gauged = checks.filtered(lambda check: check.client_uid == "g1")
        by_spec = {value.spec_id: value.gauge_id for value in gauged.value_ids}
        self.assertEqual(by_spec[self.width_spec], self.gauge)
        self.assertFalse(by_spec[self.visual_spec])

    def test_overdue_spec_gauge_is_an_item_error(self):
        """A spec's default gauge gone overdue: refused at create, still an
        error of that item only."""
        self.width_spec.gauge_id = self.old_gauge
        results = self.env["traceability.scan"].record_scans(
            [self.scan("s1"), self.scan("s2", gauge="G-001")], device_id="HH-S"
        )
        self.assertEqual([r["status"] for r in results], ["error", "created"])
        self.assertIn("G-OLD", results[0]["error"])


@tagged("post_install", "-at_install")
class TestGaugeDeviceApi(HttpCase):
    """``POST /traceability/api/v1/scans``: an overdue gauge is an item error
    of a 200 answer, never a 5xx."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Gauge Resin", "is_storable": True, "tracking": "lot"}
        )
        cls.env["stock.lot"].create({"name": "GHTTP-1", "product_id": product.id})
        cls.env["traceability.control.point"].create(
            {
                "name": "Gauge HTTP point",
                "spec_ids": [(0, 0, {"name": "Weight", "value_type": "numeric"})],
            }
        )
        today = fields.Date.context_today(cls.env["traceability.gauge"])
        good, old = cls.env["traceability.gauge"].create(
            [
                {"name": "Scale", "code": "GH-OK"},
                {"name": "Old scale", "code": "GH-OLD", "calibration_interval_days": 1},
            ]
        )
        good._record_calibration(today, "pass")
        old._record_calibration(today - timedelta(days=5), "pass")
        user = new_test_user(cls.env, "gauge_device", groups=TRACE + "user")
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(user)
            ._generate(None, "MES", fields.Datetime.now() + timedelta(days=1))
        )

    def test_overdue_gauge_item_error(self):
        scans = [
            {
                "client_uid": uid,
                "code": "GHTTP-1",
                "control_point": "Gauge HTTP point",
                "values": {"Weight": 3.5},
                "gauge": gauge,
            }
            for uid, gauge in (("h1", "GH-OK"), ("h2", "GH-OLD"), ("h3", "GH-OK"))
        ]
        response = self.url_open(
            "/traceability/api/v1/scans",
            data=json.dumps({"device_id": "MES-G", "scans": scans}),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.key}",
            },
        )
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        self.assertEqual((answer["created"], answer["errors"]), (2, 1))
        self.assertIn("GH-OLD", answer["results"][1]["error"])
        values = self.env["traceability.check.value"].search(
            [("check_id.device_id", "=", "MES-G")]
        )
        self.assertEqual(values.gauge_id.mapped("code"), ["GH-OK"])
