# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.traceability_epcis import EPCISQueryNotSupported

USER_GROUP = "quality_traceability.group_traceability_user"


class TraceabilityEpcisQuery(http.Controller):
    """EPCIS 2.0 query of events (REST binding, ``GET /events``).

    ``GET /traceability/epcis/events?MATCH_anyEPCClass=...`` with an Odoo API
    key as bearer token: an ``EPCISQueryDocument`` of one page of events, the
    next page in the ``Link: <...>; rel="next"`` header; see
    ``static/api/epcis_api.yaml`` (OpenAPI) and
    ``traceability.epcis.query_events``.
    """

    @http.route(
        "/traceability/epcis/events",
        type="http",
        auth="bearer",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def traceability_epcis_events(self, **kwargs):
        if not request.env.user.has_group(USER_GROUP):
            return self._error(
                403,
                "The API key's user is not a traceability user.",
                "epcisException:SecurityException",
            )
        params = dict(request.httprequest.args.lists())
        try:
            answer = request.env["traceability.epcis"].query_events(params)
        except EPCISQueryNotSupported as error:
            return self._error(
                501, str(error), "epcisException:ImplementationException"
            )
        except UserError as error:
            return self._error(
                400, str(error), "epcisException:QueryParameterException"
            )
        headers = [("GS1-EPCIS-Version", "2.0.0"), ("GS1-CBV-Version", "2.0.0")]
        token = answer["next_page_token"]
        if token:
            query = [
                (name, value)
                for name, values in params.items()
                if name != "nextPageToken"
                for value in values
            ]
            query.append(("nextPageToken", token))
            url = f"{request.httprequest.base_url}?{urlencode(query)}"
            headers.append(("Link", f'<{url}>; rel="next"'))
            headers.append(
                (
                    "GS1-Next-Page-Token-Expires",
                    answer["expires"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
            )
        return request.make_json_response(answer["document"], headers=headers)

    def _error(self, status, message, kind):
        """``{"error": message}``, as the device API answers, with the fields
        of the binding's problem answers (RFC 7807: type, title, status)."""
        return request.make_json_response(
            {"error": message, "type": kind, "title": message, "status": status},
            status=status,
        )
