# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.spc import D2


class TraceabilitySpcPoint(models.Model):
    """The individuals chart of each numeric parameter: every measured value
    with the parameter's centre line and control limits (mean ± 3 sigma, sigma
    from the average moving range). The Western Electric rules run on each new
    check (see ``traceability.check._traceability_spc_alarms``)."""

    _name = "traceability.spc.point"
    _description = "Control Chart Point"
    _auto = False
    _order = "spec_id, date, id"
    _depends = {
        "traceability.check.value": [
            "check_id",
            "control_point_id",
            "date",
            "spec_id",
            "state",
            "value_float",
            "value_is_set",
            "workcenter_id",
            "company_id",
        ],
    }

    spec_id = fields.Many2one(
        comodel_name="traceability.control.spec", string="Parameter", readonly=True
    )
    control_point_id = fields.Many2one(
        comodel_name="traceability.control.point", string="Control Point", readonly=True
    )
    check_id = fields.Many2one(comodel_name="traceability.check", readonly=True)
    workcenter_id = fields.Many2one(comodel_name="mrp.workcenter", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    value = fields.Float(digits=(16, 4), aggregator="avg", readonly=True)
    mean = fields.Float(digits=(16, 4), aggregator="avg", readonly=True)
    ucl = fields.Float(
        string="Upper Control Limit", digits=(16, 4), aggregator="avg", readonly=True
    )
    lcl = fields.Float(
        string="Lower Control Limit", digits=(16, 4), aggregator="avg", readonly=True
    )
    out_of_control = fields.Boolean(
        string="Beyond 3 Sigma", readonly=True, help="Western Electric rule 1."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    WITH points AS (
                        SELECT
                            val.id,
                            val.spec_id,
                            val.control_point_id,
                            val.check_id,
                            val.workcenter_id,
                            val.company_id,
                            val.date,
                            val.value_float AS value,
                            ABS(val.value_float - LAG(val.value_float) OVER (
                                PARTITION BY val.spec_id ORDER BY val.date, val.id
                            )) AS moving_range
                        FROM traceability_check_value val
                        JOIN traceability_control_spec spec ON spec.id = val.spec_id
                        WHERE val.state = 'done'
                            AND val.value_is_set
                            AND spec.value_type = 'numeric'
                    ), limits AS (
                        SELECT
                            points.*,
                            AVG(value) OVER (PARTITION BY spec_id) AS mean,
                            COALESCE(
                                AVG(moving_range) OVER (PARTITION BY spec_id), 0
                            ) / %(d2)s AS sigma
                        FROM points
                    )
                    SELECT
                        id, spec_id, control_point_id, check_id, workcenter_id,
                        company_id, date, value, mean,
                        mean + 3 * sigma AS ucl,
                        mean - 3 * sigma AS lcl,
                        (sigma > 0 AND ABS(value - mean) > 3 * sigma) AS out_of_control
                    FROM limits
                )
                """,
                table=SQL.identifier(self._table),
                d2=D2,
            )
        )
