# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    label_printer_id = fields.Many2one(
        comodel_name="label.printer",
        string="Label Printer",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Labels printed from transfers and manufacturing orders of this "
        "operation type go to this printer, unless a work center or the user "
        "chooses another.",
    )
