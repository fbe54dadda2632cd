# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The GS1 Digital Link resolver, rule by rule.

References: GS1-Conformant Resolver Standard 1.2 (clause numbers of 1.2, with
the item of its conformance statement, section 5, as "S5.n"; each rule quoted
in short in its test), GS1 Digital Link Standard: URI Syntax 1.4 (key
qualifiers), RFC 9264 (linkset) and RFC 8288 (Link header).
"""

import json

from odoo.tests import HttpCase, tagged

from ..controllers.main import rate_limiter
from ..tools import gs1
from .common import TraceabilityCommon

RAW_GTIN13 = "6901234560053"  # the common factory's raw material, tracked by lot
SERIAL_GTIN13 = "6901234560077"
UNTRACKED_GTIN13 = "6901234560084"
UNKNOWN_GTIN13 = "6901234560091"
SSCC = "106141411234567897"
LINKSET = "application/linkset+json"
VOC = "https://gs1.org/voc/"
NOT_FOUND = "o_traceability_not_found"


@tagged("post_install", "-at_install")
class TestResolver(TraceabilityCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.finished.barcode = SERIAL_GTIN13
        cls.env["product.product"].create(
            {"name": "Test Untracked", "type": "consu", "barcode": UNTRACKED_GTIN13}
        )
        cls.serial = cls.serial_with_published_coa(
            [("DL-L1", 10), ("DL/2", 5)], "DL", "resolver"
        )
        cls.lot_link = f"/01/0{RAW_GTIN13}/10/DL-L1"
        cls.serial_link = f"/01/0{SERIAL_GTIN13}/21/DL-SN1"

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    def get(self, url, headers=None, **kwargs):
        # No frontend_lang cookie from an earlier answer: Accept-Language decides.
        self.opener.cookies.clear()
        return self.url_open(url, headers=headers, allow_redirects=False, **kwargs)

    def linkset(self, url, headers=None):
        response = self.get(url, headers=headers)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response.headers["Content-Type"], LINKSET)
        body = json.loads(response.text)
        self.assertEqual(len(body["linkset"]), 1)
        return body["linkset"][0]

    def absolute(self, path):
        return self.base_url() + path

    # ------------------------------------------------------------------
    # Request syntax: 400 for a malformed link, 404 for an unknown one
    # ------------------------------------------------------------------
    def test_rule_malformed_request_is_400(self):
        """Resolver standard 2.4 and 2.4.1 (S5.7): a request that fails the
        validation of a GS1 Digital Link URI (structure, AI lengths, character
        sets, check digits, key qualifiers) SHALL be answered 400 Bad Request,
        whether or not the key exists."""
        for url in (
            f"/01/{RAW_GTIN13[:-1]}4/10/DL-L1",  # GTIN check digit
            "/01/12345/10/DL-L1",  # GTIN length
            "/01/69012345600AB/10/DL-L1",  # GTIN not numeric
            f"/01/{RAW_GTIN13}/99/DL-L1",  # not a key qualifier of a GTIN
            f"/01/{RAW_GTIN13}/21/SN/10/DL-L1",  # qualifier order 22, 10, 21
            f"/01/{RAW_GTIN13}/235/T1/10/DL-L1",  # 235 stands alone
            f"/01/{RAW_GTIN13}/10/{'L' * 21}",  # AI 10 is X..20
            f"/01/{RAW_GTIN13}/10/DL-L1%00",  # character set 82
            f"/01/{RAW_GTIN13}/10/DL-L1?17=271399",  # data attribute 17: no month 13
            f"/01/{RAW_GTIN13}/10/DL/2",  # "/" in a value must be percent-encoded
            f"/00/{SSCC[:-1]}8",  # SSCC check digit
            f"/00/{SSCC}/10/DL-L1",  # an SSCC has no key qualifier
        ):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn("not a valid GS1 Digital Link", response.text)
                self.assertNotIn("Test Resin", response.text)
                self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")

    def test_rule_unknown_identifier_is_404(self):
        """Resolver standard 2.4.1 (S5.8, S5.9): a valid GS1 Digital Link URI
        the resolver knows nothing of is answered 404 Not Found, never 200;
        every unknown item gets the same page."""
        pages = set()
        for url in (
            f"/01/0{RAW_GTIN13}/10/DL-NONE",
            f"/01/{SERIAL_GTIN13}/10/DL-SN1",  # serial product asked by lot
            f"/01/{UNKNOWN_GTIN13}",
            f"/01/{UNTRACKED_GTIN13}",  # not a traced product: not published
            f"/01/{UNKNOWN_GTIN13}/10/DL-L1?linkType=all",
            f"/00/{SSCC}",  # no box or pallet has this SSCC
        ):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertIn(NOT_FOUND, response.text)
                self.assertNotIn("Test Untracked", response.text)
                pages.add(response.text.split("csrf_token")[0])
        self.assertEqual(len(pages), 1)

    def test_rule_key_qualifiers_22_and_235_accepted(self):
        """Resolver standard 2.1 (S5.1) and GS1 Digital Link URI syntax 4.9:
        every key qualifier of a supported key is supported; those of a GTIN
        are 22 (CPV), 10 (lot), 21 (serial) in this order, or 235 (TPX). The
        resolver records no CPV nor TPX: it answers them at the GTIN's level."""
        response = self.get(f"/01/0{RAW_GTIN13}/22/V1/10/DL-L1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("DL-L1", response.text)
        context = self.linkset(f"/01/0{RAW_GTIN13}/235/TPX-1?linkType=all")
        self.assertEqual(context["anchor"], self.absolute(f"/01/0{RAW_GTIN13}"))
        # The parser also reads the convenience alphas of GS1 Digital Link 1.1
        # (the routes serve the numeric form).
        self.assertEqual(
            gs1.parse_resolver_request(f"/gtin/0{RAW_GTIN13}/cpv/V/lot/DL%2F2"),
            {"key": "01", "01": f"0{RAW_GTIN13}", "22": "V", "10": "DL/2"},
        )

    # ------------------------------------------------------------------
    # HTTP: GET, HEAD, OPTIONS, CORS
    # ------------------------------------------------------------------
    def test_rule_get_and_head(self):
        """Resolver standard 2.2 (S5.2): HTTP 1.1 GET and HEAD; HEAD answers
        the headers of GET without a body."""
        get = self.get(self.lot_link)
        head = self.get(self.lot_link, head=True)
        self.assertEqual(get.status_code, 200)
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")
        for header in ("Content-Type", "Link", "Access-Control-Allow-Origin"):
            self.assertEqual(head.headers[header], get.headers[header], header)
        self.assertEqual(self.get(f"/01/{UNKNOWN_GTIN13}", head=True).status_code, 404)
        self.assertEqual(self.get("/01/12345", head=True).status_code, 400)

    def test_rule_cors_and_options(self):
        """Resolver standard 2.2 (S5.2, S5.4): OPTIONS and CORS (any origin
        may read the answer); OPTIONS answers the methods it allows."""
        origin = {"Origin": "https://scanner.example"}
        response = self.get(self.serial_link, headers=origin)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        response = self.opener.options(
            self.absolute(self.serial_link),
            headers=dict(origin, **{"Access-Control-Request-Method": "GET"}),
            timeout=12,
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        methods = {
            m.strip()
            for m in response.headers["Access-Control-Allow-Methods"].split(",")
        }
        self.assertEqual({"GET", "HEAD", "OPTIONS"}, methods)

    # ------------------------------------------------------------------
    # Link types
    # ------------------------------------------------------------------
    def test_rule_default_link_is_the_page_with_link_header(self):
        """Resolver standard 2.2 (3b) and 2.10: without linkType, the default
        link is answered (here the lot's page is served at its Digital Link);
        the answer carries a Link header (RFC 8288) pointing to the linkset."""
        response = self.get(self.serial_link)
        self.assertEqual(response.status_code, 200)
        self.assertIn("DL-SN1", response.text)
        link = response.headers["Link"]
        anchor = self.absolute(self.serial_link)
        self.assertIn(f'<{anchor}?linkType=all>; rel="linkset"; type="{LINKSET}"', link)
        self.assertIn(f'<{anchor}>; rel="{VOC}traceability"', link)
        self.assertIn(f'rel="{VOC}certificationInfo"; type="application/pdf"', link)
        self.assertIn("Accept", response.headers["Vary"])

    def test_rule_linkset_by_link_type_all_or_accept(self):
        """Resolver standard 2.2 (3c), 2.9 and 2.10: linkType=linkset (and
        linkType=all of 1.0), or a request that prefers
        application/linkset+json (or application/json), is answered with the
        item's linkset (RFC 9264): anchor, then each link type's targets; the
        default link is also listed under its own link type (2.5.8, S5.12)."""
        anchor = self.absolute(self.serial_link)
        for url, headers in (
            (f"{self.serial_link}?linkType=all", None),
            (f"{self.serial_link}?linkType=linkset", None),
            (self.serial_link, {"Accept": LINKSET}),
            (self.serial_link, {"Accept": "application/json"}),
        ):
            with self.subTest(url=url, headers=headers):
                context = self.linkset(url, headers=headers)
                self.assertEqual(context["anchor"], anchor)
                page = context[f"{VOC}traceability"]
                self.assertEqual(page[0]["href"], anchor)
                self.assertEqual(page[0]["type"], "text/html")
                self.assertEqual(set(page[0]["hreflang"]), {"en", "zh"})
                self.assertEqual(context[f"{VOC}defaultLink"], page)
                self.assertEqual(context[f"{VOC}pip"][0]["title"], "Test Bottle")
                coa = context[f"{VOC}certificationInfo"][0]
                self.assertEqual(
                    coa["href"], f"{anchor}?linkType=gs1:certificationInfo"
                )
                self.assertEqual(coa["type"], "application/pdf")
                self.assertNotIn(f"{VOC}recallStatus", context)
                self.assertNotIn(self.serial.trace_code, json.dumps(context))
        # Resolver standard 2.10 (S5.13): Link header to the JSON-LD context.
        response = self.get(f"{self.serial_link}?linkType=all")
        self.assertIn(
            "<https://ref.gs1.org/standards/resolver/linkset-context>; "
            'rel="http://www.w3.org/ns/json-ld#context"',
            response.headers["Link"],
        )
        # A lot without published certificate lists no certificate.
        context = self.linkset(f"{self.lot_link}?linkType=all")
        self.assertEqual(context["anchor"], self.absolute(self.lot_link))
        self.assertNotIn(f"{VOC}certificationInfo", context)
        # A browser's Accept prefers HTML: the page.
        response = self.get(
            self.lot_link, headers={"Accept": "text/html,application/json;q=0.9"}
        )
        self.assertIn("DL-L1", response.text)
        self.assertIn("text/html", response.headers["Content-Type"])

    def test_rule_product_linkset(self):
        """A GTIN alone names the product: no page of its own here, its
        linkset holds its name (itemDescription) and nothing private."""
        for url in (f"/01/{RAW_GTIN13}", f"/01/0{RAW_GTIN13}?linkType=linkset"):
            with self.subTest(url=url):
                context = self.linkset(url)
                self.assertEqual(context["anchor"], self.absolute(f"/01/0{RAW_GTIN13}"))
                self.assertEqual(context["itemDescription"], "Test Resin")
                # Its default link is the linkset (linkTypeDefaultCanBeLinkset).
                default = context[f"{VOC}defaultLink"][0]
                self.assertEqual(
                    default["href"], f"{context['anchor']}?linkType=linkset"
                )
                self.assertEqual(default["type"], LINKSET)
                self.assertNotIn("DL-L1", json.dumps(context))

    def test_rule_link_type_redirects_307(self):
        """Resolver standard 2.6.2 (S5.17) and 2.14 (S5.24): linkType=<type>
        (gs1: prefix or full URI) of a link the item has is answered with a
        redirect (307) to that link; the certificate's link is this address
        with its linkType, where the certificate is served."""
        anchor = self.absolute(self.serial_link)
        for link_type in ("gs1:pip", f"{VOC}pip", "gs1:traceability"):
            with self.subTest(link_type=link_type):
                response = self.get(f"{self.serial_link}?linkType={link_type}")
                self.assertEqual(response.status_code, 307)
                self.assertEqual(response.headers["Location"], anchor)
        # Resolver standard 2.12 (S5.19): the query string is passed on (less
        # linkType, which would make a link to this address loop).
        response = self.get(f"{self.serial_link}?17=271231&linkType=gs1:pip&x=1")
        self.assertEqual(response.status_code, 307)
        self.assertEqual(response.headers["Location"], f"{anchor}?17=271231&x=1")
        response = self.get(f"{self.serial_link}?linkType=gs1:certificationInfo")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # Not published: not found.
        response = self.get(f"{self.lot_link}?linkType=gs1:certificationInfo")
        self.assertEqual(response.status_code, 404)

    def test_rule_unavailable_link_type_is_404(self):
        """Resolver standard 2.6.2 (S5.18): a linkType the item has no link of
        is answered 404; gs1:defaultLink is the default link."""
        for url in (
            f"{self.lot_link}?linkType=gs1:recallStatus",
            f"{self.lot_link}?linkType=gs1:epil",
            f"/01/{RAW_GTIN13}?linkType=gs1:pip",  # the product has no page
        ):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertIn(NOT_FOUND, response.text)
        response = self.get(f"{self.lot_link}?linkType=gs1:defaultLink")
        self.assertEqual(response.status_code, 200)
        self.assertIn("DL-L1", response.text)

    def test_rule_accept_language(self):
        """Resolver standard 2.6.3 (S5.20): the answer SHOULD follow
        Accept-Language (English or Chinese here), without a redirect."""
        for accept, expected in (
            ("zh-CN,zh;q=0.9", "zh-CN"),
            ("zh", "zh-CN"),
            ("en-US,en;q=0.8", "en-US"),
        ):
            with self.subTest(accept=accept):
                response = self.get(self.lot_link, headers={"Accept-Language": accept})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.headers["Content-Language"], expected)

    def test_rule_trailing_slash_tolerated(self):
        """Resolver standard 2.13 (S5.25): a trailing slash SHOULD be
        tolerated."""
        response = self.get(f"{self.lot_link}/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("DL-L1", response.text)

    def test_rule_resolver_description_file(self):
        """Resolver standard section 3 (S5.21, S5.22): a description file at
        /.well-known/gs1resolver declares the root, the primary keys and the
        link type namespaces."""
        response = self.get("/.well-known/gs1resolver")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        description = json.loads(response.text)
        self.assertEqual(description["resolverRoot"], self.base_url())
        self.assertEqual(description["supportedPrimaryKeys"], ["01", "00"])
        self.assertEqual(
            description["supportedLinkType"], [{"namespace": VOC, "prefix": "gs1:"}]
        )
        self.assertIs(description["linkTypeDefaultCanBeLinkset"], True)

    def test_rule_percent_encoded_values(self):
        """GS1 Digital Link URI syntax: values are percent-encoded; "/" in a
        lot is "%2F", and the linkset's hrefs keep it encoded."""
        context = self.linkset(f"/01/{RAW_GTIN13}/10/DL%2F2?linkType=all")
        self.assertEqual(
            context["anchor"], self.absolute(f"/01/0{RAW_GTIN13}/10/DL%2F2")
        )
