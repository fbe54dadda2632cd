# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

# Ten diameters: nine in control, the last beyond 3 sigma (within 9-11 mm).
DIAMETERS = (10.0, 10.1, 9.9, 10.05, 9.95, 10.1, 9.9, 10.0, 10.02, 10.9)


@tagged("post_install", "-at_install")
class TestAnalyticsTours(HttpCase):
    """What a quality manager sees: the control chart of a control point's
    parameter with its limits and the point out of control, and the defect
    Pareto of failed measurements."""

    def _point(self, name, specs):
        product = self.env["product.product"].create(
            {"name": f"{name} Part", "is_storable": True, "tracking": "lot"}
        )
        point = self.env["traceability.control.point"].create(
            {
                "name": name,
                "stage": "incoming",
                "product_ids": [Command.link(product.id)],
                "spec_ids": [Command.create(vals) for vals in specs],
            }
        )
        return point, product

    def _check(self, point, product, lot_name, values):
        lot = self.env["stock.lot"].create({"name": lot_name, "product_id": product.id})
        specs = {spec.name: spec for spec in point.spec_ids}
        return self.env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": lot.id,
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": specs[name].id,
                            "value_float": value,
                            "value_is_set": True,
                        }
                        if isinstance(value, float)
                        else {"spec_id": specs[name].id, "value_pass_fail": value}
                    )
                    for name, value in values.items()
                ],
            }
        )

    def test_control_chart_tour(self):
        point, product = self._point(
            "Tour Gauge",
            [
                {
                    "name": "Tour Diameter",
                    "unit": "mm",
                    "value_type": "numeric",
                    "target": 10,
                    "has_min": True,
                    "min_value": 9,
                    "has_max": True,
                    "max_value": 11,
                },
                {"name": "Tour Finish", "value_type": "pass_fail"},
            ],
        )
        for index, diameter in enumerate(DIAMETERS):
            self._check(
                point,
                product,
                f"TOUR-CC-{index:02d}",
                {"Tour Diameter": diameter, "Tour Finish": "pass"},
            )
        self.start_tour(
            f"/odoo/action-quality_traceability.traceability_control_point_action/{point.id}",
            "quality_traceability_control_chart_tour",
            login="admin",
        )
        # The address an SPC alarm links to: the chart of one parameter.
        spec = point.spec_ids.filtered(lambda spec: spec.name == "Tour Diameter")
        self.start_tour(
            f"/odoo/{spec.id}/action-quality_traceability.traceability_control_chart_spec_action",
            "quality_traceability_control_chart_link_tour",
            login="admin",
        )

    def test_defect_pareto_tour(self):
        point, product = self._point(
            "Tour Press",
            [
                {
                    "name": "Tour Force",
                    "value_type": "numeric",
                    "has_min": True,
                    "min_value": 5,
                    "has_max": True,
                    "max_value": 6,
                },
                {"name": "Tour Finish", "value_type": "pass_fail"},
            ],
        )
        for lot_name, values in (
            ("TOUR-PA-1", {"Tour Force": 7.0, "Tour Finish": "pass"}),
            ("TOUR-PA-2", {"Tour Force": 4.0, "Tour Finish": "fail"}),
            ("TOUR-PA-3", {"Tour Force": 5.5, "Tour Finish": "pass"}),
            ("TOUR-PA-4", {"Tour Force": 5.6, "Tour Finish": "pass"}),
        ):
            self._check(point, product, lot_name, values)
        self.start_tour(
            "/odoo/action-quality_traceability.traceability_defect_pareto_action",
            "quality_traceability_pareto_tour",
            login="admin",
        )
