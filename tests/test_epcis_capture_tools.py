# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of quality_traceability/tools/epcis_capture.py: the identifiers of
incoming EPCIS events read as GTIN, lot, serial and GLN.

[TDS]     GS1 EPC Tag Data Standard 2.1: SGTIN, LGTIN and PGLN/SGLN URNs (the
          GTIN's indicator digit leads the item reference).
[DL]      GS1 Digital Link URI syntax 1.4: /01/<gtin>/10/<lot>, data attributes
          in the query (17: expiry date).
[CBV]     Core Business Vocabulary 2.0: urn:epcglobal:cbv:bt:<gln>:<ref>,
          bizstep URNs and https://ref.gs1.org/cbv/ URIs.
"""

import datetime

import pytest
from conftest import load_tools_module

capture = load_tools_module("epcis_capture")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        # [TDS] the GS1 examples' SGTIN: indicator 1, prefix 0614141.
        ("urn:epc:id:sgtin:0614141.107346.2017", ("10614141073464", None, "2017")),
        ("urn:epc:class:lgtin:4012345.011111.4444", ("04012345111118", "4444", None)),
        ("urn:epc:idpat:sgtin:4012345.066666.*", ("04012345666663", None, None)),
        ("urn:epc:class:lgtin:4012345.011111.A%2FB", ("04012345111118", "A/B", None)),
        # [DL] any domain, with a path prefix.
        (
            "https://example.com/gs1/01/00614141777778/10/987",
            ("00614141777778", "987", None),
        ),
        ("https://id.gs1.org/01/09506000134352/21/S1", ("09506000134352", None, "S1")),
    ],
)
def test_parse_item(uri, expected):
    item = capture.parse_item(uri)
    assert (item["gtin"], item["lot"], item["serial"]) == expected


def test_parse_item_dates_of_the_digital_link():
    item = capture.parse_item(
        "https://id.gs1.org/01/09506000134352/10/L1?17=271231&11=260101"
    )
    assert item["expiry"] == datetime.date(2027, 12, 31)
    assert item["production"] == datetime.date(2026, 1, 1)


@pytest.mark.parametrize(
    "uri",
    [
        "",
        None,
        42,
        "urn:epc:id:sscc:0614141.1234567890",
        "urn:epc:idpat:sgtin:4012345.066666.X",
        "urn:epc:id:sgtin:0614141.1073461.1",  # 14 digits with the prefix
        "https://id.gs1.org/01/09506000134353/10/L1",  # check digit
        "https://id.gs1.org/00/106141411234567897",
        "x" * 5000,
        "urn:epc:class:lgtin:4012345.011111." + "L" * 21,  # AI 10: 20 at most
        "urn:epc:id:sgtin:0614141.107346.%00",
    ],
)
def test_parse_item_refuses(uri):
    with pytest.raises(ValueError):
        capture.parse_item(uri)


def test_party_gln():
    assert capture.parse_party_gln("urn:epc:id:pgln:0614141.00777") == "0614141007776"
    assert capture.parse_party_gln("urn:epc:id:sgln:0614141.00777.0") == "0614141007776"
    assert capture.parse_party_gln("https://id.gs1.org/417/0614141000005") == (
        "0614141000005"
    )
    assert capture.parse_party_gln("https://id.gs1.org/417/0614141000006") is None
    assert capture.parse_party_gln(None) is None
    assert capture.parse_party_gln("urn:epc:id:pgln:0614141.0077") is None


def test_transaction_references():
    refs = capture.transaction_references
    assert refs("urn:epcglobal:cbv:bt:0614141073467:PO%2F12") == [
        "PO/12",
        "urn:epcglobal:cbv:bt:0614141073467:PO%2F12",
    ]
    assert refs("http://transaction.acme.com/po/12345678")[0] == "12345678"
    assert refs("P00012") == ["P00012"]
    assert refs(None) == [] and refs("  ") == []


def test_short_name_and_ilmd():
    assert capture.short_name("urn:epcglobal:cbv:bizstep:shipping") == "shipping"
    assert capture.short_name("https://ref.gs1.org/cbv/BizStep-shipping") == "shipping"
    assert capture.short_name("shipping") == "shipping"
    assert capture.ilmd_dates(
        {"example:bestBeforeDate": "2014-12-10", "cbvmda:itemExpirationDate": "x"}
    ) == (datetime.date(2014, 12, 10), None)
    assert capture.ilmd_dates(
        {
            "cbvmda:itemExpirationDate": "2027-01-02T00:00:00Z",
            "productionDate": "260101",
        }
    ) == (datetime.date(2027, 1, 2), datetime.date(2026, 1, 1))
    assert capture.ilmd_dates("junk") == (None, None)
