# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

OUTPUTS = [
    ("pdf", "PDF (QWeb report)"),
    ("bulk_pdf", "Bulk PDF"),
    ("zpl", "ZPL File"),
    ("printer", "Label Printer"),
]


class LabelPrintLog(models.Model):
    _name = "label.print.log"
    _description = "Label Print Log"
    _order = "id desc"

    name = fields.Char(string="Printed Records", readonly=True)
    template_id = fields.Many2one(
        comodel_name="label.template", readonly=True, ondelete="set null"
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Printed By",
        default=lambda self: self.env.user,
        readonly=True,
    )
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company, readonly=True
    )
    res_model = fields.Char(string="Model", readonly=True)
    res_ids = fields.Json(string="Record IDs", readonly=True)
    lot_ids = fields.Many2many(
        comodel_name="stock.lot", string="Lots/Serial Numbers", readonly=True
    )
    package_ids = fields.Many2many(
        comodel_name="stock.quant.package", string="Packages", readonly=True
    )
    label_count = fields.Integer(string="Labels", readonly=True)
    copies = fields.Integer(default=1, readonly=True)
    output = fields.Selection(selection=OUTPUTS, readonly=True, required=True)
    printer_id = fields.Many2one(comodel_name="label.printer", readonly=True)
    state = fields.Selection(
        selection=[("queued", "Queued"), ("done", "Printed"), ("failed", "Failed")],
        default="done",
        readonly=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    is_reprint = fields.Boolean(
        string="Reprint",
        readonly=True,
        help="A serial number of this job had been printed before.",
    )
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="File", readonly=True
    )

    def _records(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_ids or []).exists()

    @api.model
    def _serials_printed_before(self, lots):
        serials = lots.filtered(lambda lot: lot.product_id.tracking == "serial")
        if not serials:
            return lots.browse()
        earlier = self.search(
            [("lot_ids", "in", serials.ids), ("state", "!=", "failed")]
        )
        return serials & earlier.lot_ids

    @api.model
    def _prepare_log(self, template, records, output, copies, printer=False):
        lots = records if records._name == "stock.lot" else records.browse()
        names = ", ".join(records[:5].mapped("display_name"))
        if len(records) > 5:
            names += self.env._(" and %(count)s more", count=len(records) - 5)
        return {
            "name": names,
            "template_id": template.id,
            "res_model": records._name,
            "res_ids": records.ids,
            "lot_ids": [fields.Command.set(lots.ids)],
            "package_ids": [
                fields.Command.set(
                    records.ids if records._name == "stock.quant.package" else []
                )
            ],
            "label_count": len(records) * copies,
            "copies": copies,
            "output": output,
            "printer_id": printer.id if printer else False,
            "is_reprint": bool(self._serials_printed_before(lots)),
        }

    @api.model
    def _print(self, template, records, output, copies=1, printer=False):
        """Render, log and deliver a print job. Rendering errors (a lot GS1 cannot
        carry...) raise before anything is logged; a printer that cannot be
        reached leaves the job logged as failed. Returns the log."""
        content, extension = template._render(
            records, "zpl" if output == "printer" else output, copies
        )
        log = self.create(self._prepare_log(template, records, output, copies, printer))
        log._attach(content, extension)
        log._run()
        return log

    def _attach(self, content, extension):
        self.ensure_one()
        self.attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"labels-{self.id}.{extension}",
                "raw": content,
                "mimetype": "application/pdf" if extension == "pdf" else "text/plain",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _run(self):
        """Deliver the job (rendered now when it has no file yet); a printer
        failure marks it failed."""
        for log in self:
            if not log.attachment_id:
                if not log.template_id:
                    raise UserError(self.env._("The label template has been deleted."))
                output = "zpl" if log.output == "printer" else log.output
                log._attach(
                    *log.template_id._render(log._records(), output, log.copies)
                )
            if log.output != "printer":
                log.state = "done"
                continue
            try:
                log.printer_id._send(log.attachment_id.raw)
            except UserError as error:
                log.write({"state": "failed", "error": str(error)})
            else:
                log.write({"state": "done", "error": False})

    @api.model
    def _queue_lot_labels(self, lots):
        """Queue labels of ``lots``: one job per product, to the template the rules
        choose for it and that template's printer, sent by a scheduled action.
        Products whose template has no printer get no job. Hook for automatic
        prints (a manufacturing order done; later a final inspection passed).
        """
        logs = self.browse()
        for product in lots.product_id:
            template = self.env["label.template"]._find_for(product, "lot")
            if not template.printer_id:
                continue
            product_lots = lots.filtered(lambda lot, p=product: lot.product_id == p)
            vals = self._prepare_log(
                template, product_lots, "printer", 1, template.printer_id
            )
            vals["state"] = "queued"
            logs |= self.create(vals)
        return logs

    def action_retry(self):
        self.filtered(lambda log: log.state in ("failed", "queued"))._run()
        return True

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(self.env._("This job has no file."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    @api.model
    def _cron_send_queued(self):
        self.search([("state", "=", "queued")])._run()
