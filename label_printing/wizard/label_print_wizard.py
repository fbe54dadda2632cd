# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.label_print_log import OUTPUT_HELP, OUTPUTS
from ..models.label_template import MAX_COPIES


class LabelPrintWizard(models.TransientModel):
    _name = "label.print.wizard"
    _description = "Print Labels"

    label_type = fields.Selection(
        selection=[
            ("lot", "Lot/Serial Number"),
            ("box", "Box"),
            ("pallet", "Pallet"),
            ("product", "Product"),
        ],
        default="lot",
        required=True,
    )
    lot_ids = fields.Many2many(comodel_name="stock.lot", string="Lots/Serial Numbers")
    package_ids = fields.Many2many(
        comodel_name="stock.quant.package", string="Packages"
    )
    product_ids = fields.Many2many(comodel_name="product.product", string="Products")
    template_id = fields.Many2one(
        comodel_name="label.template",
        string="Template",
        domain="[('label_type', '=', label_type)]",
        compute="_compute_template_id",
        store=True,
        readonly=False,
    )
    copies = fields.Integer(
        default=1, required=True, help="Copies of each label (1 to 1,000)."
    )
    output = fields.Selection(
        selection=OUTPUTS, default="bulk_pdf", required=True, help=OUTPUT_HELP
    )
    printer_id = fields.Many2one(
        comodel_name="label.printer",
        compute="_compute_printer_id",
        store=True,
        readonly=False,
    )
    label_count = fields.Integer(compute="_compute_label_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if not model or not ids:
            return values
        records = self.env[model].browse(ids)
        if model == "stock.lot":
            values["lot_ids"] = [fields.Command.set(records.ids)]
        elif model == "mrp.production":
            lots = (
                records.move_finished_ids.move_line_ids.lot_id
                | records.lot_producing_id
            )
            values["lot_ids"] = [fields.Command.set(lots.ids)]
        elif model == "stock.picking":
            values["lot_ids"] = [fields.Command.set(records.move_line_ids.lot_id.ids)]
        elif model == "stock.quant.package":
            values["package_ids"] = [fields.Command.set(records.ids)]
            pallets = records.filtered(lambda package: package.label_level == "pallet")
            values["label_type"] = "pallet" if pallets == records else "box"
        elif model in ("product.product", "product.template"):
            products = (
                records.product_variant_ids if model == "product.template" else records
            )
            values["product_ids"] = [fields.Command.set(products.ids)]
            values["label_type"] = "product"
        return values

    def _records(self):
        self.ensure_one()
        if self.label_type == "lot":
            return self.lot_ids
        if self.label_type in ("box", "pallet"):
            return self.package_ids
        return self.product_ids

    def _first_product(self):
        if self.label_type == "lot":
            return self.lot_ids[:1].product_id
        if self.label_type == "product":
            return self.product_ids[:1]
        return self.package_ids[:1].quant_ids[:1].product_id

    @api.depends("label_type", "lot_ids", "package_ids", "product_ids")
    def _compute_template_id(self):
        for wizard in self:
            template = wizard.template_id
            if not template or template.label_type != wizard.label_type:
                wizard.template_id = self.env["label.template"]._find_for(
                    wizard._first_product(), wizard.label_type
                )

    @api.depends("template_id")
    def _compute_printer_id(self):
        for wizard in self:
            wizard.printer_id = wizard.template_id.printer_id or wizard.printer_id

    @api.constrains("copies")
    def _check_copies(self):
        for wizard in self:
            if not 0 < wizard.copies <= MAX_COPIES:
                raise ValidationError(
                    self.env._(
                        "Print between 1 and %(max)s copies of each label.",
                        max=MAX_COPIES,
                    )
                )

    @api.depends("copies", "label_type", "lot_ids", "package_ids", "product_ids")
    def _compute_label_count(self):
        for wizard in self:
            wizard.label_count = len(wizard._records()) * max(wizard.copies, 0)

    def action_print(self):
        self.ensure_one()
        records = self._records()
        if not records:
            raise UserError(self.env._("Nothing to print: choose what to label."))
        if not self.template_id:
            raise UserError(self.env._("Choose a label template."))
        if self.output == "printer" and not self.printer_id:
            raise UserError(self.env._("Choose the printer."))
        if (
            self.output == "printer"
            and self.template_id.width > self.printer_id.max_width
        ):
            raise UserError(
                self.env._(
                    "Template %(template)s is %(width)s mm wide; printer %(printer)s "
                    "prints at most %(max)s mm.",
                    template=self.template_id.name,
                    width=self.template_id.width,
                    printer=self.printer_id.name,
                    max=self.printer_id.max_width,
                )
            )
        log = self.env["label.print.log"]._print(
            self.template_id,
            records,
            self.output,
            self.copies,
            self.printer_id if self.output == "printer" else False,
        )
        if self.output != "printer":
            return log._file_action()
        if log.state == "failed":
            message, kind = log.error, "danger"
        else:
            message = self.env._(
                "%(count)s labels sent to %(printer)s.",
                count=log.label_count,
                printer=log.printer_id.name,
            )
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
