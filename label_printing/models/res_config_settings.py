# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    label_gs1_company_prefix = fields.Char(
        related="company_id.label_gs1_company_prefix", readonly=False
    )
    label_auto_print_production = fields.Boolean(
        related="company_id.label_auto_print_production", readonly=False
    )
    label_auto_print_final_inspection = fields.Boolean(
        related="company_id.label_auto_print_final_inspection", readonly=False
    )
    label_printer_id = fields.Many2one(
        related="company_id.label_printer_id", readonly=False
    )
