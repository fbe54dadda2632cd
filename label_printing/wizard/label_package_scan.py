# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class LabelPackageScan(models.TransientModel):
    _name = "label.package.scan"
    _description = "Scan a Box or Pallet"

    code = fields.Char(
        required=True, help="SSCC (GS1 AI 00) or name of the box or pallet."
    )

    def action_open(self):
        self.ensure_one()
        package = self.env["stock.quant.package"]._traceability_find_by_code(self.code)
        if not package:
            raise UserError(
                self.env._("No box or pallet has the code %(code)s.", code=self.code)
            )
        return package.action_label_open_content()
