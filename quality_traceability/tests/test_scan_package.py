# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta
from urllib.parse import quote

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import gs1
from .common import rpc
from .package_common import PackageCommon

GS = "\x1d"


class ScanPackageCommon(PackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "Pallet final check",
                "stage": "final",
                "product_ids": [Command.link(cls.finished.id)],
                "spec_ids": [
                    Command.create({"name": "Visual", "value_type": "pass_fail"})
                ],
            }
        )
        cls.user = new_test_user(
            cls.env,
            "sp_scan_user",
            groups="quality_traceability.group_traceability_user",
        )


class TestScanPackage(ScanPackageCommon):
    """The scanner screen's service checks a whole box or pallet from its SSCC."""

    def test_lookup_of_a_pallet_by_sscc(self):
        sscc = self.pallet.traceability_sscc
        for code in (
            f"(00){sscc}",
            f"]d200{sscc}",
            # A GS1 DataMatrix of a DMRE size (ISO/IEC 21471): "]d8".
            f"]d800{sscc}",
            f"]d800{sscc}0109506000134352{GS}3712",
            sscc,
        ):
            answer = rpc(
                self.env, self.user, "traceability.scan", "scanner_lookup", [code]
            )
            self.assertNotIn("error", answer, code)
            self.assertEqual(answer["lot"]["id"], self.pallet.id, code)
            self.assertTrue(answer["lot"]["package"])
            # The boxes on the pallet hold its content.
            self.assertEqual(answer["lot"]["product"], self.finished.display_name)
            self.assertEqual([p["id"] for p in answer["points"]], self.point.ids)

    def test_dmre_gs1_lot_code(self):
        """A lot's GS1 DataMatrix printed in a DMRE size: "]d8", read as "]d2"."""
        Scan = self.env["traceability.scan"].with_user(self.user)
        for identifier in ("]d2", "]d8"):
            code = f"{identifier}0106901234560053" + "10PV-1"
            self.assertEqual(Scan._resolve_code(code), self.pv1, identifier)
        answer = rpc(
            self.env,
            self.user,
            "traceability.scan",
            "scanner_lookup",
            ["]d7010690123456005310PV-1"],
        )
        self.assertIn("error", answer, "]d7: a DMRE symbol without GS1 data")

    def test_failed_check_of_a_pallet_holds_every_lot_on_it(self):
        answer = rpc(
            self.env,
            self.user,
            "traceability.scan",
            "scanner_submit",
            [False, self.point.id, {"Visual": "fail"}, "", self.pallet.id],
        )
        self.assertEqual((answer["status"], answer["result"]), ("created", "fail"))
        check = self.env["traceability.check"].browse(answer["id"])
        self.assertEqual(check.package_id, self.pallet)
        self.assertFalse(check.lot_id, "three lots: none named")
        self.assertEqual(check._traceability_lots(), self.pallet_lots)
        self.assertEqual(set(self.pallet_lots.mapped("quality_state")), {"blocked"})
        self.assertEqual(self.serials[3].quality_state, "released")

    def test_box_with_one_lot(self):
        [result] = (
            self.env["traceability.scan"]
            .with_user(self.user)
            .record_scans(
                [
                    {
                        "client_uid": "box-2",
                        "code": f"https://id.example.com/00/{self.box_2.traceability_sscc}",
                        "control_point": self.point.id,
                        "values": {"Visual": "pass"},
                    }
                ],
                device_id="HH-SSCC",
            )
        )
        self.assertEqual(result["status"], "created", result)
        check = self.env["traceability.check"].browse(result["id"])
        self.assertEqual(
            (check.package_id, check.lot_id), (self.box_2, self.serials[2])
        )

    def test_unknown_and_foreign_sscc(self):
        _company_b, package_b, user_a = self.foreign_package("SP")
        Scan = self.env["traceability.scan"]
        count = self.env["traceability.check"].search_count([])
        for user, code in (
            (user_a, f"(00){package_b.traceability_sscc}"),
            (self.user, f"]d800{gs1.sscc('0614141', 799998)}"),
        ):
            answer = rpc(self.env, user, "traceability.scan", "scanner_lookup", [code])
            self.assertIn("Unknown box or pallet", answer["error"])
            [result] = Scan.with_user(user).record_scans(
                [
                    {
                        "client_uid": "x",
                        "code": code,
                        "control_point": self.point.id,
                        "values": {"Visual": "fail"},
                    }
                ]
            )
            self.assertEqual(result["status"], "error")
            self.assertIn("Unknown box or pallet", result["error"])
        self.assertEqual(self.env["traceability.check"].search_count([]), count)
        self.assertEqual(package_b.quant_ids.lot_id.quality_state, "released")

    def test_refused_without_traceability_rights(self):
        code = f"(00){self.pallet.traceability_sscc}"
        for groups in ("stock.group_stock_user", "base.group_portal"):
            user = new_test_user(self.env, f"sp_{groups.split('.')[1]}", groups=groups)
            with self.assertRaises(AccessError):
                rpc(self.env, user, "traceability.scan", "scanner_lookup", [code])
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "traceability.scan",
                    "scanner_submit",
                    [False, self.point.id, {"Visual": "fail"}, "", self.pallet.id],
                )
        self.assertFalse(
            self.env["traceability.check"].search_count(
                [("package_id", "=", self.pallet.id)]
            )
        )
        self.assertEqual(set(self.pallet_lots.mapped("quality_state")), {"released"})


@tagged("post_install", "-at_install")
class TestDeviceApiPackage(HttpCase, ScanPackageCommon):
    """The device API reads SSCCs ("(00)", "]d2", "]d8", Digital Link) as the
    scanner screen does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        expiry = fields.Datetime.now() + timedelta(days=1)
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.user)
            ._generate(None, "Handheld", expiry)
        )
        outsider = new_test_user(cls.env, "sp_api_outsider", groups="base.group_user")
        cls.outsider_key = (
            cls.env["res.users.apikeys"]
            .with_user(outsider)
            ._generate(None, "Handheld", expiry)
        )

    def headers(self, key=None):
        return {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {key or self.key}",
        }

    def lookup(self, code, key=None):
        return self.url_open(
            f"/traceability/api/v1/lookup?code={quote(code)}", headers=self.headers(key)
        )

    def post(self, scans, key=None):
        return self.url_open(
            "/traceability/api/v1/scans",
            data=json.dumps({"device_id": "HH-API", "scans": scans}),
            headers=self.headers(key),
        )

    def test_lookup_and_scan_of_a_pallet(self):
        sscc = self.pallet.traceability_sscc
        for code in (f"(00){sscc}", f"]d800{sscc}"):
            response = self.lookup(code)
            self.assertEqual(response.status_code, 200, code)
            answer = response.json()
            self.assertEqual(
                (answer["lot"]["id"], answer["lot"]["package"]),
                (self.pallet.id, True),
            )
            self.assertEqual([p["id"] for p in answer["points"]], self.point.ids)
        response = self.post(
            [
                {
                    "client_uid": "pallet-1",
                    "code": f"]d800{sscc}",
                    "control_point": self.point.id,
                    "values": {"Visual": "fail"},
                }
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["created"], 1)
        check = self.env["traceability.check"].search([("client_uid", "=", "pallet-1")])
        self.assertEqual(check.package_id, self.pallet)
        self.assertEqual(set(self.pallet_lots.mapped("quality_state")), {"blocked"})

    def test_sscc_before_a_lot_of_the_same_name(self):
        """18 digits that are both a lot's name and a box's SSCC name the box,
        in a batch of the device API as on the scanner screen."""
        sscc = self.box_2.traceability_sscc
        self.env["stock.lot"].create({"name": sscc, "product_id": self.raw.id})
        answer = self.post(
            [
                {
                    "client_uid": "twin-1",
                    "code": sscc,
                    "control_point": self.point.id,
                    "values": {"Visual": "pass"},
                }
            ]
        ).json()
        self.assertEqual(answer["created"], 1, answer)
        check = self.env["traceability.check"].search([("client_uid", "=", "twin-1")])
        self.assertEqual(check.package_id, self.box_2)
        self.assertEqual(self.lookup(sscc).json()["lot"]["id"], self.box_2.id)

    def test_refusals(self):
        _company_b, package_b, user_a = self.foreign_package("SPA")
        key_a = (
            self.env["res.users.apikeys"]
            .with_user(user_a)
            ._generate(None, "Handheld", fields.Datetime.now() + timedelta(days=1))
        )
        code_b = f"(00){package_b.traceability_sscc}"
        response = self.lookup(code_b, key=key_a)
        self.assertEqual(response.status_code, 404)
        self.assertIn("Unknown box or pallet", response.json()["error"])
        answer = self.post(
            [
                {
                    "client_uid": "b-1",
                    "code": code_b,
                    "control_point": self.point.id,
                    "values": {"Visual": "fail"},
                }
            ],
            key=key_a,
        ).json()
        self.assertEqual((answer["created"], answer["errors"]), (0, 1))
        pallet_code = f"(00){self.pallet.traceability_sscc}"
        self.assertEqual(
            self.lookup(pallet_code, key=self.outsider_key).status_code, 403
        )
        self.assertEqual(self.lookup(pallet_code, key="wrong").status_code, 401)
        self.assertEqual(
            self.url_open(
                f"/traceability/api/v1/lookup?code={quote(pallet_code)}"
            ).status_code,
            401,
        )
        self.assertFalse(
            self.env["traceability.check"].search_count(
                [("package_id", "in", (package_b | self.pallet).ids)]
            )
        )


@tagged("post_install", "-at_install")
class TestScannerPalletTour(HttpCase, PackageCommon):
    """Scan a pallet label on the scanner screen and open its trace."""

    def test_scanner_pallet_tour(self):
        self.assertEqual(self.pallet.traceability_sscc, "006141410007000015")
        new_test_user(
            self.env,
            "sp_tour_user",
            groups="quality_traceability.group_traceability_user",
        )
        self.start_tour(
            "/odoo/action-quality_traceability.traceability_scanner_action",
            "quality_traceability_scanner_pallet_tour",
            login="sp_tour_user",
        )
