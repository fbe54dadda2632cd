# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib
import json
from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import rate_limiter
from .common import TraceabilityCommon

RAW_GTIN13 = "6901234560053"  # the common factory's raw material, tracked by lot
SERIAL_GTIN13 = "6901234560077"
# Route -> readonly: Odoo 18 serves a readonly route from --db_replica_host.
ROUTES = {
    "/trace/<string:code>": True,
    "/trace/<string:code>/coa": True,
    "/01/<string:gtin>": True,
    "/01/<string:gtin>/10/<path:lot>": True,
    "/01/<string:gtin>/21/<path:serial>": True,
    "/01/<string:gtin>/<path:qualifiers>": True,
    "/00/<path:sscc>": True,
    "/.well-known/gs1resolver": True,
    "/traceability/api/v1/lookup": True,
    # The device's scans are written: that route stays on the primary.
    "/traceability/api/v1/scans": False,
    "/traceability/epcis/events": True,
}


@tagged("post_install", "-at_install")
class TestReadonlyRoutes(TraceabilityCommon, HttpCase):
    """The routes that only read are ``readonly=True``: Odoo 18 serves them from
    the replica of ``--db_replica_host`` (odoo.http.Request._transactioning), and
    serving them writes nothing.

    Under test, Odoo runs a readonly route in a transaction set READ ONLY
    (odoo.sql_db.TestCursor), as on a replica: a write fails there, and Odoo
    runs the request again on a read/write cursor and logs a warning
    ("... retrying with a read/write cursor"). Each request below must answer
    without a warning.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finished.barcode = SERIAL_GTIN13
        cls.serial = cls.serial_with_published_coa([("RO-V1", 10)], "RO", "readonly")
        device = new_test_user(
            cls.env,
            "readonly_device",
            groups="quality_traceability.group_traceability_user",
        )
        cls.device_key = (
            cls.env["res.users.apikeys"]
            .with_user(device)
            ._generate(None, "readonly", fields.Datetime.now() + timedelta(days=1))
        )

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    def test_routes_are_readonly(self):
        endpoints = dict(
            http._generate_routing_rules(sorted(self.registry._init_modules), False)
        )
        for url, readonly in ROUTES.items():
            # The routing as Odoo merges it (overrides included).
            self.assertIs(endpoints[url].routing["readonly"], readonly, url)

    def test_test_cursor_is_read_only(self):
        """The premise of the next test: a readonly cursor under test is a
        read-only transaction, as on a replica."""
        with contextlib.closing(self.registry.cursor(readonly=True)) as cr:
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")

    def test_served_without_writing(self):
        code = self.serial.trace_code
        device = {"Authorization": f"Bearer {self.device_key}"}
        requests = [
            # (url, headers, status, text in the answer)
            (f"/trace/{code}", None, 200, "RO-SN1"),
            ("/trace/NoSuchCode0000", None, 404, "o_traceability_not_found"),
            (f"/trace/{code}/coa", None, 200, "RO-SN1"),
            (f"/01/0{SERIAL_GTIN13}/21/RO-SN1", None, 200, "RO-SN1"),
            (f"/01/0{RAW_GTIN13}/10/RO-V1", None, 200, "RO-V1"),
            (
                f"/01/0{SERIAL_GTIN13}/21/RO-SN1?linkType=gs1:certificationInfo",
                None,
                200,
                "RO-SN1",
            ),
            (f"/01/0{RAW_GTIN13}", None, 200, "Test Resin"),
            (f"/01/0{SERIAL_GTIN13}/21/RO-SN1?linkType=all", None, 200, "RO-SN1"),
            (f"/01/0{RAW_GTIN13}/22/V1/10/RO-V1", None, 200, "RO-V1"),
            ("/01/12345/10/RO-V1", None, 400, "GS1 Digital Link"),
            ("/00/106141411234567897", None, 404, "o_traceability_not_found"),
            ("/.well-known/gs1resolver", None, 200, "resolverRoot"),
            ("/traceability/api/v1/lookup?code=RO-SN1", device, 200, "RO-SN1"),
        ]
        for url, headers, status, text in requests:
            with self.subTest(url=url), self.assertNoLogs("odoo.http", "WARNING"):
                response = self.url_open(url, headers=headers)
                self.assertEqual(response.status_code, status)
                self.assertIn(text, response.text)
        answer = json.loads(response.text)
        self.assertEqual(answer["lot"]["name"], "RO-SN1")
