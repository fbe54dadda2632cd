# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import json
from datetime import timedelta
from unittest.mock import patch

from PIL import Image

from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import UserError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.device_api import MAX_PAYLOAD_BYTES
from ..models.traceability_scan import MAX_PHOTO_BYTES
from .common import QualityCommon

SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
).decode()
HTML = base64.b64encode(b"<!DOCTYPE html><script>alert(1)</script>").decode()


def image_b64(fmt, size=(2, 2), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode()


def rpc(env, user, model, method, args, context=None):
    """``model.method(*args)`` as ``user`` calls it over JSON-RPC/XML-RPC: a
    public method through ``call_kw``, in the user's own environment, with the
    context the client sends."""
    context = dict(context or {})
    records = env(user=user.id, su=False, context=context)[model]
    get_public_method(records, method)
    return call_kw(records, method, list(args), {"context": context})


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

    def test_scans_are_append_only(self):
        """Nobody changes or deletes a recorded scan over RPC, whatever the
        context sent; a manager voids it (the original stays)."""
        user = new_test_user(
            self.env,
            "scan_rpc_user",
            groups="quality_traceability.group_traceability_user",
        )
        manager = new_test_user(
            self.env,
            "scan_rpc_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        [result] = self.Scan.with_user(user).record_scans(
            [self.scan("ao1", notes="original")], device_id="HH-AO"
        )
        check = self.env["traceability.check"].browse(result["id"])
        before = check.read(["notes", "state", "device_id", "client_uid", "lot_id"])
        contexts = ({}, {"traceability_check_void": True})
        for who in (user, manager):
            for context in contexts:
                with self.assertRaises(UserError):  # AccessError included
                    rpc(
                        self.env,
                        who,
                        "traceability.check",
                        "write",
                        [check.ids, {"notes": "changed", "client_uid": "ao2"}],
                        context,
                    )
                with self.assertRaises(UserError):
                    rpc(
                        self.env,
                        who,
                        "traceability.check",
                        "unlink",
                        [check.ids],
                        context,
                    )
                for method, args in (
                    ("write", [check.ids, {"notes": "changed"}]),
                    ("unlink", [check.ids]),
                    ("create", [{}]),
                ):
                    with self.assertRaises(UserError):
                        rpc(self.env, who, "traceability.scan", method, args, context)
        check.invalidate_recordset()
        self.assertEqual(check.exists(), check)
        self.assertEqual(
            check.read(["notes", "state", "device_id", "client_uid", "lot_id"]),
            before,
        )
        rpc(self.env, manager, "traceability.check", "action_void", [check.ids, "Typo"])
        check.invalidate_recordset()
        self.assertEqual((check.state, check.notes), ("void", "original"))

    def test_photos_are_real_images(self):
        """PNG, JPEG and WebP are stored with their own mimetype, whatever the
        name says; SVG, HTML, broken, huge or oversized images are refused."""
        bomb = image_b64("PNG", size=(8000, 8000), mode="1")
        results = self.Scan.record_scans(
            [
                self.scan(
                    "ph1",
                    photos=[
                        {"name": "label.svg", "data": image_b64("PNG")},
                        {"name": "page.html", "data": image_b64("JPEG")},
                        image_b64("WEBP"),
                    ],
                ),
                self.scan("ph2", photos=[SVG]),
                self.scan("ph3", photos=[{"name": "x.png", "data": HTML}]),
                self.scan("ph4", photos=[image_b64("PNG")[:40]]),
                self.scan("ph5", photos=[bomb]),
                self.scan("ph6", photos=["A" * (MAX_PHOTO_BYTES * 4 // 3 + 8)]),
                self.scan("ph7", photos=[image_b64("GIF")]),
            ],
            device_id="HH-PH",
        )
        self.assertEqual(
            [result["status"] for result in results], ["created"] + ["error"] * 6
        )
        for result in results[1:4] + results[6:]:
            self.assertIn("is not a PNG, JPEG or WebP image", result["error"])
        for result in results[4:6]:
            self.assertIn("is larger than", result["error"])
        check = self.env["traceability.check"].browse(results[0]["id"])
        self.assertEqual(
            check.attachment_ids.sorted("id").mapped("mimetype"),
            ["image/png", "image/jpeg", "image/webp"],
        )
        self.assertEqual(
            self.env["traceability.check"].search_count([("device_id", "=", "HH-PH")]),
            1,
        )


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

    def test_malformed_items(self):
        """Each malformed item gets its own error; the good ones of the batch
        are stored; a 200, never a 500 (a device would send it forever)."""

        def item(uid, **values):
            scan = {
                "client_uid": uid,
                "code": "HTTP-1",
                "control_point": "HTTP point",
                "values": {"Weight": 2},
            }
            scan.update(values)
            return json.dumps(scan)

        bad = [
            '{"client_uid": ["m1"], "code": "HTTP-1", "control_point": "HTTP point"}',
            '{"client_uid": {"a": 1}, "code": "HTTP-1"}',
            '{"client_uid": "m3\\ud800", "code": "HTTP-1"}',
            item("m4", notes=["a", "list"]),
            item("m5", notes={"an": "object"}),
            item("m6", notes=12),
            item("m7", notes="x" * 20000),
            item("m8", notes="nul\x00"),
            item("m9", values={"Weight": "1e999"}),
            item("m10", values={"Weight": "nan"}),
            item("m11", values={"Weight": 10**30}),
            item("m12", values={"Weight": ["a"]}),
            item("m13", values=[{"parameter": ["Weight"], "value": 1}]),
            item("m14", code=["HTTP-1"]),
            item("m15", code="x" * 100000),
            item("m16", code="HTTP\x00-1"),
            item("m17", control_point={"id": 1}),
            item("m18", control_point=["HTTP point"]),
            item("m19", lot_id=2**40),
            item("m20", lot_id=10**30),
            item("m21", date="0001-01-01T00:00:00+14:00"),
            item("m22", date="9999-12-31T23:59:59-14:00"),
            item("m23", date=["2026-01-01"]),
            item("m24", date="1999-12-31T23:00:00Z"),
            item("m25", operator=["admin"]),
            item("m26", workcenter={"a": 1}),
            item("m27", picking=["x"]),
            item("m28", production=[[[[]]]]),
            item("m29", photos=[SVG]),
            item("m30", photos=[{"name": "a.png", "data": HTML}]),
            item("m31", values={"Weight": 2, "\ud800": 1}),
            item("m32", client_uid="u" * 129),
            item("m33", values={"Weight": 2}, code="[" * 50 + "]" * 50),
        ]
        # Numbers that Python's JSON reads as inf and nan.
        bad += [
            item("m34", values="@").replace('"@"', '{"Weight": 1e999}'),
            item("m35", values="@").replace('"@"', '{"Weight": -Infinity}'),
            item("m36", values="@").replace('"@"', '{"Weight": NaN}'),
            item("m37", lot_id="@").replace('"@"', "[" * 500 + "]" * 500),
        ]
        good = [item("g1"), item("g2", notes="fine", date="2026-01-02T03:04:05Z")]
        scans = [good[0], *bad, good[1]]
        raw = '{"device_id": "MES-BAD", "scans": [' + ",".join(scans) + "]}"
        response = self.post(None, raw=raw)
        self.assertEqual(response.status_code, 200, response.text[:300])
        answer = response.json()
        statuses = [result["status"] for result in answer["results"]]
        self.assertEqual(statuses, ["created"] + ["error"] * len(bad) + ["created"])
        checks = self.env["traceability.check"].search([("device_id", "=", "MES-BAD")])
        self.assertEqual(sorted(checks.mapped("client_uid")), ["g1", "g2"])
        # Sent again: stored once.
        again = self.post(None, raw=raw).json()
        self.assertEqual((again["created"], again["duplicates"]), (0, 2))
        self.assertEqual(
            self.env["traceability.check"].search_count(
                [("device_id", "=", "MES-BAD")]
            ),
            2,
        )

    def test_malformed_requests(self):
        """What spoils the whole request is a 4xx for the whole request."""
        for raw in (
            '{"scans": ' + "[" * 100000 + "]" * 100000 + "}",
            '{"device_id": "' + "d" * 129 + '", "scans": [{}]}',
            '{"device_id": "a\\u0000b", "scans": [{}]}',
            '{"device_id": "\\udc00", "scans": [{}]}',
            '{"device_id": ["x"], "scans": []}',
            '{"scans": {"client_uid": "x"}}',
            '{"scans": [' + "1" * 5000 + "]}",
            "[]",
        ):
            response = self.post(None, raw=raw)
            self.assertEqual(response.status_code, 400, raw[:60])
            self.assertIn("error", response.json())

    def test_foreign_company_ids(self):
        """Ids of another company's records are unknown to the device user,
        who cannot read them: a per-item error, nothing stored."""
        other = self.env["res.company"].create({"name": "Other Plant"})
        lot = self.env["stock.lot"].create(
            {
                "name": "HTTP-OTHER",
                "product_id": self.lot.product_id.id,
                "company_id": other.id,
            }
        )
        # A package belongs to the company of its contents.
        package = self.env["stock.quant.package"].create({"name": "PACK-OTHER"})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(
            self.lot.product_id,
            warehouse.lot_stock_id,
            1,
            lot_id=lot,
            package_id=package,
        )
        self.assertEqual(package.company_id, other)
        point = self.env["traceability.control.point"].create(
            {
                "name": "Other point",
                "company_id": other.id,
                "spec_ids": [(0, 0, {"name": "Weight", "value_type": "numeric"})],
            }
        )
        picking_type = self.env["stock.picking.type"].search(
            [("company_id", "=", other.id), ("code", "=", "incoming")], limit=1
        )
        picking = self.env["stock.picking"].create(
            {"picking_type_id": picking_type.id, "company_id": other.id}
        )
        base = {"control_point": "HTTP point", "values": {"Weight": 1}}
        scans = [
            dict(base, client_uid="f1", lot_id=lot.id),
            dict(base, client_uid="f2", package_id=package.id),
            dict(base, client_uid="f3", code="HTTP-1", control_point=point.id),
            dict(base, client_uid="f4", code=f"https://x.com/trace/{lot.trace_code}"),
            dict(base, client_uid="f5", code="HTTP-1", picking=picking.id),
            dict(base, client_uid="f6", code="HTTP-1", picking=picking.name),
            dict(base, client_uid="f7", lot_id=self.lot.id),
        ]
        response = self.post({"device_id": "MES-F", "scans": scans})
        self.assertEqual(response.status_code, 200)
        results = response.json()["results"]
        self.assertEqual(
            [result["status"] for result in results], ["error"] * 6 + ["created"]
        )
        for result in results[:6]:
            self.assertIn("Unknown", result["error"])
        checks = self.env["traceability.check"].search([("device_id", "=", "MES-F")])
        self.assertEqual(checks.mapped("client_uid"), ["f7"])
        self.assertEqual(checks.lot_id, self.lot)
