# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

OUTPUTS = [
    ("bulk_pdf", "PDF"),
    ("pdf", "PDF (browser layout)"),
    ("zpl", "ZPL File"),
    ("printer", "Label Printer"),
]
# The default output, "PDF", is drawn by Odoo itself (reportlab) at the label's
# exact size. The browser layout goes through wkhtmltopdf: Debian's build (Qt
# unpatched) ignores --disable-smart-shrinking and rescales the page, which
# clips the DataMatrix and the texts of the label.
OUTPUT_HELP = (
    "PDF: labels drawn at their exact size by Odoo; they print right whatever "
    "the server, browser or printer.\n"
    "PDF (browser layout): labels laid out as a web page and converted by the "
    "server's wkhtmltopdf; some builds of it (Debian's and Ubuntu's packages) "
    "shrink that layout and clip the barcodes.\n"
    "ZPL File: the labels in the language of Zebra printers.\n"
    "Label Printer: the labels sent straight to a network label printer."
)
# Reports that download the file of a job (see ir.actions.report).
FILE_REPORTS = {
    "pdf": "label_printing.report_label_job_pdf",
    "zpl": "label_printing.report_label_job_zpl",
}


class LabelPrintLog(models.Model):
    """Append-only record of print jobs.

    No user creates, changes or deletes a job, whatever their rights: jobs are
    created and their state, file and error set only by the private methods
    below, each with one ``sudo()`` write. A correction is a new job. What a job
    sends to a printer is the file its renderer made, checked against the digest
    kept beside it.
    """

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
    payload_sha256 = fields.Char(
        string="File Digest",
        readonly=True,
        help="SHA-256 of the file as rendered; a file that no longer matches it "
        "is not sent.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_system_path()
        return super().create(vals_list)

    def write(self, vals):
        self._check_system_path()
        return super().write(vals)

    def unlink(self):
        self._check_system_path()
        return super().unlink()

    def _check_system_path(self):
        """Jobs are written only by this model's private methods (superuser
        mode); any other caller, however privileged, is refused."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The print log cannot be created, changed or deleted: print "
                    "the labels again to make a new job."
                )
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
        # The one creation of the job, by the system path (see the class).
        log = (
            self.sudo()
            .create(self._prepare_log(template, records, output, copies, printer))
            .with_env(self.env)
        )
        log._attach(content, extension)
        log._run()
        return log

    def _attach(self, content, extension):
        """Keep the rendered file and its digest (the job's one file)."""
        self.ensure_one()
        # The system path writes the file of a job, once (see the class).
        log = self.sudo()
        log.write(
            {
                "attachment_id": log.env["ir.attachment"]
                .create(
                    {
                        "name": f"labels-{self.id}.{extension}",
                        "raw": content,
                        "mimetype": "application/pdf"
                        if extension == "pdf"
                        else "text/plain",
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                )
                .id,
                "payload_sha256": hashlib.sha256(content).hexdigest(),
            }
        )

    def _payload(self):
        """The file the renderer made for this job, or None when its file is
        gone or no longer matches the digest taken at rendering."""
        self.ensure_one()
        # Read as superuser: the file is checked against the digest just below.
        attachment = self.sudo().attachment_id
        content = attachment.raw if attachment else None
        if content is None or not self.payload_sha256:
            return None
        if hashlib.sha256(content).hexdigest() != self.payload_sha256:
            return None
        return content

    def _set_state(self, state, error=False):
        # The system path records the outcome of a job (see the class).
        self.sudo().write({"state": state, "error": error})

    def _run(self):
        """Deliver the job (rendered now when it has no file yet); a printer
        failure marks it failed. A file changed since rendering is never sent."""
        for log in self:
            if not log.attachment_id and not log.payload_sha256:
                if not log.template_id:
                    raise UserError(self.env._("The label template has been deleted."))
                output = "zpl" if log.output == "printer" else log.output
                log._attach(
                    *log.template_id._render(log._records(), output, log.copies)
                )
            if log.output != "printer":
                log._set_state("done")
                continue
            payload = log._payload()
            if payload is None:
                log._set_state(
                    "failed",
                    self.env._(
                        "The file of this job was changed or removed after it was "
                        "rendered: it is not sent. Print the labels again."
                    ),
                )
                continue
            try:
                log.printer_id._send(payload)
            except UserError as error:
                log._set_state("failed", str(error))
            else:
                log._set_state("done")

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
            # The system path creates the job (see the class).
            logs |= self.sudo().create(vals).with_env(self.env)
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

    def _file_action(self):
        """Report action downloading the job's file; it closes the dialog it is
        started from once the file is downloaded (as Odoo's label wizards)."""
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(self.env._("This job has no file."))
        kind = "zpl" if self.output == "zpl" else "pdf"
        report = self.env["ir.actions.report"]._get_report(FILE_REPORTS[kind])
        action = report.report_action(self, config=False)
        action["close_on_report_download"] = True
        return action

    @api.model
    def _cron_send_queued(self):
        self.search([("state", "=", "queued")])._run()
