# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import new_test_user, tagged

from ..tools import gs1
from .common import TraceabilityCommon, rpc


def with_check_digit(body):
    return body + gs1.check_digit(body)


@tagged("post_install", "-at_install")
class TestLotLookup(TraceabilityCommon):
    """``stock.lot._traceability_find_by_gs1``: the one lookup of a lot by GTIN
    and lot or serial number, behind the public Digital Link page (as
    superuser) and the scanner and device API (with the caller's rights)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        cls.other = cls.env["res.company"].create({"name": "Lookup Other Co"})
        cls.lot_gtin13 = with_check_digit("690123456201")
        cls.serial_gtin13 = with_check_digit("690123456202")
        cls.jar_gtin13 = with_check_digit("690123456203")
        cls.lid_gtin13 = with_check_digit("690123456204")
        cls.other_gtin13 = with_check_digit("690123456205")
        product_vals = {"type": "consu", "is_storable": True, "tracking": "lot"}
        Product = cls.env["product.product"]
        cls.lot_product = Product.create(
            dict(product_vals, name="Lookup Powder", barcode=cls.lot_gtin13)
        )
        cls.serial_product = Product.create(
            dict(
                product_vals,
                name="Lookup Meter",
                barcode=cls.serial_gtin13,
                tracking="serial",
            )
        )
        # The main company owns the GTIN; another company gave its own product
        # the same barcode later.
        cls.jar = Product.create(
            dict(
                product_vals,
                name="Lookup Jar",
                barcode=cls.jar_gtin13,
                company_id=cls.main.id,
            )
        )
        cls.copycat = Product.create(
            dict(
                product_vals,
                name="Lookup Copycat Jar",
                barcode=cls.jar_gtin13,
                company_id=cls.other.id,
            )
        )
        # A product shared between the companies names no owner.
        cls.lid = Product.create(
            dict(product_vals, name="Lookup Lid", barcode=cls.lid_gtin13)
        )
        cls.other_product = Product.create(
            dict(
                product_vals,
                name="Lookup Other Powder",
                barcode=cls.other_gtin13,
                company_id=cls.other.id,
            )
        )
        Lot = cls.env["stock.lot"]
        (
            cls.powder_lot,
            cls.meter_serial,
            cls.jar_lot,
            cls.copycat_lot,
            cls.copycat_only_lot,
            cls.lid_main,
            cls.lid_other,
            cls.lid_main_only,
            cls.other_lot,
        ) = Lot.create(
            [
                {"name": "PW-1", "product_id": cls.lot_product.id},
                {"name": "MT-1", "product_id": cls.serial_product.id},
                {"name": "JAR-1", "product_id": cls.jar.id, "company_id": cls.main.id},
                {
                    "name": "JAR-1",
                    "product_id": cls.copycat.id,
                    "company_id": cls.other.id,
                },
                {
                    "name": "JAR-2",
                    "product_id": cls.copycat.id,
                    "company_id": cls.other.id,
                },
                {"name": "LID-1", "product_id": cls.lid.id, "company_id": cls.main.id},
                {
                    "name": "LID-1",
                    "product_id": cls.lid.id,
                    "company_id": cls.other.id,
                },
                {"name": "LID-2", "product_id": cls.lid.id, "company_id": cls.main.id},
                {
                    "name": "OT-1",
                    "product_id": cls.other_product.id,
                    "company_id": cls.other.id,
                },
            ]
        )
        cls.main_user = new_test_user(
            cls.env,
            "lookup_main",
            groups="quality_traceability.group_traceability_user",
            company_id=cls.main.id,
            company_ids=[Command.set(cls.main.ids)],
        )
        cls.other_user = new_test_user(
            cls.env,
            "lookup_other",
            groups="quality_traceability.group_traceability_user",
            company_id=cls.other.id,
            company_ids=[Command.set(cls.other.ids)],
        )
        cls.both_user = new_test_user(
            cls.env,
            "lookup_both",
            groups="quality_traceability.group_traceability_user",
            company_id=cls.main.id,
            company_ids=[Command.set((cls.main | cls.other).ids)],
        )

    def find(self, gtin, lot_name=None, serial=None, user=None):
        Lot = self.env["stock.lot"].sudo()
        if user:
            Lot = self.env(user=user.id, su=False, context={})["stock.lot"]
        return Lot._traceability_find_by_gs1(gtin, lot_name=lot_name, serial=serial)

    def lookup(self, user, code):
        """The scanner's answer to ``code``, called as ``user`` over RPC."""
        return rpc(self.env, user, "traceability.scan", "scanner_lookup", [code])

    # ------------------------------------------------------------------
    # The method
    # ------------------------------------------------------------------
    def test_gtin_and_lot(self):
        gtin13 = self.lot_gtin13
        for gtin in (gtin13, "0" + gtin13):
            self.assertEqual(self.find(gtin, lot_name="PW-1"), self.powder_lot)
        # The serial number is the key: a lot product has none.
        self.assertFalse(self.find(gtin13, serial="PW-1"))
        self.assertFalse(self.find(gtin13, lot_name="PW-2"))
        self.assertFalse(self.find(gtin13))

    def test_gtin_and_serial(self):
        gtin13 = self.serial_gtin13
        for gtin in (gtin13, "0" + gtin13):
            self.assertEqual(self.find(gtin, serial="MT-1"), self.meter_serial)
        # A serial number is not a lot, and wins over one.
        self.assertFalse(self.find(gtin13, lot_name="MT-1"))
        self.assertEqual(
            self.find(gtin13, lot_name="X1", serial="MT-1"), self.meter_serial
        )

    def test_wrong_gtin(self):
        # The GTIN of another product, an unknown one, a bad check digit, junk.
        self.assertFalse(self.find(self.serial_gtin13, lot_name="PW-1"))
        self.assertFalse(self.find(with_check_digit("690123456299"), lot_name="PW-1"))
        bad_check = self.lot_gtin13[:-1] + str((int(self.lot_gtin13[-1]) + 1) % 10)
        for gtin in (bad_check, "12345", "", None, 6901234562011, "PW-1"):
            self.assertFalse(self.find(gtin, lot_name="PW-1"), gtin)

    def test_same_lot_name_in_two_companies(self):
        """Lot names are unique per company only: a GTIN's lot is the one of
        the company that owns the GTIN (its first product), and a lot name two
        companies use under a shared product is not one of them."""
        self.assertEqual(self.find(self.jar_gtin13, "JAR-1"), self.jar_lot)
        self.assertFalse(self.find(self.jar_gtin13, "JAR-2"))
        self.assertFalse(self.find(self.lid_gtin13, "LID-1"))
        self.assertEqual(self.find(self.lid_gtin13, "LID-2"), self.lid_main_only)
        # With the caller's rights, only what the caller reads: a user of one
        # company finds that company's lot and never the other's.
        self.assertEqual(
            self.find(self.lid_gtin13, "LID-1", user=self.main_user), self.lid_main
        )
        self.assertEqual(
            self.find(self.lid_gtin13, "LID-1", user=self.other_user), self.lid_other
        )
        self.assertFalse(self.find(self.other_gtin13, "OT-1", user=self.main_user))
        self.assertEqual(
            self.find(self.other_gtin13, "OT-1", user=self.other_user), self.other_lot
        )
        self.assertEqual(
            self.find(self.jar_gtin13, "JAR-1", user=self.both_user), self.jar_lot
        )
        self.assertFalse(self.find(self.jar_gtin13, "JAR-2", user=self.both_user))
        self.assertFalse(self.find(self.lid_gtin13, "LID-1", user=self.both_user))

    def test_archived_product(self):
        """A lot outlives its product's catalogue entry (old packs are still
        scanned), and an archived product still owns its GTIN."""
        self.jar.action_archive()
        self.lot_product.action_archive()
        self.assertFalse(self.jar.active)
        self.assertEqual(self.find(self.lot_gtin13, "PW-1"), self.powder_lot)
        self.assertEqual(
            self.find(self.lot_gtin13, "PW-1", user=self.main_user), self.powder_lot
        )
        self.assertEqual(self.find(self.jar_gtin13, "JAR-1"), self.jar_lot)
        self.assertFalse(self.find(self.jar_gtin13, "JAR-2"))
        answer = self.lookup(self.main_user, f"(01)0{self.lot_gtin13}(10)PW-1")
        self.assertEqual(answer["lot"]["id"], self.powder_lot.id)

    # ------------------------------------------------------------------
    # The scanner and the device API: the caller's rights
    # ------------------------------------------------------------------
    def test_scanner_finds_the_gtin_owners_lot_only(self):
        """A user of both companies scanning the main company's GTIN with a lot
        name only the copycat has, or a lot name two companies share under a
        shared product, gets "unknown" rather than another company's lot."""
        for code in (
            f"(01)0{self.jar_gtin13}(10)JAR-2",
            f"https://example.com/01/0{self.jar_gtin13}/10/JAR-2",
            f"(01)0{self.lid_gtin13}(10)LID-1",
        ):
            answer = self.lookup(self.both_user, code)
            self.assertIn("Unknown lot or serial number", answer.get("error", ""), code)
        answer = self.lookup(self.both_user, f"(01)0{self.jar_gtin13}(10)JAR-1")
        self.assertEqual(answer["lot"]["id"], self.jar_lot.id)

    def test_device_records_nothing_on_another_companys_lot(self):
        """Devices send GS1 codes of lots that are not theirs to find: a lot of
        a company the device's user is not in, and a lot of the same name under
        a copycat product of the GTIN, for a user of both companies. Each is
        unknown and nothing is recorded."""
        point = self.env["traceability.control.point"].create(
            {
                "name": "Lookup point",
                "spec_ids": [
                    Command.create({"name": "Weight", "value_type": "numeric"})
                ],
            }
        )
        Check = self.env["traceability.check"]
        before = Check.search_count([])
        for user, lot, codes in (
            (
                self.main_user,
                "OT-1",
                [
                    f"(01)0{self.other_gtin13}(10)OT-1",
                    f"https://example.com/01/0{self.other_gtin13}/10/OT-1",
                ],
            ),
            (
                self.both_user,
                "JAR-2",
                [
                    f"(01)0{self.jar_gtin13}(10)JAR-2",
                    f"https://example.com/01/0{self.jar_gtin13}/10/JAR-2",
                ],
            ),
        ):
            results = rpc(
                self.env,
                user,
                "traceability.scan",
                "record_scans",
                [
                    [
                        {
                            "client_uid": f"lk-{user.id}-{index}",
                            "code": code,
                            "control_point": point.id,
                            "values": {"Weight": 1},
                        }
                        for index, code in enumerate(codes)
                    ]
                ],
            )
            self.assertEqual([result["status"] for result in results], ["error"] * 2)
            for result in results:
                self.assertIn("Unknown lot or serial number", result["error"])
                self.assertIn(lot, result["error"])
        self.assertEqual(Check.search_count([]), before)
        self.assertFalse(
            Check.search(
                [("lot_id", "in", (self.other_lot | self.copycat_only_lot).ids)]
            )
        )
