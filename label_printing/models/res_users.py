# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    label_printer_id = fields.Many2one(
        comodel_name="label.printer",
        string="My Label Printer",
        help="Labels you print go to this printer when neither the work center "
        "nor the operation type names one.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["label_printer_id"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["label_printer_id"]
