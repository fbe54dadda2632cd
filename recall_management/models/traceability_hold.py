# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class TraceabilityHold(models.Model):
    _inherit = "traceability.hold"

    recall_id = fields.Many2one(
        comodel_name="recall.recall",
        string="Recall",
        compute="_compute_recall_id",
        store=True,
        index="btree_not_null",
    )

    @api.depends("res_model", "res_id")
    def _compute_recall_id(self):
        for hold in self:
            hold.recall_id = hold.res_id if hold.res_model == "recall.recall" else False
