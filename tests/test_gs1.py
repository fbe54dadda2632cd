# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of quality_traceability/tools/gs1.py against GS1's published examples.

Sources quoted next to the examples:

[GS1-CD]   GS1, "How to calculate a check digit manually",
           https://www.gs1.org/how-calculate-check-digit-manually
[GS1-SE]   GS1 Sweden, "Så beräknas kontrollsiffran",
           https://www.gs1.se/Support/Berakna-kontrollsiffra/Sa-beraknas-kontrollsiffran/
[GENSPECS] GS1 General Specifications: section 7.9.1 (check digit), figure 7.8.5-2
           (AIs of predefined length), figure 7.11-1 (character set 82).
[SYNTAX]   GS1 Barcode Syntax Engine, github.com/gs1/gs1-syntax-engine:
           src/c-lib/syntax/lint_cset82.c (CSET 82 list and unit tests),
           src/c-lib/dl.c (Digital Link unit tests, incl. "Examples from DL
           specification" and URIescape tests), src/c-lib/gs1encoders.h
           (scan data examples with AIM symbology identifiers).
[DLTK]     GS1 Digital Link Toolkit, github.com/gs1/GS1DigitalLinkToolkit.js,
           README.md (element strings <-> Digital Link examples) and its AI table
           (convenience short codes gtin, lot, ser, exp).
[BIIP]     jodal/biip test suite (tests/test_checksums.py,
           tests/test_gs1_messages.py, tests/test_parse.py,
           tests/test_gs1_digital_link_uris.py), which reproduces GS1 examples.
[BWIPP]    bwipp/postscriptbarcode wiki, "GS1 Digital Link URIs" (examples of
           the GS1 Digital Link Standard: URI Syntax).
"""

import datetime

import pytest
from conftest import load_module
from hypothesis import given, settings
from hypothesis import strategies as st

gs1 = load_module("quality_traceability/tools/gs1.py")
GS1Error = gs1.GS1Error
GS = "\x1d"

# GTIN of the GS1 Digital Link examples of [SYNTAX] gs1encoders.h
# ("https://example.com/gtin/09506000134352/lot/A1").
GTIN = "09506000134352"

# Messages of parse_digital_link() that several cases share.
ODD_SEGMENTS = (
    "Digital Link path after /01/ must be AI/value pairs, found an odd number of "
    "segments: "
)
BAD_QUALIFIER = (
    "unknown or unsupported in the Digital Link path after /01/ "
    "(allowed: 10 or lot, 21 or ser)"
)
NO_KEY = " has no /01/ (GTIN) path segment"


def error_of(function, *args, **kwargs):
    """The message of the GS1Error that ``function(*args, **kwargs)`` raises."""
    with pytest.raises(GS1Error) as excinfo:
        function(*args, **kwargs)
    return str(excinfo.value)


# ---------------------------------------------------------------------------
# GS1Error and CHARSET_82
# ---------------------------------------------------------------------------


def test_gs1_error_is_a_value_error():
    assert issubclass(GS1Error, ValueError)
    with pytest.raises(ValueError):
        gs1.validate("10", "ABC DEF")


def test_charset_82_is_the_gs1_list():
    # [SYNTAX] lint_cset82.c: "CSET 82 characters: !"%&'()*+,-./0123456789:;<=>?
    # ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz" ([GENSPECS] 7.11-1).
    listed = (
        "!\"%&'()*+,-./0123456789:;<=>?"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    )
    assert isinstance(gs1.CHARSET_82, frozenset)
    assert len(gs1.CHARSET_82) == 82
    assert gs1.CHARSET_82 == frozenset(listed)


@pytest.mark.parametrize("char", list("!\"%&'()*+,-./:;<=>?_"))
def test_punctuation_of_charset_82_is_accepted_in_a_lot(char):
    # [SYNTAX] lint_cset82.c: UNIT_TEST_PASS for each of these characters.
    assert char in gs1.CHARSET_82
    assert gs1.validate("10", f"A{char}B") == f"A{char}B"


@pytest.mark.parametrize(
    "char",
    [" ", "#", "$", "@", "[", "\\", "]", "^", "`", "{", "|", "}", "~"]
    + ["\x1d", "\x7f", "é", "\u20ac"],
)
def test_characters_outside_charset_82_are_rejected(char):
    # [SYNTAX] lint_cset82.c: UNIT_TEST_FAIL for space, #, $, @, [, \, ], ^, `,
    # {, |, }, ~, control and non-ASCII characters.
    assert char not in gs1.CHARSET_82
    message = error_of(gs1.validate, "21", f"A{char}B")
    assert message == (
        f"AI (21): {f'A{char}B'!r} contains characters outside GS1 character "
        f"set 82: {char!r}"
    )


def test_bad_characters_are_listed_once_in_order():
    message = error_of(gs1.validate, "10", "A B#C D")
    assert message.endswith("outside GS1 character set 82: ' ', '#'")


# ---------------------------------------------------------------------------
# Check digits, GTIN, SSCC
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        # [GS1-CD] worked GTIN-13 example: 6291041500213 (sum 57, 60 - 57 = 3).
        ("629104150021", "3"),
        # [GS1-SE] worked GTIN-13 example: 7300011000017.
        ("730001100001", "7"),
        # SSCC 376104250021234569: [BIIP] tests/test_checksums.py "Example from
        # reference" (the SSCC check digit example of [GENSPECS] 7.9.1).
        ("37610425002123456", "9"),
        # [BWIPP] SSCC 106141411234567897 (company prefix 0614141).
        ("10614141123456789", "7"),
        # [SYNTAX] dl.c SSCCs 006141411234567890 and 952012345678912345.
        ("00614141123456789", "0"),
        ("95201234567891234", "5"),
        # [SYNTAX] dl.c GTIN-13 2112345678900, GTIN-12 416000336108, GTIN-8
        # 02345673, GTIN-14 12312312312333 and 09520123456788.
        ("211234567890", "0"),
        ("41600033610", "8"),
        ("0234567", "3"),
        ("1231231231233", "3"),
        ("0952012345678", "8"),
        # [SYNTAX] gs1encoders.h GTIN-14 09506000134352.
        ("0950600013435", "2"),
        # GTIN-13 4006381333931 (EAN-13 example of Wikipedia's "International
        # Article Number" article).
        ("400638133393", "1"),
        # [BIIP] GTIN-12 614141123452 / GTIN-14 00614141123452.
        ("61414112345", "2"),
        ("0061414112345", "2"),
    ],
)
def test_check_digit(digits, expected):
    assert gs1.check_digit(digits) == expected


def test_check_digit_ignores_leading_zeros():
    # Padding a GTIN to 14 digits must not change its check digit.
    assert gs1.check_digit("0234567") == gs1.check_digit("0000000234567") == "3"


@pytest.mark.parametrize("digits", ["", "12a4", "12 34", "⁰⁰⁰", "١٢٣", 123, None])
def test_check_digit_rejects_non_digits(digits):
    # [BIIP] tests/test_checksums.py: superscript digits "⁰⁰⁰" are not numeric.
    message = error_of(gs1.check_digit, digits)
    assert message == (
        f"check digit: {digits!r} must be a non-empty string of digits 0-9"
    )


@pytest.mark.parametrize(
    "code",
    [
        "02345673",  # [SYNTAX] GTIN-8
        "96385074",  # GTIN-8 (Wikipedia, "EAN-8")
        "416000336108",  # [SYNTAX] GTIN-12
        "614141123452",  # [BIIP] GTIN-12
        "4006381333931",  # GTIN-13 (Wikipedia, "International Article Number")
        "6291041500213",  # [GS1-CD]
        "2112345678900",  # [SYNTAX] GTIN-13
        GTIN,  # [SYNTAX] GTIN-14
        "05412345000013",  # [DLTK] README
    ],
)
def test_is_valid_gtin(code):
    assert gs1.is_valid_gtin(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "4006381333932",  # bad check digit
        "09506000134353",  # bad check digit
        "0234567",  # 7 digits
        "10614141123456789",  # 17 digits
        "106141411234567897",  # SSCC: 18 digits is not a GTIN
        "40063813339",  # 11 digits
        "400638133393X",
        " 4006381333931",
        "",
        "⁰²³⁴⁵⁶⁷³",  # superscript digits
        4006381333931,
        None,
    ],
)
def test_is_valid_gtin_false(code):
    assert gs1.is_valid_gtin(code) is False


@pytest.mark.parametrize(
    ("code", "gtin14"),
    [
        # [SYNTAX] dl.c: "GTIN-8 -> GTIN-14", "GTIN-12 -> GTIN-14",
        # "GTIN-13 -> GTIN-14".
        ("02345673", "00000002345673"),
        ("416000336108", "00416000336108"),
        ("2112345678900", "02112345678900"),
        ("4006381333931", "04006381333931"),
        (GTIN, GTIN),
    ],
)
def test_to_gtin14(code, gtin14):
    assert gs1.to_gtin14(code) == gtin14
    assert gs1.is_valid_gtin(gtin14)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "4006381333932",
            "GTIN '4006381333932' has an invalid check digit 2 (expected 1)",
        ),
        ("123456789", "GTIN '123456789' must have 8, 12, 13 or 14 digits (got 9)"),
        ("", "GTIN '' must contain only digits 0-9"),
        ("4006381-33393", "GTIN '4006381-33393' must contain only digits 0-9"),
        (4006381333931, "GTIN: expected a string, got int"),
    ],
)
def test_to_gtin14_errors(code, message):
    assert error_of(gs1.to_gtin14, code) == message


def test_sscc_gs1_example():
    # [BWIPP] SSCC 106141411234567897: extension digit 1, GS1 company prefix
    # 0614141, serial reference 123456789, check digit 7.
    assert gs1.sscc("0614141", 123456789, 1) == "106141411234567897"
    assert gs1.sscc("0614141", "123456789", extension_digit=1) == "106141411234567897"


def test_sscc_genspecs_check_digit_example():
    # SSCC 376104250021234569 ([BIIP] "Example from reference", [GENSPECS]
    # 7.9.1): extension 3, 7-digit prefix 7610425, serial reference 002123456.
    assert gs1.sscc("7610425", 2123456, 3) == "376104250021234569"


def test_sscc_pads_serial_reference_and_defaults_extension_to_zero():
    # [SYNTAX] dl.c SSCC 006141411234567890.
    assert gs1.sscc("0614141", 123456789) == "006141411234567890"
    # A 6-digit company prefix leaves 10 digits for the serial reference.
    assert gs1.sscc("614141", 42) == "0" + "614141" + "0000000042" + "7"


def test_sscc_result_is_valid_ai_00():
    for prefix in ("123456", "1234567", "123456789012"):
        value = gs1.sscc(prefix, 7, 9)
        assert len(value) == 18
        assert value.startswith("9" + prefix)
        assert value[1 + len(prefix) : 17] == "7".zfill(16 - len(prefix))
        assert gs1.validate("00", value) == value


def test_sscc_serial_reference_must_fit():
    # A 12-digit company prefix leaves 4 digits for the serial reference.
    assert gs1.sscc("061414112345", 9999) == "0" + "061414112345" + "9999" + "0"
    message = error_of(gs1.sscc, "061414112345", 10000)
    assert message == (
        "SSCC: serial reference 10000 does not fit in the 4 digits left by "
        "company prefix '061414112345'"
    )
    assert "does not fit" in error_of(gs1.sscc, "0614141", 10**9)
    # Leading zeros of a string serial reference do not count.
    assert gs1.sscc("061414112345", "0009999") == gs1.sscc("061414112345", 9999)


@pytest.mark.parametrize("prefix", ["12345", "1234567890123", "06141A1", "", 614141])
def test_sscc_rejects_bad_company_prefix(prefix):
    message = error_of(gs1.sscc, prefix, 1)
    assert message == f"SSCC: GS1 company prefix {prefix!r} must be 6 to 12 digits"


@pytest.mark.parametrize("serial", [-1, "12a", "", None, 1.5, True])
def test_sscc_rejects_bad_serial_reference(serial):
    message = error_of(gs1.sscc, "0614141", serial)
    assert message.startswith(f"SSCC: serial reference {serial!r}")


@pytest.mark.parametrize("extension", [-1, 10, "1", None, True])
def test_sscc_rejects_bad_extension_digit(extension):
    message = error_of(gs1.sscc, "0614141", 1, extension)
    assert message == f"SSCC: extension digit {extension!r} must be an integer 0 to 9"


# ---------------------------------------------------------------------------
# validate()
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ai", "value", "expected"),
    [
        ("00", "106141411234567897", "106141411234567897"),  # [BWIPP]
        ("00", "376104250021234569", "376104250021234569"),  # [BIIP]
        ("01", GTIN, GTIN),
        ("01", "4006381333931", "04006381333931"),
        ("01", "416000336108", "00416000336108"),  # [SYNTAX]
        ("01", "02345673", "00000002345673"),  # [SYNTAX]
        ("02", "05412345000013", "05412345000013"),  # [DLTK]
        ("02", "614141123452", "00614141123452"),  # [BIIP]
        ("10", "ABC123", "ABC123"),
        ("10", "ABC&+123", "ABC&+123"),  # [DLTK] README lot
        ("10", "A" * 20, "A" * 20),
        ("10", "0", "0"),
        ("21", "12345", "12345"),
        ("21", "x" * 20, "x" * 20),
        ("11", "201225", "201225"),
        ("13", "180426", "180426"),  # [SYNTAX] dl.c "?17=180426"
        ("15", "210526", "210526"),  # [BIIP]
        ("17", "201225", "201225"),  # [SYNTAX] dl.c "17=201225"
        ("17", "261200", "261200"),  # DD = 00: end of month
        ("17", "240229", "240229"),  # leap year
        ("17", "000229", "000229"),  # 2000 is a leap year
        ("17", "250131", "250131"),
        ("30", "1", "1"),
        ("30", "12345678", "12345678"),
        ("37", "25", "25"),  # [BIIP] / [SYNTAX] "37=25"
        ("37", "0", "0"),
        ("400", "PO-4711/2024", "PO-4711/2024"),
        ("400", "P" * 30, "P" * 30),
    ],
)
def test_validate_accepts(ai, value, expected):
    assert gs1.validate(ai, value) == expected


@pytest.mark.parametrize(
    ("ai", "value", "expected"),
    [
        ("17", datetime.date(2020, 12, 25), "201225"),
        ("11", datetime.date(1999, 1, 2), "990102"),
        ("13", datetime.datetime(2026, 3, 31, 23, 59), "260331"),
        ("15", datetime.date(2005, 7, 4), "050704"),
        ("30", 25, "25"),
        ("37", 0, "0"),
        ("37", 99999999, "99999999"),
    ],
)
def test_validate_converts_dates_and_counts(ai, value, expected):
    assert gs1.validate(ai, value) == expected


@pytest.mark.parametrize(
    ("ai", "value", "message"),
    [
        # The example message of the specification of this module.
        (
            "10",
            "ABC DEF",
            "AI (10): 'ABC DEF' contains characters outside GS1 character set 82: "
            "' '",
        ),
        ("10", "", "AI (10): '' must be 1 to 20 characters long (got 0)"),
        (
            "10",
            "A" * 21,
            f"AI (10): {'A' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        (
            "21",
            "1" * 21,
            f"AI (21): {'1' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        ("21", "", "AI (21): '' must be 1 to 20 characters long (got 0)"),
        (
            "400",
            "P" * 31,
            f"AI (400): {'P' * 31!r} must be 1 to 30 characters long (got 31)",
        ),
        ("10", 123, "AI (10): expected a string, got int"),
        ("21", None, "AI (21): expected a string, got NoneType"),
        (
            "00",
            "10614141123456789",
            "AI (00): '10614141123456789' must be exactly 18 digits",
        ),
        (
            "00",
            "106141411234567890",
            "AI (00): '106141411234567890' has an invalid check digit 0 "
            "(expected 7)",
        ),
        (
            "00",
            "10614141123456789X",
            "AI (00): '10614141123456789X' must be exactly 18 digits",
        ),
        ("00", 106141411234567897, "AI (00): expected a string, got int"),
        (
            "01",
            "09506000134353",
            "AI (01): '09506000134353' has an invalid check digit 3 (expected 2)",
        ),
        (
            "01",
            "416000336109",
            "AI (01): '416000336109' has an invalid check digit 9 (expected 8)",
        ),
        ("01", "123", "AI (01): '123' must have 8, 12, 13 or 14 digits (got 3)"),
        ("02", "ABC", "AI (02): 'ABC' must contain only digits 0-9"),
        ("01", 9506000134352, "AI (01): expected a string, got int"),
        ("17", "2012", "AI (17): '2012' must be a date as 6 digits YYMMDD"),
        ("17", "2012251", "AI (17): '2012251' must be a date as 6 digits YYMMDD"),
        ("17", "20-225", "AI (17): '20-225' must be a date as 6 digits YYMMDD"),
        (
            "17",
            "201325",
            "AI (17): '201325' is not a valid YYMMDD date: month 13 is not 01 to 12",
        ),
        (
            "11",
            "200025",
            "AI (11): '200025' is not a valid YYMMDD date: month 00 is not 01 to 12",
        ),
        (
            "13",
            "200431",
            "AI (13): '200431' is not a valid YYMMDD date: day 31 does not exist "
            "in month 04",
        ),
        (
            "15",
            "250229",
            "AI (15): '250229' is not a valid YYMMDD date: day 29 does not exist "
            "in month 02",
        ),
        (
            "17",
            "200132",
            "AI (17): '200132' is not a valid YYMMDD date: day 32 does not exist "
            "in month 01",
        ),
        ("17", 201225, "AI (17): expected a date or a 'YYMMDD' string, got int"),
        ("30", "123456789", "AI (30): '123456789' must be 1 to 8 digits"),
        ("30", "", "AI (30): '' must be 1 to 8 digits"),
        ("37", "2.5", "AI (37): '2.5' must be 1 to 8 digits"),
        ("37", 100000000, "AI (37): '100000000' must be 1 to 8 digits"),
        ("37", -1, "AI (37): count -1 must not be negative"),
        ("30", True, "AI (30): expected a string, got bool"),
        ("30", 2.0, "AI (30): expected a string, got float"),
        ("99", "ABC", "AI (99): unknown or unsupported application identifier"),
        ("12", "201225", "AI (12): unknown or unsupported application identifier"),
        ("3103", "000189", "AI (3103): unknown or unsupported application identifier"),
        ("1", "X", "AI (1): unknown or unsupported application identifier"),
        ("", "X", "AI (): unknown or unsupported application identifier"),
        (10, "X", "AI must be given as a string, got 10"),
    ],
)
def test_validate_errors(ai, value, message):
    assert error_of(gs1.validate, ai, value) == message


# ---------------------------------------------------------------------------
# element_string() and barcode_data()
# ---------------------------------------------------------------------------


def test_element_string_keeps_order():
    elements = [("01", GTIN), ("17", "201225"), ("10", "ABC123")]
    assert gs1.element_string(elements) == "(01)09506000134352(17)201225(10)ABC123"


def test_element_string_normalises_values():
    elements = [
        ("10", "ABC&+123"),
        ("01", "5412345000013"),
        ("17", datetime.date(2026, 12, 31)),
        ("37", 25),
    ]
    assert gs1.element_string(elements) == (
        "(10)ABC&+123(01)05412345000013(17)261231(37)25"
    )


def test_element_string_accepts_any_iterable_of_pairs():
    pairs = iter([("00", "106141411234567897"), ("400", "PO/1")])
    assert gs1.element_string(pairs) == "(00)106141411234567897(400)PO/1"


@pytest.mark.parametrize("function", ["element_string", "barcode_data"])
def test_element_errors(function):
    build = getattr(gs1, function)
    assert error_of(build, []) == "no GS1 elements given"
    assert error_of(build, [("01",)]) == "element ('01',) is not an (AI, value) pair"
    assert error_of(build, ["0109506000134352"]) == (
        "element '0109506000134352' is not an (AI, value) pair"
    )
    assert error_of(build, [("10", "A B")]).startswith("AI (10): 'A B' contains")
    assert error_of(build, [("99", "X")]) == (
        "AI (99): unknown or unsupported application identifier"
    )
    assert error_of(build, [("10", "A"), ("10", "B")]) == (
        "AI (10): given twice with different values 'A' and 'B'"
    )


def test_identical_duplicates_are_allowed():
    # The same GTIN given as GTIN-13 and GTIN-14 normalises to one value.
    elements = [("01", "4006381333931"), ("01", "04006381333931")]
    assert gs1.element_string(elements) == "(01)04006381333931(01)04006381333931"


def test_barcode_data_biip_example():
    # [BIIP] biip.gs1 docstring: "010703206980498815210526100329" is
    # (01)07032069804988(15)210526(10)0329: no separator is needed at all.
    elements = [("01", "07032069804988"), ("15", "210526"), ("10", "0329")]
    assert gs1.barcode_data(elements) == "010703206980498815210526100329"


def test_barcode_data_puts_predefined_length_first():
    # [SYNTAX] gs1encoders.h "^011231231231233310ABC123^99TESTING": fixed-length
    # (01) first, no separator after it.
    elements = [("10", "ABC123"), ("17", "201225"), ("01", GTIN)]
    assert gs1.barcode_data(elements) == "17201225" + "0109506000134352" + "10ABC123"


def test_barcode_data_separator_between_variable_elements_only():
    elements = [("10", "ABC123"), ("21", "12345"), ("01", GTIN), ("37", "25")]
    data = gs1.barcode_data(elements)
    assert data == "01" + GTIN + "10ABC123" + GS + "2112345" + GS + "3725"
    assert not data.endswith(GS)
    assert data.count(GS) == 2


def test_barcode_data_is_stable_within_each_group():
    elements = [
        ("400", "PO1"),
        ("17", "201225"),
        ("21", "S1"),
        ("00", "106141411234567897"),
        ("10", "L1"),
        ("11", "200101"),
    ]
    assert gs1.barcode_data(elements) == (
        "17201225"
        + "00106141411234567897"
        + "11200101"
        + ("400PO1" + GS + "21S1" + GS + "10L1")
    )


def test_barcode_data_single_variable_element_has_no_separator():
    assert gs1.barcode_data([("10", "ABC")]) == "10ABC"
    assert gs1.barcode_data([("01", GTIN), ("10", "ABC")]) == f"01{GTIN}10ABC"


def test_barcode_data_normalises_values():
    elements = [("10", "L"), ("01", "4006381333931"), ("17", datetime.date(2030, 1, 1))]
    assert gs1.barcode_data(elements) == "010400638133393117300101" + "10L"


def test_barcode_data_custom_fnc1():
    elements = [("10", "A"), ("21", "B")]
    assert gs1.barcode_data(elements, fnc1="^") == "10A^21B"
    assert gs1.barcode_data(elements, "|") == "10A|21B"
    for bad in ("", "/", "1", "{GS}", None):
        assert "must be a non-empty string without characters" in error_of(
            gs1.barcode_data, elements, fnc1=bad
        )


@pytest.mark.parametrize(
    ("ai", "predefined"),
    [
        ("00", True),
        ("01", True),
        ("02", True),
        ("11", True),
        ("17", True),
        ("20", True),
        ("3103", True),
        ("3922", False),
        ("410", True),
        ("10", False),
        ("21", False),
        ("30", False),
        ("37", False),
        ("400", False),
        ("8200", False),
    ],
)
def test_is_predefined_length(ai, predefined):
    # [GENSPECS] figure 7.8.5-2.
    assert gs1.is_predefined_length(ai) is predefined


def test_predefined_length_table():
    assert gs1.PREDEFINED_LENGTH_PREFIXES == frozenset(
        ["00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16"]
        + ["17", "18", "19", "20", "31", "32", "33", "34", "35", "36", "41"]
    )


# ---------------------------------------------------------------------------
# parse()
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # [BIIP] biip.gs1 docstring.
        (
            "010703206980498815210526100329",
            [("01", "07032069804988"), ("15", "210526"), ("10", "0329")],
        ),
        # [BIIP] tests/test_gs1_messages.py.
        (
            "0107032069804988100329" + GS + "15210526",
            [("01", "07032069804988"), ("10", "0329"), ("15", "210526")],
        ),
        # [BIIP] tests/test_parse.py: "]C1010590123412345715210526".
        ("]C1010590123412345715210526", [("01", "05901234123457"), ("15", "210526")]),
        # [SYNTAX] gs1encoders.h: "]C1011231231231233310ABC123{GS}99TESTING",
        # without the (99) that this module does not know.
        ("]C1011231231231233310ABC123", [("01", "12312312312333"), ("10", "ABC123")]),
        # [SYNTAX] gs1encoders.h: "]d2011231231231233310ABC123{GS}99TESTING".
        (
            "]d2011231231231233310ABC123" + GS + "2112345",
            [("01", "12312312312333"), ("10", "ABC123"), ("21", "12345")],
        ),
        # [SYNTAX] gs1encoders.h: "]Q301123123123123338200http://example.com"
        # and "]e00112312312312333{GS}98COMPOSITE", with our AIs.
        ("]Q3011231231231233317201225", [("01", "12312312312333"), ("17", "201225")]),
        (
            "]e00112312312312333" + GS + "10XYZ",
            [("01", "12312312312333"), ("10", "XYZ")],
        ),
        ("]J1" + "0112312312312333", [("01", "12312312312333")]),
        # Leading FNC1 transmitted as GS.
        (GS + "0109506000134352" + "10ABC", [("01", GTIN), ("10", "ABC")]),
        # [SYNTAX] dl.c "^0095201234567891234502095201234567883725^10ABC123".
        (
            "00952012345678912345" + "0209520123456788" + "3725" + GS + "10ABC123",
            [
                ("00", "952012345678912345"),
                ("02", "09520123456788"),
                ("37", "25"),
                ("10", "ABC123"),
            ],
        ),
        # [SYNTAX] dl.c "^0109520123456788310300019539220299^17201225" without
        # (3922); (3103) is a fixed-length measure.
        (
            "0109520123456788" + "3103000195" + "17201225",
            [("01", "09520123456788"), ("3103", "000195"), ("17", "201225")],
        ),
        (
            "400PO/1" + GS + "3012345678" + GS + "11120100" + "2005",
            [("400", "PO/1"), ("30", "12345678"), ("11", "120100"), ("20", "05")],
        ),
    ],
)
def test_parse_raw(data, expected):
    assert gs1.parse(data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # [BIIP] tests/test_gs1_messages.py: "A separator at the end of the
        # string is never needed", a separator after a fixed-length date, and
        # "Double separator chars are ignored".
        ("15210526100329" + GS, [("15", "210526"), ("10", "0329")]),
        ("15210526" + GS + "100329", [("15", "210526"), ("10", "0329")]),
        (
            "0107032069804988100329" + GS + GS + "15210526",
            [("01", "07032069804988"), ("10", "0329"), ("15", "210526")],
        ),
    ],
)
def test_parse_tolerates_redundant_separators(data, expected):
    assert gs1.parse(data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "(01)09506000134352(17)201225(10)ABC123",
            [("01", GTIN), ("17", "201225"), ("10", "ABC123")],
        ),
        # [DLTK] README: "(01)00054123450013(10)ABC&+123(3103)000189(3923)2172"
        # without (3923), which this module does not know.
        (
            "(01)00054123450013(10)ABC&+123(3103)000189",
            [("01", "00054123450013"), ("10", "ABC&+123"), ("3103", "000189")],
        ),
        # [BIIP] tests/test_gs1_digital_link_uris.py:
        # "(00)106141412345678908(02)00614141123452(37)25(10)ABC123".
        (
            "(00)106141412345678908(02)00614141123452(37)25(10)ABC123",
            [
                ("00", "106141412345678908"),
                ("02", "00614141123452"),
                ("37", "25"),
                ("10", "ABC123"),
            ],
        ),
        # Parentheses inside a value that do not enclose 2-4 digits.
        ("(10)AB(C)(21)(1)", [("10", "AB(C)"), ("21", "(1)")]),
        (
            "(16)261231(12)260100(20)01",
            [("16", "261231"), ("12", "260100"), ("20", "01")],
        ),
    ],
)
def test_parse_bracketed(data, expected):
    assert gs1.parse(data) == expected


ROUND_TRIP_ELEMENTS = [
    [("01", GTIN), ("17", "201225"), ("10", "ABC123")],
    [("00", "106141411234567897"), ("02", "04006381333931"), ("37", "120")],
    [("10", "L/1"), ("21", "S-2"), ("400", "PO&3"), ("30", "7")],
    [("01", "00000002345673"), ("11", "240229"), ("13", "240300")]
    + [("15", "241231"), ("21", "!\"%&'()*+,-./:;<=>?_")],
]


@pytest.mark.parametrize("elements", ROUND_TRIP_ELEMENTS)
def test_parse_round_trips(elements):
    assert gs1.parse(gs1.element_string(elements)) == elements
    data = gs1.barcode_data(elements)
    reordered = sorted(elements, key=lambda pair: not gs1.is_predefined_length(pair[0]))
    assert gs1.parse(data) == reordered
    for prefix in ("]C1", "]d2", "]Q3", "]e0", GS, "]d2" + GS):
        assert gs1.parse(prefix + data) == reordered
    assert gs1.parse(gs1.barcode_data(elements, "^"), fnc1="^") == reordered


def test_parse_raw_gtin_is_always_14_digits():
    # In barcode data (01) has a fixed length of 14 digits: no padding needed.
    assert gs1.parse("0104006381333931") == [("01", "04006381333931")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "no GS1 element strings in ''"),
        (GS, "no GS1 element strings in '\\x1d'"),
        ("]C1", "no GS1 element strings in ']C1'"),
        (None, "GS1 data must be a string, got NoneType"),
        # Unknown AIs: (99) of [SYNTAX] gs1encoders.h, (3923) of [DLTK] README,
        # (14) which GS1 does not assign.
        (
            "]C1011231231231233310ABC123" + GS + "99TESTING",
            "unknown or unsupported application identifier at '99TE' (position 28)",
        ),
        (
            "3103000189010541234500001339232172" + GS + "10ABC&+123",
            "unknown or unsupported application identifier at '3923' (position 26)",
        ),
        (
            "14201225",
            "unknown or unsupported application identifier at '1420' (position 0)",
        ),
        ("X", "unknown or unsupported application identifier at 'X' (position 0)"),
        ("(99)ABC", "AI (99): unknown or unsupported application identifier"),
        ("(3923)2172", "AI (3923): unknown or unsupported application identifier"),
        # Truncated fixed-length fields.
        (
            "010950600013435",
            "AI (01): truncated value '0950600013435', expected 14 digits",
        ),
        (
            "0109506000134352" + "17201",
            "AI (17): truncated value '201', expected 6 digits",
        ),
        (
            "01095060" + GS + "10ABC",
            "AI (01): truncated value '095060', expected 14 digits",
        ),
        ("00", "AI (00): truncated value '', expected 18 digits"),
        # Check digits and values.
        (
            "0109506000134353",
            "AI (01): '09506000134353' has an invalid check digit 3 (expected 2)",
        ),
        (
            "00106141411234567890",
            "AI (00): '106141411234567890' has an invalid check digit 0 (expected 7)",
        ),
        ("(01)4006381333931", "AI (01): '4006381333931' must be exactly 14 digits"),
        ("(17)2012251", "AI (17): '2012251' must be exactly 6 digits"),
        ("0109506000134352" + "1720122X", "AI (17): '20122X' must be exactly 6 digits"),
        (
            "17201325",
            "AI (17): '201325' is not a valid YYMMDD date: month 13 is not 01 to 12",
        ),
        (
            "(12)260230",
            (
                "AI (12): '260230' is not a valid YYMMDD date: day 30 does not "
                "exist in month 02"
            ),
        ),
        ("(3103)00018", "AI (3103): '00018' must be exactly 6 digits"),
        (
            "10" + "A" * 21,
            f"AI (10): {'A' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        (
            "10ABC DEF",
            "AI (10): 'ABC DEF' contains characters outside GS1 character set 82: ' '",
        ),
        ("10" + GS + "21X", "AI (10): '' must be 1 to 20 characters long (got 0)"),
        ("30123456789", "AI (30): '123456789' must be 1 to 8 digits"),
        # Bracketed syntax.
        ("(10)", "AI (10): empty value in element string '(10)'"),
        ("(10)(21)X", "AI (10): empty value in element string '(10)(21)X'"),
        (
            "X(10)ABC",
            "unknown or unsupported application identifier at 'X(10' (position 0)",
        ),
        ("(1)ABC", "element string '(1)ABC' must start with '(AI)'"),
        ("(10)A(2024)", "AI (2024): unknown or unsupported application identifier"),
        # Symbology identifiers of data that are not GS1 element strings.
        (
            "]E04006381333931",
            "symbology identifier ']E0' does not announce GS1 element strings",
        ),
        (
            "]Q1https://example.org/01/12312312312333",
            "symbology identifier ']Q1' does not announce GS1 element strings",
        ),
        (
            "]C0" + "10ABC",
            "symbology identifier ']C0' does not announce GS1 element strings",
        ),
        (
            "]d2(01)09506000134352",
            "unknown or unsupported application identifier at '(01)' (position 3)",
        ),
        # Duplicates.
        ("10A" + GS + "10B", "AI (10): given twice with different values 'A' and 'B'"),
    ],
)
def test_parse_errors(data, message):
    assert error_of(gs1.parse, data) == message


def test_parse_rejects_an_empty_separator():
    assert (
        error_of(gs1.parse, "10A", fnc1="") == "separator '' must be a non-empty string"
    )


# ---------------------------------------------------------------------------
# digital_link()
# ---------------------------------------------------------------------------


def test_digital_link_gtin_only():
    # [BWIPP] "https://id.gs1.org/01/09521234543213"; [SYNTAX] dl.c
    # "https://id.gs1.org/01/09520123456788".
    assert gs1.digital_link("https://id.gs1.org", "09521234543213") == (
        "https://id.gs1.org/01/09521234543213"
    )
    assert gs1.digital_link("https://id.gs1.org", "9520123456788") == (
        "https://id.gs1.org/01/09520123456788"
    )


def test_digital_link_lot_serial_expiry():
    # [SYNTAX] dl.c, "Examples from DL specification":
    # "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426".
    uri = gs1.digital_link(
        "https://id.gs1.org", "09520123456788", "ABC1", "12345", "180426"
    )
    assert uri == "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426"
    # [BWIPP] "https://id.gs1.org/01/09521234543213/10/ABC123?17=261231" and
    # "https://id.gs1.org/01/09521234543213/10/ABC123/21/12345".
    assert (
        gs1.digital_link(
            "https://id.gs1.org", "09521234543213", lot="ABC123", expiry="261231"
        )
        == "https://id.gs1.org/01/09521234543213/10/ABC123?17=261231"
    )
    assert (
        gs1.digital_link(
            "https://id.gs1.org", "09521234543213", lot="ABC123", serial="12345"
        )
        == "https://id.gs1.org/01/09521234543213/10/ABC123/21/12345"
    )


def test_digital_link_examples_with_gtin_09506000134352():
    # The URI form of [BWIPP] / [SYNTAX] with the GTIN of [SYNTAX] gs1encoders.h.
    assert (
        gs1.digital_link(
            "https://id.gs1.org", GTIN, lot="ABC123", expiry=datetime.date(2020, 12, 25)
        )
        == "https://id.gs1.org/01/09506000134352/10/ABC123?17=201225"
    )
    assert gs1.digital_link("https://example.com", GTIN, lot="ABC/123") == (
        "https://example.com/01/09506000134352/10/ABC%2F123"
    )
    assert gs1.digital_link("https://example.com", GTIN, serial="S1") == (
        "https://example.com/01/09506000134352/21/S1"
    )


def test_digital_link_toolkit_example():
    # [DLTK] README: "(3103)000189(01)05412345000013(3923)2172(10)ABC&+123" ->
    # "https://id.gs1.org/01/05412345000013/10/ABC%26%2B123?3103=...".
    uri = gs1.digital_link("https://id.gs1.org", "05412345000013", lot="ABC&+123")
    assert uri == "https://id.gs1.org/01/05412345000013/10/ABC%26%2B123"


def test_digital_link_path_prefix_and_trailing_slashes():
    # [BWIPP] "https://example.com/products/01/09521234543213"; [SYNTAX] dl.c:
    # "Stem with trailing slash: should be trimmed".
    for base in ("https://example.com/products", "https://example.com/products///"):
        assert gs1.digital_link(base, "09521234543213") == (
            "https://example.com/products/01/09521234543213"
        )
    assert gs1.digital_link("https://example.com/", "12312312312326") == (
        "https://example.com/01/12312312312326"
    )


def test_digital_link_pads_gtin_and_normalises_expiry():
    uri = gs1.digital_link(
        "https://example.com", "4006381333931", expiry=datetime.datetime(2027, 2, 1, 8)
    )
    assert uri == "https://example.com/01/04006381333931?17=270201"


# (character, percent-encoding in a path segment): every CSET 82 punctuation
# character; only "-", "." and "_" are RFC 3986 unreserved. [SYNTAX] dl.c
# URIescape test: "!\"#%&'()*+,/:;<=>?" ->
# "%21%22%23%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F" and "-._~" unchanged.
ENCODINGS = [
    ("!", "%21"),
    ('"', "%22"),
    ("%", "%25"),
    ("&", "%26"),
    ("'", "%27"),
    ("(", "%28"),
    (")", "%29"),
    ("*", "%2A"),
    ("+", "%2B"),
    (",", "%2C"),
    ("-", "-"),
    (".", "."),
    ("/", "%2F"),
    (":", "%3A"),
    (";", "%3B"),
    ("<", "%3C"),
    ("=", "%3D"),
    (">", "%3E"),
    ("?", "%3F"),
    ("_", "_"),
]


def test_encodings_cover_all_punctuation_of_charset_82():
    punctuation = {c for c in gs1.CHARSET_82 if not c.isalnum()}
    assert {char for char, _ in ENCODINGS} == punctuation


@pytest.mark.parametrize(("char", "encoded"), ENCODINGS)
def test_digital_link_percent_encodes(char, encoded):
    lot = f"L{char}1"
    serial = f"{char}S{char}"
    uri = gs1.digital_link("https://example.com", GTIN, lot, serial)
    assert uri == (
        f"https://example.com/01/{GTIN}/10/L{encoded}1/21/{encoded}S{encoded}"
    )
    assert gs1.parse_digital_link(uri) == {"01": GTIN, "10": lot, "21": serial}


def test_digital_link_encodes_letters_and_digits_unchanged():
    lot = "AZaz09"
    assert (
        gs1.digital_link("https://e.x", GTIN, lot) == f"https://e.x/01/{GTIN}/10/AZaz09"
    )


def test_digital_link_all_punctuation_at_once():
    value = "!\"%&'()*+,-./:;<=>?_"
    uri = gs1.digital_link("https://example.com", GTIN, serial=value)
    assert uri.endswith("/21/%21%22%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F_")
    assert gs1.parse_digital_link(uri)["21"] == value


@pytest.mark.parametrize("char", [" ", "#", "~", "@", "$", "[", "]", "é"])
def test_digital_link_rejects_characters_outside_charset_82(char):
    # "#" and "~" would be expressible in a URI, but GS1 AI (10) and (21) only
    # take CSET 82.
    message = error_of(gs1.digital_link, "https://example.com", GTIN, f"A{char}B")
    assert message == (
        f"AI (10): {f'A{char}B'!r} contains characters outside GS1 character set "
        f"82: {char!r}"
    )
    message = error_of(gs1.digital_link, "https://example.com", GTIN, serial=char)
    assert message.startswith(f"AI (21): {char!r} contains characters outside")


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("https://e.x", "09506000134353"),
            {},
            "AI (01): '09506000134353' has an invalid check digit 3 (expected 2)",
        ),
        (
            ("https://e.x", "123"),
            {},
            "AI (01): '123' must have 8, 12, 13 or 14 digits (got 3)",
        ),
        (
            ("https://e.x", GTIN),
            {"lot": ""},
            "AI (10): '' must be 1 to 20 characters long (got 0)",
        ),
        (
            ("https://e.x", GTIN),
            {"lot": "L" * 21},
            f"AI (10): {'L' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        (
            ("https://e.x", GTIN),
            {"serial": "S" * 21},
            f"AI (21): {'S' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        (
            ("https://e.x", GTIN),
            {"expiry": "201325"},
            "AI (17): '201325' is not a valid YYMMDD date: month 13 is not 01 to 12",
        ),
        (
            ("https://e.x", GTIN),
            {"expiry": 201225},
            "AI (17): expected a date or a 'YYMMDD' string, got int",
        ),
        (("", GTIN), {}, "Digital Link base URL '' must not be empty"),
        (("///", GTIN), {}, "Digital Link base URL '///' must not be empty"),
        ((None, GTIN), {}, "Digital Link base URL None must not be empty"),
        (
            ("https://e.x/?a=1", GTIN),
            {},
            (
                "Digital Link base URL 'https://e.x/?a=1' must not have a query or "
                "fragment"
            ),
        ),
        (
            ("https://e.x#top", GTIN),
            {},
            "Digital Link base URL 'https://e.x#top' must not have a query or fragment",
        ),
    ],
)
def test_digital_link_errors(args, kwargs, message):
    assert error_of(gs1.digital_link, *args, **kwargs) == message


# ---------------------------------------------------------------------------
# parse_digital_link()
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        # [SYNTAX] dl.c "Examples from DL specification".
        ("https://id.gs1.org/01/09520123456788", {"01": "09520123456788"}),
        (
            "https://id.gs1.org/01/09520123456788/10/ABC123",
            {"01": "09520123456788", "10": "ABC123"},
        ),
        (
            "https://id.gs1.org/01/09520123456788/21/12345",
            {"01": "09520123456788", "21": "12345"},
        ),
        (
            "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426",
            {"01": "09520123456788", "10": "ABC1", "21": "12345", "17": "180426"},
        ),
        (
            "https://id.gs1.org/01/09520123456788?3103=000195",
            {"01": "09520123456788", "3103": "000195"},
        ),
        (
            "https://example.com/01/09520123456788?3103=000195&3922=0299&17=201225",
            {"01": "09520123456788", "3103": "000195", "3922": "0299", "17": "201225"},
        ),
        # [SYNTAX] dl.c: zero-suppressed GTINs in the path ("Permit 0-supp").
        ("https://brand.example.com/01/9520123456788", {"01": "09520123456788"}),
        ("https://a/01/416000336108", {"01": "00416000336108"}),
        ("https://a/01/02345673", {"01": "00000002345673"}),
        # [BWIPP] examples.
        (
            "https://id.gs1.org/01/09521234543213/10/ABC123?17=261231",
            {"01": "09521234543213", "10": "ABC123", "17": "261231"},
        ),
        # The GTIN of [SYNTAX] gs1encoders.h with an encoded "/".
        (
            "https://example.com/01/09506000134352/10/ABC%2F123",
            {"01": GTIN, "10": "ABC/123"},
        ),
        (
            "https://id.gs1.org/01/09506000134352/10/ABC123?17=201225",
            {"01": GTIN, "10": "ABC123", "17": "201225"},
        ),
        # [SYNTAX] dl.c: lowercase hex ("XYZ%2f987"), "+" is "+" in the path.
        (
            "https://a/01/12312312312333/10/ABC%2d123",
            {"01": "12312312312333", "10": "ABC-123"},
        ),
        (
            "https://a/01/12312312312333/21/XYZ%2f987",
            {"01": "12312312312333", "21": "XYZ/987"},
        ),
        (
            "https://a/01/12312312312333/10/ABC+123",
            {"01": "12312312312333", "10": "ABC+123"},
        ),
        # Unencoded sub-delimiters are allowed in a path segment (RFC 3986).
        (
            "https://a/01/12312312312333/10/A!'()*,;:=B",
            {"01": "12312312312333", "10": "A!'()*,;:=B"},
        ),
        # [SYNTAX] dl.c: fragments are ignored, also empty ones.
        (
            "https://a/01/12312312312333/10/abc/21/xyz#fragment",
            {"01": "12312312312333", "10": "abc", "21": "xyz"},
        ),
        ("https://a/01/12312312312333/10/abc#", {"01": "12312312312333", "10": "abc"}),
        (
            "https://a/01/12312312312333?17=201225#frag",
            {"01": "12312312312333", "17": "201225"},
        ),
        # [SYNTAX] dl.c: empty query, extraneous separators, non-AI parameters
        # and singletons are ignored; [BIIP] "?foo=bar" ignored.
        ("https://a/01/12312312312333?", {"01": "12312312312333"}),
        (
            "https://a/01/12312312312333?&&&17=201225&&&&&&linkType=gs1:pip&&&",
            {"01": "12312312312333", "17": "201225"},
        ),
        ("https://id.gs1.org/01/00614141123452?foo=bar", {"01": "00614141123452"}),
        (
            "https://a/01/12312312312333?singleton&17=201225",
            {"01": "12312312312333", "17": "201225"},
        ),
        # Other schemes, ports, IPs and no scheme at all.
        ("HTTPS://a:65535/01/12312312312333", {"01": "12312312312333"}),
        ("http://192.0.2.1/01/12312312312333", {"01": "12312312312333"}),
        ("https://[2001:db8::1]/01/12312312312333", {"01": "12312312312333"}),
        ("example.com/01/12312312312333", {"01": "12312312312333"}),
        ("/01/12312312312333/10/L", {"01": "12312312312333", "10": "L"}),
    ],
)
def test_parse_digital_link(uri, expected):
    result = gs1.parse_digital_link(uri)
    assert result == expected
    assert list(result) == list(expected)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        # [BIIP] "Custom domain and path prefix, with unpadded GTIN-12".
        ("https://example.com/foo/01/614141123452", {"01": "00614141123452"}),
        # [BWIPP] "https://example.com/products/01/09521234543213".
        ("https://example.com/products/01/09521234543213", {"01": "09521234543213"}),
        # [SYNTAX] dl.c "https://brand.example.com/some-extra/pathinfo/01/...".
        (
            "https://brand.example.com/some-extra/pathinfo/01/9520123456788",
            {"01": "09520123456788"},
        ),
        # [SYNTAX] dl.c "Fake AI in stem, stop at rightmost key".
        (
            "https://a/01/faux/01/12312312312333/10/L1",
            {"01": "12312312312333", "10": "L1"},
        ),
        ("https://a/gtin/x/gtin/y/01/12312312312333", {"01": "12312312312333"}),
        # A lot or serial that reads "01" is a value, not the key.
        (
            "https://a/stem/01/12312312312333/10/01/21/01",
            {"01": "12312312312333", "10": "01", "21": "01"},
        ),
    ],
)
def test_parse_digital_link_path_prefix(uri, expected):
    assert gs1.parse_digital_link(uri) == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        # [SYNTAX] gs1encoders.h "https://example.com/gtin/09506000134352/lot/A1".
        ("https://example.com/gtin/09506000134352/lot/A1", {"01": GTIN, "10": "A1"}),
        # [SYNTAX] dl.c convenience alphas "https://a/gtin/12312312312333/ser/ABC123".
        (
            "https://a/gtin/12312312312333/ser/ABC123",
            {"01": "12312312312333", "21": "ABC123"},
        ),
        # [DLTK] README "http://example.org/gtin/054123450013/lot/ABC%26%2B123
        # ?3103=000189&3923=2172" -> (01)00054123450013(10)ABC&+123(3103)000189
        # (3923)2172.
        (
            (
                ""
                "http://example.org/gtin/054123450013/lot/ABC%26%2B123?3103=000189&3923=2172"
            ),
            {
                "01": "00054123450013",
                "10": "ABC&+123",
                "3103": "000189",
                "3923": "2172",
            },
        ),
        # Aliases in the query string, mixed with numeric AIs.
        (
            "https://a/gtin/12312312312333/lot/L1/21/S1?exp=201225",
            {"01": "12312312312333", "10": "L1", "21": "S1", "17": "201225"},
        ),
        (
            "https://a/01/12312312312333?lot=L%2F1&ser=S1&exp=261200",
            {"01": "12312312312333", "10": "L/1", "21": "S1", "17": "261200"},
        ),
    ],
)
def test_parse_digital_link_aliases(uri, expected):
    assert gs1.parse_digital_link(uri) == expected


DIGITAL_LINK_ROUND_TRIPS = [
    ("https://id.gs1.org", GTIN, None, None, None),
    ("https://id.gs1.org", GTIN, "ABC123", None, "201225"),
    ("https://example.com/", GTIN, "ABC/123", None, None),
    (
        "https://example.com/a/b",
        "4006381333931",
        "L%1",
        "S&2",
        datetime.date(2028, 2, 29),
    ),
    ("https://example.com", "02345673", None, "!\"%&'()*+,-./:;<=>?_", None),
    ("https://example.com", "416000336108", "A" * 20, "z" * 20, "991231"),
]


@pytest.mark.parametrize(
    ("base", "gtin", "lot", "serial", "expiry"), DIGITAL_LINK_ROUND_TRIPS
)
def test_digital_link_round_trips(base, gtin, lot, serial, expiry):
    uri = gs1.digital_link(base, gtin, lot=lot, serial=serial, expiry=expiry)
    expected = {"01": gs1.to_gtin14(gtin)}
    if lot is not None:
        expected["10"] = lot
    if serial is not None:
        expected["21"] = serial
    if expiry is not None:
        expected["17"] = gs1.validate("17", expiry)
    assert gs1.parse_digital_link(uri) == expected
    # The same elements as an element string and as barcode data.
    elements = list(expected.items())
    assert gs1.parse(gs1.element_string(elements)) == elements
    data = gs1.barcode_data(elements)
    assert dict(gs1.parse(data)) == expected


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("", "Digital Link URI must be a non-empty string, got ''"),
        (None, "Digital Link URI must be a non-empty string, got None"),
        # [SYNTAX] dl.c: no path info / no AI info.
        ("http://a", "Digital Link URI 'http://a' has no /01/ (GTIN) path segment"),
        (
            "http://a/b/",
            "Digital Link URI 'http://a/b/' has no /01/ (GTIN) path segment",
        ),
        # [BIIP] "A primary identifier in the path is required".
        (
            "http://example.com/foo/123",
            "Digital Link URI 'http://example.com/foo/123'" + NO_KEY,
        ),
        # An SSCC key: this module only reads GTIN Digital Links.
        (
            "https://id.gs1.org/00/106141411234567897",
            "Digital Link URI 'https://id.gs1.org/00/106141411234567897'" + NO_KEY,
        ),
        (
            "https://a/01?01=12312312312333",
            ODD_SEGMENTS + "'01'",
        ),
        (
            "https://a/gtin",
            ODD_SEGMENTS + "'gtin'",
        ),
        # [BIIP] "The path must contain an even number of segments".
        (
            "https://example.com/foo/01/614141123452/123",
            ODD_SEGMENTS + "'01/614141123452/123'",
        ),
        # [SYNTAX] dl.c "Can't end in slash", empty AI value in path.
        (
            "https://a/01/12312312312333/",
            ODD_SEGMENTS + "'01/12312312312333/'",
        ),
        (
            "https://a/01//12312312312333",
            ODD_SEGMENTS + "'01//12312312312333'",
        ),
        (
            "https://a/01/12312312312333/10/",
            "AI (10): empty value in the Digital Link path",
        ),
        ("https://a/01//10/L", "AI (01): empty value in the Digital Link path"),
        # Bad GTINs.
        (
            "https://example.com/01/09506000134353",
            "AI (01): '09506000134353' has an invalid check digit 3 (expected 2)",
        ),
        (
            "https://example.com/01/0950600013435",
            "AI (01): '0950600013435' has an invalid check digit 5 (expected 9)",
        ),
        (
            "https://example.com/01/123456789",
            "AI (01): '123456789' must have 8, 12, 13 or 14 digits (got 9)",
        ),
        ("https://example.com/01/ABC", "AI (01): 'ABC' must contain only digits 0-9"),
        # Lot and serial values.
        (
            "https://example.com/01/09506000134352/10/" + "L" * 21,
            f"AI (10): {'L' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        (
            "https://example.com/01/09506000134352/21/" + "S" * 21,
            f"AI (21): {'S' * 21!r} must be 1 to 20 characters long (got 21)",
        ),
        (
            "https://example.com/01/09506000134352/10/A%20B",
            "AI (10): 'A B' contains characters outside GS1 character set 82: ' '",
        ),
        (
            "https://example.com/01/09506000134352/10/A%23B",
            "AI (10): 'A#B' contains characters outside GS1 character set 82: '#'",
        ),
        (
            "https://example.com/01/09506000134352/10/A~B",
            "AI (10): 'A~B' contains characters outside GS1 character set 82: '~'",
        ),
        (
            "https://example.com/01/09506000134352/10/%C3%A9",
            "AI (10): 'Ã©' contains characters outside GS1 character set 82: 'Ã', '©'",
        ),
        # [SYNTAX] dl.c percent-encoded NUL.
        (
            "https://a/01/12312312312333/10/ABC%00DEF",
            (
                "AI (10): 'ABC\\x00DEF' contains characters outside GS1 character set "
                "82: '\\x00'"
            ),
        ),
        # Malformed percent-encoding ([SYNTAX] dl.c URIunescape "ABC%2", "A%4gB").
        (
            "https://a/01/12312312312333/10/ABC%2",
            "AI (10): malformed percent-encoding in 'ABC%2'",
        ),
        (
            "https://a/01/12312312312333/10/A%4gB",
            "AI (10): malformed percent-encoding in 'A%4gB'",
        ),
        (
            "https://a/01/12312312312333/21/100%",
            "AI (21): malformed percent-encoding in '100%'",
        ),
        (
            "https://a/01/1231231231233%3",
            "AI (01): malformed percent-encoding in '1231231231233%3'",
        ),
        # Unknown path AIs: [BIIP] "15" is not a valid qualifier for a GTIN;
        # [SYNTAX] dl.c "https://a/01/12312312312333/99/ABC"; (22) is a GS1
        # qualifier that this module does not support; "exp" is not a qualifier.
        (
            "https://id.gs1.org/01/614141123452/15/20250324",
            "AI (15): " + BAD_QUALIFIER,
        ),
        (
            "https://a/01/12312312312333/99/ABC",
            "AI (99): " + BAD_QUALIFIER,
        ),
        (
            "https://a/01/12312312312333/22/TEST/10/ABC",
            "AI (22): " + BAD_QUALIFIER,
        ),
        (
            "https://a/01/12312312312333/exp/201225",
            "AI (exp): " + BAD_QUALIFIER,
        ),
        # Key qualifier order 22, 10, 21: [BIIP] "10" is not valid after "21".
        (
            "https://id.gs1.org/01/01234567890128/21/12345XYZ/10/ABC123",
            (
                "AI (10): must not follow AI (21) in the Digital Link path (GS1 key "
                "qualifier order is 22, 10, 21)"
            ),
        ),
        (
            "https://a/01/12312312312333/lot/A/10/B",
            "AI (10): given twice in the Digital Link path",
        ),
        # Query string: bad values, duplicates ([SYNTAX] dl.c "Forbid duplicate
        # AIs"), empty values ([SYNTAX] dl.c "?99=").
        (
            "https://a/01/12312312312333?17=201325",
            "AI (17): '201325' is not a valid YYMMDD date: month 13 is not 01 to 12",
        ),
        (
            "https://a/01/12312312312333?exp=2012",
            "AI (17): '2012' must be exactly 6 digits",
        ),
        (
            "https://a/01/12312312312333?17=",
            "AI (17): empty value in the Digital Link query string",
        ),
        (
            "https://a/01/12312312312333?17",
            "AI (17): no value in the Digital Link query string",
        ),
        (
            "https://a/01/12312312312333?17=201225&exp=201225",
            "AI (17): given twice in the Digital Link URI",
        ),
        (
            "https://id.gs1.org/01/09520123456788/10/ABC123?10=ABC123",
            "AI (10): given twice in the Digital Link URI",
        ),
        (
            "https://id.gs1.org/01/09520123456788?01=09520123456788",
            "AI (01): given twice in the Digital Link URI",
        ),
        (
            "https://a/01/12312312312333?lot=A+B",
            "AI (10): 'A B' contains characters outside GS1 character set 82: ' '",
        ),
        (
            "https://a/01/12312312312333?3103=00189",
            "AI (3103): '00189' must be exactly 6 digits",
        ),
        (
            "https://a/01/12312312312333?99=A%20B",
            "AI (99): 'A B' contains characters outside GS1 character set 82: ' '",
        ),
        (
            "https://a/01/12312312312333?99=" + "X" * 91,
            f"AI (99): {'X' * 91!r} must be 1 to 90 characters long (got 91)",
        ),
        (
            "https://a/01/12312312312333?12345=X",
            (
                "query parameter '12345' is numeric but not a GS1 application "
                "identifier (2 to 4 digits)"
            ),
        ),
    ],
)
def test_parse_digital_link_errors(uri, message):
    assert error_of(gs1.parse_digital_link, uri) == message


def test_parse_digital_link_keeps_other_numeric_query_ais():
    # [SYNTAX] dl.c "https://a/01/12312312312333?99=ABC&unknown=666&98=XYZ".
    uri = "https://a/01/12312312312333?99=ABC&unknown=666&98=XYZ%2f987"
    assert gs1.parse_digital_link(uri) == {
        "01": "12312312312333",
        "99": "ABC",
        "98": "XYZ/987",
    }
    # [SYNTAX] dl.c: AI (99) takes up to 90 characters.
    long_value = "A" * 90
    assert gs1.parse_digital_link(f"https://a/01/12312312312333?99={long_value}") == {
        "01": "12312312312333",
        "99": long_value,
    }


# ---------------------------------------------------------------------------
# parse_digital_link(): length limit, linear parsing, round trip
# ---------------------------------------------------------------------------


def test_parse_digital_link_refuses_over_long_uris():
    head = f"https://a/01/{GTIN}/10/A1?x="
    uri = head + "y" * (gs1.DIGITAL_LINK_MAX_LENGTH - len(head))
    assert len(uri) == gs1.DIGITAL_LINK_MAX_LENGTH
    assert gs1.parse_digital_link(uri) == {"01": GTIN, "10": "A1"}
    assert error_of(gs1.parse_digital_link, uri + "y") == (
        f"Digital Link URI of {gs1.DIGITAL_LINK_MAX_LENGTH + 1} characters is too "
        f"long (at most {gs1.DIGITAL_LINK_MAX_LENGTH})"
    )
    # Refused before it is read: a 65 KB path of "01" segments.
    message = error_of(gs1.parse_digital_link, "/01" * 21_800)
    assert message.startswith("Digital Link URI of 65400 characters is too long")


def test_parse_digital_link_tries_a_bounded_number_of_keys(monkeypatch):
    """A path of many "01" segments is read in one pass: only the "01" among the
    last six segments can be the key (10 and 21 come at most once each), plus the
    first one, tried for the error message."""
    calls = []
    parse_path = gs1._parse_dl_path

    def counting_parse_path(segments):
        calls.append(len(segments))
        return parse_path(segments)

    monkeypatch.setattr(gs1, "_parse_dl_path", counting_parse_path)
    # Under the length limit, then 65 KB past the public entry point.
    for uri in ("/01" * 682, "/01" * 21_800):
        calls.clear()
        with pytest.raises(GS1Error) as excinfo:
            gs1._parse_dl_key_and_qualifiers(uri)
        assert len(calls) <= 4
        # The error of the leftmost "01", as when every "01" was tried.
        assert str(excinfo.value) == error_of(parse_path, uri.split("/")[1:])
    calls.clear()
    prefix = "/01/x" * 400
    assert gs1._parse_dl_key_and_qualifiers(f"{prefix}/01/{GTIN}/10/01/21/01") == {
        "01": GTIN,
        "10": "01",
        "21": "01",
    }
    assert len(calls) <= 4
    # The same URIs as before: the rightmost valid key, the leftmost's error.
    assert gs1.parse_digital_link(f"https://a/01/01/{GTIN}/lot/01") == {
        "01": GTIN,
        "10": "01",
    }


def _with_check_digit(digits):
    return digits + gs1.check_digit(digits)


GTINS = (
    st.sampled_from([7, 11, 12, 13])
    .flatmap(lambda size: st.text("0123456789", min_size=size, max_size=size))
    .map(_with_check_digit)
)
GS1_VALUES = st.text(sorted(gs1.CHARSET_82), min_size=1, max_size=20)
BASE_URLS = st.lists(
    st.sampled_from(["01", "gtin", "10", "lot", "21", "ser", "x", "%41"]), max_size=6
).map(lambda segments: "/".join(["https://id.example.com", *segments]))


@settings(deadline=None, max_examples=300)
@given(
    base_url=BASE_URLS,
    gtin=GTINS,
    lot=st.none() | GS1_VALUES,
    serial=st.none() | GS1_VALUES,
    expiry=st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)),
)
def test_parse_digital_link_reads_back_what_digital_link_builds(
    base_url, gtin, lot, serial, expiry
):
    uri = gs1.digital_link(base_url, gtin, lot=lot, serial=serial, expiry=expiry)
    expected = {"01": gtin.zfill(14)}
    if lot is not None:
        expected["10"] = lot
    if serial is not None:
        expected["21"] = serial
    if expiry is not None:
        expected["17"] = expiry.strftime("%y%m%d")
    assert gs1.parse_digital_link(uri) == expected
