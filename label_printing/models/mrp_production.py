# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def button_mark_done(self):
        before = {production.id: production.state for production in self}
        result = super().button_mark_done()
        done = self.filtered(
            lambda production: production.state == "done"
            and before.get(production.id) != "done"
            and production.company_id.label_auto_print_production
        )
        if done:
            done._label_queue_finished_lots()
        return result

    def _label_queue_finished_lots(self):
        """Queue the labels of the finished lots, once per order (see
        ``label.print.log._queue_lot_labels``)."""
        logs = self.env["label.print.log"]
        for production in self:
            lots = (
                production.move_finished_ids.move_line_ids.lot_id
                | production.lot_producing_id
            )
            logs |= logs._queue_lot_labels(lots, f"mrp.production,{production.id},done")
        return logs
