# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user

from .common import QualityCommon


class TestAnalytics(QualityCommon):
    """Vendor pass rate and PPM, first-pass yield, defect Pareto, control
    charts and their alarms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("AN-1", 10), ("AN-2", 30)])
        cls.lot_1 = cls.lot(cls.raw, "AN-1")
        cls.lot_2 = cls.lot(cls.raw, "AN-2")
        cls.Report = cls.env["traceability.quality.report"]

    def test_vendor_pass_rate_and_ppm(self):
        self.check(self.lot_1, width=30)
        self.check(self.lot_2)
        self.env.flush_all()
        [group] = self.Report.read_group(
            [("partner_id", "=", self.vendor.id)],
            ["pass_rate:avg", "ppm:sum", "check_count:sum"],
            ["partner_id"],
        )
        self.assertEqual(group["check_count"], 2)
        self.assertAlmostEqual(group["pass_rate"], 50.0)
        self.assertAlmostEqual(group["ppm"], 10 / 40 * 1000000)
        by_month = self.Report.read_group(
            [("partner_id", "=", self.vendor.id)], ["ppm:sum"], ["date:month"]
        )
        self.assertEqual(len(by_month), 1)

    def test_first_pass_yield(self):
        self.check(self.lot_1, width=30)
        self.check(self.lot_1)  # second check: not a first pass
        self.check(self.lot_2)
        self.env.flush_all()
        [group] = self.Report.read_group(
            [("lot_id", "in", (self.lot_1 | self.lot_2).ids)],
            ["first_pass_yield:avg"],
            [],
        )
        self.assertAlmostEqual(group["first_pass_yield"], 50.0)

    def test_defect_pareto(self):
        self.check(self.lot_1, width=30)
        self.check(self.lot_2, width=30, visual="fail")
        groups = self.env["traceability.check.value"].read_group(
            [("result", "=", "fail")], ["__count"], ["spec_id"], orderby="__count desc"
        )
        self.assertEqual(
            [(g["spec_id"][1], g["spec_id_count"]) for g in groups],
            [("Width", 2), ("Visual", 1)],
        )

    def test_control_chart_and_alarm(self):
        manager = new_test_user(
            self.env,
            "spc_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        self.incoming_point.user_id = manager
        Activity = self.env["mail.activity"]
        for width in (10.0, 10.1, 9.9, 10.05, 9.95, 10.1, 9.9, 10.0, 10.02):
            self.check(self.lot_1, width=width)
        self.assertFalse(
            Activity.search([("res_model", "=", "traceability.control.point")])
        )
        self.check(self.lot_2, width=10.9)  # within spec, beyond 3 sigma
        activity = Activity.search(
            [
                ("res_model", "=", "traceability.control.point"),
                ("res_id", "=", self.incoming_point.id),
            ]
        )
        self.assertEqual(activity.user_id, manager)
        self.assertIn("rules 1", activity.summary)
        self.env.flush_all()
        points = self.env["traceability.spc.point"].search(
            [("spec_id", "=", self.width_spec.id)]
        )
        self.assertEqual(len(points), 10)
        mean = sum(points.mapped("value")) / 10
        self.assertAlmostEqual(points[0].mean, mean, places=4)
        self.assertTrue(points[0].ucl > mean > points[0].lcl)
        self.assertEqual(points.filtered("out_of_control").check_id.lot_id, self.lot_2)
