# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, tagged

from ..controllers.main import RATE_LIMIT_PARAM, rate_limiter
from ..tools import gs1
from .common import TraceabilityCommon

RAW_GTIN13 = "6901234560053"
SERIAL_GTIN13 = "6901234560077"
JAR_GTIN13 = "6901234560091"
LID_GTIN13 = "6901234560107"
NOT_FOUND = "o_traceability_not_found"


@tagged("post_install", "-at_install")
class TestPublicLookup(TraceabilityCommon, HttpCase):
    """The public trace page, by trace code and by GS1 Digital Link, without
    login: what it shows, what it never shows, the same 404 for any unknown
    code or malformed trace code, 400 for a malformed Digital Link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.raw.write({"default_code": "INT-RAW-4471", "list_price": 98765.43})
        cls.finished.write(
            {
                "barcode": SERIAL_GTIN13,
                "default_code": "INT-FIN-5582",
                "list_price": 87654.32,
            }
        )
        cls.flows.receive(
            cls.vendor,
            cls.raw,
            [("L-1", 4321), ("A/1", 10)],
            date=datetime(2024, 2, 1, 12),
        )
        cls.raw_lot = cls.lot(cls.raw, "L-1")
        cls.raw_lot.write(
            {"ref": "LOTREF-9931", "expiration_date": datetime(2027, 1, 31, 12)}
        )
        cls.slash_lot = cls.lot(cls.raw, "A/1")
        shell = cls.flows.produce(
            cls.semi, 2, "S-1", {cls.raw: [(cls.raw_lot, 4)]}
        ).lot_producing_id
        cls.serial = cls.flows.produce(
            cls.finished,
            1,
            "SN-1",
            {cls.semi: [(shell, 1)]},
            date=datetime(2024, 3, 5, 12),
        ).lot_producing_id
        cls.flows.deliver(
            cls.customer_a,
            [(cls.finished, [(cls.serial, 1)]), (cls.raw, [(cls.raw_lot, 11)])],
        )

    def setUp(self):
        super().setUp()
        # The lookups of every test count from zero (the limit is per process).
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    def assert_page(self, url, *texts):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertNotIn(NOT_FOUND, response.text)
        for text in texts:
            self.assertIn(text, response.text, url)
        self.assert_nothing_private(response.text)
        return response

    def assert_not_found(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 404, url)
        self.assertIn(NOT_FOUND, response.text, url)
        self.assertIn("Product not found", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertNotIn("Test Resin", response.text)
        return response

    def assert_nothing_private(self, html):
        for private in (
            # partners
            "Test Customer A",
            "Test Vendor",
            # prices
            "98765",
            "98,765",
            "87654",
            "87,654",
            # internal references
            "INT-RAW-4471",
            "INT-FIN-5582",
            "LOTREF-9931",
            # quantities and locations
            "4321",
            "4,321",
            "WH/Stock",
            "Partners/Customers",
        ):
            self.assertNotIn(private, html)

    # ------------------------------------------------------------------
    # By trace code
    # ------------------------------------------------------------------
    def test_trace_code_serial(self):
        response = self.assert_page(
            f"/trace/{self.serial.trace_code}",
            "Test Bottle",
            "SN-1",
            "Serial Number",
            # production date: the done finished move of its manufacturing order
            "03/05/2024",
        )
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")
        self.assertNotIn("Expiry Date", response.text)

    def test_trace_code_lot_with_expiry(self):
        response = self.assert_page(
            f"/trace/{self.raw_lot.trace_code}",
            "Test Resin",
            "L-1",
            "Lot Number",
            "Expiry Date",
            "01/31/2027",
        )
        # Received, not made here: produced on the lot's creation.
        self.assertIn(
            self.raw_lot.create_date.date().strftime("%m/%d/%Y"), response.text
        )

    def test_product_image_shown_when_set(self):
        self.assert_page(f"/trace/{self.serial.trace_code}")
        response = self.url_open(f"/trace/{self.serial.trace_code}")
        self.assertNotIn("o_traceability_image", response.text)
        # A 1x1 PNG
        self.finished.image_1920 = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
            "hgGAWjR9awAAAABJRU5ErkJggg=="
        )
        response = self.assert_page(
            f"/trace/{self.serial.trace_code}", "o_traceability_image"
        )
        self.assertIn('src="data:image/png;base64,', response.text)

    def test_status_badges_from_values(self):
        values = self.serial._traceability_public_values()
        self.assertEqual(
            set(values),
            {
                "product_name",
                "lot_name",
                "is_serial",
                "production_date",
                "expiry_date",
                "product_image_url",
                "company_name",
                "coa_published",
            },
        )
        self.assertTrue(values["is_serial"])
        self.assertEqual(values["product_name"], "Test Bottle")
        self.assertEqual(str(values["production_date"]), "2024-03-05")
        self.assertIsNone(values["expiry_date"])
        self.assertIsNone(values["product_image_url"])
        response = self.url_open(f"/trace/{self.serial.trace_code}")
        self.assertNotIn("o_traceability_quality_state", response.text)
        self.assertNotIn("o_traceability_recall", response.text)

    # ------------------------------------------------------------------
    # By GS1 Digital Link
    # ------------------------------------------------------------------
    def test_digital_link_lot_gtin13_and_gtin14(self):
        for gtin in (RAW_GTIN13, "0" + RAW_GTIN13):
            response = self.assert_page(
                f"/01/{gtin}/10/L-1", "Test Resin", "L-1", "Lot Number"
            )
            self.assertNotIn(self.raw_lot.trace_code, response.text)
        # The query string is validated, then ignored.
        self.assert_page(f"/01/0{RAW_GTIN13}/10/L-1?17=270131", "L-1")

    def test_digital_link_serial(self):
        for gtin in (SERIAL_GTIN13, "0" + SERIAL_GTIN13):
            response = self.assert_page(
                f"/01/{gtin}/21/SN-1", "Test Bottle", "SN-1", "Serial Number"
            )
            self.assertNotIn(self.serial.trace_code, response.text)
        # Lot and serial number: the serial number is the key.
        self.assert_page(f"/01/{SERIAL_GTIN13}/10/X1/21/SN-1", "SN-1")

    def test_digital_link_percent_encoded_lot(self):
        self.assert_page(f"/01/0{RAW_GTIN13}/10/A%2F1", "Test Resin", "A/1")

    def test_digital_link_tracking_must_match(self):
        self.assert_not_found(f"/01/{RAW_GTIN13}/21/L-1")
        self.assert_not_found(f"/01/{SERIAL_GTIN13}/10/SN-1")
        # A lot of another product
        self.assert_not_found(f"/01/{SERIAL_GTIN13}/21/L-1")

    def test_digital_link_malformed(self):
        """A malformed Digital Link is 400 (GS1-Conformant resolver), whether
        its lot exists or not: its syntax alone decides, so the answer tells
        nothing about which codes exist (it was the 404 page before)."""
        for url in (
            f"/01/{RAW_GTIN13[:-1]}4/10/L-1",  # check digit
            "/01/12345/10/L-1",  # length
            f"/01/{RAW_GTIN13}/10/{'L' * 21}",  # GS1 lot length
            f"/01/{RAW_GTIN13}/10/L-1%00",  # character set
            f"/01/{RAW_GTIN13}/10/L-1?17=271399",  # bad date
            f"/01/{RAW_GTIN13}/10/A/1",  # "/" not encoded
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("Test Resin", response.text)
                self.assertNotIn("Traceback", response.text)

    def test_digital_link_finds_the_lot_of_the_gtin_owner(self):
        """Lot names are guessable and unique per company only: the Digital Link
        of a GTIN shows a lot of the company that owns the GTIN, never a lot of
        the same name of another company, whatever the order of their ids."""
        main = self.env.company
        other = self.env["res.company"].create({"name": "Copycat Company"})
        product_vals = {
            "type": "consu",
            "is_storable": True,
            "tracking": "lot",
            "barcode": JAR_GTIN13,
        }
        Product = self.env["product.product"]
        jar = Product.create(dict(product_vals, name="Test Jar", company_id=main.id))
        # Odoo lets another company give its product the same barcode.
        copy = Product.create(
            dict(product_vals, name="Copycat Jar", company_id=other.id)
        )
        Lot = self.env["stock.lot"]
        Lot.create(
            [
                {"name": name, "product_id": copy.id, "company_id": other.id}
                for name in ("JAR-1", "JAR-2")
            ]
        )
        jar_lot = Lot.create(
            {"name": "JAR-1", "product_id": jar.id, "company_id": main.id}
        )
        self.assertLess(Lot.search([("product_id", "=", copy.id)]).ids[0], jar_lot.id)
        for gtin in (JAR_GTIN13, "0" + JAR_GTIN13):
            response = self.assert_page(f"/01/{gtin}/10/JAR-1", "Test Jar", main.name)
            self.assertNotIn("Copycat", response.text)
            # The owner has no lot JAR-2: the other company's is not shown.
            self.assert_not_found(f"/01/{gtin}/10/JAR-2")
        # A GTIN of a product shared by the companies names no owner: a lot name
        # that two companies use is not found rather than one company's lot.
        lid = Product.create(
            dict(product_vals, name="Test Lid", barcode=LID_GTIN13, company_id=False)
        )
        Lot.create(
            [
                {"name": "LID-1", "product_id": lid.id, "company_id": other.id},
                {"name": "LID-1", "product_id": lid.id, "company_id": main.id},
                {"name": "LID-2", "product_id": lid.id, "company_id": main.id},
            ]
        )
        self.assert_not_found(f"/01/{LID_GTIN13}/10/LID-1")
        self.assert_page(f"/01/{LID_GTIN13}/10/LID-2", "Test Lid", main.name)

    def test_no_quality_state_on_public_pages(self):
        """Quarantine and blocked are internal: the public page of a lot on hold
        looks like the page of a released lot."""
        for state in ("quarantine", "blocked"):
            # sudo: only the system sets the quality state.
            self.raw_lot.sudo().write({"quality_state": state})
            self.assertEqual(self.raw_lot.quality_state, state)
            self.assertNotIn(
                "quality_state", self.raw_lot._traceability_public_values()
            )
            for url in (
                f"/trace/{self.raw_lot.trace_code}",
                f"/01/{RAW_GTIN13}/10/L-1",
            ):
                response = self.assert_page(url, "Test Resin", "L-1")
                for internal in (
                    "o_traceability_quality_state",
                    "o_traceability_status",
                    "Quarantine",
                    "Blocked",
                    "Released",
                ):
                    self.assertNotIn(internal, response.text, url)

    # ------------------------------------------------------------------
    # Probing
    # ------------------------------------------------------------------
    def test_rate_limit_per_client(self):
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param(RATE_LIMIT_PARAM, "3")
        # Every lookup counts, found or not.
        self.assert_page(f"/trace/{self.serial.trace_code}", "SN-1")
        self.assert_not_found("/trace/AAAAAAAAAAAAAAAA")
        self.assert_page(f"/01/{RAW_GTIN13}/10/L-1", "L-1")
        for url in (f"/01/{RAW_GTIN13}/10/L-1", f"/trace/{self.serial.trace_code}"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 429, url)
            self.assertIn("Too many lookups", response.text)
            self.assertGreaterEqual(int(response.headers["Retry-After"]), 1)
            self.assertNotIn("Test Resin", response.text)
            self.assertNotIn("SN-1", response.text)
        # Other pages are not limited.
        self.assertEqual(self.url_open("/web/login").status_code, 200)
        # 0 turns the limit off.
        ICP.set_param(RATE_LIMIT_PARAM, "0")
        for _attempt in range(5):
            self.assert_page(f"/01/{RAW_GTIN13}/10/L-1", "L-1")

    def test_over_long_digital_link_refused_before_parsing(self):
        # A path of many "01" segments made the parser try each as the GTIN key.
        path = f"/01/{RAW_GTIN13}/10/" + "/".join(["01"] * 21_600)
        self.assertGreater(len(path), 64_000)
        response = self.url_open(path)
        self.assertEqual(response.status_code, 414)
        self.assertNotIn("Test Resin", response.text)
        response = self.url_open(f"/01/{RAW_GTIN13}/21/" + "S" * 5000)
        self.assertEqual(response.status_code, 414)
        # At the limit, a Digital Link is still read.
        head = f"/01/{RAW_GTIN13}/10/L-1?x="
        url = head + "y" * (gs1.DIGITAL_LINK_MAX_LENGTH - len(head))
        self.assert_page(url, "Test Resin", "L-1")

    # ------------------------------------------------------------------
    # Unknown codes
    # ------------------------------------------------------------------
    def test_unknown_and_malformed_trace_codes_are_one_404(self):
        def page(url):
            # The CSRF token holds a time stamp: the only part that may differ.
            return re.sub(r'csrf_token: "[^"]*"', "", self.assert_not_found(url).text)

        unknown = page("/trace/AAAAAAAAAAAAAAAA")
        self.assertEqual(unknown, page("/trace/%00%27%22%3Cscript%3E"))
        self.assertEqual(unknown, page("/trace/" + "A" * 5000))
        self.assertEqual(unknown, page(f"/01/{RAW_GTIN13}/10/NOPE"))

    def test_public_cannot_read_lots(self):
        # Not logged in: the ORM is out of reach.
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/stock.lot/search_read",
                {
                    "model": "stock.lot",
                    "method": "search_read",
                    "args": [[]],
                    "kwargs": {"fields": ["name", "trace_code"]},
                },
            )
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.env["stock.lot"].with_user(public).search_read([], ["trace_code"])

    def test_public_page_tour(self):
        self.start_tour(
            f"/trace/{self.serial.trace_code}", "quality_traceability_public_page_tour"
        )
