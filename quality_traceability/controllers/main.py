# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
import re
import threading
import time
from urllib.parse import quote

from werkzeug.http import HTTP_STATUS_CODES

from odoo import http
from odoo.http import request

from ..tools import gs1

# Trace codes are URL-safe base64 (secrets.token_urlsafe): anything else is unknown
# without asking the database.
TRACE_CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
BADGE_LEVELS = frozenset(
    ["primary", "secondary", "success", "info", "warning", "danger"]
)
# The page's address holds the code: no Referer to other sites, no search engines.
PUBLIC_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
# Lookups per client address and minute (system parameter); 0 turns the limit off.
RATE_LIMIT_PARAM = "quality_traceability.public_rate_limit"
RATE_LIMIT_DEFAULT = 60
# GS1 Digital Link link type of a certificate (GS1 Web Vocabulary).
COA_LINK_TYPES = ("gs1:certificationInfo", "certificationInfo")
COA_REPORT = "quality_traceability.report_traceability_coa"


class RateLimiter:
    """Limits requests per key (database and client address): ``limit`` a minute,
    as a token bucket that holds ``limit`` tokens and refills ``limit`` of them a
    minute, so a client may look up ``limit`` codes at once, then one every
    ``60 / limit`` seconds.

    The buckets live in the memory of this process: each Odoo worker (with
    ``--workers``) keeps its own, so a client may reach the limit once per worker,
    and a restart forgets them. A reverse proxy's limit (nginx ``limit_req``, see
    the README) holds across workers and is the first line; this one protects a
    server reached directly. Full buckets are dropped once a minute; beyond
    ``max_keys`` buckets, new clients share one.
    """

    def __init__(self, max_keys=10000):
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets = {}
        self._swept = 0.0

    def hit(self, key, limit):
        """Take one token for ``key``: 0 when there was one, else the seconds
        until the next one (the request is refused)."""
        now = time.monotonic()
        rate = limit / 60.0
        with self._lock:
            if now - self._swept >= 60:
                # A bucket left alone for a minute is full again: forget it.
                self._buckets = {
                    k: bucket
                    for k, bucket in self._buckets.items()
                    if now - bucket[1] < 60
                }
                self._swept = now
            if key not in self._buckets and len(self._buckets) >= self.max_keys:
                key = None
            tokens, last = self._buckets.get(key, (float(limit), now))
            tokens = min(float(limit), tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0
            self._buckets[key] = (tokens, now)
            return math.ceil((1 - tokens) / rate)

    def reset(self):
        """Forget every client (tests)."""
        with self._lock:
            self._buckets = {}


rate_limiter = RateLimiter()


def status_badge(value, default_level):
    """Badge of the ``recall`` entry of the public values: a dict ``{"label",
    "level", "message"}`` (a plain string is taken as the label), or None when
    there is nothing to show."""
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


class TraceabilityPublicPage(http.Controller):
    """The consumer page of a lot or serial number, open without login.

    Found by its random trace code or by its GS1 Digital Link (GTIN and lot or
    serial number, looked up by ``stock.lot._traceability_find_by_gs1``).
    Unknown and malformed codes get the same "not found" page with status 404:
    the answer tells nothing about which codes exist. A client address gets 429
    beyond the system parameter ``quality_traceability.public_rate_limit``
    lookups a minute (default 60, 0: no limit); a Digital Link longer than
    ``gs1.DIGITAL_LINK_MAX_LENGTH`` gets 414 before it is read.

    The routes only read (the rate limit counts in memory): they are
    ``readonly=True``, so a server started with ``--db_replica_host`` serves
    them from the read replica. A write there would fail on the replica, and
    Odoo would run the request again on the primary.
    """

    @http.route(
        "/trace/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
        readonly=True,
    )
    def traceability_trace_code(self, code, **kwargs):
        too_many = self._traceability_rate_limit()
        if too_many:
            return too_many
        return self._traceability_render(
            self._traceability_lot_of_code(code), coa_url=f"/trace/{code}/coa"
        )

    @http.route(
        "/trace/<string:code>/coa",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
        readonly=True,
    )
    def traceability_trace_code_coa(self, code, **kwargs):
        too_many = self._traceability_rate_limit()
        if too_many:
            return too_many
        return self._traceability_coa(self._traceability_lot_of_code(code))

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
        readonly=True,
    )
    def traceability_digital_link(self, gtin, lot=None, serial=None, **kwargs):
        too_many = self._traceability_rate_limit()
        if too_many:
            return too_many
        ai, value = ("21", serial) if serial is not None else ("10", lot)
        uri = self._traceability_request_uri(gtin, ai, value)
        if len(uri) > gs1.DIGITAL_LINK_MAX_LENGTH:
            # A plain answer: the frontend error page has no 414 template.
            return request.make_response(
                HTTP_STATUS_CODES[414],
                headers=[
                    ("Content-Type", "text/plain; charset=utf-8"),
                    *PUBLIC_HEADERS.items(),
                ],
                status=414,
            )
        try:
            elements = gs1.parse_digital_link(uri)
        except gs1.GS1Error:
            elements = {}
        # sudo: the Digital Link is public by design; the lookup keeps to the
        # company that owns the GTIN and only the lot's public values are shown.
        lot = (
            request.env["stock.lot"]
            .sudo()
            ._traceability_find_by_gs1(
                elements.get("01"),
                lot_name=elements.get("10"),
                serial=elements.get("21"),
            )
        )
        if kwargs.get("linkType") in COA_LINK_TYPES:
            return self._traceability_coa(lot)
        path = request.httprequest.path
        return self._traceability_render(
            lot, coa_url=f"{quote(path)}?linkType=gs1:certificationInfo"
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _traceability_lot_of_code(self, code):
        """The lot of a trace code (none for a malformed or unknown one)."""
        lot = request.env["stock.lot"]
        if TRACE_CODE_PATTERN.fullmatch(code):
            lot = lot._traceability_find_by_code(code)
        return lot

    def _traceability_rate_limit(self):
        """The 429 response when this client address went over the limit of
        lookups this minute, else None (see :class:`RateLimiter`)."""
        param = request.env["ir.config_parameter"].sudo().get_param(RATE_LIMIT_PARAM)
        try:
            limit = RATE_LIMIT_DEFAULT if param in (None, False, "") else int(param)
        except ValueError:
            limit = RATE_LIMIT_DEFAULT
        if limit <= 0:
            return None
        wait = rate_limiter.hit((request.db, request.httprequest.remote_addr), limit)
        if not wait:
            return None
        return request.make_response(
            request.env._(
                "Too many lookups from your address: wait a minute, then try again."
            ),
            headers=[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Retry-After", str(wait)),
                *PUBLIC_HEADERS.items(),
            ],
            status=429,
        )

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

    def _traceability_not_found(self):
        return request.render(
            "quality_traceability.trace_public_not_found",
            {},
            status=404,
            headers=PUBLIC_HEADERS,
        )

    def _traceability_render(self, lot, coa_url=None):
        if not lot:
            return self._traceability_not_found()
        values = lot.sudo()._traceability_public_values()
        return request.render(
            "quality_traceability.trace_public_page",
            {
                "trace": values,
                "recall_badge": status_badge(values.get("recall"), "danger"),
                "coa_url": coa_url if values.get("coa_published") else None,
            },
            headers=PUBLIC_HEADERS,
        )

    def _traceability_coa(self, lot):
        """The lot's certificate of analysis (PDF) when a manager published it;
        the same "not found" page as an unknown code otherwise."""
        if not lot or not lot.sudo().traceability_coa_published:
            return self._traceability_not_found()
        # sudo: published certificates are public by a manager's decision; the
        # report shows the final inspection's specs and values, nothing else.
        content, _kind = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(COA_REPORT, lot.sudo().ids)
        )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", f'inline; filename="coa-{lot.id}.pdf"'),
                *PUBLIC_HEADERS.items(),
            ],
        )
