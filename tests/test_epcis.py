# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of quality_traceability/tools/epcis.py: the documents it builds are
valid EPCIS 2.0 documents by GS1's own JSON Schema.

[SCHEMA]  GS1 EPCIS repository, github.com/gs1/EPCIS, EPCIS-JSON-Schema.json and
          the examples of JSON/ (commit in quality_traceability/tests/data/epcis/).
[EPCIS]   EPCIS 2.0 standard (GS1, 2022): event types, EPCISDocument.
[CBV]     Core Business Vocabulary 2.0: business steps, dispositions, business
          transaction types, business transaction URIs (urn:epcglobal:cbv:bt).
[GENSPECS] GS1 General Specifications 7.9.1 (check digit of a GLN).
"""

import copy
import datetime
import json
import zoneinfo

import jsonschema
import pytest
from conftest import PROJECT_DIR, load_tools_module

DATA = PROJECT_DIR / "quality_traceability" / "tests" / "data" / "epcis"
SCHEMA_PATH = (
    PROJECT_DIR / "quality_traceability" / "data" / "epcis" / "EPCIS-JSON-Schema.json"
)
EXAMPLES = sorted((DATA / "examples").glob("*.jsonld"))


epcis = load_tools_module("epcis")

SCOPE = "6f1b9e0e-5f39-4e8b-9a4c-000000000001"
GTIN = "09506000134352"
GLN = "0614141000005"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MOMENT = datetime.datetime(2024, 3, 1, 8, 30)


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    # Without these the schema's formats are not checked, and its propertyNames
    # (CBV names or any URI) would let any property name through.
    assert {"uri", "date-time"} <= set(checker.checkers)
    return jsonschema.Draft7Validator(schema, format_checker=checker)


def errors(validator, document):
    return [error.message for error in validator.iter_errors(document)]


# ---------------------------------------------------------------------------
# The validator itself, on GS1's examples [SCHEMA]
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_gs1_examples_are_valid(validator, path):
    assert errors(validator, json.loads(path.read_text())) == []


def test_examples_are_there():
    assert len(EXAMPLES) == 4


@pytest.mark.parametrize(
    "breaking",
    [
        "no_time_zone_offset",
        "unknown_property",
        "bad_biz_step",
        "bad_time",
        "no_schema_version",
    ],
)
def test_broken_example_is_rejected(validator, breaking):
    path = DATA / "examples" / "Example_9.6.1-ObjectEvent.jsonld"
    document = json.loads(path.read_text())
    event = document["epcisBody"]["eventList"][0]
    if breaking == "no_time_zone_offset":
        del event["eventTimeZoneOffset"]
    elif breaking == "unknown_property":
        event["bizStepp"] = "shipping"
    elif breaking == "bad_biz_step":
        event["bizStep"] = "shiping"
    elif breaking == "bad_time":
        event["eventTime"] = "2005-04-03 20:33:31"
    else:
        del document["schemaVersion"]
    assert errors(validator, document)


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------


def test_gln():
    # [GENSPECS] 7.9.1: 061414100000 -> check digit 5.
    assert epcis.is_valid_gln(GLN)
    assert not epcis.is_valid_gln("0614141000006")
    assert not epcis.is_valid_gln("614141000005")
    assert not epcis.is_valid_gln("０614141000005")
    assert not epcis.is_valid_gln(None)
    assert epcis.gln_uri(GLN) == "https://id.gs1.org/414/0614141000005"
    assert epcis.gln_uri(GLN, party=True) == "https://id.gs1.org/417/0614141000005"
    with pytest.raises(epcis.EPCISError):
        epcis.gln_uri("0614141000006")


def test_digital_links():
    assert (
        epcis.class_uri("9506000134352", "L1/2%")
        == "https://id.gs1.org/01/09506000134352/10/L1%2F2%25"
    )
    assert epcis.class_uri(GTIN) == "https://id.gs1.org/01/09506000134352"
    assert (
        epcis.instance_uri(GTIN, "SN-1")
        == "https://id.gs1.org/01/09506000134352/21/SN-1"
    )
    assert epcis.sscc_uri("106141412345678908") == (
        "https://id.gs1.org/00/106141412345678908"
    )
    with pytest.raises(epcis.EPCISError):
        epcis.class_uri("9506000134353", "L1")
    with pytest.raises(epcis.EPCISError):
        epcis.instance_uri(GTIN, "x" * 21)


def test_stable_uris():
    first = epcis.stable_uri(SCOPE, "stock.location", 8)
    assert first == epcis.stable_uri(SCOPE, "stock.location", 8)
    assert first.startswith("urn:uuid:")
    assert first != epcis.stable_uri(SCOPE, "stock.location", 9)
    assert first != epcis.stable_uri("other-database", "stock.location", 8)
    # Parts are joined unambiguously.
    assert epcis.stable_uri(SCOPE, "a/b", "c") != epcis.stable_uri(SCOPE, "a", "b/c")
    assert epcis.event_id(SCOPE, "stock.location", 8) != first


def test_biz_transaction():
    assert epcis.biz_transaction("po", "PO 0001/A", gln=GLN) == {
        "type": "po",
        "bizTransaction": "urn:epcglobal:cbv:bt:0614141000005:PO%200001%2FA",
    }
    assert epcis.biz_transaction("po", "订单1", gln=GLN)["bizTransaction"] == (
        "urn:epcglobal:cbv:bt:0614141000005:%E8%AE%A2%E5%8D%951"
    )
    own = epcis.biz_transaction("desadv", "WH/OUT/00001", scope=SCOPE)
    assert own["bizTransaction"].startswith("urn:uuid:")
    with pytest.raises(epcis.EPCISError):
        epcis.biz_transaction("purchase", "PO1")


def test_event_time_offsets():
    assert epcis.event_time(MOMENT, SHANGHAI) == (
        "2024-03-01T16:30:00.000+08:00",
        "+08:00",
    )
    assert epcis.event_time(MOMENT) == ("2024-03-01T08:30:00.000+00:00", "+00:00")
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert epcis.event_time(MOMENT, new_york)[1] == "-05:00"
    assert epcis.event_time(MOMENT.replace(month=7), new_york)[1] == "-04:00"
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    assert epcis.event_time(MOMENT, kolkata)[1] == "+05:30"
    aware = datetime.datetime(2024, 3, 1, 16, 30, tzinfo=SHANGHAI)
    assert epcis.event_time(aware)[0] == "2024-03-01T08:30:00.000+00:00"


# ---------------------------------------------------------------------------
# Documents built by the helper, validated by [SCHEMA]
# ---------------------------------------------------------------------------


def sample_events():
    lot = epcis.class_uri(GTIN, "LOT-1")
    out = epcis.class_uri("6901234560053", "LOT-2")
    serial = epcis.instance_uri(GTIN, "SN-1")
    site = epcis.gln_uri(GLN)
    customer = epcis.stable_uri(SCOPE, "res.partner", 7)
    return [
        epcis.object_event(
            MOMENT,
            quantities=[epcis.quantity_element(lot, 20.0, "KGM")],
            event_uid=epcis.event_id(SCOPE, "receipt", 1),
            tz=SHANGHAI,
            biz_step="receiving",
            disposition="active",
            read_point=site,
            biz_location=site,
            biz_transactions=[
                epcis.biz_transaction("po", "P00001", gln=GLN),
                epcis.biz_transaction("recadv", "WH/IN/00001", gln=GLN),
            ],
            sources=[
                epcis.source_destination("owning_party", customer),
            ],
            destinations=[
                epcis.source_destination(
                    "owning_party", epcis.gln_uri(GLN, True), True
                ),
                epcis.source_destination("location", site, True),
            ],
        ),
        epcis.transformation_event(
            MOMENT,
            input_quantities=[epcis.quantity_element(lot, 4)],
            output_quantities=[epcis.quantity_element(out, 2)],
            output_epcs=[serial],
            transformation_id=epcis.stable_uri(SCOPE, "mrp.production", 3),
            event_uid=epcis.event_id(SCOPE, "mrp.production", 3),
            tz=SHANGHAI,
            biz_step="commissioning",
            disposition="active",
            biz_transactions=[epcis.biz_transaction("prodorder", "WH/MO/00003")],
        ),
        epcis.aggregation_event(
            MOMENT,
            epcis.sscc_uri("106141412345678908"),
            "ADD",
            child_epcs=[serial],
            child_quantities=[epcis.quantity_element(out, 1)],
            biz_step="packing",
            disposition="in_progress",
        ),
        epcis.aggregation_event(
            MOMENT,
            epcis.sscc_uri("106141412345678908"),
            "DELETE",
            child_epcs=[serial],
            biz_step="unpacking",
        ),
        epcis.object_event(
            MOMENT,
            epcs=[serial],
            biz_step="inspecting",
            disposition="non_conformant",
        ),
        epcis.object_event(
            MOMENT,
            epcs=[serial],
            biz_step="holding",
            disposition="recalled",
        ),
        epcis.object_event(
            MOMENT,
            epcs=[serial],
            biz_step="shipping",
            disposition="in_transit",
            destinations=[epcis.source_destination("owning_party", customer, True)],
        ),
    ]


def test_document_is_valid(validator):
    document = epcis.document(sample_events(), MOMENT, tz=SHANGHAI)
    assert errors(validator, document) == []
    assert document["@context"] == (
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
    )
    assert document["type"] == "EPCISDocument"
    assert document["schemaVersion"] == "2.0"
    assert document["creationDate"] == "2024-03-01T16:30:00.000+08:00"
    # JSON round trip: the document is plain JSON.
    assert errors(validator, json.loads(json.dumps(document))) == []


def test_empty_document_is_valid(validator):
    assert errors(validator, epcis.document([], MOMENT)) == []


def test_helper_output_broken_is_rejected(validator):
    document = epcis.document(sample_events(), MOMENT)
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["quantityList"][0]["uom"] = "kilogram"
    assert errors(validator, broken)
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][1]["inputQuantityList"][0]["epcClass"] = "a b"
    assert errors(validator, broken)


@pytest.mark.parametrize(
    "call",
    [
        lambda: epcis.object_event(MOMENT, epcs=["urn:x:1"], action="MOVE"),
        lambda: epcis.object_event(MOMENT, epcs=["urn:x:1"], biz_step="shiping"),
        lambda: epcis.object_event(MOMENT, epcs=["urn:x:1"], disposition="ok"),
        lambda: epcis.object_event(MOMENT),
        lambda: epcis.transformation_event(MOMENT, input_epcs=["urn:x:1"]),
        lambda: epcis.aggregation_event(MOMENT, "urn:x:1", "ADD"),
        lambda: epcis.quantity_element("urn:x:1", "4"),
        lambda: epcis.quantity_element("urn:x:1", 4, "kilogram"),
        lambda: epcis.source_destination("owner", "urn:x:1"),
        lambda: epcis.event_time("2024-03-01"),
    ],
)
def test_invalid_input_is_refused(call):
    with pytest.raises(epcis.EPCISError):
        call()


def test_cbv_names_are_the_schemas():
    """The helper's CBV names are exactly those of [SCHEMA]'s enumerations."""
    definitions = json.loads(SCHEMA_PATH.read_text())["definitions"]

    def names(definition):
        return {
            name
            for option in definitions[definition]["anyOf"]
            for name in option.get("enum", ())
        }

    assert names("bizStep") == epcis.BIZ_STEPS
    assert names("disposition") == epcis.DISPOSITIONS
    assert names("bizTransaction-type") == epcis.BIZ_TRANSACTION_TYPES
    assert names("source-dest-type") == epcis.SOURCE_DESTINATION_TYPES
    assert set(definitions["action"]["enum"]) == epcis.ACTIONS
