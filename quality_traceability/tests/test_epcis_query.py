# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""EPCIS 2.0 query (``GET /traceability/epcis/events``, REST binding of GS1's
EPCIS 2.0) and the OpenAPI description of the EPCIS routes
(``static/api/epcis_api.yaml``)."""

import base64
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import rate_limiter
from ..tools import epcis, epcis_query, gs1
from .common import TraceabilityCommon

SCHEMA = Path(__file__).parents[1] / "data" / "epcis" / "EPCIS-JSON-Schema.json"
OPENAPI = Path(__file__).parents[1] / "static" / "api" / "epcis_api.yaml"
URL = "/traceability/epcis/events"
RAW_GTIN = "06901234560053"  # the common factory's raw material
SEMI_GTIN = "0690123456007" + gs1.check_digit("0690123456007")
SERIAL_GTIN = "0690123456008" + gs1.check_digit("0690123456008")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _lgtin(gtin, lot):
    """``urn:epc:class:lgtin:`` of a GTIN-14 (company prefix of 7 digits)."""
    return f"urn:epc:class:lgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.{lot}"


def _sgtin(gtin, serial):
    return f"urn:epc:id:sgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.{serial}"


@tagged("post_install", "-at_install")
class TestEpcisQuery(TraceabilityCommon, HttpCase):
    """Bearer API key, each parameter, paging, refusals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import jsonschema  # pylint: disable=import-outside-toplevel

        schema = json.loads(SCHEMA.read_text())
        checker = jsonschema.Draft7Validator.FORMAT_CHECKER
        cls.validator = jsonschema.Draft7Validator(schema, format_checker=checker)
        cls.semi.barcode = SEMI_GTIN[1:]
        cls.finished.barcode = SERIAL_GTIN[1:]
        flows = cls.flows
        flows.receive(
            cls.vendor, cls.raw, [("Q-A", 20), ("Q-B", 20)], date="2026-01-05 08:00:00"
        )
        qa, qb = cls.lot(cls.raw, "Q-A"), cls.lot(cls.raw, "Q-B")
        flows.produce(
            cls.semi,
            4,
            "QS-1",
            {cls.raw: [(qa, 4), (qb, 4)]},
            date="2026-01-10 09:00:00",
        )
        qs1 = cls.lot(cls.semi, "QS-1")
        flows.produce(
            cls.finished, 1, "QSN-1", {cls.semi: [(qs1, 1)]}, date="2026-01-12 10:00:00"
        )
        cls.sn1 = cls.lot(cls.finished, "QSN-1")
        flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.sn1, 1)])], date="2026-01-20 11:00:00"
        )
        flows.deliver(
            cls.customer_b, [(cls.raw, [(qa, 2)])], date="2026-01-21 12:00:00"
        )
        cls.qa, cls.qb, cls.qs1 = qa, qb, qs1
        groups = "base.group_user,quality_traceability.group_traceability_user"
        expiry = fields.Datetime.now() + timedelta(days=1)
        cls.device = new_test_user(cls.env, "epcisq_device", groups=groups)
        cls.other_device = new_test_user(cls.env, "epcisq_device2", groups=groups)
        cls.company_b = cls.env["res.company"].create({"name": "EPCISQ Company B"})
        cls.device_b = new_test_user(
            cls.env,
            "epcisq_device_b",
            groups=groups,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.outsider = new_test_user(
            cls.env, "epcisq_outsider", groups="base.group_user"
        )
        cls.portal = new_test_user(cls.env, "epcisq_portal", groups="base.group_portal")
        Keys = cls.env["res.users.apikeys"]
        cls.keys = {
            user: Keys.with_user(user)._generate(None, "EPCIS", expiry)
            for user in (
                cls.device,
                cls.other_device,
                cls.device_b,
                cls.outsider,
                cls.portal,
            )
        }
        cls.qa_uri = epcis.class_uri(RAW_GTIN, "Q-A")
        cls.qb_uri = epcis.class_uri(RAW_GTIN, "Q-B")
        cls.sn1_uri = epcis.instance_uri(SERIAL_GTIN, "QSN-1")

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def get(self, params=(), user=None, key=None, url=None):
        headers = {}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.keys[user or self.device]}"
        if url is None:
            url = f"{URL}?{urlencode(params)}" if params else URL
        return self.url_open(url, headers=headers)

    def query(self, params, user=None):
        """The events of every page of the query, checking each page."""
        response = self.get(params, user=user)
        self.assertEqual(response.status_code, 200, response.text)
        events = self.check_page(response)
        while "Link" in response.headers:
            next_url = self.next_url(response)
            response = self.get(user=user, url=next_url)
            self.assertEqual(response.status_code, 200, response.text)
            events += self.check_page(response)
        return events

    def check_page(self, response):
        document = response.json()
        errors = [error.message for error in self.validator.iter_errors(document)]
        self.assertFalse(errors, errors[:5])
        self.assertEqual(document["type"], "EPCISQueryDocument")
        results = document["epcisBody"]["queryResults"]
        self.assertEqual(results["queryName"], "SimpleEventQuery")
        return results["resultsBody"]["eventList"]

    def next_url(self, response):
        match = re.fullmatch(r'<([^>]+)>; rel="next"', response.headers["Link"])
        self.assertTrue(match, response.headers["Link"])
        parts = urlsplit(match.group(1))
        self.assertEqual(parts.path, URL)
        return f"{parts.path}?{parts.query}"

    def refused(self, params, status, text=None, user=None):
        response = self.get(params, user=user)
        self.assertEqual(response.status_code, status, (params, response.text))
        answer = response.json()
        self.assertIn("error", answer)
        if text:
            self.assertIn(text, answer["error"])
        return answer

    def ids(self, events):
        return [event["eventID"] for event in events]

    def classes(self, event):
        return {
            element["epcClass"]
            for key in (
                "quantityList",
                "childQuantityList",
                "inputQuantityList",
                "outputQuantityList",
            )
            for element in event.get(key, ())
        }

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def test_match_any_epc_class(self):
        events = self.query({"MATCH_anyEPCClass": self.qa_uri})
        self.assertTrue(events)
        self.assertTrue(all(self.qa_uri in self.classes(e) for e in events))
        steps = {(e["type"], e.get("bizStep")) for e in events}
        self.assertLessEqual(
            {
                ("ObjectEvent", "commissioning"),
                ("ObjectEvent", "receiving"),
                ("ObjectEvent", "shipping"),
                ("TransformationEvent", "commissioning"),
            },
            steps,
        )
        # The same events as the export of the lot, in time order.
        exported = self.env["traceability.epcis"].with_user(self.device)
        document = exported.export_lots(self.qa.ids)
        expected = [
            e["eventID"]
            for e in document["epcisBody"]["eventList"]
            if self.qa_uri in self.classes(e)
        ]
        self.assertEqual(sorted(self.ids(events)), sorted(expected))
        times = [datetime.fromisoformat(e["eventTime"]) for e in events]
        self.assertEqual(times, sorted(times))
        # The EPC URN of the same class, a Digital Link of another domain.
        self.assertEqual(
            self.ids(self.query({"MATCH_anyEPCClass": _lgtin(RAW_GTIN, "Q-A")})),
            self.ids(events),
        )
        other_domain = f"https://example.com/shop/01/{RAW_GTIN[1:]}/10/Q-A"
        self.assertEqual(
            self.ids(self.query({"MATCH_anyEPCClass": other_domain})),
            self.ids(events),
        )
        # Two lots, pipe-delimited (the binding) or comma-separated: either.
        both = self.query({"MATCH_anyEPCClass": f"{self.qa_uri}|{self.qb_uri}"})
        self.assertEqual(
            self.ids(both),
            self.ids(self.query({"MATCH_anyEPCClass": f"{self.qa_uri},{self.qb_uri}"})),
        )
        only_b = self.query({"MATCH_anyEPCClass": self.qb_uri})
        self.assertEqual(set(self.ids(both)), set(self.ids(events) + self.ids(only_b)))
        # An unknown lot: no event.
        unknown = epcis.class_uri(RAW_GTIN, "NO-SUCH-LOT")
        self.assertEqual(self.query({"MATCH_anyEPCClass": unknown}), [])

    def test_match_epc(self):
        events = self.query({"MATCH_epc": self.sn1_uri})
        self.assertEqual(
            sorted((e["type"], e["bizStep"]) for e in events),
            [("ObjectEvent", "commissioning"), ("ObjectEvent", "shipping")],
        )
        self.assertTrue(all(self.sn1_uri in e["epcList"] for e in events))
        self.assertEqual(
            self.ids(self.query({"MATCH_epc": _sgtin(SERIAL_GTIN, "QSN-1")})),
            self.ids(events),
        )
        # MATCH_epc reads epcList and childEPCs only; MATCH_anyEPC also the
        # outputs of the transformation that made the serial.
        any_epc = self.query({"MATCH_anyEPC": self.sn1_uri})
        self.assertEqual(
            sorted(e["type"] for e in any_epc),
            ["ObjectEvent", "ObjectEvent", "TransformationEvent"],
        )
        # An SSCC no package has: well formed, no event.
        sscc = gs1.sscc("0614141", 123456789, extension_digit=1)
        self.assertEqual(self.query({"MATCH_epc": epcis.sscc_uri(sscc)}), [])
        self.assertEqual(
            self.query({"MATCH_anyEPC": f"urn:epc:id:sscc:0614141.1{sscc[8:17]}"}), []
        )

    def test_match_sscc_of_a_package(self):
        Package = self.env["stock.quant.package"]
        field = next(
            (f for f in ("traceability_sscc", "label_sscc") if f in Package._fields),
            None,
        )
        if not field:
            self.skipTest("no SSCC field on packages")
        sscc = gs1.sscc("0614141", 55501, extension_digit=3)
        box = Package.create({"name": "EPCISQ-BOX", field: sscc})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "pack",
                            "product_id": self.raw.id,
                            "product_uom_qty": 5,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self.flows.set_move_lots(picking.move_ids, [(self.qb, 5)])
        picking.move_line_ids.write({"result_package_id": box.id})
        self.flows.validate_picking(picking)
        events = self.query({"MATCH_anyEPC": epcis.sscc_uri(sscc)})
        self.assertEqual(
            [(e["type"], e["bizStep"], e["parentID"]) for e in events],
            [("AggregationEvent", "packing", epcis.sscc_uri(sscc))],
        )
        self.assertEqual(self.classes(events[0]), {self.qb_uri})

    def test_event_time(self):
        events = self.query({"MATCH_anyEPCClass": self.qa_uri})
        receiving = next(e for e in events if e["bizStep"] == "receiving")
        moment = receiving["eventTime"]
        after = self.query({"MATCH_anyEPCClass": self.qa_uri, "GE_eventTime": moment})
        before = self.query({"MATCH_anyEPCClass": self.qa_uri, "LT_eventTime": moment})
        # GE includes the moment, LT excludes it: together, every event once.
        self.assertIn(receiving["eventID"], self.ids(after))
        self.assertNotIn(receiving["eventID"], self.ids(before))
        self.assertEqual(
            sorted(self.ids(after) + self.ids(before)), sorted(self.ids(events))
        )
        # Another offset for the same instants; "+" sent unencoded (a space).
        window = {
            "MATCH_anyEPCClass": self.qa_uri,
            "GE_eventTime": "2026-01-10T17:00:00+08:00",
            "LT_eventTime": "2026-01-22T00:00:00Z",
        }
        inside = self.query(window)
        self.assertEqual(
            sorted(e["bizStep"] for e in inside), ["commissioning", "shipping"]
        )
        raw_plus = (
            f"{URL}?MATCH_anyEPCClass={self.qa_uri}"
            "&GE_eventTime=2026-01-10T17:00:00+08:00&LT_eventTime=2026-01-22T00:00:00Z"
        )
        response = self.get(url=raw_plus)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.ids(self.check_page(response)), self.ids(inside))

    def test_biz_step_and_event_type(self):
        base = {"MATCH_anyEPCClass": self.qa_uri}
        shipping = self.query(dict(base, EQ_bizStep="shipping"))
        self.assertEqual([e["bizStep"] for e in shipping], ["shipping"])
        self.assertEqual(
            self.ids(
                self.query(
                    dict(base, EQ_bizStep="https://ref.gs1.org/cbv/BizStep-shipping")
                )
            ),
            self.ids(shipping),
        )
        two = self.query(dict(base, EQ_bizStep="shipping|receiving"))
        self.assertEqual(sorted(e["bizStep"] for e in two), ["receiving", "shipping"])
        # A custom business step (a URI): valid, matches nothing here.
        self.assertEqual(
            self.query(dict(base, EQ_bizStep="https://example.com/steps/gluing")), []
        )
        transformations = self.query(dict(base, eventType="TransformationEvent"))
        self.assertEqual([e["type"] for e in transformations], ["TransformationEvent"])
        objects = self.query(dict(base, eventType="ObjectEvent|AggregationEvent"))
        self.assertEqual({e["type"] for e in objects}, {"ObjectEvent"})
        all_events = self.query(base)
        self.assertEqual(len(objects) + len(transformations), len(all_events))

    # ------------------------------------------------------------------
    # Paging
    # ------------------------------------------------------------------
    def test_paging_gives_every_event_once(self):
        params = {"MATCH_anyEPCClass": f"{self.qa_uri}|{self.qb_uri}"}
        whole = self.query(dict(params, perPage="500"))
        self.assertGreater(len(whole), 4)
        response = self.get(dict(params, perPage="2"))
        pages = [self.check_page(response)]
        self.assertIn("GS1-Next-Page-Token-Expires", response.headers)
        while "Link" in response.headers:
            response = self.get(url=self.next_url(response))
            self.assertEqual(response.status_code, 200, response.text)
            pages.append(self.check_page(response))
        self.assertTrue(all(len(page) == 2 for page in pages[:-1]))
        self.assertTrue(1 <= len(pages[-1]) <= 2)
        paged = [event for page in pages for event in page]
        self.assertEqual(self.ids(paged), self.ids(whole))
        self.assertEqual(len(set(self.ids(paged))), len(paged))
        # Default page size: 30; a larger perPage than the maximum is lowered.
        self.assertEqual(epcis_query.PER_PAGE_DEFAULT, 30)
        self.assertEqual(
            len(self.check_page(self.get(dict(params, perPage="100000")))), len(whole)
        )

    def test_forged_page_tokens(self):
        params = {"MATCH_anyEPCClass": f"{self.qa_uri}|{self.qb_uri}", "perPage": "2"}
        response = self.get(params)
        next_url = self.next_url(response)
        token = dict(parse_qsl(urlsplit(next_url).query))["nextPageToken"]
        body, signature = token.split(".")
        payload = json.loads(base64.urlsafe_b64decode(body))
        payload["p"][0] = "1970-01-01T00:00:00.000000"
        tampered = (
            base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
            + "."
            + signature
        )
        for forged in (
            "garbage",
            "x.y",
            token[:-1] + ("0" if token[-1] != "0" else "1"),
            tampered,
            body,
            "." + signature,
            token + token,
        ):
            with self.subTest(token=forged[:40]):
                self.refused(dict(params, nextPageToken=forged), 400, "nextPageToken")
        # Another query's filters, another user: refused.
        self.refused(
            {"MATCH_anyEPCClass": self.qa_uri, "perPage": "2", "nextPageToken": token},
            400,
            "another query",
        )
        self.refused(
            dict(params, nextPageToken=token),
            400,
            "another query",
            user=self.other_device,
        )
        # The genuine token works; expired, it does not.
        self.assertEqual(self.get(url=next_url).status_code, 200)
        later = fields.Datetime.now() + timedelta(hours=2)
        with self.assertRaisesRegex(UserError, "expired"):
            with self.patch_now(later):
                self.env["traceability.epcis"].with_user(self.device).query_events(
                    dict(params, nextPageToken=token)
                )

    def patch_now(self, moment):
        from unittest.mock import patch  # pylint: disable=import-outside-toplevel

        return patch.object(fields.Datetime, "now", return_value=moment)

    # ------------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------------
    def test_malformed_and_unknown_parameters(self):
        lot = {"MATCH_anyEPCClass": self.qa_uri}
        bad_gtin = f"https://id.gs1.org/01/{RAW_GTIN[:-1]}9/10/Q-A"
        cases = [
            ({}, "MATCH_"),
            ({"GE_eventTime": "2026-01-01T00:00:00Z"}, "MATCH_"),
            ({"MATCH_anyEPCClass": bad_gtin}, "not a valid identifier"),
            ({"MATCH_anyEPCClass": "urn:uuid:1234"}, "not a GS1 Digital Link"),
            ({"MATCH_anyEPCClass": self.sn1_uri}, "class-level"),
            ({"MATCH_epc": self.qa_uri}, "instance"),
            ({"MATCH_anyEPCClass": f"https://id.gs1.org/01/{RAW_GTIN}"}, "product"),
            ({"MATCH_anyEPCClass": f"{self.qa_uri}||{self.qb_uri}"}, "empty"),
            ({"MATCH_epc": "urn:epc:id:sscc:0614141.12345"}, "not a valid"),
            (dict(lot, GE_eventTime="2026-01-01T00:00:00"), "offset"),
            (dict(lot, LT_eventTime="yesterday"), "ISO 8601"),
            (dict(lot, LT_eventTime="2026-01-01"), "ISO 8601"),
            (dict(lot, perPage="0"), "perPage"),
            (dict(lot, perPage="ten"), "perPage"),
            (dict(lot, EQ_bizStep="shippping"), "business step"),
            (dict(lot, eventType="QuantityEvent"), "event type"),
            (dict(lot, orderby="eventTime"), "not a query parameter"),
            (dict(lot, foo="bar"), "not a query parameter"),
            (
                [("MATCH_anyEPCClass", self.qa_uri)] * 101,
                "at most 100 identifiers",
            ),
        ]
        for params, text in cases:
            with self.subTest(params=str(params)[:200]):
                answer = self.refused(params, 400, text)
                self.assertEqual(
                    answer["type"], "epcisException:QueryParameterException"
                )
        # A parameter given twice where one value is expected.
        response = self.get(
            url=f"{URL}?MATCH_anyEPCClass={self.qa_uri}&perPage=2&perPage=3"
        )
        self.assertEqual(response.status_code, 400)
        # Parameters of the standard this server does not evaluate: 501, never
        # ignored (an ignored filter would answer more than was asked).
        for name, value in (
            ("EQ_disposition", "in_transit"),
            ("orderBy", "eventTime"),
            ("EQ_bizTransaction_po", "urn:x"),
            ("MATCH_parentID", self.sn1_uri),
        ):
            with self.subTest(name=name):
                answer = self.refused(dict(lot, **{name: value}), 501, name)
                self.assertEqual(
                    answer["type"], "epcisException:ImplementationException"
                )

    def test_bounded_number_of_lots(self):
        from ..models import (
            traceability_epcis,  # pylint: disable=import-outside-toplevel
        )

        self.assertEqual(traceability_epcis.QUERY_MAX_LOTS, 1000)
        self.assertEqual(epcis_query.MAX_IDENTIFIERS, 100)
        Epcis = self.env["traceability.epcis"].with_user(self.device)
        with self.patch_max_lots(1):
            with self.assertRaisesRegex(UserError, "more than 1 lots"):
                Epcis.query_events(
                    {"MATCH_anyEPCClass": f"{self.qa_uri}|{self.qb_uri}"}
                )
            self.assertTrue(
                Epcis.query_events({"MATCH_anyEPCClass": self.qa_uri})["document"]
            )

    def patch_max_lots(self, value):
        from unittest.mock import patch  # pylint: disable=import-outside-toplevel

        from ..models import (
            traceability_epcis,  # pylint: disable=import-outside-toplevel
        )

        return patch.object(traceability_epcis, "QUERY_MAX_LOTS", value)

    def test_another_company_sees_nothing(self):
        params = {
            "MATCH_anyEPCClass": f"{self.qa_uri}|{self.qb_uri}",
            "MATCH_anyEPC": self.sn1_uri,
        }
        self.assertTrue(self.query({"MATCH_anyEPCClass": self.qa_uri}))
        for query in (
            params,
            {"MATCH_anyEPCClass": self.qa_uri},
            {"MATCH_epc": self.sn1_uri},
        ):
            response = self.get(query, user=self.device_b)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(self.check_page(response), [])
            for name in ("Q-A", "Q-B", "QSN-1", "QS-1", "Test Customer"):
                self.assertNotIn(name, response.text)

    def test_refused_callers(self):
        params = {"MATCH_anyEPCClass": self.qa_uri}
        # No key, a wrong key: 401, nothing of the lot.
        for key in (False, "0" * 40):
            with self.subTest(key=bool(key)):
                response = self.get(params, key=key)
                self.assertEqual(response.status_code, 401)
                self.assertNotIn("Q-A", response.text)
        # A portal user's key, an internal user outside the traceability
        # group: 403.
        for user in (self.portal, self.outsider):
            with self.subTest(user=user.login):
                answer = self.refused(params, 403, "not a traceability user", user=user)
                self.assertNotIn("Q-A", json.dumps(answer))
        # Other methods: not served.
        response = self.url_open(
            f"{URL}?{urlencode(params)}",
            data="{}",
            headers={"Authorization": f"Bearer {self.keys[self.device]}"},
        )
        self.assertEqual(response.status_code, 405)

    def test_model_method_refuses_outsiders(self):
        for user in (self.portal, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["traceability.epcis"].with_user(user).query_events(
                    {"MATCH_anyEPCClass": self.qa_uri}
                )


@tagged("post_install", "-at_install")
class TestEpcisOpenApi(HttpCase):
    """``static/api/epcis_api.yaml``: an OpenAPI 3 document whose every route
    is served, with the documented methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import yaml  # pylint: disable=import-outside-toplevel

        cls.spec = yaml.safe_load(OPENAPI.read_text())

    def resolve(self, ref):
        self.assertTrue(ref.startswith("#/"), f"external reference {ref}")
        node = self.spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            self.assertIn(part, node, f"unresolved reference {ref}")
            node = node[part]
        return node

    def walk(self, node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from self.walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from self.walk(value)

    def test_structure(self):
        spec = self.spec
        self.assertRegex(spec["openapi"], r"^3\.\d+\.\d+$")
        self.assertTrue(spec["info"]["title"])
        self.assertTrue(spec["info"]["version"])
        self.assertTrue(spec["paths"])
        schemes = spec["components"]["securitySchemes"]
        for path, item in spec["paths"].items():
            self.assertTrue(path.startswith("/"), path)
            operations = {k: v for k, v in item.items() if k in HTTP_METHODS}
            self.assertTrue(operations, path)
            for method, operation in operations.items():
                where = f"{method.upper()} {path}"
                self.assertTrue(operation["responses"], where)
                for status, response in operation["responses"].items():
                    self.assertRegex(str(status), r"^([1-5]\d\d|[1-5]XX|default)$")
                    if "$ref" in response:
                        response = self.resolve(response["$ref"])
                    self.assertTrue(response["description"], f"{where} {status}")
                for requirement in operation.get("security", spec.get("security", [])):
                    for name in requirement:
                        self.assertIn(name, schemes, where)
                for parameter in operation.get("parameters", []):
                    if "$ref" in parameter:
                        parameter = self.resolve(parameter["$ref"])
                    self.assertIn(
                        parameter["in"], {"query", "header", "path", "cookie"}
                    )
                    self.assertTrue(parameter["name"])
                    self.assertIn("schema", parameter)
        for ref in self.walk(spec):
            self.resolve(ref)
        # The schemas are JSON Schemas (the OpenAPI 3.0 dialect is a subset
        # of draft 4-7 but for nullable): each one checks as one.
        import jsonschema  # pylint: disable=import-outside-toplevel

        for name, schema in spec["components"].get("schemas", {}).items():
            with self.subTest(schema=name):
                jsonschema.Draft7Validator.check_schema(schema)

    def test_pinned_contracts(self):
        paths = self.spec["paths"]
        query = paths["/traceability/epcis/events"]["get"]
        names = {
            (p if "$ref" not in p else self.resolve(p["$ref"]))["name"]
            for p in query["parameters"]
        }
        self.assertLessEqual(epcis_query.SUPPORTED, names)
        capture = paths["/traceability/epcis/capture"]["post"]
        self.assertEqual(
            set(capture["requestBody"]["content"]),
            {"application/json", "application/ld+json"},
        )
        self.assertLessEqual(
            {"200", "400", "401", "403", "413"}, set(map(str, capture["responses"]))
        )
        answer = capture["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in answer:
            answer = self.resolve(answer["$ref"])
        self.assertEqual(set(answer["required"]), {"captured", "duplicates", "errors"})
        import jsonschema  # pylint: disable=import-outside-toplevel

        validator = jsonschema.Draft7Validator(
            dict(answer, components=self.spec["components"])
        )
        good = {
            "captured": 2,
            "duplicates": 1,
            "errors": [{"index": 3, "eventID": None, "message": "bad"}],
        }
        self.assertFalse(list(validator.iter_errors(good)))
        self.assertTrue(list(validator.iter_errors(dict(good, captured="2"))))

    def test_routes_exist_with_their_methods(self):
        endpoints = dict(
            http._generate_routing_rules(sorted(self.registry._init_modules), False)
        )
        for path, item in self.spec["paths"].items():
            with self.subTest(path=path):
                self.assertIn(path, endpoints)
                documented = {k.upper() for k in item if k in HTTP_METHODS}
                served = set(endpoints[path].routing["methods"] or ())
                self.assertEqual(documented, served, path)
                self.assertEqual(endpoints[path].routing["auth"], "bearer", path)
