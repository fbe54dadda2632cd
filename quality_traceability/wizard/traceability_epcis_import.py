# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

#: Largest file the wizard reads (the HTTP capture route has the same limit).
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _event_label(event_id):
    """`` (<eventID>)`` after an event's number, when it has an id (kept out
    of the translated call: the term extractor reads its arguments)."""
    return f" ({event_id})" if event_id else ""


class TraceabilityEpcisImport(models.TransientModel):
    """Import a vendor's EPCIS 2.0 document (JSON / JSON-LD file): the same
    capture as ``POST /traceability/epcis/capture``, then its result."""

    _name = "traceability.epcis.import"
    _description = "Import EPCIS Document"

    file = fields.Binary(string="EPCIS Document", required=True)
    filename = fields.Char()
    purchase_id = fields.Many2one(
        comodel_name="purchase.order",
        string="Purchase Order",
        help="Shipping events that name no purchase order go to this one.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")], default="draft", required=True
    )
    captured_count = fields.Integer(string="Captured", readonly=True)
    duplicate_count = fields.Integer(string="Already Captured", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    result_errors = fields.Text(string="Event Errors", readonly=True)

    @api.model
    def default_get(self, fields_list):
        if not self.env.su:
            # Opened only by those who may capture (the import then checks
            # again).
            self.env["traceability.epcis.event"]._check_capture_user()
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "purchase_id" in fields_list
            and context.get("active_model") == "purchase.order"
            and isinstance(context.get("active_id"), int)
        ):
            values["purchase_id"] = context["active_id"]
        return values

    def _document(self):
        try:
            data = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file could not be read.")) from error
        if len(data) > MAX_IMPORT_BYTES:
            raise UserError(
                self.env._(
                    "The file must be at most %(size)s MB.",
                    size=MAX_IMPORT_BYTES // (1024 * 1024),
                )
            )
        try:
            return json.loads(data)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise UserError(
                self.env._("The file is not a JSON (JSON-LD) document.")
            ) from error

    def action_import(self):
        self.ensure_one()
        result = self.env["traceability.epcis.event"].capture(
            self._document(),
            source="import",
            purchase_order_id=self.purchase_id.id or None,
        )
        lines = [
            self.env._(
                "Event %(number)s%(event)s: %(message)s",
                number=error["index"] + 1,
                event=_event_label(error["eventID"]),
                message=error["message"],
            )
            for error in result["errors"]
        ]
        self.write(
            {
                "state": "done",
                "captured_count": result["captured"],
                "duplicate_count": result["duplicates"],
                "error_count": len(result["errors"]),
                "result_errors": "\n".join(lines) or False,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_view_events(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.traceability_epcis_event_action"
        )
        action["domain"] = [("capture_user_id", "=", self.env.uid)]
        return action
