"""label_printing/tools/ipp.py (no Odoo): the IPP message encoding of RFC 8010,
section 3 (https://www.rfc-editor.org/rfc/rfc8010#section-3), and the Print-Job
operation of RFC 8011, section 4.2.1."""

import struct

import pytest
from conftest import load_module
from hypothesis import given
from hypothesis import strategies as st

ipp = load_module("label_printing/tools/ipp.py")


def test_print_job_example_of_rfc_8010_appendix_a_1():
    """The bytes of RFC 8010, Appendix A.1 (Print-Job request), written out
    field by field from its table."""
    expected = (
        b"\x01\x01"  # version-number 1.1
        b"\x00\x02"  # operation-id Print-Job
        b"\x00\x00\x00\x01"  # request-id
        b"\x01"  # operation-attributes-tag
        b"\x47\x00\x12attributes-charset\x00\x05utf-8"
        b"\x48\x00\x1battributes-natural-language\x00\x05en-us"
        b"\x45\x00\x0bprinter-uri\x00\x2c"
        b"ipp://printer.example.com/ipp/print/pinetree"
        b"\x42\x00\x08job-name\x00\x06foobar"
        b"\x22\x00\x16ipp-attribute-fidelity\x00\x01\x01"
        b"\x02"  # job-attributes-tag
        b"\x21\x00\x06copies\x00\x04\x00\x00\x00\x14"
        b"\x44\x00\x05sides\x00\x13two-sided-long-edge"
        b"\x03"  # end-of-attributes-tag
        b"%!PS..."
    )
    groups = [
        (
            ipp.OPERATION_GROUP,
            [
                ("attributes-charset", ipp.CHARSET, ["utf-8"]),
                ("attributes-natural-language", ipp.NATURAL_LANGUAGE, ["en-us"]),
                (
                    "printer-uri",
                    ipp.URI,
                    ["ipp://printer.example.com/ipp/print/pinetree"],
                ),
                ("job-name", ipp.NAME, ["foobar"]),
                ("ipp-attribute-fidelity", ipp.BOOLEAN, [True]),
            ],
        ),
        (
            ipp.JOB_GROUP,
            [
                ("copies", ipp.INTEGER, [20]),
                ("sides", ipp.KEYWORD, ["two-sided-long-edge"]),
            ],
        ),
    ]
    assert ipp.encode(ipp.PRINT_JOB, 1, groups, b"%!PS...") == expected
    decoded = ipp.decode(expected)
    assert decoded == {
        "version": (1, 1),
        "code": ipp.PRINT_JOB,
        "request_id": 1,
        "groups": [
            (
                tag,
                [(name, value_tag, list(values)) for name, value_tag, values in attrs],
            )
            for tag, attrs in groups
        ],
        "data": b"%!PS...",
    }


def test_additional_values_have_an_empty_name():
    """RFC 8010, section 3.1.5: each further value of a multi-valued attribute
    repeats the value tag with a name-length of 0."""
    message = ipp.encode(
        0x000B, 7, [(ipp.OPERATION_GROUP, [("x", ipp.KEYWORD, ["a", "bc"])])]
    )
    body = message[8:]
    assert body == b"\x01\x44\x00\x01x\x00\x01a\x44\x00\x00\x00\x02bc\x03"
    assert ipp.decode(message)["groups"] == [
        (ipp.OPERATION_GROUP, [("x", ipp.KEYWORD, ["a", "bc"])])
    ]


def test_print_job_request_carries_the_operation_attributes_in_order():
    """RFC 8011, section 4.2.1.1: attributes-charset and
    attributes-natural-language first, then printer-uri, requesting-user-name,
    job-name, document-format; the document follows the attributes."""
    message = ipp.decode(
        ipp.print_job_request(
            "ipp://10.0.0.5/ipp/print",
            b"^XA^FDx^FS^XZ",
            user="maria",
            job_name="LOT SN-1",
            document_format="application/vnd.zebra-zpl",
        )
    )
    assert message["code"] == 0x0002
    ((tag, attributes),) = message["groups"]
    assert tag == ipp.OPERATION_GROUP
    assert [(name, value_tag) for name, value_tag, _values in attributes] == [
        ("attributes-charset", 0x47),
        ("attributes-natural-language", 0x48),
        ("printer-uri", 0x45),
        ("requesting-user-name", 0x42),
        ("job-name", 0x42),
        ("document-format", 0x49),
    ]
    assert ipp.attribute(message, "document-format") == "application/vnd.zebra-zpl"
    assert message["data"] == b"^XA^FDx^FS^XZ"


def test_status_of_a_response():
    """Status codes of RFC 8011, section 4.1.6.1: 0x0000-0x00FF successful."""
    response = ipp.encode(
        0x0507,
        1,
        [
            (
                ipp.OPERATION_GROUP,
                [
                    ("attributes-charset", ipp.CHARSET, ["utf-8"]),
                    ("status-message", ipp.TEXT, ["Out of labels"]),
                ],
            )
        ],
    )
    decoded = ipp.decode(response)
    assert not ipp.is_successful(decoded["code"])
    assert ipp.status_text(decoded) == "server-error-busy: Out of labels"
    assert ipp.is_successful(0x0001)
    assert ipp.status_text({"code": 0x0999, "groups": []}) == "0x0999"


def test_http_target_of_printer_uris():
    """RFC 8010, section 4.2: ipp:// is HTTP on port 631 by default; ipps://
    (RFC 7472) is HTTPS."""
    assert ipp.http_target("ipp://printer/ipp/print") == (
        "http",
        "printer",
        631,
        "/ipp/print",
    )
    assert ipp.http_target("ipps://10.1.1.1:8443/p?q=1") == (
        "https",
        "10.1.1.1",
        8443,
        "/p?q=1",
    )
    for bad in ("http://printer/ipp", "ipp:///nohost", ""):
        with pytest.raises(ipp.IppError):
            ipp.http_target(bad)


def test_malformed_messages_are_refused():
    message = ipp.print_job_request("ipp://p/", b"", "u", "j", "application/pdf")
    for cut in (3, 12, len(message) - 5, len(message) - 1):
        with pytest.raises(ipp.IppError):
            ipp.decode(message[:cut])
    with pytest.raises(ipp.IppError):
        ipp.decode(struct.pack(">BBHi", 1, 1, 0, 1) + b"\x44\x00\x01x\x00\x01a\x03")
    with pytest.raises(ipp.IppError):
        ipp.encode(2, 1, [(1, [("x", ipp.TEXT, ["a" * 40000])])])
    with pytest.raises(ipp.IppError):
        ipp.encode(2, 1, [(1, [("x", ipp.TEXT, [])])])


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=40)
texts = st.text(max_size=200).filter(lambda text: len(text.encode()) <= 0x7FFF)
attributes = st.one_of(
    st.tuples(
        names,
        st.sampled_from([ipp.TEXT, ipp.NAME, ipp.KEYWORD, ipp.URI, ipp.CHARSET]),
        st.lists(texts, min_size=1, max_size=3),
    ),
    st.tuples(
        names,
        st.sampled_from([ipp.INTEGER, ipp.ENUM]),
        st.lists(st.integers(-(2**31), 2**31 - 1), min_size=1, max_size=3),
    ),
    st.tuples(names, st.just(ipp.BOOLEAN), st.lists(st.booleans(), min_size=1)),
    st.tuples(
        names,
        st.just(ipp.OCTET_STRING),
        st.lists(st.binary(max_size=100), min_size=1, max_size=3),
    ),
)


@given(
    code=st.integers(0, 0xFFFF),
    request_id=st.integers(1, 2**31 - 1),
    groups=st.lists(
        st.tuples(
            st.sampled_from([ipp.OPERATION_GROUP, ipp.JOB_GROUP, ipp.PRINTER_GROUP]),
            st.lists(attributes, max_size=5),
        ),
        max_size=3,
    ),
    data=st.binary(max_size=300),
)
def test_round_trip(code, request_id, groups, data):
    """Whatever the attribute values, decode(encode(m)) == m (RFC 8010,
    section 3.1)."""
    message = ipp.encode(code, request_id, groups, data)
    assert ipp.decode(message) == {
        "version": (1, 1),
        "code": code,
        "request_id": request_id,
        "groups": [
            (
                tag,
                [(name, value_tag, list(values)) for name, value_tag, values in attrs],
            )
            for tag, attrs in groups
        ],
        "data": data,
    }
