# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    label_gs1_company_prefix = fields.Char(
        string="GS1 Company Prefix",
        help="The company's GS1 company prefix (6 to 12 digits), first part of "
        "the SSCC of its boxes and pallets.",
    )
    label_auto_print_production = fields.Boolean(
        string="Print Labels of Finished Lots",
        help="When a manufacturing order is done, queue the labels of its "
        "finished lots to the template and printer chosen for the product.",
    )

    label_auto_print_final_inspection = fields.Boolean(
        string="Print Labels after Final Inspection",
        help="When a final-inspection check passes, queue the labels of its lots "
        "to the template and printer chosen for the product.",
    )

    label_printer_id = fields.Many2one(
        comodel_name="label.printer",
        string="Default Label Printer",
        domain="['|', ('company_id', '=', False), ('company_id', '=', id)]",
        help="Labels go to this printer when no work center, operation type, "
        "user or template names one.",
    )

    @api.constrains("label_gs1_company_prefix")
    def _check_label_gs1_company_prefix(self):
        for company in self:
            prefix = company.label_gs1_company_prefix
            if prefix and not (prefix.isdigit() and 6 <= len(prefix) <= 12):
                raise ValidationError(
                    self.env._("A GS1 company prefix has 6 to 12 digits.")
                )
