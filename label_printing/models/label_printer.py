# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re
import shutil
import socket
import subprocess

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import ipp

# Longest wait, in seconds, for a printer to accept the connection and, again, to
# take the whole job: a printer that answers slowly or never reads cannot hold a
# request or the scheduled action longer than twice this.
PRINTER_TIMEOUT = 10.0
# The levels of ``_for_print``, as the print wizard shows them.
PRINTER_REASONS = [
    ("wizard", "Chosen here"),
    ("workcenter", "Work center"),
    ("picking_type", "Operation type"),
    ("user", "Your preferences"),
    ("template", "Label template"),
    ("company", "Company default"),
]
# Where the server connects to: only administrators choose it.
NETWORK_FIELDS = {"host", "port", "kind", "uri", "queue"}
# What only the system path writes: the outcome of the last job sent.
STATUS_FIELDS = {"last_status", "last_error", "last_contact"}
# A CUPS queue name: printable characters but space, "/" and "#" (CUPS
# lpadmin(8)); never starting with "-", which lp would read as an option.
QUEUE_NAME = re.compile(r"[A-Za-z0-9_.@+][A-Za-z0-9_.@+-]{0,126}")


class LabelPrinter(models.Model):
    _name = "label.printer"
    _description = "Label Printer"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company
    )
    kind = fields.Selection(
        selection=[
            ("tcp", "Network (raw TCP 9100)"),
            ("ipp", "IPP / IPPS"),
            ("cups", "CUPS Queue"),
        ],
        default="tcp",
        required=True,
        help="Network: the labels sent as they are to port 9100 of the printer.\n"
        "IPP / IPPS: a print job to the printer's IPP address "
        "(ipp://host:631/ipp/print).\n"
        "CUPS Queue: a job to a queue of the server's CUPS, by its lp command. "
        "Set by administrators only.",
    )
    host = fields.Char(
        help="Host name or IP address of the printer on the network. Set by "
        "administrators only.",
    )
    uri = fields.Char(
        string="IPP Address",
        help="The printer's IPP address, e.g. ipp://192.168.1.20:631/ipp/print "
        "(ipps:// for IPP over TLS). Set by administrators only.",
    )
    queue = fields.Char(
        string="CUPS Queue",
        help="Name of the queue in the server's CUPS (lpstat -p lists them). Set "
        "by administrators only.",
    )
    document_format = fields.Selection(
        selection=[
            ("application/vnd.zebra-zpl", "ZPL (application/vnd.zebra-zpl)"),
            ("application/octet-stream", "Raw (application/octet-stream)"),
            ("application/pdf", "PDF (application/pdf)"),
        ],
        default="application/vnd.zebra-zpl",
        help="Document format of the IPP jobs. ZPL labels go as ZPL or raw; "
        "choose PDF for a printer that prints PDF.",
    )
    last_status = fields.Selection(
        selection=[("ok", "Printed"), ("error", "Error")],
        readonly=True,
        help="Outcome of the last job sent to this printer.",
    )
    last_error = fields.Text(readonly=True)
    last_contact = fields.Datetime(readonly=True)
    port = fields.Integer(
        default=9100,
        required=True,
        help="Raw TCP port of the printer (9100). Set by administrators only.",
    )
    timeout = fields.Float(
        string="Timeout (s)",
        default=5.0,
        help="Seconds to wait for the printer to accept the connection, and again "
        "to take the job, before the job fails (at most 10).",
    )
    dpi = fields.Selection(
        selection=[("203", "203 dpi"), ("300", "300 dpi"), ("600", "600 dpi")],
        string="Resolution",
        default="203",
        required=True,
    )
    max_width = fields.Float(
        string="Print Width (mm)",
        default=104.0,
        help="Widest label this printer prints.",
    )

    @api.constrains("kind", "host", "uri", "queue")
    def _check_address(self):
        for printer in self:
            if printer.kind == "tcp" and not printer.host:
                raise ValidationError(
                    self.env._("A network printer needs its host name or address.")
                )
            if printer.kind == "ipp":
                try:
                    ipp.http_target(printer.uri or "")
                except ipp.IppError as error:
                    raise ValidationError(
                        self.env._(
                            "The IPP address of a printer looks like "
                            "ipp://host:631/ipp/print or ipps://host/ipp/print."
                        )
                    ) from error
            if printer.kind == "cups" and not QUEUE_NAME.fullmatch(printer.queue or ""):
                raise ValidationError(
                    self.env._(
                        "Name the CUPS queue with letters, digits and . _ @ + - "
                        "(not first)."
                    )
                )

    @api.constrains("port", "timeout")
    def _check_port(self):
        for printer in self:
            if not 0 < printer.port < 65536:
                raise ValidationError(
                    self.env._("The port of a printer is between 1 and 65535.")
                )
            if not 0 < printer.timeout <= PRINTER_TIMEOUT:
                raise ValidationError(
                    self.env._(
                        "The timeout of a printer is more than 0 and at most "
                        "%(max)s seconds.",
                        max=PRINTER_TIMEOUT,
                    )
                )

    @api.model
    def _for_print(self, records, template, user=None):
        """The printer of a print of ``records`` (the documents it starts from:
        manufacturing orders, transfers, or the lots, packages or products
        themselves) with ``template``, and the level that chose it, first of:
        the work center of the manufacturing order (its last operation, where
        the finished lots come out), the operation type of the order or
        transfer, ``user``'s own printer, the template's printer, the
        company's default printer. Only active printers of the records'
        company (or of no company) are chosen.

        :return: ``(printer, reason)``, reason a key of ``PRINTER_REASONS``
            (``(empty recordset, False)`` when no level names a printer)
        """
        user = user or self.env.user
        # The printer choice is configuration read for whoever prints: a
        # Traceability user need not read work centers or operation types.
        records = records.sudo()
        company = (
            records[:1].company_id
            if "company_id" in records._fields and records[:1].company_id
            else self.env.company
        )
        productions = self.env["mrp.production"]
        picking_types = self.env["stock.picking.type"]
        workcenters = self.env["mrp.workcenter"]
        if records._name == "traceability.check":
            # A check's station: its equipment, else its order's or transfer's.
            workcenters = records.workcenter_id[:1]
            productions = records.production_id
            picking_types = (
                records.picking_id.picking_type_id
                | records.production_id.picking_type_id
            )
        if records._name == "mrp.production":
            productions = records
        if records._name in ("mrp.production", "stock.picking"):
            picking_types = records.picking_type_id
        workcenters = (
            workcenters or productions.workorder_ids.sorted("id").workcenter_id
        )
        levels = [
            ("workcenter", workcenters[-1:].label_printer_id),
            ("picking_type", picking_types[:1].label_printer_id),
            ("user", user.sudo().label_printer_id),
            ("template", template.sudo().printer_id),
            ("company", company.label_printer_id),
        ]
        for reason, printer in levels:
            if printer.active and printer.company_id in (company, company.browse()):
                return printer.with_env(self.env), reason
        return self.browse(), False

    @api.model
    def _for_event(self, event_key, template, lots):
        """The printer of an automatic print (see ``_for_print``) of ``lots``
        for the event ``event_key`` (``model,id,what``): a manufacturing order's
        work center and operation type count; the user is whoever caused the
        event."""
        model, _sep, rest = (event_key or "").partition(",")
        record_id = rest.partition(",")[0]
        records = lots
        if model in ("mrp.production", "traceability.check") and record_id.isdigit():
            records = self.env[model].browse(int(record_id)).exists()
        return self._for_print(records, template)

    def _check_network_access(self):
        """Only administrators (Settings) choose where the server connects to."""
        if not self.env.is_system():
            raise AccessError(
                self.env._(
                    "Only administrators set the host and port of a label printer."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # The host is required: whoever creates a printer chooses where it is.
        self._check_network_access()
        if any(STATUS_FIELDS & set(vals) for vals in vals_list):
            self._check_status_path()
        return super().create(vals_list)

    def write(self, vals):
        if NETWORK_FIELDS & set(vals):
            self._check_network_access()
        if STATUS_FIELDS & set(vals):
            self._check_status_path()
        return super().write(vals)

    def _check_status_path(self):
        """The status of a printer is written by ``_send`` only (superuser)."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The status of a label printer is set by the jobs sent to it."
                )
            )

    def _timeout(self):
        return min(self.timeout or PRINTER_TIMEOUT, PRINTER_TIMEOUT)

    def _send(self, payload, job_name=None, document_format=None):
        """Send ``payload`` (bytes) the way of the printer's kind and keep the
        outcome on the printer (``last_status``, ``last_error``,
        ``last_contact``).

        :param document_format: the format of ``payload`` for IPP printers
            (the printer's own by default)
        :raise UserError: with the reason, when the printer cannot be reached or
            does not take the job
        """
        self.ensure_one()
        try:
            if self.kind == "ipp":
                self._send_ipp(payload, job_name, document_format)
            elif self.kind == "cups":
                self._send_cups(payload)
            else:
                self._send_tcp(payload)
        except UserError as error:
            self._set_status("error", str(error))
            raise
        self._set_status("ok")

    def _set_status(self, status, error=False):
        """Keep the outcome of the printer's last job, unless another job's
        outcome is being written at the same moment (that one is kept): the
        status never holds up or breaks the job itself."""
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM label_printer WHERE id = %s "
                        "FOR NO KEY UPDATE NOWAIT",
                        self.id,
                    )
                )
                # The system path records the outcome of the printer's last job.
                self.sudo().write(
                    {
                        "last_status": status,
                        "last_error": error,
                        "last_contact": fields.Datetime.now(),
                    }
                )
        except (errors.LockNotAvailable, errors.SerializationFailure):
            self.invalidate_recordset(list(STATUS_FIELDS))

    def _send_ipp(self, payload, job_name=None, document_format=None):
        """A Print-Job request (RFC 8011, section 4.2.1) over HTTP."""
        body = ipp.print_job_request(
            self.uri,
            payload,
            user=self.env.user.login or "odoo",
            job_name=job_name or self.env._("Labels"),
            document_format=document_format or self._document_format(payload),
        )
        try:
            response = ipp.post(self.uri, body, self._timeout())
        except OSError as error:
            raise UserError(
                self.env._(
                    "Printer %(printer)s (%(uri)s) cannot be reached: %(error)s",
                    printer=self.name,
                    uri=self.uri,
                    error=error.strerror or error,
                )
            ) from error
        except ipp.IppError as error:
            raise UserError(
                self.env._(
                    "Printer %(printer)s (%(uri)s) refused the job: %(error)s",
                    printer=self.name,
                    uri=self.uri,
                    error=error,
                )
            ) from error
        if not ipp.is_successful(response["code"]):
            raise UserError(
                self.env._(
                    "Printer %(printer)s (%(uri)s) refused the job: %(error)s",
                    printer=self.name,
                    uri=self.uri,
                    error=ipp.status_text(response),
                )
            )

    def _document_format(self, payload):
        """The IPP document-format of ``payload``: PDF for a PDF file, else
        the printer's format for labels (ZPL or raw)."""
        if payload.startswith(b"%PDF"):
            return "application/pdf"
        if self.document_format in (False, "application/pdf"):
            return "application/vnd.zebra-zpl"
        return self.document_format

    def _lp_command(self):
        """The command line that sends a raw job to the printer's CUPS queue
        (the job's bytes go on its standard input)."""
        self.ensure_one()
        return ["lp", "-d", self.queue, "-o", "raw"]

    def _send_cups(self, payload):
        """A raw job to a queue of the server's CUPS, through ``lp``."""
        command = self._lp_command()
        executable = shutil.which(command[0], path=os.environ.get("PATH"))
        if not executable:
            raise UserError(
                self.env._(
                    "Printer %(printer)s is a CUPS queue, but this server has no "
                    "lp command: install CUPS (package cups-client) on the "
                    "server, or make the printer a network or IPP printer.",
                    printer=self.name,
                )
            )
        try:
            result = subprocess.run(
                [executable, *command[1:]],
                input=payload,
                capture_output=True,
                timeout=self._timeout(),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise UserError(
                self.env._(
                    "Printer %(printer)s (CUPS queue %(queue)s) cannot be reached: "
                    "%(error)s",
                    printer=self.name,
                    queue=self.queue,
                    error=error,
                )
            ) from error
        if result.returncode:
            raise UserError(
                self.env._(
                    "Printer %(printer)s (CUPS queue %(queue)s) refused the job: "
                    "%(error)s",
                    printer=self.name,
                    queue=self.queue,
                    error=result.stderr.decode(errors="replace").strip()
                    or result.returncode,
                )
            )

    def _send_tcp(self, payload):
        """Send ``payload`` (bytes) to the printer over raw TCP, waiting at most
        the printer's timeout (never more than ``PRINTER_TIMEOUT``) for the
        connection and again for the whole payload to be taken.

        :raise UserError: with the reason, when the printer cannot be reached or
            does not take the job in time
        """
        self.ensure_one()
        timeout = self._timeout()
        try:
            with socket.create_connection(
                (self.host, self.port), timeout=timeout
            ) as connection:
                # The socket keeps the timeout, which bounds the whole sendall
                # (not each chunk it sends) since Python 3.5.
                connection.sendall(payload)
        except OSError as error:
            raise UserError(
                self.env._(
                    "Printer %(printer)s (%(host)s:%(port)s) cannot be reached: "
                    "%(error)s",
                    printer=self.name,
                    host=self.host,
                    port=self.port,
                    error=error.strerror or error,
                )
            ) from error
