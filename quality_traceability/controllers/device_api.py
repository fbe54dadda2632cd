# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

MAX_PAYLOAD_BYTES = 2 * 1024 * 1024


class TraceabilityDeviceApi(http.Controller):
    """Scans of MES and handheld devices, in batches.

    ``POST /traceability/api/v1/scans`` with an Odoo API key as bearer token and
    a JSON body ``{"device_id": "...", "scans": [...]}``; ``GET
    /traceability/api/v1/lookup?code=...`` for what to check of a scanned lot;
    see the README and ``static/api/device_api.yaml`` (OpenAPI).
    """

    @http.route(
        "/traceability/api/v1/scans",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def traceability_api_scans(self, **kwargs):
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is None or length > MAX_PAYLOAD_BYTES:
            return self._error(
                413,
                f"The payload must be sent whole, at most {MAX_PAYLOAD_BYTES} bytes.",
            )
        if not request.env.user.has_group(
            "quality_traceability.group_traceability_user"
        ):
            return self._error(403, "The API key's user is not a traceability user.")
        try:
            # Cached: when a concurrent request makes Odoo run this one again
            # (odoo.service.model.retrying), the body is read again.
            payload = json.loads(httprequest.get_data() or b"null")
        except (UnicodeDecodeError, ValueError):
            # ValueError also covers integers of more than 4300 digits.
            return self._error(400, "The body is not valid JSON.")
        except RecursionError:
            return self._error(400, "The body is nested too deeply.")
        if not isinstance(payload, dict) or not isinstance(payload.get("scans"), list):
            return self._error(400, 'The body must be an object with a "scans" list.')
        device_id = payload.get("device_id")
        if device_id is not None and not isinstance(device_id, str):
            return self._error(400, '"device_id" must be a string.')
        try:
            results = request.env["traceability.scan"].record_scans(
                payload["scans"], device_id=device_id, source="api"
            )
        except UserError as error:
            return self._error(400, str(error))
        counts = {"created": 0, "duplicate": 0, "error": 0}
        for result in results:
            counts[result["status"]] += 1
        return request.make_json_response(
            {
                "created": counts["created"],
                "duplicates": counts["duplicate"],
                "errors": counts["error"],
                "results": results,
            }
        )

    @http.route(
        "/traceability/api/v1/lookup",
        type="http",
        auth="bearer",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def traceability_api_lookup(self, code=None, **kwargs):
        """What a device shows before a check: the lot of a scanned ``code`` and
        the control points that apply to it, with their measurements and, for
        sampling points, how many units to sample and the Ac/Re numbers (the
        scanner screen's answer, ``traceability.scan.scanner_lookup``)."""
        if not request.env.user.has_group(
            "quality_traceability.group_traceability_user"
        ):
            return self._error(403, "The API key's user is not a traceability user.")
        if not isinstance(code, str) or not code.strip():
            return self._error(400, 'Give the scanned code as the "code" parameter.')
        answer = request.env["traceability.scan"].scanner_lookup(code)
        if "error" in answer:
            return self._error(404, answer["error"])
        return request.make_json_response(answer)

    def _error(self, status, message):
        return request.make_json_response({"error": message}, status=status)
