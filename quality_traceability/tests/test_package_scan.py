# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Boxes scanned onto and off pallets, and the GS1 Digital Link of an SSCC."""

import json
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import rate_limiter
from ..tools import epcis, gs1
from .package_common import PackageCommon

SERIAL_GTIN13 = "6901234560077"
# GS1 EPCIS 2.0 JSON Schema (github.com/gs1/EPCIS, see data/epcis).
SCHEMA = Path(__file__).parents[1] / "data" / "epcis" / "EPCIS-JSON-Schema.json"
LINKSET = "application/linkset+json"
VOC = "https://gs1.org/voc/"


@tagged("post_install", "-at_install")
class TestPackageScan(PackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Package = cls.env["stock.quant.package"]
        cls.pallet_2 = Package.create(
            {
                "name": "PT-PALLET-2",
                "traceability_level": "pallet",
                "traceability_sscc": gs1.sscc("0614141", 710001),
            }
        )
        cls.loose = Package.create(
            {"name": "PT-LOOSE", "traceability_sscc": gs1.sscc("0614141", 710002)}
        )
        cls.operator = new_test_user(
            cls.env, "scan_operator", groups="stock.group_stock_user"
        )

    def scan(self, pallet_code, codes, mode="pack", user=None):
        wizard = (
            self.env["traceability.package.scan"]
            .with_user(user or self.operator)
            .create({"mode": mode, "pallet_code": pallet_code, "box_codes": codes})
        )
        return wizard.action_apply()

    def events(self):
        return self.env["traceability.package.event"].search([])

    def test_scan_boxes_onto_a_pallet(self):
        """Every form a scanner sends finds the box; a box on another pallet
        moves, with both changes kept in the history as scans."""
        before = self.events()
        sscc = self.box_1.traceability_sscc
        codes = "\n".join(
            [
                f"]C100{sscc}",  # GS1-128 label, symbology identifier
                f"(00){sscc}",  # the same box typed: scanned twice, counted once
                f"https://id.gs1.org/00/{self.loose.traceability_sscc}",
                "",
            ]
        )
        self.scan(f"]d200{self.pallet_2.traceability_sscc}", codes)
        self.assertEqual(self.box_1.parent_package_id, self.pallet_2)
        self.assertEqual(self.loose.parent_package_id, self.pallet_2)
        new = self.events() - before
        self.assertEqual(
            sorted(
                (event.action, event.package_id.name, event.child_package_id.name)
                for event in new
            ),
            [
                ("pack", "PT-PALLET-2", "PT-BOX-1"),
                ("pack", "PT-PALLET-2", "PT-LOOSE"),
                ("unpack", "PT-PALLET-1", "PT-BOX-1"),
            ],
        )
        self.assertEqual(set(new.mapped("source")), {"scan"})
        self.assertEqual(new.user_id, self.operator)

    def test_take_boxes_off(self):
        before = self.events()
        self.scan(self.pallet.name, self.box_2.traceability_sscc, mode="unpack")
        self.assertFalse(self.box_2.parent_package_id)
        new = self.events() - before
        self.assertEqual(new.mapped("action"), ["unpack"])
        self.assertEqual(new.package_id, self.pallet)

    def test_refusals_change_nothing(self):
        """An unknown code, the pallet scanned as a box, a box taken off a
        pallet it is not on: refused as a whole, nothing changed."""
        before = self.events()
        parents = {
            box: box.parent_package_id for box in self.box_1 | self.box_2 | self.loose
        }
        unknown = gs1.sscc("0614141", 799999)
        cases = [
            (self.pallet_2.name, f"{self.box_1.name}\n(00){unknown}", "pack"),
            (self.pallet_2.name, f"{self.box_1.name}\n{self.pallet_2.name}", "pack"),
            ("NO-SUCH-PALLET", self.box_1.name, "pack"),
            (self.pallet_2.name, f"{self.loose.name}\n{self.box_1.name}", "unpack"),
            (self.pallet_2.name, "\n \n", "pack"),
        ]
        for pallet_code, codes, mode in cases:
            with self.subTest(codes=codes, mode=mode):
                with self.assertRaises(UserError):
                    self.scan(pallet_code, codes, mode=mode)
                for box, parent in parents.items():
                    self.assertEqual(box.parent_package_id, parent)
                self.assertEqual(self.events(), before)

    def test_other_company_and_portal(self):
        """A box of another company is an unknown code; a portal user cannot
        open the scan at all."""
        _company_b, package_b, user_a = self.foreign_package("PS")
        user_a.groups_id |= self.env.ref("stock.group_stock_user")
        with self.assertRaises(UserError):
            self.scan(self.pallet_2.name, package_b.traceability_sscc, user=user_a)
        self.assertFalse(package_b.parent_package_id)
        portal = new_test_user(self.env, "scan_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.scan(self.pallet_2.name, self.box_1.name, user=portal)
        self.assertEqual(self.box_1.parent_package_id, self.pallet)


@tagged("post_install", "-at_install")
class TestSsccDigitalLink(PackageCommon, HttpCase):
    """``/00/<sscc>`` of a box or pallet: the public links of the lots it
    shipped with (GS1-Conformant Resolver Standard 1.2, 2.4.1: a known key is
    resolved, an unknown one is 404; RFC 9264 linkset)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finished.barcode = SERIAL_GTIN13

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    def get(self, url, **kwargs):
        self.opener.cookies.clear()
        return self.url_open(url, allow_redirects=False, **kwargs)

    def lot_link(self, lot):
        return f"{self.base_url()}/01/0{SERIAL_GTIN13}/21/{lot.name}"

    def test_pallet_linkset_lists_the_lots_it_shipped_with(self):
        url = f"/00/{self.pallet.traceability_sscc}"
        response = self.get(url, headers={"Accept": LINKSET})
        self.assertEqual(response.status_code, 200)
        context = json.loads(response.text)["linkset"][0]
        self.assertEqual(context["anchor"], self.base_url() + url)
        hrefs = [link["href"] for link in context[VOC + "traceability"]]
        self.assertEqual(hrefs, [self.lot_link(lot) for lot in self.pallet_lots])
        # Customers, quantities and places are not the public's.
        for secret in (self.customer_a.name, self.customer_b.name, "PT-BOX-1"):
            self.assertNotIn(secret, response.text)
        # The default answer of a logistic unit is its linkset; a link type
        # redirects to the first lot's page.
        self.assertEqual(self.get(url).headers["Content-Type"], LINKSET)
        response = self.get(f"{url}?linkType=gs1:traceability")
        self.assertEqual(response.status_code, 307)
        self.assertEqual(response.headers["Location"], self.lot_link(self.serials[0]))

    def test_box_and_unknown(self):
        context = json.loads(
            self.get(f"/00/{self.box_2.traceability_sscc}?linkType=all").text
        )["linkset"][0]
        self.assertEqual(
            [link["href"] for link in context[VOC + "traceability"]],
            [self.lot_link(self.serials[2])],
        )
        empty = self.env["stock.quant.package"].create(
            {"name": "PT-EMPTY", "traceability_sscc": gs1.sscc("0614141", 720001)}
        )
        for sscc in (empty.traceability_sscc, gs1.sscc("0614141", 720002)):
            with self.subTest(sscc=sscc):
                self.assertEqual(self.get(f"/00/{sscc}").status_code, 404)


@tagged("post_install", "-at_install")
class TestPalletAggregationEvents(PackageCommon):
    """The EPCIS export of a lot that travelled in a box on a pallet: the box
    packed onto the pallet (and taken off) as AggregationEvents of the SSCCs."""

    def test_box_on_pallet_in_the_export(self):
        import jsonschema  # noqa: PLC0415 (the test's own dependency)

        self.box_1.parent_package_id = False  # the pallet broken up
        user = new_test_user(
            self.env,
            "pallet_exporter",
            groups="quality_traceability.group_traceability_user",
        )
        exporter = self.env["traceability.epcis"].with_user(user)
        document = exporter.export_trace(self.serials[0].ids, "backward")
        jsonschema.validate(
            document,
            json.loads(SCHEMA.read_text()),
            format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
        )
        pallet = epcis.sscc_uri(self.pallet.traceability_sscc)
        box = epcis.sscc_uri(self.box_1.traceability_sscc)
        links = [
            (event["action"], event["bizStep"], event.get("childEPCs"))
            for event in document["epcisBody"]["eventList"]
            if event["type"] == "AggregationEvent" and event["parentID"] == pallet
        ]
        # Both in this test's transaction, at the same time: in any order.
        self.assertEqual(
            sorted(links), [("ADD", "packing", [box]), ("DELETE", "unpacking", [box])]
        )
        # The box of the other lots only: box 2 held no lot of this trace.
        self.assertNotIn(
            epcis.sscc_uri(self.box_2.traceability_sscc), json.dumps(document)
        )
