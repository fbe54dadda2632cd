# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TraceabilityNonconformance(models.Model):
    _inherit = "traceability.nonconformance"

    recall_ids = fields.One2many(
        comodel_name="recall.recall",
        inverse_name="nonconformance_id",
        string="Recalls",
    )
    recall_count = fields.Integer(compute="_compute_recall_count")

    def _compute_recall_count(self):
        for nonconformance in self:
            nonconformance.recall_count = len(nonconformance.recall_ids)

    def action_view_recalls(self):
        self.ensure_one()
        self.env["recall.recall"].check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recalls"),
            "res_model": "recall.recall",
            "view_mode": "list,form",
            "domain": [("nonconformance_id", "=", self.id)],
            "context": {"default_nonconformance_id": self.id},
        }
