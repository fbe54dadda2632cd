# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

from .traceability_control_point import STAGES


class TraceabilityQualityReport(models.Model):
    """One row per recorded (not voided) check, for the pivot and graph views:
    vendor pass rate and PPM per month, first-pass yield per work center."""

    _name = "traceability.quality.report"
    _description = "Quality Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "traceability.check": [
            "company_id",
            "control_point_id",
            "date",
            "lot_id",
            "partner_id",
            "product_id",
            "result",
            "stage",
            "state",
            "workcenter_id",
        ],
        "stock.move.line": ["lot_id", "location_id", "quantity", "state"],
    }

    check_id = fields.Many2one(comodel_name="traceability.check", readonly=True)
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    control_point_id = fields.Many2one(
        comodel_name="traceability.control.point", string="Control Point", readonly=True
    )
    stage = fields.Selection(selection=STAGES, readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Vendor", readonly=True
    )
    workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter", string="Work Center", readonly=True
    )
    product_id = fields.Many2one(comodel_name="product.product", readonly=True)
    lot_id = fields.Many2one(comodel_name="stock.lot", readonly=True)
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")], readonly=True
    )
    check_count = fields.Integer(string="Checks", readonly=True)
    fail_count = fields.Integer(string="Failed Checks", readonly=True)
    pass_rate = fields.Float(string="Pass Rate (%)", aggregator="avg", readonly=True)
    first_pass = fields.Boolean(
        string="First Check",
        readonly=True,
        help="The first recorded check of the lot at its control point.",
    )
    first_pass_yield = fields.Float(
        string="First-Pass Yield (%)",
        aggregator="avg",
        readonly=True,
        help="Of the lots checked for the first time at a control point, the "
        "share that passed.",
    )
    inspected_qty = fields.Float(string="Received Quantity", readonly=True)
    rejected_qty = fields.Float(string="Rejected Quantity", readonly=True)
    ppm = fields.Float(
        string="PPM",
        aggregator="sum",
        readonly=True,
        help="Rejected quantity per million received (incoming inspections).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT
                        chk.id,
                        chk.id AS check_id,
                        chk.date,
                        chk.company_id,
                        chk.control_point_id,
                        chk.stage,
                        chk.partner_id,
                        chk.workcenter_id,
                        chk.product_id,
                        chk.lot_id,
                        chk.result,
                        1 AS check_count,
                        CASE WHEN chk.result = 'fail' THEN 1 ELSE 0 END AS fail_count,
                        CASE WHEN chk.result = 'pass' THEN 100.0 ELSE 0.0 END
                            AS pass_rate,
                        first.id IS NOT NULL AS first_pass,
                        CASE
                            WHEN first.id IS NULL THEN NULL
                            WHEN chk.result = 'pass' THEN 100.0
                            ELSE 0.0
                        END AS first_pass_yield,
                        COALESCE(received.qty, 0) AS inspected_qty,
                        CASE WHEN chk.result = 'fail' THEN COALESCE(received.qty, 0)
                            ELSE 0 END AS rejected_qty,
                        CASE WHEN chk.result = 'fail' AND received.qty > 0
                            THEN 1000000.0 ELSE 0.0 END AS ppm
                    FROM traceability_check chk
                    LEFT JOIN LATERAL (
                        SELECT sub.id
                        FROM traceability_check sub
                        WHERE sub.lot_id = chk.lot_id
                            AND sub.control_point_id = chk.control_point_id
                            AND sub.state = 'done'
                        ORDER BY sub.date, sub.id
                        LIMIT 1
                    ) AS first ON first.id = chk.id
                    LEFT JOIN LATERAL (
                        SELECT SUM(sml.quantity) AS qty
                        FROM stock_move_line sml
                        JOIN stock_location src ON src.id = sml.location_id
                        WHERE chk.stage = 'incoming'
                            AND sml.lot_id = chk.lot_id
                            AND sml.state = 'done'
                            AND src.usage = 'supplier'
                    ) AS received ON TRUE
                    WHERE chk.state = 'done'
                )
                """,
                SQL.identifier(self._table),
            )
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """PPM of a group: its rejected quantity per million received, not the
        sum of the rows' values."""
        wants_ppm = any(field.split(":")[0] == "ppm" for field in fields)
        if wants_ppm:
            fields = list(fields) + ["inspected_qty:sum", "rejected_qty:sum"]
        groups = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        if wants_ppm:
            for group in groups:
                inspected = group.get("inspected_qty") or 0.0
                rejected = group.get("rejected_qty") or 0.0
                group["ppm"] = rejected / inspected * 1000000.0 if inspected else 0.0
        return groups

    @api.model
    def traceability_defect_pareto(self, domain=None):
        """The defect Pareto of the check values that ``domain`` selects: the
        failed values of recorded checks counted per parameter, largest first,
        with each bar's cumulative share of all the failures. Reads as the
        caller: access rights and record rules apply."""
        Value = self.env["traceability.check.value"]
        Value.check_access("read")
        domain = expression.AND(
            [list(domain or []), [("result", "=", "fail"), ("state", "=", "done")]]
        )
        groups = Value._read_group(
            domain, ["spec_id"], ["__count"], order="__count desc, spec_id"
        )
        total = sum(count for _spec, count in groups)
        bars = []
        cumulative = 0
        for spec, count in groups:
            cumulative += count
            bars.append(
                {
                    "spec_id": spec.id,
                    "name": spec.name,
                    "control_point": spec.control_point_id.display_name,
                    "count": count,
                    "cumulative_percent": cumulative * 100.0 / total,
                }
            )
        return {"bars": bars, "total": total}
