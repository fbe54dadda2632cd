# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MrpWorkcenter(models.Model):
    _inherit = "mrp.workcenter"

    label_printer_id = fields.Many2one(
        comodel_name="label.printer",
        string="Label Printer",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Labels printed at this work center (manufacturing orders whose "
        "last operation is here) go to this printer, unless the user chooses "
        "another.",
    )
