# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import math
import re
import threading
import time
from urllib.parse import quote, urlencode

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
COA_REPORT = "quality_traceability.report_traceability_coa"
# GS1 Web Vocabulary: link types are its terms ("gs1:pip" is GS1_VOC + "pip").
GS1_VOC = "https://gs1.org/voc/"
GS1_VOC_PREFIXES = ("gs1:", GS1_VOC, "https://ref.gs1.org/voc/", "http://gs1.org/voc/")
# linkType values that ask for the whole linkset ("all": resolver standard 1.0;
# "linkset": 1.2).
LINKSET_LINK_TYPES = frozenset(["all", "linkset"])
LINKSET_MEDIA_TYPES = ("application/linkset+json", "application/json")
# JSON-LD context of GS1 linksets (GS1-Conformant resolver 1.2, 2.10).
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"


def link_type_term(link_type):
    """The GS1 Web Vocabulary term of a link type given as "gs1:pip", its full
    URI or "pip" (``None`` for none)."""
    if not link_type:
        return None
    for prefix in GS1_VOC_PREFIXES:
        if link_type.startswith(prefix):
            return link_type[len(prefix) :]
    return link_type


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
    serial number, looked up by ``stock.lot._traceability_find_by_gs1``), which
    a GS1-Conformant resolver answers (:meth:`_traceability_resolve`). Unknown
    codes, and malformed trace codes, get the same "not found" page with status
    404; a malformed Digital Link (its syntax alone: check digit, AIs, lengths,
    character set) gets 400. Neither answer tells which codes exist. A client
    address gets 429
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
            "/01/<string:gtin>",
            "/01/<string:gtin>/10/<path:lot>",
            "/01/<string:gtin>/21/<path:serial>",
            # Other key qualifiers (22, 235) and malformed paths (answered 400).
            "/01/<string:gtin>/<path:qualifiers>",
            "/00/<path:sscc>",
        ],
        type="http",
        auth="public",
        # OPTIONS is answered by Odoo (cors): 204 with these methods.
        methods=["GET", "HEAD", "OPTIONS"],
        website=True,
        # Accept-Language picks the language, without a redirect to /<lang>/.
        multilang=False,
        sitemap=False,
        readonly=True,
        cors="*",
    )
    def traceability_digital_link(self, **kwargs):
        """The GS1-Conformant resolver of the GS1 Digital Links of lots, serial
        numbers, products and logistic units (see :meth:`_traceability_resolve`)."""
        self._traceability_set_lang()
        too_many = self._traceability_rate_limit()
        if too_many:
            return too_many
        uri = self._traceability_request_uri()
        if len(uri) > gs1.DIGITAL_LINK_MAX_LENGTH:
            # A plain answer: the frontend error page has no 414 template.
            return self._traceability_plain(HTTP_STATUS_CODES[414], 414)
        try:
            elements = gs1.parse_resolver_request(uri)
        except gs1.GS1Error:
            return self._traceability_plain(
                request.env._("This is not a valid GS1 Digital Link."), 400
            )
        return self._traceability_resolve(elements, kwargs.get("linkType"))

    @http.route(
        "/.well-known/gs1resolver",
        type="http",
        auth="public",
        methods=["GET", "HEAD", "OPTIONS"],
        sitemap=False,
        readonly=True,
        cors="*",
    )
    def traceability_resolver_description(self, **kwargs):
        """The resolver description file (GS1-Conformant resolver 1.2, section
        3): the keys (GTIN 01, SSCC 00) and link types this resolver
        answers."""
        description = {
            "name": request.env.company.name,
            "resolverRoot": request.httprequest.host_url.rstrip("/"),
            "supportedPrimaryKeys": ["01", "00"],
            "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
            # A product's default answer is its linkset.
            "linkTypeDefaultCanBeLinkset": True,
            "jsonLdContextLocation": LINKSET_CONTEXT,
        }
        return request.make_response(
            json.dumps(description, ensure_ascii=False),
            headers=[("Content-Type", "application/json")],
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

    def _traceability_request_uri(self):
        """The Digital Link as requested (path and query), still
        percent-encoded: a lot such as "A/1" comes as "A%2F1", which the decoded
        path cannot tell from two segments. A language prefix ("/zh_CN") or an
        absolute request target is cut off: the path starts with the key."""
        httprequest = request.httprequest
        environ = httprequest.environ
        uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        key = "/" + httprequest.path.split("/")[1] + "/"
        if uri and key in uri:
            return uri[uri.index(key) :]
        # No raw target: rebuild it from the decoded path, "/" kept.
        path = quote(httprequest.path, safe="/")
        query = httprequest.query_string.decode("latin-1")
        return f"{path}?{query}" if query else path

    def _traceability_plain(self, message, status, headers=None):
        """A plain text answer (400, 414, 429)."""
        return request.make_response(
            message,
            headers=[
                ("Content-Type", "text/plain; charset=utf-8"),
                *(headers or []),
                *PUBLIC_HEADERS.items(),
            ],
            status=status,
        )

    # ------------------------------------------------------------------
    # GS1 Digital Link resolver
    # ------------------------------------------------------------------
    def _traceability_resolve(self, elements, link_type):
        """Answer a valid GS1 Digital Link (``elements`` from
        :func:`gs1.parse_resolver_request`) as a GS1-Conformant resolver.

        * Unknown item: the "not found" page, 404.
        * ``linkType=all`` or ``linkset``, or a client that prefers
          ``application/linkset+json`` (or JSON) to HTML: the RFC 9264 linkset
          of the item.
        * ``linkType=<type>`` of a link the item has: 307 to it, with the
          query string less ``linkType`` (a link to this address would loop);
          the certificate of analysis (``gs1:certificationInfo``) is served at
          this address (its link), 404 while it is not published. A link type
          the item has no link of: 404 (GS1-Conformant resolver 1.2, 2.6.2).
        * Otherwise the default link: a lot's public page, with a ``Link``
          header; a product and a logistic unit have no page of their own here:
          their linkset (a box's or pallet's: the links of the lots it shipped
          with, see ``stock.lot._traceability_digital_link_sscc_links``).

        The resolver records no consumer product variant (22) nor third party
        serialised extension (235): it answers them at the GTIN's level (with
        its lot or serial number).
        """
        Lot = request.env["stock.lot"].sudo()
        base = request.httprequest.host_url.rstrip("/")
        lot = Lot.browse()
        description = None
        if elements["key"] == "00":
            anchor = f"{base}/00/{elements['00']}"
            # sudo: the hook lists only public links of the logistic unit.
            links = Lot._traceability_digital_link_sscc_links(elements["00"], anchor)
            found = bool(links)
        else:
            gtin = elements["01"]
            anchor = f"{base}/01/{gtin}"
            if "10" in elements or "21" in elements:
                # sudo: the Digital Link is public by design; the lookup keeps to
                # the company that owns the GTIN and only the lot's public
                # values and links are shown.
                lot = Lot._traceability_find_by_gs1(
                    gtin, lot_name=elements.get("10"), serial=elements.get("21")
                )
                for ai in ("10", "21"):
                    if ai in elements:
                        anchor += f"/{ai}/{quote(elements[ai], safe='')}"
                links = lot._traceability_digital_link_links(anchor) if lot else []
                found = bool(lot)
            else:
                # sudo: only the name of a traced product is shown.
                product = Lot._traceability_find_product_by_gtin(gtin)
                description = product.with_context(
                    display_default_code=False
                ).display_name
                links = []
                found = bool(product)
        if not found:
            return self._traceability_not_found()
        term = link_type_term(link_type)
        if term == "defaultLink":
            term = None
        if term in LINKSET_LINK_TYPES or (
            not term and self._traceability_accepts_linkset()
        ):
            return self._traceability_linkset(anchor, links, description)
        if term == "certificationInfo" and lot:
            return self._traceability_coa(lot)
        link = next(
            (link for link in links if link_type_term(link["link_type"]) == term), None
        )
        if term and not link:
            return self._traceability_not_found()
        if link:
            return request.redirect(
                self._traceability_pass_query(link["href"]), code=307, local=False
            )
        if not lot:
            return self._traceability_linkset(anchor, links, description)
        response = self._traceability_render(
            lot, coa_url=f"{anchor}?linkType=gs1:certificationInfo"
        )
        response.headers.update(self._traceability_resolver_headers(anchor, links))
        return response

    def _traceability_pass_query(self, href):
        """``href`` with the query string of the request, less ``linkType``
        (GS1-Conformant resolver 1.2, 2.12: the query string is passed on)."""
        query = [
            (name, value)
            for name, value in request.httprequest.args.items(multi=True)
            if name != "linkType"
        ]
        if not query:
            return href
        href, hash_mark, fragment = href.partition("#")
        separator = "&" if "?" in href else "?"
        return f"{href}{separator}{urlencode(query)}{hash_mark}{fragment}"

    def _traceability_set_lang(self):
        """Serve the language of the database that Accept-Language prefers,
        when it names one: it wins over the ``frontend_lang`` cookie, as a
        resolver's answer follows the request. "zh" matches "zh_CN"."""
        codes = [code for code, _name in request.env["res.lang"].get_installed()]
        best = request.httprequest.accept_languages.best_match(
            [code.replace("_", "-") for code in codes]
        )
        if best:
            code = best.replace("-", "_")
            request.lang = request.env["res.lang"]._get_data(code=code)
            request.update_context(lang=code)

    def _traceability_accepts_linkset(self):
        """True when the client prefers a linkset (JSON) to HTML."""
        best = request.httprequest.accept_mimetypes.best_match(
            ["text/html", *LINKSET_MEDIA_TYPES], default="text/html"
        )
        return best != "text/html"

    def _traceability_languages(self):
        """The languages the pages are served in (ISO 639-1 codes)."""
        codes = [code for code, _name in request.env["res.lang"].get_installed()]
        return list(dict.fromkeys(code.split("_")[0] for code in codes))

    def _traceability_resolver_headers(self, anchor, links):
        """``Link`` (the linkset and each link; RFC 8288), ``Content-Language``
        and ``Vary`` of a resolver answer."""
        values = [
            f'<{anchor}?linkType=all>; rel="linkset"; type="{LINKSET_MEDIA_TYPES[0]}"'
        ]
        for link in links:
            rel = GS1_VOC + link_type_term(link["link_type"])
            values.append(f'<{link["href"]}>; rel="{rel}"; type="{link["type"]}"')
        return {
            "Link": ", ".join(values),
            "Content-Language": (request.env.lang or "en_US").replace("_", "-"),
            "Vary": "Accept, Accept-Language",
        }

    def _traceability_linkset(self, anchor, links, description=None):
        """The RFC 9264 linkset (``application/linkset+json``) of an item: its
        links by link type, the default one also as ``gs1:defaultLink``."""
        context = {"anchor": anchor}
        if description:
            context["itemDescription"] = description
        languages = self._traceability_languages()
        for index, link in enumerate(links):
            target = {
                "href": link["href"],
                "title": link["title"],
                "type": link["type"],
                "hreflang": languages,
            }
            terms = [link_type_term(link["link_type"])]
            if index == 0:
                terms.append("defaultLink")
            for term in terms:
                context.setdefault(GS1_VOC + term, []).append(target)
        if not links:
            # No page of its own: the default link is this linkset.
            context[GS1_VOC + "defaultLink"] = [
                {
                    "href": f"{anchor}?linkType=linkset",
                    "title": description or anchor,
                    "type": LINKSET_MEDIA_TYPES[0],
                    "hreflang": languages,
                }
            ]
        headers = self._traceability_resolver_headers(anchor, links)
        headers["Content-Type"] = LINKSET_MEDIA_TYPES[0]
        headers["Link"] += (
            f', <{LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; '
            'type="application/ld+json"'
        )
        return request.make_response(
            json.dumps({"linkset": [context]}, ensure_ascii=False),
            headers=[*headers.items(), *PUBLIC_HEADERS.items()],
        )

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
