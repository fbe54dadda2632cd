# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ISO 2859-1 single sampling at a key control point, on real receipts.

References: ISO 2859-1:1999 Table 1 (code letters), Tables 2-A/2-B (single
sampling, normal and tightened) and clause 9.3 (switching rules); the same
tables in ANSI/ASQ Z1.4-2003 and MIL-STD-105E."""

import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import iso2859
from .common import QualityCommon, rpc


@tagged("post_install", "-at_install")
class TestSampling(QualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sampling_point = cls.env["traceability.control.point"].create(
            {
                "name": "Resin AQL sampling",
                "stage": "incoming",
                "product_ids": [Command.link(cls.raw.id)],
                "sampling": "iso2859",
                "aql": "0.65",
                "inspection_level": "II",
            }
        )
        cls.trace_user = new_test_user(
            cls.env,
            "sampling_user",
            groups="quality_traceability.group_traceability_user",
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "sampling_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.lot_count = 0

    def receive_lot(self, quantity=100):
        """One receipt from the test vendor of one vendor lot of resin."""
        type(self).lot_count += 1
        name = f"SMP-{self.lot_count}"
        self.receive([(name, quantity)])
        return self.lot(self.raw, name)

    def inspect(self, defects, quantity=100):
        lot = self.receive_lot(quantity)
        return self.env["traceability.check"].create(
            {
                "control_point_id": self.sampling_point.id,
                "lot_id": lot.id,
                "defect_count": defects,
            }
        )

    def test_plan_of_a_real_receipt(self):
        """Lot of 2000 received, level II: code letter K, n = 125; AQL 0.65
        normal: Ac 2, Re 3 (ISO 2859-1 Table 1 and Table 2-A)."""
        lot = self.receive_lot(2000)
        instruction = self.sampling_point._sampling_instruction(lot)
        self.assertEqual(
            instruction,
            {
                "code_letter": "K",
                "sample_size": 125,
                "ac": 2,
                "re": 3,
                "severity": "normal",
                "lot_quantity": 2000,
                "skip": False,
            },
        )
        check = self.env["traceability.check"].create(
            {
                "control_point_id": self.sampling_point.id,
                "lot_id": lot.id,
                "defect_count": 2,
            }
        )
        self.assertEqual(check.partner_id, self.vendor)
        self.assertEqual(check.lot_quantity, 2000)
        self.assertEqual(check.sample_code_letter, "K")
        self.assertEqual(check.sample_size, 125)
        self.assertEqual((check.sample_ac, check.sample_re), (2, 3))
        self.assertEqual(check.inspection_severity, "normal")
        self.assertEqual(check._sampling_instruction(), instruction)

    def test_skip_lot(self):
        """Skip-lot (ISO 2859-3, as tools/iso2859.skip_lot): after 10 lots
        accepted in a row, one lot in two is released without inspection (a
        skipped check, sample 0, kept as evidence); a rejection brings back
        lot-by-lot inspection."""
        for _index in range(iso2859.SKIP_QUALIFY):
            self.assertEqual(self.inspect(0).result, "pass")
        lot = self.receive_lot()
        self.assertEqual(lot.quality_state, "quarantine")
        plan = self.sampling_point._sampling_instruction(lot)
        self.assertTrue(plan["skip"])
        self.assertEqual((plan["sample_size"], plan["severity"]), (0, "normal"))
        skipped = self.env["traceability.check"].create(
            {"control_point_id": self.sampling_point.id, "lot_id": lot.id}
        )
        self.assertEqual(
            (skipped.sample_skipped, skipped.sample_size, skipped.result),
            (True, 0, "pass"),
        )
        self.assertEqual(lot.quality_state, "released")
        # The next lot is inspected: rejected, lot-by-lot again.
        inspected = self.receive_lot()
        self.assertFalse(self.sampling_point._sampling_instruction(inspected)["skip"])
        self.env["traceability.check"].create(
            {
                "control_point_id": self.sampling_point.id,
                "lot_id": inspected.id,
                "defect_count": 5,
            }
        )
        after = self.receive_lot()
        self.assertFalse(self.sampling_point._sampling_instruction(after)["skip"])

    def test_defect_count_decides(self):
        """Pass with Ac nonconforming items, fail (and hold the lot) with Re."""
        passed = self.inspect(2, quantity=2000)
        self.assertEqual(passed.result, "pass")
        failed = self.inspect(3, quantity=2000)
        self.assertEqual(failed.result, "fail")
        self.assertEqual(failed.lot_id.quality_state, "blocked")
        self.assertTrue(failed.nonconformance_ids)

    def test_full_inspection_unchanged(self):
        """Without sampling the result still comes from the measurements."""
        lot = self.receive_lot()
        check = self.check(lot, width=12.0)
        self.assertFalse(check.sample_code_letter)
        self.assertEqual(check.result, "fail")
        self.assertEqual(self.check(lot).result, "pass")

    def test_switch_to_tightened_and_back(self):
        """2 lots not accepted of 5 or fewer consecutive lots: tightened
        (9.3.1); 5 consecutive lots accepted: normal again (9.3.2). Lot of 100,
        level II: F (n = 20); AQL 0.65 normal F: 0/1; tightened: the arrow
        leads to G (n = 32), 0/1 (Tables 2-A and 2-B)."""
        first = self.inspect(1)
        self.assertEqual((first.inspection_severity, first.sample_size), ("normal", 20))
        self.assertEqual(first.result, "fail")
        self.assertEqual(self.inspect(0).inspection_severity, "normal")
        self.assertEqual(self.inspect(1).result, "fail")
        checks = [self.inspect(0) for _index in range(5)]
        self.assertEqual(
            [check.inspection_severity for check in checks], ["tightened"] * 5
        )
        self.assertEqual(
            (checks[0].sample_code_letter, checks[0].sample_size), ("G", 32)
        )
        after = self.inspect(0)
        self.assertEqual(after.inspection_severity, "normal")
        self.assertEqual(after.sample_size, 20)
        self.assertIn("Normal", self.vendor.traceability_sampling_html)

    def test_voided_check_does_not_count(self):
        """A voided check is not a lot outcome: the vendor stays normal."""
        self.inspect(1)
        second = self.inspect(1)
        self.assertEqual(self.inspect(0).inspection_severity, "tightened")
        second.with_user(self.trace_manager).action_void("Wrong sample")
        self.assertEqual(
            self.env["traceability.check"]._sampling_severity(self.vendor, self.raw),
            "normal",
        )
        self.assertEqual(self.inspect(0).inspection_severity, "normal")
        self.assertIn("Normal", self.vendor.traceability_sampling_html)

    def test_user_cannot_set_the_plan(self):
        """The plan and severity are computed: a check user sends them in vain
        at creation and cannot write them afterwards (RPC path)."""
        lot = self.receive_lot(2000)
        check_id = rpc(
            self.env,
            self.trace_user,
            "traceability.check",
            "create",
            [
                {
                    "control_point_id": self.sampling_point.id,
                    "lot_id": lot.id,
                    "defect_count": 2,
                    "sample_size": 1,
                    "sample_ac": 99,
                    "sample_re": 100,
                    "inspection_severity": "reduced",
                }
            ],
        )
        check = self.env["traceability.check"].browse(check_id)
        self.assertEqual(
            (check.sample_size, check.sample_ac, check.sample_re), (125, 2, 3)
        )
        self.assertEqual(check.inspection_severity, "normal")
        for vals in ({"inspection_severity": "reduced"}, {"sample_ac": 50}):
            with self.refused(UserError, "cannot be changed"):
                rpc(
                    self.env,
                    self.trace_user,
                    "traceability.check",
                    "write",
                    [[check.id], vals],
                )
        self.assertEqual(check.inspection_severity, "normal")
        self.assertEqual(check.sample_ac, 2)

    def test_defect_count_within_sample(self):
        lot = self.receive_lot()
        with self.assertRaises(UserError):
            self.env["traceability.check"].create(
                {
                    "control_point_id": self.sampling_point.id,
                    "lot_id": lot.id,
                    "defect_count": 21,
                }
            )


@tagged("post_install", "-at_install")
class TestSamplingDevices(QualityCommon, HttpCase):
    """The scanner screen and the device API show how many units to sample and
    the Ac/Re numbers, and take the nonconforming items found."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sampling_point = cls.env["traceability.control.point"].create(
            {
                "name": "Resin AQL sampling",
                "stage": "incoming",
                "product_ids": [Command.link(cls.raw.id)],
                "sampling": "iso2859",
                "aql": "0.65",
                "inspection_level": "II",
            }
        )
        cls.receive([("SMD-1", 2000)])
        cls.lot_1 = cls.lot(cls.raw, "SMD-1")
        cls.device_user = new_test_user(
            cls.env,
            "sampling_device",
            groups="quality_traceability.group_traceability_user",
        )
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.device_user)
            ._generate(None, "MES", fields.Datetime.now() + timedelta(days=1))
        )

    def sampling_of(self, answer):
        [point] = [
            point for point in answer["points"] if point["id"] == self.sampling_point.id
        ]
        return point["sampling"]

    def test_scanner_shows_and_takes_the_sample(self):
        answer = rpc(
            self.env, self.device_user, "traceability.scan", "scanner_lookup", ["SMD-1"]
        )
        sampling = self.sampling_of(answer)
        # ISO 2859-1 Table 1 and Table 2-A: 2000, level II, AQL 0.65 normal.
        self.assertEqual(
            (sampling["code_letter"], sampling["sample_size"], sampling["ac"]),
            ("K", 125, 2),
        )
        self.assertEqual((sampling["re"], sampling["severity_label"]), (3, "Normal"))
        # No count for a sampling point: refused, nothing stored.
        checks = self.env["traceability.check"].search([])
        result = rpc(
            self.env,
            self.device_user,
            "traceability.scan",
            "scanner_submit",
            [self.lot_1.id, self.sampling_point.id, {}],
        )
        self.assertEqual(result["status"], "error")
        self.assertEqual(self.env["traceability.check"].search([]), checks)
        result = rpc(
            self.env,
            self.device_user,
            "traceability.scan",
            "scanner_submit",
            [self.lot_1.id, self.sampling_point.id, {}],
            {"defect_count": 3},
        )
        self.assertEqual((result["status"], result["result"]), ("created", "fail"))
        check = self.env["traceability.check"].browse(result["id"])
        self.assertEqual((check.defect_count, check.sample_size), (3, 125))

    def test_device_api_lookup_and_scan(self):
        headers = {"Authorization": f"Bearer {self.key}"}
        response = self.url_open(
            "/traceability/api/v1/lookup?code=SMD-1", headers=headers
        )
        self.assertEqual(response.status_code, 200)
        sampling = self.sampling_of(response.json())
        self.assertEqual((sampling["sample_size"], sampling["re"]), (125, 3))
        self.assertEqual(
            self.url_open(
                "/traceability/api/v1/lookup?code=NO-SUCH-LOT", headers=headers
            ).status_code,
            404,
        )
        scans = [
            {
                "client_uid": f"smd-{index}",
                "code": "SMD-1",
                "control_point": self.sampling_point.id,
            }
            | extra
            for index, extra in enumerate(
                ({"defect_count": 1}, {"defect_count": -1}, {"defect_count": "2"}, {})
            )
        ]
        response = self.url_open(
            "/traceability/api/v1/scans",
            data=json.dumps({"device_id": "MES-S", "scans": scans}),
            headers=dict(headers, **{"Content-Type": "application/json"}),
        )
        results = response.json()["results"]
        self.assertEqual(
            [result["status"] for result in results],
            ["created", "error", "error", "error"],
        )
        check = self.env["traceability.check"].browse(results[0]["id"])
        self.assertEqual((check.defect_count, check.result), (1, "pass"))
