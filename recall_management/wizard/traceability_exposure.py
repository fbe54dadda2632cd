# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, models


class TraceabilityExposure(models.TransientModel):
    _inherit = "traceability.exposure"

    def action_start_recall(self):
        """Start a recall of the suspect lots, linked to the failed check's
        nonconformance: the recall's start form, prefilled (recall managers)."""
        self.ensure_one()
        # The user's own exposure only (a wizard is its creator's).
        self.check_access("read")
        self.env["recall.recall"].check_access("create")
        check = self.check_id
        wizard = self.env["recall.create.wizard"].create(
            {
                "source": "lots",
                "lot_ids": [Command.set(self._allowed_lots(self.suspect_lot_ids).ids)],
                "nonconformance_id": check.nonconformance_ids.sorted("id")[:1].id,
                "reason": self.env._(
                    "Failed check %(check)s (%(point)s): %(lots)s lots reached, "
                    "%(customers)s customers.",
                    check=check.display_name,
                    point=check.control_point_id.display_name,
                    lots=self.lot_count,
                    customers=self.customer_count,
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start a Recall"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
