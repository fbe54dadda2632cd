# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..tools import gs1
from .common import TraceabilityCommon


def with_check_digit(body):
    return body + gs1.check_digit(body)


class TestGs1Lot(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ean13 = with_check_digit("590123412345")
        cls.ean8 = with_check_digit("9638507")
        cls.upca = with_check_digit("03600029145")
        cls.gtin14 = with_check_digit("1061414100041")
        product_vals = {"type": "consu", "is_storable": True, "tracking": "lot"}
        Product = cls.env["product.product"]
        cls.lot_product = Product.create(
            dict(
                product_vals,
                name="GS1 Lot Product",
                barcode=cls.ean13,
                use_expiration_date=True,
            )
        )
        cls.serial_product = Product.create(
            dict(
                product_vals,
                name="GS1 Serial Product",
                barcode=cls.upca,
                tracking="serial",
            )
        )
        cls.no_barcode_product = Product.create(
            dict(product_vals, name="GS1 No Barcode")
        )
        cls.bad_barcode_product = Product.create(
            dict(product_vals, name="GS1 Bad Barcode", barcode="5901234123458")
        )
        cls.company = cls.env.company
        cls.company.traceability_resolver_url = "https://id.example.com/"
        cls.Lot = cls.env["stock.lot"]

    def lot(self, product, name, **values):
        return self.Lot.create(dict(values, name=name, product_id=product.id))

    # ------------------------------------------------------------------
    # GTIN
    # ------------------------------------------------------------------
    def test_gtin_from_barcodes(self):
        self.serial_product.barcode = False
        cases = {
            self.ean13: "0" + self.ean13,
            self.ean8: "000000" + self.ean8,
            self.upca: "00" + self.upca,
            "0" + self.upca: "00" + self.upca,
            self.gtin14: self.gtin14,
        }
        for barcode, gtin in cases.items():
            self.lot_product.barcode = barcode
            lot = self.lot(self.lot_product, f"G-{barcode}")
            self.assertEqual(lot.gs1_gtin, gtin, barcode)
            self.assertTrue(lot.gs1_element_string.startswith(f"(01){gtin}"))
        for barcode in ("5901234123459", "12345", "ABCDEFGH", "10614141000410"):
            self.lot_product.barcode = barcode
            lot = self.lot(self.lot_product, f"B-{barcode}")
            self.assertFalse(lot.gs1_gtin, barcode)
            self.assertFalse(lot.gs1_element_string)
            self.assertFalse(lot.gs1_digital_link)
            self.assertIn("not a valid GTIN", lot.gs1_error)

    # ------------------------------------------------------------------
    # Element string and digital link
    # ------------------------------------------------------------------
    def test_lot_with_expiry(self):
        lot = self.lot(
            self.lot_product,
            "L24/03-A",
            expiration_date=datetime(2026, 3, 15, 10, 0),
        )
        gtin = "0" + self.ean13
        self.assertFalse(lot.gs1_error)
        self.assertEqual(lot.gs1_element_string, f"(01){gtin}(17)260315(10)L24/03-A")
        self.assertEqual(
            lot.gs1_digital_link,
            f"https://id.example.com/01/{gtin}/10/L24%2F03-A?17=260315",
        )
        self.assertEqual(
            lot._traceability_gs1_elements(),
            [("01", gtin), ("17", "260315"), ("10", "L24/03-A")],
        )
        self.assertEqual(
            gs1.parse(lot.gs1_element_string), lot._traceability_gs1_elements()
        )
        self.assertEqual(
            gs1.parse_digital_link(lot.gs1_digital_link),
            {"01": gtin, "10": "L24/03-A", "17": "260315"},
        )

    def test_lot_without_expiry(self):
        lot = self.lot(self.lot_product, "LOT-1", expiration_date=False)
        self.assertFalse(lot.expiration_date)
        gtin = "0" + self.ean13
        self.assertEqual(lot.gs1_element_string, f"(01){gtin}(10)LOT-1")
        self.assertEqual(
            lot.gs1_digital_link, f"https://id.example.com/01/{gtin}/10/LOT-1"
        )

    def test_serial_number(self):
        serial = self.lot(self.serial_product, "SN-0001")
        gtin = "00" + self.upca
        self.assertEqual(serial.gs1_element_string, f"(01){gtin}(21)SN-0001")
        self.assertEqual(
            serial.gs1_digital_link, f"https://id.example.com/01/{gtin}/21/SN-0001"
        )
        self.assertEqual(serial._traceability_gs1_elements()[-1], ("21", "SN-0001"))

    def test_follows_product_changes(self):
        lot = self.lot(self.no_barcode_product, "LOT-NB")
        self.assertFalse(lot.gs1_gtin)
        self.assertIn("has no barcode", lot.gs1_error)
        self.no_barcode_product.barcode = self.gtin14
        self.assertEqual(lot.gs1_gtin, self.gtin14)
        self.assertFalse(lot.gs1_error)
        self.no_barcode_product.tracking = "serial"
        self.assertEqual(lot.gs1_element_string, f"(01){self.gtin14}(21)LOT-NB")

    # ------------------------------------------------------------------
    # Lots that cannot be encoded
    # ------------------------------------------------------------------
    def assertNoCode(self, lot, *fragments):
        self.assertFalse(lot.gs1_element_string)
        self.assertFalse(lot.gs1_digital_link)
        self.assertIn(lot.name, lot.gs1_error)
        for fragment in fragments:
            self.assertIn(fragment, lot.gs1_error)
        with self.assertRaises(UserError) as caught:
            lot._traceability_gs1_elements()
        self.assertEqual(caught.exception.args[0], lot.gs1_error)

    def test_no_gtin(self):
        self.assertNoCode(
            self.lot(self.no_barcode_product, "NOGTIN-1"),
            "GS1 No Barcode",
            "no barcode",
        )
        self.assertNoCode(
            self.lot(self.bad_barcode_product, "BADGTIN-1"),
            "5901234123458",
            "not a valid GTIN",
        )

    def test_name_too_long(self):
        self.assertNoCode(
            self.lot(self.lot_product, "L" * 21), "21 characters", "at most 20"
        )
        lot = self.lot(self.lot_product, "L" * 20)
        self.assertFalse(lot.gs1_error)
        self.assertTrue(lot.gs1_element_string.endswith("(10)" + "L" * 20))

    def test_name_outside_charset_82(self):
        self.assertNoCode(
            self.lot(self.lot_product, "LOT 7"), "character set 82", "' '"
        )
        self.assertNoCode(
            self.lot(self.serial_product, "SN#1é"), "Serial number", "'#'", "'é'"
        )
        # Every character of set 82 is accepted.
        lot = self.lot(self.lot_product, "!\"%&'()*+,-./:;<=>?_")
        self.assertFalse(lot.gs1_error)
        self.assertEqual(gs1.parse_digital_link(lot.gs1_digital_link)["10"], lot.name)

    # ------------------------------------------------------------------
    # Resolver
    # ------------------------------------------------------------------
    def test_resolver_url_validated_and_normalised(self):
        self.company.traceability_resolver_url = " https://gs1.example.com/id/ "
        self.assertEqual(
            self.company.traceability_resolver_url, "https://gs1.example.com/id"
        )
        for url in (
            "ftp://id.example.com",
            "id.example.com",
            "https://",
            "https://id.example.com/?x=1",
            "https://id.example.com/#top",
            "https://id example.com",
            "javascript:alert(1)",
        ):
            with self.assertRaises(ValidationError, msg=url):
                self.company.traceability_resolver_url = url
        self.company.traceability_resolver_url = "http://localhost:8069"
        self.company.traceability_resolver_url = False
        self.assertFalse(self.company.traceability_resolver_url)

    def test_resolver_defaults_to_base_url(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "http://trace.test:8069/"
        )
        self.company.traceability_resolver_url = False
        lot = self.lot(self.lot_product, "LOT-BASE", expiration_date=False)
        self.assertEqual(
            lot.gs1_digital_link,
            f"http://trace.test:8069/01/0{self.ean13}/10/LOT-BASE",
        )

    def test_resolver_of_the_lot_company(self):
        other = self.env["res.company"].create(
            {"name": "GS1 Other Co", "traceability_resolver_url": "https://other.test"}
        )
        self.env.user.company_ids |= other
        # A lot without company takes the current company's resolver.
        lot = self.lot(self.lot_product, "LOT-MC", expiration_date=False)
        self.assertFalse(lot.company_id)
        path = f"/01/0{self.ean13}/10/LOT-MC"
        self.assertEqual(lot.gs1_digital_link, "https://id.example.com" + path)
        self.assertEqual(
            lot.with_company(other).gs1_digital_link, "https://other.test" + path
        )
        # A lot of a company takes that company's.
        other_lot = self.lot(
            self.lot_product,
            "LOT-MC2",
            company_id=other.id,
            expiration_date=False,
        )
        self.assertEqual(
            other_lot.gs1_digital_link,
            f"https://other.test/01/0{self.ean13}/10/LOT-MC2",
        )

    def test_resolver_in_settings(self):
        settings = self.env["res.config.settings"].create(
            {"traceability_resolver_url": "https://settings.example.com/"}
        )
        settings.execute()
        self.assertEqual(
            self.company.traceability_resolver_url, "https://settings.example.com"
        )
        arch = settings.get_view(view_type="form")["arch"]
        self.assertIn('name="traceability_resolver_url"', arch)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"traceability_resolver_url": "https://x.example.com?a=b"}
            ).execute()

    # ------------------------------------------------------------------
    # Form
    # ------------------------------------------------------------------
    def test_lot_form_shows_gs1(self):
        user = new_test_user(
            self.env,
            "gs1_trace_user",
            groups="quality_traceability.group_traceability_user",
        )
        lot = self.lot(self.lot_product, "LOT-FORM", expiration_date=False)
        form = Form(lot.with_user(user))
        self.assertEqual(form.gs1_gtin, "0" + self.ean13)
        self.assertEqual(form.gs1_element_string, lot.gs1_element_string)
        self.assertEqual(form.gs1_digital_link, lot.gs1_digital_link)
        self.assertFalse(form.gs1_error)
        with self.assertRaises(AssertionError):
            form.gs1_element_string = "(01)1"


@tagged("post_install", "-at_install")
class TestResolverSettingsForm(HttpCase):
    def test_resolver_in_settings_page(self):
        self.env.company.traceability_resolver_url = "https://id.example.com"
        code = """
            const waitFor = async (selector) => {
                for (let i = 0; i < 200; i++) {
                    const found = document.querySelector(selector);
                    if (found) {
                        return found;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                throw new Error(`not found: ${selector}`);
            };
            (async () => {
                const app = await waitFor(
                    ".app_settings_block[data-key='quality_traceability']"
                );
                const input = await waitFor(
                    "#traceability_resolver_url_setting " +
                    ".o_field_widget[name='traceability_resolver_url'] input"
                );
                if (!app || input.value !== "https://id.example.com") {
                    throw new Error(`resolver shown: ${input.value}`);
                }
                console.log("test successful");
            })().catch((error) => console.error(error.message));
        """
        self.browser_js(
            "/odoo/settings#quality_traceability", code, login="admin", timeout=90
        )
