# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _prepare_stock_lot_values(self):
        """The finished lot of "Generate" takes the product's lot-name sequence."""
        values = super()._prepare_stock_lot_values()
        name = self.env["stock.lot"]._traceability_sequence_name(self.product_id)
        if name:
            values["name"] = name
        return values
