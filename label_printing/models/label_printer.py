# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


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
        required=True, help="Host name or IP address of the printer on the network."
    )
    port = fields.Integer(
        default=9100, required=True, help="Raw TCP port of the printer (9100)."
    )
    timeout = fields.Float(
        string="Timeout (s)",
        default=5.0,
        help="Seconds to wait for the printer before the job fails.",
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
            if printer.timeout <= 0:
                raise ValidationError(self.env._("The timeout must be positive."))

    def _send(self, payload):
        """Send ``payload`` (bytes) to the printer over raw TCP.

        :raise UserError: with the reason, when the printer cannot be reached
        """
        self.ensure_one()
        try:
            with socket.create_connection(
                (self.host, self.port), timeout=self.timeout
            ) as connection:
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
