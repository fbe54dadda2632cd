# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.label_print_log import OUTPUT_HELP, OUTPUTS

# Most serial numbers one run of the wizard creates.
MAX_SERIALS = 10000


class LabelSerialWizard(models.TransientModel):
    _name = "label.serial.wizard"
    _description = "Generate Serial Numbers and Print Their Labels"

    production_id = fields.Many2one(comodel_name="mrp.production")
    product_id = fields.Many2one(
        comodel_name="product.product",
        domain="[('tracking', '=', 'serial')]",
        compute="_compute_product_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company
    )
    quantity = fields.Integer(
        string="Serial Numbers",
        default=1,
        required=True,
        help="Serial numbers to create (1 to 10,000 per run).",
    )
    template_id = fields.Many2one(
        comodel_name="label.template",
        domain="[('label_type', '=', 'lot')]",
        compute="_compute_template_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    output = fields.Selection(
        selection=OUTPUTS, default="bulk_pdf", required=True, help=OUTPUT_HELP
    )
    printer_id = fields.Many2one(
        comodel_name="label.printer",
        compute="_compute_template_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    lot_ids = fields.Many2many(comodel_name="stock.lot", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "mrp.production" and context.get("active_id"):
            production = self.env["mrp.production"].browse(context["active_id"])
            values["production_id"] = production.id
            values["quantity"] = max(int(production.product_qty), 1)
            values["company_id"] = production.company_id.id
        return values

    @api.constrains("quantity")
    def _check_quantity(self):
        for wizard in self:
            if not 0 < wizard.quantity <= MAX_SERIALS:
                raise ValidationError(
                    self.env._(
                        "Generate between 1 and %(max)s serial numbers.",
                        max=MAX_SERIALS,
                    )
                )

    @api.depends("production_id")
    def _compute_product_id(self):
        for wizard in self:
            if wizard.production_id:
                wizard.product_id = wizard.production_id.product_id

    @api.depends("product_id")
    def _compute_template_id(self):
        for wizard in self:
            template = self.env["label.template"]._find_for(wizard.product_id, "lot")
            wizard.template_id = template
            wizard.printer_id = template.printer_id

    def _generate(self):
        """Create the serial numbers, named by the product's sequence."""
        self.ensure_one()
        if self.product_id.tracking != "serial":
            raise UserError(
                self.env._(
                    "%(product)s is not tracked by serial number.",
                    product=self.product_id.display_name,
                )
            )
        lots = self.env["stock.lot"].create(
            [
                {"product_id": self.product_id.id, "company_id": self.company_id.id}
                for _index in range(self.quantity)
            ]
        )
        self.lot_ids = lots
        return lots

    def action_generate_print(self):
        self.ensure_one()
        if not self.template_id:
            raise UserError(self.env._("Choose a label template."))
        if self.output == "printer" and not self.printer_id:
            raise UserError(self.env._("Choose the printer."))
        lots = self._generate()
        log = self.env["label.print.log"]._print(
            self.template_id,
            lots,
            self.output,
            1,
            self.printer_id if self.output == "printer" else False,
        )
        if self.output != "printer":
            return log._file_action()
        return {
            "type": "ir.actions.act_window",
            "res_model": "label.print.log",
            "res_id": log.id,
            "view_mode": "form",
        }
