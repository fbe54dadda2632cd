# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import spc
from .common import QualityCommon, rpc

# Widths of a stable production (mm, specification 9-11, target 10).
BASELINE = (10.0, 10.1, 9.9, 10.05, 9.95, 10.1, 9.9, 10.0, 10.02, 10.04)
START = datetime(2026, 3, 2, 8, 0)


class TestCapability(QualityCommon):
    """Cp, Cpk, Pp, Ppk of a numeric measurement over its recorded values, the
    X-bar and R chart of subgrouped measurements, and control limits frozen
    from a baseline period (tools/spc.py: NIST/SEMATECH e-Handbook 6.1.6 and
    6.3.2, ASTM E2587)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("CAP-1", 10)])
        cls.lot_1 = cls.lot(cls.raw, "CAP-1")
        cls.Point = cls.env["traceability.spc.point"]
        cls.manager = new_test_user(
            cls.env,
            "cap_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "cap_inspector",
            groups="quality_traceability.group_traceability_user",
        )

    def record(self, widths, start=START):
        """One check per width, an hour apart from ``start``."""
        return [
            self.check(self.lot_1, width=width, date=start + timedelta(hours=hour))
            for hour, width in enumerate(widths)
        ]

    def freeze(self, spec, start, end, user=None):
        spec.write({"baseline_start": start, "baseline_end": end})
        spec.with_user(user or self.manager).action_freeze_limits()

    def test_capability_of_recorded_values(self):
        """The spec's Cp, Cpk, Pp, Ppk equal tools.spc.capability of its
        recorded values (voided checks left out)."""
        self.record(BASELINE)
        self.check(self.lot_1, width=10.9).action_void("Wrong gauge")
        spec = self.width_spec
        expected = spc.capability(BASELINE, lsl=9, usl=11)
        spec.invalidate_recordset(["cp", "cpk", "pp", "ppk", "capability_count"])
        # The form shows them with two decimals.
        self.assertEqual(spec.capability_count, len(BASELINE))
        self.assertAlmostEqual(spec.cp, expected.cp, places=2)
        self.assertAlmostEqual(spec.cpk, expected.cpk, places=2)
        self.assertAlmostEqual(spec.pp, expected.pp, places=2)
        self.assertAlmostEqual(spec.ppk, expected.ppk, places=2)
        self.assertLessEqual(spec.cpk, spec.cp)
        # Subgroups of 2: Cp from R-bar / d2 (d2 = 1.128 for n = 2).
        spec.subgroup_size = 2
        spec.invalidate_recordset(["cp", "cpk", "pp", "ppk"])
        expected = spc.capability(BASELINE, lsl=9, usl=11, subgroup_size=2)
        ranges = [abs(BASELINE[i + 1] - BASELINE[i]) for i in range(0, 10, 2)]
        self.assertAlmostEqual(expected.sigma_within, sum(ranges) / len(ranges) / 1.128)
        self.assertAlmostEqual(spec.cp, expected.cp, places=2)
        self.assertAlmostEqual(spec.pp, expected.pp, places=2)
        # The analytics screen shows the same figures for the same values.
        data = self.Point.traceability_control_chart_data([("spec_id", "=", spec.id)])
        [chart] = data["charts"]
        self.assertEqual(chart["capability"]["count"], len(BASELINE))
        self.assertAlmostEqual(chart["capability"]["cp"], expected.cp)
        self.assertAlmostEqual(chart["capability"]["ppk"], expected.ppk)

    def test_one_sided_spec_has_only_cpk(self):
        self.width_spec.write({"has_min": False, "min_value": 0})
        self.record(BASELINE)
        data = self.Point.traceability_control_chart_data(
            [("spec_id", "=", self.width_spec.id)]
        )
        capability = data["charts"][0]["capability"]
        self.assertIsNone(capability["cp"])
        self.assertIsNone(capability["pp"])
        expected = spc.capability(BASELINE, usl=11)
        self.assertAlmostEqual(capability["cpk"], expected.cpk)
        self.assertAlmostEqual(capability["ppk"], expected.ppk)

    def test_xbar_r_chart_of_subgroups(self):
        """Subgroups of 5 consecutive values: X-bar chart X-double-bar ± A2
        R-bar, R chart D3 R-bar - D4 R-bar (A2 = 0.577, D4 = 2.114 for n = 5;
        NIST/SEMATECH 6.3.2, ASTM E2587)."""
        widths = BASELINE + (10.03, 9.97, 10.0, 10.06, 9.98, 10.01, 10.02)
        self.record(widths)
        self.width_spec.subgroup_size = 5
        data = self.Point.traceability_control_chart_data(
            [("spec_id", "=", self.width_spec.id)]
        )
        [chart] = data["charts"]
        xbar_r = chart["xbar_r"]
        self.assertEqual(xbar_r["size"], 5)
        groups = [widths[i : i + 5] for i in range(0, 15, 5)]  # 2 left out
        self.assertEqual(len(xbar_r["subgroups"]), 3)
        means = [sum(group) / 5 for group in groups]
        ranges = [max(group) - min(group) for group in groups]
        grand, r_bar = sum(means) / 3, sum(ranges) / 3
        limits = xbar_r["limits"]
        self.assertAlmostEqual(limits["mean"], grand)
        self.assertAlmostEqual(limits["ucl"], grand + 0.577 * r_bar)
        self.assertAlmostEqual(limits["lcl"], grand - 0.577 * r_bar)
        self.assertAlmostEqual(limits["r_ucl"], 2.114 * r_bar)
        self.assertEqual(limits["r_lcl"], 0)
        self.assertEqual([group["mean"] for group in xbar_r["subgroups"]], means)
        self.assertEqual(xbar_r["out_of_control"], 0)
        # The individuals chart is still there, beside it.
        self.assertEqual(len(chart["points"]), len(widths))
        # Subgroups of 1: no X-bar and R chart.
        self.width_spec.subgroup_size = 1
        data = self.Point.traceability_control_chart_data(
            [("spec_id", "=", self.width_spec.id)]
        )
        self.assertFalse(data["charts"][0]["xbar_r"])

    def test_subgroup_size_bounds(self):
        with self.assertRaises(ValidationError):
            self.width_spec.subgroup_size = 11
        with self.assertRaises(ValidationError):
            self.width_spec.subgroup_size = 0

    def test_frozen_limits_do_not_move(self):
        """Limits frozen from the baseline period stay where they are when new
        points arrive; the chart, the points' view and the alarms use them."""
        self.record(BASELINE)
        spec = self.width_spec
        self.freeze(spec, START, START + timedelta(hours=len(BASELINE)))
        expected = spc.individuals_limits(BASELINE)
        self.assertTrue(spec.limits_frozen)
        self.assertEqual(spec.frozen_count, len(BASELINE))
        self.assertEqual(spec.frozen_user_id, self.manager)
        self.assertAlmostEqual(spec.frozen_center, expected.mean, places=5)
        self.assertAlmostEqual(spec.frozen_ucl, expected.ucl, places=5)
        self.assertAlmostEqual(spec.frozen_lcl, expected.lcl, places=5)
        self.assertIn("frozen", spec.control_point_id.message_ids[0].body.lower())
        # A shift after the baseline: computed limits would follow it.
        later = START + timedelta(days=1)
        shifted = (10.3, 10.32, 10.28, 10.31, 10.29, 10.3, 10.33, 10.3)
        self.record(shifted, start=later)
        values = spec._spc_values()
        self.assertEqual(len(values), len(BASELINE) + len(shifted))
        limits = spec._spc_limits(values)
        self.assertAlmostEqual(limits.mean, expected.mean, places=5)
        self.assertAlmostEqual(limits.ucl, expected.ucl, places=5)
        self.assertAlmostEqual(limits.lcl, expected.lcl, places=5)
        self.assertNotAlmostEqual(
            spc.individuals_limits(values).mean, expected.mean, places=3
        )
        data = self.Point.traceability_control_chart_data([("spec_id", "=", spec.id)])
        [chart] = data["charts"]
        self.assertTrue(chart["limits_frozen"])
        self.assertAlmostEqual(chart["limits"]["ucl"], expected.ucl, places=5)
        # Eight in a row above the frozen centre line: rule 4 on the last.
        self.assertIn(4, chart["points"][-1]["rules"])
        self.env.flush_all()
        points = self.Point.search([("spec_id", "=", spec.id)])
        self.assertAlmostEqual(points[0].ucl, expected.ucl, places=4)
        self.assertAlmostEqual(points[0].mean, expected.mean, places=4)
        # Unfrozen: computed from the values again.
        spec.with_user(self.manager).action_unfreeze_limits()
        self.assertFalse(spec.limits_frozen)
        self.assertAlmostEqual(
            spec._spc_limits(values).mean, spc.individuals_limits(values).mean
        )

    def test_alarm_against_frozen_limits(self):
        """A drift the recomputed limits would absorb raises the alarm against the
        limits frozen from a stable baseline, from its first points on."""
        self.incoming_point.user_id = self.manager
        self.record(BASELINE)
        spec = self.width_spec
        self.freeze(spec, START, START + timedelta(hours=len(BASELINE)))
        Activity = self.env["mail.activity"]
        domain = [
            ("res_model", "=", "traceability.control.point"),
            ("res_id", "=", self.incoming_point.id),
        ]
        before = Activity.search(domain)
        expected = spc.individuals_limits(BASELINE)
        # Within specification (9-11), beyond the frozen upper limit.
        drifted = round(expected.ucl + 0.05, 3)
        self.assertLess(drifted, 11)
        self.check(self.lot_1, width=drifted, date=START + timedelta(days=1))
        activity = Activity.search(domain) - before
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("rules 1", activity.summary)

    def test_frozen_xbar_r_limits(self):
        widths = BASELINE + (10.3, 10.32, 10.28, 10.31, 10.29)
        self.record(widths)
        spec = self.width_spec
        spec.subgroup_size = 5
        # The baseline holds 11 values: the complete subgroups (10) count.
        self.freeze(spec, START, START + timedelta(hours=10))
        groups = [BASELINE[:5], BASELINE[5:]]
        expected = spc.xbar_r_limits(groups)
        self.assertEqual(spec.frozen_count, 10)
        self.assertAlmostEqual(spec.frozen_center, expected.xbar.mean, places=5)
        self.assertAlmostEqual(spec.frozen_range_mean, expected.r_bar, places=5)
        data = self.Point.traceability_control_chart_data([("spec_id", "=", spec.id)])
        xbar_r = data["charts"][0]["xbar_r"]
        self.assertAlmostEqual(xbar_r["limits"]["ucl"], expected.xbar.ucl, places=5)
        # The shifted third subgroup is beyond the frozen UCL.
        self.assertEqual(xbar_r["subgroups"][-1]["rules"][:1], [1])
        with self.assertRaises(ValidationError):
            spec.subgroup_size = 4

    def test_freeze_needs_a_baseline_with_values(self):
        spec = self.width_spec.with_user(self.manager)
        with self.assertRaises(UserError):
            spec.action_freeze_limits()
        self.record(BASELINE[:1])
        spec.write({"baseline_start": START, "baseline_end": START})
        with self.assertRaises(UserError):
            spec.action_freeze_limits()
        self.assertFalse(spec.limits_frozen)
        with self.assertRaises(UserError):
            self.visual_spec.with_user(self.manager).action_freeze_limits()

    def test_only_a_manager_freezes(self):
        """A Traceability User over RPC may neither freeze nor unfreeze, nor
        write the frozen limits; nothing changes."""
        self.record(BASELINE)
        spec = self.width_spec
        spec.write(
            {
                "baseline_start": START,
                "baseline_end": START + timedelta(hours=len(BASELINE)),
            }
        )
        with self.refused(AccessError, "traceability manager"):
            rpc(
                self.env,
                self.inspector,
                "traceability.control.spec",
                "action_freeze_limits",
                [spec.ids],
            )
        self.assertFalse(spec.limits_frozen)
        self.assertFalse(spec.frozen_ucl)
        rpc(
            self.env,
            self.manager,
            "traceability.control.spec",
            "action_freeze_limits",
            [spec.ids],
        )
        spec.invalidate_recordset()
        ucl = spec.frozen_ucl
        self.assertTrue(spec.limits_frozen)
        with self.refused(AccessError, "traceability manager"):
            rpc(
                self.env,
                self.inspector,
                "traceability.control.spec",
                "action_unfreeze_limits",
                [spec.ids],
            )
        for user in (self.inspector, self.manager):
            with self.refused(AccessError, "frozen_ucl|traceability.control.spec"):
                rpc(
                    self.env,
                    user,
                    "traceability.control.spec",
                    "write",
                    [spec.ids, {"frozen_ucl": 99.0}],
                )
        spec.invalidate_recordset()
        self.assertTrue(spec.limits_frozen)
        self.assertEqual(spec.frozen_ucl, ucl)
        # Nor created frozen at limits of one's choosing.
        with self.refused(AccessError, "limits_frozen"):
            rpc(
                self.env,
                self.manager,
                "traceability.control.spec",
                "create",
                [
                    {
                        "control_point_id": spec.control_point_id.id,
                        "name": "Forged",
                        "limits_frozen": True,
                        "frozen_ucl": 99.0,
                    }
                ],
            )
        self.assertFalse(
            self.env["traceability.control.spec"].search([("name", "=", "Forged")])
        )


@tagged("post_install", "-at_install")
class TestCapabilityTour(HttpCase):
    """What a quality manager sees on the control chart of a parameter
    measured in subgroups of 5 with limits frozen from a baseline: Cp, Cpk,
    Pp, Ppk and n, and the X-bar and R chart beside the individuals chart."""

    def test_capability_tour(self):
        product = self.env["product.product"].create(
            {"name": "Tour Bore Part", "is_storable": True, "tracking": "lot"}
        )
        point = self.env["traceability.control.point"].create(
            {
                "name": "Tour Bore Gauge",
                "stage": "incoming",
                "product_ids": [Command.link(product.id)],
                "spec_ids": [
                    Command.create(
                        {
                            "name": "Tour Bore",
                            "unit": "mm",
                            "value_type": "numeric",
                            "has_min": True,
                            "min_value": 9,
                            "has_max": True,
                            "max_value": 11,
                            "subgroup_size": 5,
                        }
                    )
                ],
            }
        )
        spec = point.spec_ids
        widths = BASELINE + (10.3, 10.32, 10.28, 10.31, 10.29)
        for hour, width in enumerate(widths):
            lot = self.env["stock.lot"].create(
                {"name": f"TOUR-CAP-{hour:02d}", "product_id": product.id}
            )
            self.env["traceability.check"].create(
                {
                    "control_point_id": point.id,
                    "lot_id": lot.id,
                    "date": START + timedelta(hours=hour),
                    "value_ids": [
                        Command.create(
                            {
                                "spec_id": spec.id,
                                "value_float": width,
                                "value_is_set": True,
                            }
                        )
                    ],
                }
            )
        spec.write(
            {"baseline_start": START, "baseline_end": START + timedelta(hours=9)}
        )
        spec.action_freeze_limits()
        self.start_tour(
            f"/odoo/{spec.id}/action-quality_traceability.traceability_control_chart_spec_action",
            "quality_traceability_capability_tour",
            login="admin",
        )
