# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.sql import create_index


class StockMove(models.Model):
    _inherit = "stock.move"

    def init(self):
        result = super().init()
        # The genealogy links an unbuild order's consumed and recovered moves.
        create_index(
            self.env.cr,
            "stock_move_traceability_unbuild_id_idx",
            self._table,
            ["unbuild_id"],
            where="unbuild_id IS NOT NULL",
        )
        return result
