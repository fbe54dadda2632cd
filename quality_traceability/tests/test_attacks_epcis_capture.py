# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""EPCIS capture under attack: anonymous and foreign callers, other
companies, malformed and oversized documents, generated junk events. Each is
refused (or its events answered one by one) and nothing is stored."""

import base64
import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.epcis import MAX_CAPTURE_BYTES
from .common import rpc
from .test_epcis_capture import EpcisCaptureCommon

URL = "/traceability/epcis/capture"
EVIDENCE_MODELS = (
    "traceability.epcis.event",
    "traceability.declared.lot",
    "traceability.supplier.genealogy",
)


class EpcisAttackCommon(EpcisCaptureCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        trace = "quality_traceability.group_traceability_"
        cls.trace_user = new_test_user(cls.env, "epcis_user", groups=trace + "user")
        cls.trace_manager = new_test_user(
            cls.env, "epcis_manager", groups=trace + "manager"
        )
        cls.internal = new_test_user(
            cls.env, "epcis_internal", groups="base.group_user"
        )
        cls.portal = new_test_user(cls.env, "epcis_portal", groups="base.group_portal")

    def refused(self, call):
        """Whether ``call`` is refused (access rights or a rule of the
        model), rolled back either way."""
        try:
            with self.env.cr.savepoint():
                call()
                self.env.flush_all()
        except (AccessError, UserError):
            return True
        return False

    def counts(self):
        return tuple(
            self.env[model].sudo().search_count([]) for model in EVIDENCE_MODELS
        )


@tagged("post_install", "-at_install")
class TestEpcisCaptureRights(EpcisAttackCommon):
    def test_outsiders_cannot_capture(self):
        document = self.document([self.shipping([("OUT-1", 5)], self.order)])
        before = self.counts()
        for user in (self.internal, self.portal):
            with self.assertRaises(AccessError):
                rpc(self.env, user, "traceability.epcis.event", "capture", [document])
            with self.assertRaises(AccessError):
                self.env["traceability.epcis.import"].with_user(user).create(
                    {"file": base64.b64encode(json.dumps(document).encode())}
                )
        self.assertEqual(self.counts(), before)

    def test_wizard_of_another_user_or_without_rights(self):
        document = self.document([self.shipping([("WZ-X", 5)], self.order)])
        wizard = (
            self.env["traceability.epcis.import"]
            .with_user(self.trace_user)
            .create({"file": base64.b64encode(json.dumps(document).encode())})
        )
        before = self.counts()
        for user in (self.internal, self.portal, self.trace_manager):
            with self.assertRaises(AccessError):
                wizard.with_user(user).action_import()
        self.assertEqual(self.counts(), before)

    def test_records_are_append_only(self):
        self.capture([self.shipping([("AO-1", 5)], self.order)])
        event = self.declared().epcis_event_id
        declared = self.declared()
        for user in (self.trace_user, self.trace_manager):
            for record, vals in (
                (event, {"event_id": "urn:uuid:forged"}),
                (declared, {"quantity": 999}),
            ):
                mine = record.with_user(user)
                self.assertTrue(self.refused(lambda mine=mine, v=vals: mine.write(v)))
                self.assertTrue(self.refused(mine.unlink))
            with self.assertRaises(AccessError):
                self.env["traceability.epcis.event"].with_user(user).create(
                    {"event_id": "urn:uuid:x", "event_type": "ObjectEvent"}
                )
        # Even an administrator's environment without superuser mode.
        with self.assertRaises(UserError):
            event.with_user(self.env.ref("base.user_admin")).write({"raw_json": "{}"})
        with self.assertRaises(UserError):
            declared.with_user(self.env.ref("base.user_admin")).unlink()
        self.assertEqual(declared.quantity, 5.0)

    def test_trace_user_captures_and_reads_own_company_only(self):
        document = self.document([self.shipping([("TU-1", 5)], self.order)])
        result = rpc(
            self.env, self.trace_user, "traceability.epcis.event", "capture", [document]
        )
        self.assertEqual(result["captured"], 1)
        company_2 = self.env["res.company"].create({"name": "EPCIS Rights Two"})
        foreign = (
            self.env["traceability.epcis.event"]
            .with_company(company_2)
            .capture(self.document([epcis_receiving(self)]))
        )
        self.assertEqual(foreign["captured"], 1)
        seen = (
            self.env["traceability.epcis.event"].with_user(self.trace_user).search([])
        )
        self.assertEqual(seen.company_id, self.env.company)
        # An order of another company cannot be the import's default order.
        order_2 = (
            self.env["purchase.order"]
            .with_company(company_2)
            .create({"partner_id": self.vendor.id, "company_id": company_2.id})
        )
        self.assertTrue(
            self.refused(
                lambda: self.env["traceability.epcis.event"].capture(
                    document, purchase_order_id=order_2.id
                )
            )
        )

    def test_deep_and_odd_documents(self):
        before = self.counts()
        deep = {"type": "EPCISDocument"}
        node = deep
        for _index in range(2000):
            node["x"] = {}
            node = node["x"]
        for document in (
            deep,
            None,
            [],
            {"type": "EPCISQueryDocument"},
            self.document([]) | {"schemaVersion": "1.2"},
        ):
            with self.assertRaises(UserError):
                self.env["traceability.epcis.event"].capture(document)
        with self.assertRaises(UserError):
            self.env["traceability.epcis.event"].capture(
                self.document([]), source="forged"
            )
        self.assertEqual(self.counts(), before)


def epcis_receiving(case):
    """A receiving ObjectEvent: recorded only."""
    event = case.shipping([("RC-1", 1)])
    event["bizStep"] = "receiving"
    return event


# Generated events: JSON values where an event's fields go. Whatever they are,
# capture answers (schema refusal, or per-event errors) and stores nothing.
_text = st.text(max_size=20)
_uri = st.sampled_from(
    [
        "https://id.gs1.org/01/06901234560053/10/",
        "https://id.gs1.org/01/06901234560054/10/X",
        "https://id.gs1.org/01/04012345111118/10/X",
        "urn:epc:class:lgtin:0614141.107346.",
        "urn:epc:id:sgtin:0614141.107346.",
        "urn:epc:idpat:sgtin:0614141.107346.",
        "https://id.gs1.org/00/106141411234567897",
        "urn:x:",
        "https:",
    ]
).flatmap(lambda prefix: _text.map(lambda tail: prefix + tail))
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(_text, children, max_size=3),
    max_leaves=8,
)
_events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["ObjectEvent", "TransformationEvent", "AggregationEvent", "Junk"]
        ),
        "eventTime": st.sampled_from(
            ["2026-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "now"]
        ),
        "eventTimeZoneOffset": st.sampled_from(["+00:00", "x"]),
    },
    optional={
        "action": st.sampled_from(["OBSERVE", "ADD", "DELETE", "NOPE"]),
        "bizStep": st.sampled_from(["shipping", "commissioning", "x"]),
        "eventID": _uri | _text,
        "epcList": st.lists(_uri | _json, max_size=3),
        "quantityList": st.lists(
            st.fixed_dictionaries(
                {"epcClass": _uri, "quantity": st.integers() | st.floats() | _json}
            )
            | _json,
            max_size=3,
        ),
        "inputQuantityList": st.lists(
            st.fixed_dictionaries({"epcClass": _uri, "quantity": st.integers()}),
            max_size=2,
        ),
        "outputEPCList": st.lists(_uri, max_size=2),
        "bizTransactionList": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["po", "inv", "x"]), "bizTransaction": _uri}
            ),
            max_size=2,
        ),
        "ilmd": st.dictionaries(_text, _json, max_size=2),
    },
)


@tagged("post_install", "-at_install")
class TestEpcisCaptureJunk(EpcisAttackCommon):
    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(_events, min_size=1, max_size=4))
    def test_junk_events_never_crash_nor_store(self, events):
        before = self.counts()
        document = self.document([])
        document["epcisBody"]["eventList"] = events
        try:
            result = self.env["traceability.epcis.event"].capture(document)
        except UserError:
            self.assertEqual(self.counts(), before)
            return
        stored = self.counts()[0] - before[0]
        self.assertEqual(stored, result["captured"])
        self.assertEqual(
            result["captured"] + result["duplicates"] + len(result["errors"]),
            len(events),
        )
        # Only junk that is still a valid event of no effect is stored: an
        # event that declares or links nothing.
        new = self.env["traceability.epcis.event"].search(
            [], order="id desc", limit=stored
        )
        self.assertFalse(new.declared_lot_ids)


@tagged("post_install", "-at_install")
class TestEpcisCaptureHttp(EpcisAttackCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        expiry = fields.Datetime.now() + timedelta(days=1)
        Keys = cls.env["res.users.apikeys"]
        cls.key = Keys.with_user(cls.trace_user)._generate(None, "EPCIS", expiry)
        cls.internal_key = Keys.with_user(cls.internal)._generate(None, "X", expiry)
        cls.portal_key = Keys.with_user(cls.portal)._generate(None, "X", expiry)

    def post(self, body=None, raw=None, key=None, content_type="application/json"):
        headers = {"Content-Type": content_type}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.key}"
        data = raw if raw is not None else json.dumps(body)
        return self.url_open(URL, data=data, headers=headers, allow_redirects=False)

    def test_capture(self):
        document = self.document([self.shipping([("HT-1", 5)], self.order)])
        response = self.post(document, content_type="application/ld+json")
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(
            response.json(), {"captured": 1, "duplicates": 0, "errors": []}
        )
        again = self.post(document).json()
        self.assertEqual(again, {"captured": 0, "duplicates": 1, "errors": []})
        event = self.declared().epcis_event_id
        self.assertEqual(
            (event.source, event.capture_user_id), ("api", self.trace_user)
        )
        bad = self.document([self.shipping([("HT-2", 5)])])
        answer = self.post(bad).json()
        self.assertEqual(answer["captured"], 0)
        self.assertEqual(answer["errors"][0]["index"], 0)
        self.assertIn("names no purchase order", answer["errors"][0]["message"])

    def test_refusals(self):
        document = self.document([self.shipping([("HR-1", 5)], self.order)])
        before = self.counts()
        self.assertEqual(self.post(document, key=False).status_code, 401)
        self.assertEqual(self.post(document, key="wrong-key").status_code, 401)
        response = self.post(document, key=self.internal_key)
        self.assertEqual(response.status_code, 403)
        self.assertIn("error", response.json())
        self.assertEqual(self.post(document, key=self.portal_key).status_code, 403)
        response = self.post(raw="{not json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "The body is not valid JSON."})
        invalid = json.loads(json.dumps(document))
        del invalid["epcisBody"]["eventList"][0]["eventTime"]
        response = self.post(invalid)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not a valid EPCIS 2.0 document", response.json()["error"])
        response = self.post(dict(document, schemaVersion="1.2"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("schemaVersion", response.json()["error"])
        self.assertEqual(
            self.post(document, content_type="text/plain").status_code, 400
        )
        self.assertEqual(self.post(raw="[" * 5000 + "]" * 5000).status_code, 400)
        big = json.dumps(dict(document, pad="x" * MAX_CAPTURE_BYTES))
        self.assertEqual(self.post(raw=big).status_code, 413)
        self.assertEqual(self.counts(), before)
