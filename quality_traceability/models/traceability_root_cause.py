# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TraceabilityRootCause(models.Model):
    """A category of root cause of nonconformances (Ishikawa's 6M: material,
    method, machine, man, measurement, environment), for their Pareto."""

    _name = "traceability.root.cause"
    _description = "Root Cause Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index="btree_not_null",
        help="Leave empty to use the category in every company.",
    )
    nonconformance_count = fields.Integer(compute="_compute_nonconformance_count")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A root cause category of this name already exists.",
        )
    ]

    def _compute_nonconformance_count(self):
        counts = dict(
            self.env["traceability.nonconformance"]._read_group(
                [("root_cause_id", "in", self.ids)],
                groupby=["root_cause_id"],
                aggregates=["__count"],
            )
        )
        for cause in self:
            cause.nonconformance_count = counts.get(cause, 0)
