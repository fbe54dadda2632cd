# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.sql import create_index


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def init(self):
        result = super().init()
        # Odoo only indexes lot_id for lines that are not done: the genealogy walks
        # done lines by lot.
        create_index(
            self.env.cr,
            "stock_move_line_traceability_lot_idx",
            self._table,
            ["lot_id", "state"],
            where="lot_id IS NOT NULL",
        )
        return result
