# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

#: Largest EPCIS document accepted (bytes): 10,000 events of a few hundred
#: bytes each, with room; larger documents are answered 413.
MAX_CAPTURE_BYTES = 20 * 1024 * 1024
CONTENT_TYPES = ("application/json", "application/ld+json")


class TraceabilityEpcisCapture(http.Controller):
    """EPCIS 2.0 capture of vendors' documents.

    ``POST /traceability/epcis/capture`` with an Odoo API key as bearer token
    (the key of a traceability user) and the EPCIS document as JSON or JSON-LD
    body (``Content-Type: application/json`` or ``application/ld+json``), at
    most :data:`MAX_CAPTURE_BYTES`. Answers 200 with ``{"captured",
    "duplicates", "errors": [{"index", "eventID", "message"}]}``
    (``traceability.epcis.event.capture``), 400 ``{"error": ...}`` for a body
    that is not JSON or not a valid EPCIS 2.0 document, 401 without a valid
    key, 403 for a user outside the traceability users, 413 for a body too
    large (400 too for another content type).
    """

    @http.route(
        "/traceability/epcis/capture",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def traceability_epcis_capture(self, **kwargs):
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is None or length > MAX_CAPTURE_BYTES:
            return self._error(
                413,
                f"The document must be sent whole, at most {MAX_CAPTURE_BYTES} bytes.",
            )
        if not request.env.user.has_group(
            "quality_traceability.group_traceability_user"
        ):
            return self._error(403, "The API key's user is not a traceability user.")
        if httprequest.mimetype not in CONTENT_TYPES:
            return self._error(
                400, "Send the document as application/json or application/ld+json."
            )
        try:
            # Cached: a request run again after a concurrent capture
            # (odoo.service.model.retrying) reads the body again.
            document = json.loads(httprequest.get_data() or b"null")
        except (UnicodeDecodeError, ValueError):
            return self._error(400, "The body is not valid JSON.")
        except RecursionError:
            return self._error(400, "The body is nested too deeply.")
        try:
            result = request.env["traceability.epcis.event"].capture(
                document, source="api"
            )
        except AccessError as error:
            return self._error(403, str(error))
        except UserError as error:
            return self._error(400, str(error))
        return request.make_json_response(result)

    def _error(self, status, message):
        return request.make_json_response({"error": message}, status=status)
