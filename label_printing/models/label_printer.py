# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Longest wait, in seconds, for a printer to accept the connection and, again, to
# take the whole job: a printer that answers slowly or never reads cannot hold a
# request or the scheduled action longer than twice this.
PRINTER_TIMEOUT = 10.0
# Where the server connects to: only administrators choose it.
NETWORK_FIELDS = {"host", "port"}


class LabelPrinter(models.Model):
    _name = "label.printer"
    _description = "Label Printer"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company
    )
    host = fields.Char(
        required=True,
        help="Host name or IP address of the printer on the network. Set by "
        "administrators only.",
    )
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
        return super().create(vals_list)

    def write(self, vals):
        if NETWORK_FIELDS & set(vals):
            self._check_network_access()
        return super().write(vals)

    def _send(self, payload):
        """Send ``payload`` (bytes) to the printer over raw TCP, waiting at most
        the printer's timeout (never more than ``PRINTER_TIMEOUT``) for the
        connection and again for the whole payload to be taken.

        :raise UserError: with the reason, when the printer cannot be reached or
            does not take the job in time
        """
        self.ensure_one()
        timeout = min(self.timeout or PRINTER_TIMEOUT, PRINTER_TIMEOUT)
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
