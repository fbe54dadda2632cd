# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of quality_traceability/tools/epcis_query.py: the query parameters of
the EPCIS 2.0 REST binding (GET /events), without Odoo.

[REST] GS1 EPCIS repository, github.com/gs1/EPCIS, "REST Bindings/openapi.yaml"
       (commit 2b888bef): parameters of GET /events, pipeDelimited lists,
       perPage default 30.
[TDS]  GS1 EPC Tag Data Standard: urn:epc:class:lgtin, urn:epc:id:sgtin,
       urn:epc:id:sscc.
"""

import datetime

import pytest
from conftest import load_tools_module

query = load_tools_module("epcis_query")
LOT = "https://id.gs1.org/01/09506000134352/10/ABC"


def test_identifiers_in_every_form():
    canonical = ("class", LOT, ("09506000134352", "ABC"))
    assert query.parse_identifier(LOT) == canonical
    assert query.parse_identifier("urn:epc:class:lgtin:9506000.013435.ABC") == canonical
    assert (
        query.parse_identifier("https://example.com/a/01/9506000134352/10/ABC")
        == canonical
    )
    serial = query.parse_identifier("urn:epc:id:sgtin:9506000.013435.S%2F1")
    assert serial == (
        "instance",
        "https://id.gs1.org/01/09506000134352/21/S%2F1",
        ("09506000134352", "S/1"),
    )
    sscc = query.parse_identifier("urn:epc:id:sscc:0614141.1234567890")
    assert sscc[0] == "sscc"
    assert query.parse_identifier(sscc[1]) == sscc


@pytest.mark.parametrize(
    "uri",
    [
        "https://id.gs1.org/01/09506000134353/10/ABC",  # check digit
        "urn:epc:class:lgtin:9506000.013435",
        "urn:uuid:6f1b9e0e-5f39-4e8b-9a4c-000000000001",
        "https://id.gs1.org/01/09506000134352",
        "https://id.gs1.org/00/12345",
        "not a uri",
    ],
)
def test_malformed_identifiers(uri):
    with pytest.raises(query.QueryParameterError):
        query.parse_identifier(uri)


def test_parameters():
    parsed = query.parse_params(
        {
            "MATCH_anyEPCClass": [f"{LOT}|{LOT}2"],
            "GE_eventTime": "2024-03-01T08:00:00 08:00",
            "EQ_bizStep": "shipping|https://ref.gs1.org/cbv/BizStep-receiving",
            "eventType": "ObjectEvent",
            "perPage": "10000",
        }
    )
    assert len(parsed["match"]["MATCH_anyEPCClass"]) == 2
    assert parsed["ge_time"].utcoffset() == datetime.timedelta(hours=8)
    assert parsed["biz_steps"] == {"shipping", "receiving"}
    assert parsed["per_page"] == query.PER_PAGE_MAX
    assert (
        query.parse_params({"MATCH_epc": LOT.replace("/10/", "/21/")})["per_page"] == 30
    )
    # The same filters, another page: the same fingerprint.
    again = query.parse_params(
        {
            "MATCH_anyEPCClass": [LOT, f"{LOT}2"],
            "GE_eventTime": "2024-03-01T00:00:00Z",
            "EQ_bizStep": "receiving,shipping",
            "eventType": "ObjectEvent",
            "nextPageToken": "x",
        }
    )
    assert again["fingerprint"] == parsed["fingerprint"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({}, "QueryParameterError"),
        ({"MATCH_anyEPCClass": LOT, "foo": "1"}, "QueryParameterError"),
        (
            {"MATCH_anyEPCClass": LOT, "GE_eventTime": "2024-03-01T08:00"},
            "QueryParameterError",
        ),
        ({"MATCH_anyEPCClass": LOT, "perPage": "-1"}, "QueryParameterError"),
        ({"MATCH_anyEPCClass": LOT, "EQ_bizStep": "ship"}, "QueryParameterError"),
        ({"MATCH_anyEPCClass": f"{LOT},"}, "QueryParameterError"),
        ({"MATCH_anyEPCClass": [LOT] * 101}, "QueryParameterError"),
        (
            {"MATCH_anyEPCClass": LOT, "EQ_disposition": "active"},
            "QueryNotSupportedError",
        ),
        ({"MATCH_anyEPCClass": LOT, "GT_quantity": "1"}, "QueryNotSupportedError"),
        (
            {"MATCH_anyEPCClass": LOT, "EQ_ilmd_lotNumber": "x"},
            "QueryNotSupportedError",
        ),
    ],
)
def test_refused_parameters(params, error):
    with pytest.raises(getattr(query, error)):
        query.parse_params(params)


def test_matching_and_order():
    parsed = query.parse_params(
        {"MATCH_anyEPCClass": LOT, "LT_eventTime": "2024-03-02T00:00:00+08:00"}
    )
    event = {
        "type": "TransformationEvent",
        "eventID": "urn:uuid:1",
        "eventTime": "2024-03-01T23:59:59.000+08:00",
        "inputQuantityList": [{"epcClass": LOT, "quantity": 1}],
    }
    assert query.matches(event, parsed)
    assert not query.matches(dict(event, eventTime="2024-03-02T00:00:00+08:00"), parsed)
    assert not query.matches(dict(event, inputQuantityList=[]), parsed)
    later = dict(event, eventTime="2024-03-01T16:00:00.000Z", eventID="urn:uuid:0")
    assert query.sort_key(event) < query.sort_key(later)
