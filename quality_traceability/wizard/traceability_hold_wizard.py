# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.traceability_hold import MANAGER_GROUP


class TraceabilityHoldWizard(models.TransientModel):
    """Place a manual hold on lots, or release holds, always with a reason."""

    _name = "traceability.hold.wizard"
    _description = "Place or Release a Lot Hold"

    mode = fields.Selection(
        selection=[("place", "Place Hold"), ("release", "Release")],
        required=True,
        default="place",
    )
    lot_ids = fields.Many2many(comodel_name="stock.lot", string="Lots/Serial Numbers")
    hold_ids = fields.Many2many(comodel_name="traceability.hold", string="Holds")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason."))
        if self.mode == "place":
            if not self.lot_ids:
                raise UserError(_("Choose the lots to hold."))
            # The user must see the lots to hold them.
            self.lot_ids.check_access("read")
            self.lot_ids._traceability_hold("manual", note=self.reason)
        else:
            if not self.env.user.has_group(MANAGER_GROUP):
                raise AccessError(_("Only a traceability manager may release a hold."))
            self.hold_ids.action_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
