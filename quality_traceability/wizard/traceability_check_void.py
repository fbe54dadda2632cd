# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TraceabilityCheckVoid(models.TransientModel):
    _name = "traceability.check.void"
    _description = "Void a Key Control Point Check"

    check_id = fields.Many2one(
        comodel_name="traceability.check", required=True, ondelete="cascade"
    )
    reason = fields.Text(required=True)

    def action_void(self):
        self.ensure_one()
        self.check_id.action_void(self.reason)
        return {"type": "ir.actions.act_window_close"}
