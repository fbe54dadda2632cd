# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import QualityCommon, rpc

# The widths of ten incoming checks: nine in control, the last beyond 3 sigma
# (still within the 9-11 mm specification).
WIDTHS = (10.0, 10.1, 9.9, 10.05, 9.95, 10.1, 9.9, 10.0, 10.02, 10.9)


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

    def test_first_pass_yield_per_product_and_week(self):
        self.check(self.lot_1, width=30)
        self.check(self.lot_1)  # second check of the lot: not a first pass
        self.check(self.lot_2)
        self.env.flush_all()
        action = self.env.ref("quality_traceability.traceability_fpy_action")
        graph = etree.fromstring(
            self.Report.get_view(action.view_id.id, "graph")["arch"]
        )
        groupby = [
            f"{field.get('name')}:{field.get('interval')}"
            if field.get("interval")
            else field.get("name")
            for field in graph.iter("field")
            if field.get("type") != "measure"
        ]
        self.assertEqual(groupby, ["date:week", "product_id"])
        lots = self.lot_1 | self.lot_2
        domain = [*literal_eval(action.domain), ("lot_id", "in", lots.ids)]
        groups = self.Report.read_group(
            domain, ["first_pass_yield:avg", "check_count:sum"], groupby, lazy=False
        )
        self.assertEqual(
            [
                (g["product_id"][0], g["check_count"], g["first_pass_yield"])
                for g in groups
            ],
            [(self.raw.id, 2, 50.0)],
        )
        self.assertTrue(all(g["date:week"] for g in groups))

    def test_defect_pareto_counts_failures_only(self):
        self.check(self.lot_1, width=30)
        self.check(self.lot_2, width=30, visual="fail")
        self.check(self.lot_2, width=10.0)  # passing values are not defects
        voided = self.check(self.lot_1, width=31, visual="fail")
        voided.action_void("Gauge not calibrated")
        domain = [("control_point_id", "=", self.incoming_point.id)]
        pareto = self.Report.traceability_defect_pareto(domain)
        self.assertEqual(pareto["total"], 3)
        self.assertEqual(
            [
                (bar["name"], bar["count"], round(bar["cumulative_percent"], 2))
                for bar in pareto["bars"]
            ],
            [("Width", 2, 66.67), ("Visual", 1, 100.0)],
        )
        self.assertEqual(pareto["bars"][0]["control_point"], "Resin incoming")
        # The menu's default filters both apply (failed and not voided).
        action = self.env.ref("quality_traceability.traceability_defect_pareto_action")
        search = etree.fromstring(
            self.env["traceability.check.value"].get_view(
                action.search_view_id.id, "search"
            )["arch"]
        )
        filters = [
            node.tag if node.tag == "separator" else node.get("name")
            for node in search
            if node.tag in ("filter", "separator")
        ]
        self.assertLess(
            filters.index("failed"),
            filters.index("separator"),
            "failed and not " "voided are in different groups: Odoo ANDs them",
        )
        self.assertLess(filters.index("separator"), filters.index("not_void"))

    def test_defect_pareto_needs_read_rights(self):
        self.check(self.lot_1, width=30)
        stranger = new_test_user(self.env, "pareto_stranger", groups="base.group_user")
        with self.refused(AccessError, "traceability.check.value|Check Value"):
            rpc(
                self.env,
                stranger,
                "traceability.quality.report",
                "traceability_defect_pareto",
                [[]],
            )
        inspector = new_test_user(
            self.env,
            "pareto_inspector",
            groups="quality_traceability.group_traceability_user",
        )
        pareto = rpc(
            self.env,
            inspector,
            "traceability.quality.report",
            "traceability_defect_pareto",
            [[("control_point_id", "=", self.incoming_point.id)]],
        )
        self.assertEqual([bar["count"] for bar in pareto["bars"]], [1])

    def test_control_chart_data(self):
        for width in WIDTHS:
            self.check(self.lot_1, width=width)
        self.check(self.lot_2, width=12)  # voided: off the chart
        self.env["traceability.check"].search(
            [("lot_id", "=", self.lot_2.id)]
        ).action_void("Wrong gauge")
        data = self.env["traceability.spc.point"].traceability_control_chart_data(
            [("control_point_id", "=", self.incoming_point.id)]
        )
        [chart] = data["charts"]  # Visual and Remark are not numeric
        self.assertEqual(
            (chart["name"], chart["unit"], chart["control_point"]),
            ("Width", "mm", "Resin incoming"),
        )
        self.assertEqual([point["value"] for point in chart["points"]], list(WIDTHS))
        # Individuals chart (NIST/SEMATECH e-Handbook of Statistical Methods,
        # 6.3.2.2; Montgomery, Introduction to Statistical Quality Control,
        # 6.4): centre line = mean of the values; UCL/LCL = mean +/- 3 MR-bar /
        # d2, MR-bar the average moving range of two, d2 = 1.128.
        mean = sum(WIDTHS) / len(WIDTHS)
        ranges = [abs(b - a) for a, b in zip(WIDTHS, WIDTHS[1:], strict=False)]
        mr_bar = sum(ranges) / len(ranges)
        limits = chart["limits"]
        self.assertAlmostEqual(limits["mean"], mean)
        self.assertAlmostEqual(limits["ucl"], mean + 3 * mr_bar / 1.128)
        self.assertAlmostEqual(limits["lcl"], mean - 3 * mr_bar / 1.128)
        self.assertEqual(
            chart["spec_limits"], {"min": 9.0, "max": 11.0, "target": 10.0}
        )
        # The last point breaks rule 1 and only it is out of control.
        last = chart["points"][-1]
        self.assertGreater(last["value"], limits["ucl"])
        self.assertEqual(last["rules"], [1])
        self.assertIn("Rule 1", last["rule_labels"][0])
        self.assertEqual(
            self.env["traceability.check"].browse(last["check_id"]).lot_id,
            self.lot_1,
        )
        self.assertFalse(any(point["rules"] for point in chart["points"][:-1]))
        self.assertEqual(chart["out_of_control"], 1)
        self.assertFalse(chart["truncated"])

    def test_control_chart_keeps_the_last_values(self):
        for width in WIDTHS:
            self.check(self.lot_1, width=width)
        data = self.env["traceability.spc.point"].traceability_control_chart_data(
            [("spec_id", "=", self.width_spec.id)], limit=4
        )
        [chart] = data["charts"]
        self.assertTrue(chart["truncated"])
        self.assertEqual(
            [point["value"] for point in chart["points"]], list(WIDTHS[-4:])
        )
        self.assertAlmostEqual(chart["limits"]["mean"], sum(WIDTHS[-4:]) / 4)

    def test_control_chart_needs_read_rights(self):
        for width in WIDTHS[:3]:
            self.check(self.lot_1, width=width)
        stranger = new_test_user(self.env, "chart_stranger", groups="base.group_user")
        with self.refused(AccessError, "spc.point|Control Chart Point"):
            rpc(
                self.env,
                stranger,
                "traceability.spc.point",
                "traceability_control_chart_data",
                [[("spec_id", "=", self.width_spec.id)]],
            )
        # Another company's inspector sees no chart of this company's parameter.
        other = self.env["res.company"].create({"name": "Other Plant"})
        inspector = new_test_user(
            self.env,
            "chart_other_inspector",
            groups="quality_traceability.group_traceability_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        data = rpc(
            self.env,
            inspector,
            "traceability.spc.point",
            "traceability_control_chart_data",
            [[("spec_id", "=", self.width_spec.id)]],
        )
        self.assertEqual(data["charts"], [])

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
