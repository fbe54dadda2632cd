# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.device_api import MAX_PAYLOAD_BYTES
from .common import QualityCommon


class TestScanService(QualityCommon):
    """``traceability.scan.record_scans``: each scan validated on its own,
    retries stored once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("API-1", 10), ("API-2", 10)])
        cls.lot_1 = cls.lot(cls.raw, "API-1")
        cls.lot_2 = cls.lot(cls.raw, "API-2")
        cls.Scan = cls.env["traceability.scan"]

    def scan(self, uid, code="API-1", **values):
        item = {
            "client_uid": uid,
            "code": code,
            "control_point": self.incoming_point.id,
            "values": {"Width": 10.1, "Visual": "pass"},
        }
        item.update(values)
        return item

    def test_batch_good_and_bad_items(self):
        scans = [
            self.scan("u1"),
            self.scan("u2", code="NO-SUCH-LOT"),
            self.scan("u3", control_point=999999),
            self.scan("u4", values={"Width": "ten", "Visual": "pass"}),
            self.scan("u5", values={"Visual": "pass"}),
            self.scan("u6", code="]d2010690123456005"),
            self.scan("u7", code="API-2", values={"Width": "12,5", "Visual": "pass"}),
            self.scan(None),
            self.scan("u9", values={"Width": 10, "Visual": "maybe"}),
            self.scan("u10", values={"Width": 10, "Visual": "pass", "Colour": "red"}),
            self.scan(
                "u11", control_point="Resin incoming", date="2026-01-02T03:04:05Z"
            ),
            "not an object",
        ]
        results = self.Scan.record_scans(scans, device_id="HH-1")
        statuses = [result["status"] for result in results]
        self.assertEqual(
            statuses,
            ["created", "error", "error", "error", "error", "error", "created"]
            + ["error", "error", "error", "created", "error"],
        )
        errors = {
            r["client_uid"]: r.get("error") for r in results if r["status"] == "error"
        }
        self.assertIn("Unknown lot or serial number: NO-SUCH-LOT", errors["u2"])
        self.assertIn("Unknown control point", errors["u3"])
        self.assertIn("Width must be a number", errors["u4"])
        self.assertIn("Missing required value(s): Width", errors["u5"])
        self.assertIn("Malformed GS1", errors["u6"])
        self.assertIn("client_uid", results[7]["error"])
        self.assertIn("must be an object", results[11]["error"])
        self.assertIn("'pass' or 'fail'", errors["u9"])
        self.assertIn("Colour", errors["u10"])
        self.assertEqual(results[0]["result"], "pass")
        self.assertEqual(results[0]["lot_state"], "released")
        self.assertEqual(results[6]["result"], "fail")
        self.assertEqual(results[6]["lot_state"], "blocked")
        checks = self.env["traceability.check"].search([("device_id", "=", "HH-1")])
        self.assertEqual(len(checks), 3)
        self.assertEqual(set(checks.mapped("source")), {"api"})
        dated = checks.filtered(lambda c: c.client_uid == "u11")
        self.assertEqual(fields.Datetime.to_string(dated.date), "2026-01-02 03:04:05")

    def test_retry_is_idempotent(self):
        scans = [self.scan(f"r{index}") for index in range(5)]
        first = self.Scan.record_scans(scans, device_id="HH-2")
        again = self.Scan.record_scans(scans, device_id="HH-2")
        self.assertEqual({r["status"] for r in first}, {"created"})
        self.assertEqual({r["status"] for r in again}, {"duplicate"})
        self.assertEqual([r["id"] for r in first], [r["id"] for r in again])
        # The same ids from another device are other scans.
        other = self.Scan.record_scans(scans[:2], device_id="HH-3")
        self.assertEqual({r["status"] for r in other}, {"created"})
        # Twice in one batch: once.
        twice = self.Scan.record_scans([self.scan("t1"), self.scan("t1")], "HH-2")
        self.assertEqual([r["status"] for r in twice], ["created", "duplicate"])
        self.assertEqual(
            self.env["traceability.check"].search_count([("device_id", "=", "HH-2")]), 6
        )

    def test_concurrent_copy_stored_once(self):
        """A copy of the batch committed by another client between our look-up
        and our insert: the unique index refuses our rows, each scan comes back
        as a duplicate and the new ones of the batch are still stored."""
        self.Scan.record_scans([self.scan("c1"), self.scan("c2")], device_id="HH-4")
        original = type(self.Scan)._existing_checks
        calls = []

        def stale_lookup(scan_model, device_id, uids):
            # The first look-up ran before the other client committed.
            calls.append(uids)
            return {} if len(calls) == 1 else original(scan_model, device_id, uids)

        with patch.object(type(self.Scan), "_existing_checks", stale_lookup):
            results = self.Scan.record_scans(
                [self.scan("c1"), self.scan("c3"), self.scan("c2")], device_id="HH-4"
            )
        self.assertEqual(
            [r["status"] for r in results], ["duplicate", "created", "duplicate"]
        )
        # Without the mocked look-up, the duplicates are named.
        results = self.Scan.record_scans(
            [self.scan("c1"), self.scan("c3")], device_id="HH-4"
        )
        self.assertEqual([r["status"] for r in results], ["duplicate", "duplicate"])
        self.assertEqual(
            self.env["traceability.check"].search_count([("device_id", "=", "HH-4")]), 3
        )

    def test_package_and_photos(self):
        package = self.env["stock.quant.package"].create({"name": "PACK-API-1"})
        self.env["stock.quant"]._update_available_quantity(
            self.raw, self.stock_location, 3, lot_id=self.lot_2, package_id=package
        )
        photo = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
            "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
        [result, bad] = self.Scan.record_scans(
            [
                self.scan(
                    "pk1",
                    code="PACK-API-1",
                    values={"Width": 30, "Visual": "pass"},
                    photos=[photo],
                ),
                self.scan("pk2", photos=["not base64!"]),
            ],
            device_id="HH-5",
        )
        self.assertEqual((result["status"], result["result"]), ("created", "fail"))
        self.assertIn("base64", bad["error"])
        check = self.env["traceability.check"].browse(result["id"])
        self.assertEqual(check.package_id, package)
        self.assertEqual(check.lot_id, self.lot_2)
        self.assertEqual(len(check.attachment_ids), 1)
        self.assertEqual(self.lot_2.quality_state, "blocked")
        answer = self.Scan.scanner_lookup("PACK-API-1")
        self.assertTrue(answer["lot"]["package"])
        self.assertEqual(answer["lot"]["quality_state"], "blocked")

    def test_codes(self):
        Scan = self.Scan
        self.assertEqual(Scan._resolve_code(" API-1 "), self.lot_1)
        gs1_code = "0106901234560053" + "10API-1"
        self.assertEqual(Scan._resolve_code(gs1_code), self.lot_1)
        self.assertEqual(Scan._resolve_code("]d2" + gs1_code), self.lot_1)
        self.assertEqual(Scan._resolve_code("(01)06901234560053(10)API-2"), self.lot_2)
        self.assertEqual(
            Scan._resolve_code(f"https://example.com/trace/{self.lot_1.trace_code}"),
            self.lot_1,
        )
        self.assertEqual(
            Scan._resolve_code("https://example.com/01/06901234560053/10/API-2"),
            self.lot_2,
        )
        from ..models.traceability_scan import ScanError

        for bad in ("", "0106901234560054" + "10API-1", "https://x/trace/unknowncode1"):
            with self.assertRaises(ScanError):
                Scan._resolve_code(bad)


@tagged("post_install", "-at_install")
class TestDeviceApi(HttpCase):
    """The HTTP endpoint: API key, payload checks, per-item results."""

    URL = "/traceability/api/v1/scans"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "API Resin", "is_storable": True, "tracking": "lot"}
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "HTTP-1", "product_id": product.id}
        )
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "HTTP point",
                "spec_ids": [(0, 0, {"name": "Weight", "value_type": "numeric"})],
            }
        )
        cls.device_user = new_test_user(
            cls.env,
            "api_device",
            groups="quality_traceability.group_traceability_user",
        )
        cls.outsider = new_test_user(cls.env, "api_outsider", groups="base.group_user")
        expiry = fields.Datetime.now() + timedelta(days=1)
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.device_user)
            ._generate(None, "MES", expiry)
        )
        cls.outsider_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.outsider)
            ._generate(None, "MES", expiry)
        )

    def post(self, body, key=None, raw=None):
        data = raw if raw is not None else json.dumps(body)
        return self.url_open(
            self.URL,
            data=data,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key or self.key}",
            },
        )

    def test_batch(self):
        body = {
            "device_id": "MES-1",
            "scans": [
                {
                    "client_uid": "h1",
                    "code": "HTTP-1",
                    "control_point": "HTTP point",
                    "values": {"Weight": 3.5},
                },
                {
                    "client_uid": "h2",
                    "code": "HTTP-1",
                    "control_point": "HTTP point",
                    "values": {"Weight": "heavy"},
                },
            ],
        }
        response = self.post(body)
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        self.assertEqual((answer["created"], answer["errors"]), (1, 1))
        self.assertEqual(answer["results"][1]["error"], "Weight must be a number.")
        again = self.post(body).json()
        self.assertEqual(
            (again["created"], again["duplicates"], again["errors"]), (0, 1, 1)
        )
        check = self.env["traceability.check"].search([("client_uid", "=", "h1")])
        self.assertEqual(check.operator_id, self.device_user)
        self.assertEqual(check.device_id, "MES-1")

    def test_refusals(self):
        body = {"scans": []}
        self.assertEqual(self.post(body, key="wrong-key").status_code, 401)
        self.assertEqual(self.post(body, key=self.outsider_key).status_code, 403)
        self.assertEqual(self.post(None, raw="{not json").status_code, 400)
        self.assertEqual(self.post({"scans": "x"}).status_code, 400)
        self.assertEqual(self.post({"scans": [{}] * 1001}).status_code, 400)
        big = json.dumps({"scans": [], "pad": "x" * MAX_PAYLOAD_BYTES})
        self.assertEqual(self.post(None, raw=big).status_code, 413)
        self.assertFalse(
            self.env["traceability.check"].search_count([("lot_id", "=", self.lot.id)])
        )
