# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.label_print_log import OUTPUT_HELP, OUTPUTS
from ..models.label_printer import PRINTER_REASONS
from ..models.label_template import MAX_COPIES

# The wizard's outputs: the jobs' own, and the bulk PDF opened in this browser
# (logged as a PDF job).
WIZARD_OUTPUTS = [*OUTPUTS, ("browser", "Print from this browser")]
WIZARD_OUTPUT_HELP = (
    OUTPUT_HELP + "\nPrint from this browser: the PDF opened in a new tab, at "
    "the label's exact size, for the browser's print dialog (choose the label "
    "printer and a 100% scale there)."
)


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
        selection=WIZARD_OUTPUTS,
        default="bulk_pdf",
        required=True,
        help=WIZARD_OUTPUT_HELP,
    )
    production_ids = fields.Many2many(
        comodel_name="mrp.production", string="Manufacturing Orders"
    )
    picking_ids = fields.Many2many(comodel_name="stock.picking", string="Transfers")
    printer_id = fields.Many2one(
        comodel_name="label.printer",
        compute="_compute_printer_id",
        store=True,
        readonly=False,
    )
    printer_reason = fields.Selection(
        selection=PRINTER_REASONS,
        string="Printer Chosen By",
        compute="_compute_printer_reason",
        help="Which setting chose the printer: the work center, the operation "
        "type, your preferences, the label template or the company default "
        "(in this order), unless you chose another here.",
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
            values["production_ids"] = [fields.Command.set(records.ids)]
            lots = (
                records.move_finished_ids.move_line_ids.lot_id
                | records.lot_producing_id
            )
            values["lot_ids"] = [fields.Command.set(lots.ids)]
        elif model == "stock.picking":
            values["picking_ids"] = [fields.Command.set(records.ids)]
            values["lot_ids"] = [fields.Command.set(records.move_line_ids.lot_id.ids)]
        elif model == "stock.quant.package":
            values["package_ids"] = [fields.Command.set(records.ids)]
            pallets = records.filtered(
                lambda package: package.traceability_level == "pallet"
            )
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

    def _source_records(self):
        """What the print starts from, for the choice of its printer."""
        self.ensure_one()
        return self.production_ids or self.picking_ids or self._records()

    def _printer_choice(self):
        return self.env["label.printer"]._for_print(
            self._source_records(), self.template_id, self.env.user
        )

    @api.depends(
        "template_id",
        "production_ids",
        "picking_ids",
        "lot_ids",
        "package_ids",
        "product_ids",
    )
    def _compute_printer_id(self):
        for wizard in self:
            wizard.printer_id = wizard._printer_choice()[0] or wizard.printer_id

    @api.depends("printer_id", "template_id", "production_ids", "picking_ids")
    def _compute_printer_reason(self):
        for wizard in self:
            printer, reason = wizard._printer_choice()
            if not wizard.printer_id:
                wizard.printer_reason = False
            elif wizard.printer_id == printer:
                wizard.printer_reason = reason
            else:
                wizard.printer_reason = "wizard"

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
            "bulk_pdf" if self.output == "browser" else self.output,
            self.copies,
            self.printer_id if self.output == "printer" else False,
        )
        if self.output == "browser":
            return self._browser_action(log)
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

    def _browser_action(self, log):
        """Open the job's PDF (drawn at the label's exact size) in a new tab of
        the browser, for its print dialog."""
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{log.attachment_id.id}",
            "target": "new",
        }
