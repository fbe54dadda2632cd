# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TraceabilityNonconformanceWhy(models.Model):
    """One answer of the 5 Whys of a nonconformance, in the order asked: each
    answers "why?" of the one before, the last is the root cause."""

    _name = "traceability.nonconformance.why"
    _description = "Nonconformance Why"
    _order = "nonconformance_id, sequence, id"

    nonconformance_id = fields.Many2one(
        comodel_name="traceability.nonconformance",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="nonconformance_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Why?", required=True)
