# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

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
# Automatic jobs (an event queued them): tries before the job is marked failed, and
# the wait before each new try.
MAX_ATTEMPTS = 3
RETRY_DELAY = timedelta(seconds=30)
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
        selection=[
            ("queued", "Queued"),
            ("sending", "Sending"),
            ("done", "Printed"),
            ("failed", "Failed"),
        ],
        default="done",
        readonly=True,
        index=True,
        help="Sending: the job went to the printer and its answer never came back "
        "(the server stopped meanwhile); check the labels before you retry it.",
    )
    error = fields.Text(readonly=True)
    event_key = fields.Char(
        string="Event",
        readonly=True,
        index=True,
        help="The event that queued this job (e.g. a manufacturing order done): "
        "one job per event and template, however often the event is replayed.",
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt = fields.Datetime(readonly=True)
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

    _sql_constraints = [
        (
            "event_template_unique",
            "UNIQUE (event_key, template_id)",
            "An event prints its labels once per template.",
        )
    ]

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

    def _run(self, commit=False):
        """Deliver the job (rendered now when it has no file yet); a printer
        failure marks it failed, or queues it again when an event queued it
        (``MAX_ATTEMPTS``). A file changed since rendering is never sent.

        :param commit: commit the state "sending" before the bytes go out and
            the outcome after (the scheduled action does): a job whose outcome
            is lost stays "sending" and is never sent twice by itself.
        """
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
            # The system path counts the tries of a job (see the class).
            log.sudo().write(
                {
                    "state": "sending",
                    "attempt_count": log.attempt_count + 1,
                    "next_attempt": False,
                }
            )
            if commit:
                # "Sending" is kept whatever happens next: a job is never sent
                # twice by the scheduled action (see the docstring).
                self.env.cr.commit()  # pylint: disable=invalid-commit
            try:
                log.printer_id._send(payload, job_name=log.name)
            except UserError as error:
                log._send_failed(str(error))
            else:
                log._set_state("done")
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _send_failed(self, error):
        """A printer that did not take the job: an automatic job is tried again
        later, up to ``MAX_ATTEMPTS`` tries; then, as a job a user sent, it is
        failed and waits for a user's retry."""
        self.ensure_one()
        if self.event_key and self.attempt_count < MAX_ATTEMPTS:
            retry_at = fields.Datetime.now() + RETRY_DELAY * self.attempt_count
            # The system path schedules the next try (see the class).
            self.sudo().write(
                {"state": "queued", "error": error, "next_attempt": retry_at}
            )
            self._send_cron()._trigger(retry_at)
        else:
            self._set_state("failed", error)

    def _send_cron(self):
        return self.env.ref("label_printing.ir_cron_label_send_queued").sudo()

    @api.model
    def _queue_lot_labels(self, lots, event_key):
        """Queue labels of ``lots`` for an event (``event_key``, e.g.
        ``mrp.production,7,done``): one job per product, to the template the
        rules choose for it and that template's printer. Products whose template
        has no printer get no job; an event already queued for a template gets
        no second one.

        The jobs go out as soon as the transaction that queued them commits: the
        sending action is triggered in that transaction, so a rolled-back event
        leaves neither a job nor a trigger.
        """
        # The system path (see the class): whoever caused the event (a
        # manufacturing user outside the Traceability groups marking an order
        # done) need not read templates or jobs.
        Log = self.sudo()
        Template = self.env["label.template"].sudo()
        logs = Log.browse()
        for product in lots.product_id:
            template = Template._find_for(product, "lot")
            printer = self.env["label.printer"]._for_event(event_key, template, lots)[0]
            if not printer:
                continue
            if Log.search_count(
                [("event_key", "=", event_key), ("template_id", "=", template.id)]
            ):
                continue
            product_lots = lots.filtered(lambda lot, p=product: lot.product_id == p)
            vals = Log._prepare_log(template, product_lots, "printer", 1, printer)
            vals.update(state="queued", event_key=event_key)
            logs |= Log.create(vals)
        if logs:
            self._send_cron()._trigger()
        return logs.with_env(self.env)

    def action_retry(self):
        """Send again now: failed and queued jobs, and jobs left "sending" (their
        printer's answer was lost: the user checks the labels and decides) once
        no sending can still be under way (twice the printer's timeout, at
        least a minute)."""
        now = fields.Datetime.now()
        sending = self.filtered(lambda log: log.state == "sending")
        under_way = sending.filtered(
            lambda log: log.write_date
            > now - timedelta(seconds=max(2 * (log.printer_id.timeout or 0), 60))
        )
        if under_way:
            raise UserError(
                self.env._(
                    "%(jobs)s: being sent now. Wait a minute, check the labels, "
                    "then retry if they did not come out.",
                    jobs=", ".join(under_way.mapped("display_name")),
                )
            )
        self.filtered(
            lambda log: log.state in ("failed", "queued") or log in sending
        )._run()
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
        """Send the queued jobs that are due, one at a time, each in its own
        transaction outside the tests. A job is taken with ``SKIP LOCKED``: two
        workers never send the same job."""
        commit = not getattr(threading.current_thread(), "testing", False)
        while True:
            # The states written by the jobs before are read by the query below.
            self.flush_model(["state", "next_attempt"])
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM label_print_log
                        WHERE state = 'queued'
                          AND (next_attempt IS NULL OR next_attempt <= %s)
                     ORDER BY id
                        LIMIT 1
                   FOR UPDATE SKIP LOCKED""",
                    fields.Datetime.now(),
                )
            )
            row = self.env.cr.fetchone()
            if not row:
                return
            job = self.browse(row[0])
            try:
                job._run(commit=commit)
            except UserError as error:
                # Nothing to send (its template was deleted...): the job fails
                # instead of holding up the queue.
                job._set_state("failed", str(error))
            if commit:
                # One job, one transaction (scheduled action only).
                self.env.cr.commit()  # pylint: disable=invalid-commit
