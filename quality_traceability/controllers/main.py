# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from urllib.parse import quote

from odoo import http
from odoo.http import request
from odoo.tools import SQL

from ..tools import gs1

# Trace codes are URL-safe base64 (secrets.token_urlsafe): anything else is unknown
# without asking the database.
TRACE_CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Product tracking that the key qualifier of a Digital Link names.
GS1_TRACKING = {"10": "lot", "21": "serial"}
BADGE_LEVELS = frozenset(
    ["primary", "secondary", "success", "info", "warning", "danger"]
)
# The page's address holds the code: no Referer to other sites, no search engines.
PUBLIC_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


def status_badge(value, default_level):
    """Badge of a ``quality_state`` or ``recall`` entry of the public values: a dict
    ``{"label", "level", "message"}`` (a plain string is taken as the label), or
    None when there is nothing to show."""
    if not value:
        return None
    if not isinstance(value, dict):
        value = {"label": value}
    if not value.get("label"):
        return None
    level = value.get("level")
    return {
        "label": value["label"],
        "level": level if level in BADGE_LEVELS else default_level,
        "message": value.get("message"),
    }


def gtin_barcodes(gtin14):
    """The product barcodes a GTIN-14 stands for: itself and its GTIN-13, GTIN-12
    (UPC-A) and GTIN-8 forms, those without the leading zeros."""
    return sorted(
        {gtin14} | {gtin14[cut:] for cut in (1, 2, 6) if gtin14[:cut] == "0" * cut}
    )


class TraceabilityPublicPage(http.Controller):
    """The consumer page of a lot or serial number, open without login.

    Found by its random trace code or by its GS1 Digital Link (GTIN and lot or
    serial number). Unknown and malformed codes get the same "not found" page
    with status 404: the answer tells nothing about which codes exist.
    """

    @http.route(
        "/trace/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def traceability_trace_code(self, code, **kwargs):
        lot = request.env["stock.lot"]
        if TRACE_CODE_PATTERN.fullmatch(code):
            lot = lot._traceability_find_by_code(code)
        return self._traceability_render(lot)

    @http.route(
        [
            "/01/<string:gtin>/10/<path:lot>",
            "/01/<string:gtin>/21/<path:serial>",
        ],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def traceability_digital_link(self, gtin, lot=None, serial=None, **kwargs):
        ai, value = ("21", serial) if serial is not None else ("10", lot)
        uri = self._traceability_request_uri(gtin, ai, value)
        return self._traceability_render(self._traceability_find_by_digital_link(uri))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _traceability_request_uri(self, gtin, ai, value):
        """The Digital Link as requested, still percent-encoded: a lot such as
        "A/1" comes as "A%2F1", which the decoded path cannot tell from two
        segments."""
        environ = request.httprequest.environ
        uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if uri:
            return uri
        path = f"/01/{quote(gtin, safe='')}/{ai}/{quote(value, safe='')}"
        query = request.httprequest.query_string.decode("latin-1")
        return f"{path}?{query}" if query else path

    def _traceability_find_by_digital_link(self, uri):
        """The lot of a GS1 Digital Link URI (one query), or an empty recordset.

        The GTIN, the lot or serial number and the data attributes of the query
        string (such as ``17``, the expiry date) must be valid GS1 values; the
        serial number (21) wins over the lot (10) when both are given. The product
        is found by its barcode (the GTIN in any of its lengths) and must be
        tracked by lot for 10, by serial number for 21.
        """
        lots = request.env["stock.lot"].sudo()
        try:
            elements = gs1.parse_digital_link(uri)
        except gs1.GS1Error:
            return lots.browse()
        ai = "21" if "21" in elements else "10"
        if ai not in elements:
            return lots.browse()
        lots.flush_model(["name", "product_id"])
        lots.env["product.product"].flush_model(["barcode", "product_tmpl_id"])
        lots.env["product.template"].flush_model(["tracking"])
        lots.env.cr.execute(
            SQL(
                """
                SELECT lot.id
                  FROM stock_lot AS lot
                  JOIN product_product AS product ON product.id = lot.product_id
                  JOIN product_template AS template
                    ON template.id = product.product_tmpl_id
                 WHERE lot.name = %s
                   AND product.barcode IN %s
                   AND template.tracking = %s
                 ORDER BY lot.id
                 LIMIT 1
                """,
                elements[ai],
                tuple(gtin_barcodes(elements["01"])),
                GS1_TRACKING[ai],
            )
        )
        row = lots.env.cr.fetchone()
        return lots.browse(row[0] if row else [])

    def _traceability_render(self, lot):
        if not lot:
            return request.render(
                "quality_traceability.trace_public_not_found",
                {},
                status=404,
                headers=PUBLIC_HEADERS,
            )
        values = lot.sudo()._traceability_public_values()
        return request.render(
            "quality_traceability.trace_public_page",
            {
                "trace": values,
                "quality_badge": status_badge(values.get("quality_state"), "secondary"),
                "recall_badge": status_badge(values.get("recall"), "danger"),
            },
            headers=PUBLIC_HEADERS,
        )
