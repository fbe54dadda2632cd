# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of ``gs1.parse_resolver_request``: the request target a GS1 Digital
Link resolver reads.

Reference: GS1 Digital Link Standard: URI Syntax 1.4, key qualifiers of AI 01
(22 CPV, 10 lot, 21 serial in this order, or 235 TPX) and of AI 00 (none);
AI 22 is X..20 and AI 235 X..28 of character set 82 (GS1 General
Specifications, AI table)."""

import pytest
from conftest import load_module

gs1 = load_module("quality_traceability/tools/gs1.py")

GTIN = "09506000134352"  # GS1's example GTIN (Digital Link standard)
SSCC = "106141411234567897"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"/01/{GTIN}", {"key": "01", "01": GTIN}),
        (f"/01/{GTIN}/10/L/", {"key": "01", "01": GTIN, "10": "L"}),  # slash
        ("/01/9506000134352", {"key": "01", "01": GTIN}),  # GTIN-13 padded
        (f"/01/{GTIN}/10/ABC?linkType=all", {"key": "01", "01": GTIN, "10": "ABC"}),
        (
            f"/01/{GTIN}/22/V%2F1/10/A%2F1/21/S1?17=271231",
            {"key": "01", "01": GTIN, "22": "V/1", "10": "A/1", "21": "S1"}
            | {"17": "271231"},
        ),
        (f"/01/{GTIN}/235/{'T' * 28}", {"key": "01", "01": GTIN, "235": "T" * 28}),
        (f"/gtin/{GTIN}/cpv/V/ser/S", {"key": "01", "01": GTIN, "22": "V", "21": "S"}),
        (f"/00/{SSCC}", {"key": "00", "00": SSCC}),
        (f"/sscc/{SSCC}?linkType=gs1:pip", {"key": "00", "00": SSCC}),
    ],
)
def test_valid_requests(uri, expected):
    assert gs1.parse_resolver_request(uri) == expected


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "01/09506000134352",  # not a path
        f"/01/{GTIN[:-1]}3",  # check digit
        "/01/95060001343AB",  # not numeric
        f"/02/{GTIN}",  # not a primary key here
        f"/01/{GTIN}//",  # empty segment
        f"/01/{GTIN}/10//",  # empty value, then the tolerated trailing slash
        f"/01/{GTIN}/10",  # AI without value
        f"/01/{GTIN}/99/X",  # not a key qualifier of a GTIN
        f"/01/{GTIN}/21/S/10/L",  # order 22, 10, 21
        f"/01/{GTIN}/10/L/10/L",  # twice
        f"/01/{GTIN}/235/T/21/S",  # 235 stands alone
        f"/01/{GTIN}/22/{'V' * 21}",  # AI 22 is X..20
        f"/01/{GTIN}/235/{'T' * 29}",  # AI 235 is X..28
        f"/01/{GTIN}/22/V%00",  # character set 82
        f"/01/{GTIN}/10/L%G1",  # malformed percent-encoding
        f"/01/{GTIN}/10/L?17=271399",  # data attribute: no month 13
        f"/01/{GTIN}/10/L?10=M",  # AI in the path and the query
        f"/00/{SSCC[:-1]}8",  # SSCC check digit
        f"/00/{SSCC}/10/L",  # an SSCC takes no qualifier
        "/01/" + "1" * 3000,  # longer than DIGITAL_LINK_MAX_LENGTH
    ],
)
def test_malformed_requests(uri):
    with pytest.raises(gs1.GS1Error):
        gs1.parse_resolver_request(uri)
