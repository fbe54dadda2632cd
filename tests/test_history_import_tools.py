# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of quality_traceability/tools/history_import.py: the templates of the
Import Trace History wizard, header recognition, cell parsing and the error
report, without Odoo."""

import datetime
import io

import openpyxl
import pytest
from conftest import load_tools_module
from hypothesis import given, settings
from hypothesis import strategies as st

history = load_tools_module("history_import")


def sheet_of(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------


def test_every_kind_has_english_and_chinese_headers():
    for kind in history.KINDS:
        english = history.headers_of(kind, "en")
        chinese = history.headers_of(kind, "zh")
        assert len(set(english)) == len(english)
        assert len(set(chinese)) == len(chinese)
        assert all(text and not text.isascii() for text in chinese)


@pytest.mark.parametrize("kind", history.KINDS)
def test_headers_in_either_language_any_order_any_case(kind):
    english = history.headers_of(kind, "en")
    chinese = history.headers_of(kind, "zh")
    mixed = [
        f"  {text.upper()} " if index % 2 else chinese[index]
        for index, text in enumerate(english)
    ][::-1]
    positions, errors = history.match_headers(kind, mixed)
    assert errors == []
    assert sorted(positions) == sorted(c.key for c in history.TEMPLATES[kind])
    assert history.detect_kind(mixed) == kind
    # Full-width letters and a required-mark are folded too.
    assert history.normalize_header("Ｌｏｔ/Serial  Number *") == "lot/serialnumber"


def test_header_problems_are_reported():
    positions, errors = history.match_headers(
        "links", ["Parent Lot", "Colour", "parent lot", None], sheet="S"
    )
    assert positions == {"parent_lot": 0}
    assert {(e.row, e.column, e.code) for e in errors} == {
        (1, "Colour", "unknown_column"),
        (1, "parent lot", "duplicate_column"),
        (1, "Child Lot", "missing_column"),
    }


def test_detect_kind_tells_the_kinds_apart():
    assert history.detect_kind(["Lot/Serial Number", "Customer"]) == "shipments"
    assert history.detect_kind(["产品", "批次/序列号"]) == "lots"
    assert (
        history.detect_kind(
            ["Lot/Serial Number", "Control Point", "参数", "值", "日期"]
        )
        == "checks"
    )
    assert history.detect_kind(["Foo", "Bar"]) is None


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            datetime.datetime(2021, 3, 4, 5, 6, 7, 890),
            datetime.datetime(2021, 3, 4, 5, 6, 7),
        ),
        (datetime.date(2021, 3, 4), datetime.datetime(2021, 3, 4)),
        ("2021-03-04", datetime.datetime(2021, 3, 4)),
        ("2021/3/4 17:30", datetime.datetime(2021, 3, 4, 17, 30)),
        ("2021.03.04T08:00:05", datetime.datetime(2021, 3, 4, 8, 0, 5)),
        ("2021年3月4日", datetime.datetime(2021, 3, 4)),
        (44259, datetime.datetime(2021, 3, 4)),  # an Excel serial date
        (44259.75, datetime.datetime(2021, 3, 4, 18, 0)),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(cell, expected):
    assert history.parse_datetime(cell) == expected


@pytest.mark.parametrize(
    "cell", ["04/03/2021", "2021-02-30", "yesterday", True, -1, 3e7]
)
def test_parse_datetime_refuses(cell):
    with pytest.raises(history.CellError) as raised:
        history.parse_datetime(cell)
    assert raised.value.code == "not_a_date"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (3, 3.0),
        (2.5, 2.5),
        ("1,234.5", 1234.5),
        (" 7 ", 7.0),
        ("１２", 12.0),
        ("", None),
    ],
)
def test_parse_number(cell, expected):
    assert history.parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["12kg", "1,2", True, "nan", float("inf")])
def test_parse_number_refuses(cell):
    with pytest.raises(history.CellError):
        history.parse_number(cell)


def test_parse_text():
    assert history.parse_text(1234.0) == "1234"
    assert history.parse_text("  LOT-1 ") == "LOT-1"
    assert history.parse_text("   ") is None
    with pytest.raises(history.CellError):
        history.parse_text("x" * (history.MAX_TEXT + 1))


# ---------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------


def test_parse_rows_reports_every_bad_cell_with_row_and_column():
    rows = [
        ["Parent Lot", "Child Lot", "Quantity", "Date", "Document Reference"],
        ["P1", "C1", 2, "2020-01-02", "WO1"],
        [None, None, None, None, None],  # skipped, still counted
        ["P1", None, "two", "2020-13-01", "WO2"],
        ["P2", "C2", -1, None, None, "stray"],
    ]
    parsed = history.parse_rows("links", rows, sheet="Links")
    assert parsed.rows == [
        (
            2,
            {
                "parent_lot": "P1",
                "child_lot": "C1",
                "quantity": 2.0,
                "date": datetime.datetime(2020, 1, 2),
                "reference": "WO1",
            },
        )
    ]
    assert {(e.row, e.column, e.code) for e in parsed.errors} == {
        (4, "Child Lot", "required"),
        (4, "Quantity", "not_a_number"),
        (4, "Date", "not_a_date"),
        (5, "Quantity", "negative"),
        (5, "#6", "unknown_column"),
    }
    error = next(e for e in parsed.errors if e.code == "not_a_number")
    assert error.message() == "Not a number: two."


def test_missing_required_column_stops_the_sheet():
    parsed = history.parse_rows("shipments", [["Lot/Serial Number"], ["L1"]])
    assert parsed.rows == []
    assert [(e.column, e.code) for e in parsed.errors] == [
        ("Customer", "missing_column")
    ]


def test_read_workbook_tells_each_sheet_kind():
    data = history.template_xlsx(
        ["lots", "shipments"],
        language="zh",
        rows={
            "lots": [["P-1", "L-1", datetime.datetime(2020, 5, 6), None, "V-1"]],
            "shipments": [[None, "L-1", "Cust", "2020-05-07", 3, "DN1"]],
        },
    )
    sheets = history.read_workbook(data)
    assert [(s.title, s.kind) for s in sheets] == [
        ("批次", "lots"),
        ("发货", "shipments"),
    ]
    assert sheets[0].rows == [
        (
            2,
            {
                "product": "P-1",
                "lot": "L-1",
                "produced_date": datetime.datetime(2020, 5, 6),
                "expiration_date": None,
                "vendor_lot": "V-1",
            },
        )
    ]
    assert sheets[1].rows[0][1]["quantity"] == 3.0


def test_read_workbook_refuses_what_is_no_workbook():
    with pytest.raises(history.CellError) as raised:
        history.read_workbook(b"PK\x03\x04 not really")
    assert raised.value.code == "bad_file"


def test_unknown_sheet_is_an_error():
    data = history.workbook_xlsx([("Other", ["Foo", "Bar"], [[1, 2]])])
    (sheet,) = history.read_workbook(data)
    assert sheet.kind is None
    assert sheet.errors[0].code == "unknown_sheet"


def test_error_report():
    errors = [
        history.RowError("S", 7, "Date", "not_a_date", (("value", "x"),)),
        history.RowError("S", 3, "Lot", "required", ()),
    ]
    worksheet = sheet_of(history.error_report_xlsx(errors)).active
    assert [list(row) for row in worksheet.iter_rows(values_only=True)] == [
        ["Sheet", "Row", "Column", "Reason"],
        ["S", 3, "Lot", "A value is required."],
        [
            "S",
            7,
            "Date",
            "Not a date (YYYY-MM-DD [HH:MM[:SS]] or a date cell): x.",
        ],
    ]


# ---------------------------------------------------------------------------
# Round trip: a template filled in and read back gives the values written.
# ---------------------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")
    ),
    min_size=1,
    max_size=30,
).filter(
    # Excel writes a literal "_xHHHH_" escaped, openpyxl does not: left out.
    lambda text: text.strip() == text
    and text[0] not in "="
    and not history._ESCAPE_RE.search(text)
)
moments = st.datetimes(
    min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(9998, 12, 31)
).map(lambda moment: moment.replace(microsecond=0))
quantities = st.floats(min_value=0, max_value=1e9, allow_nan=False).map(
    lambda number: round(number, 4)
)
link_rows = st.lists(
    st.tuples(texts, texts, texts, texts, quantities, moments, texts),
    min_size=1,
    max_size=20,
)


@settings(max_examples=30, deadline=None)
@given(rows=link_rows, language=st.sampled_from(["en", "zh"]))
def test_round_trip_links(rows, language):
    data = history.template_xlsx(["links"], language=language, rows={"links": rows})
    (sheet,) = history.read_workbook(data)
    assert sheet.errors == []
    keys = [column.key for column in history.TEMPLATES["links"]]
    expected = [
        dict(
            zip(
                keys,
                (history.parse_text(v) if isinstance(v, str) else v for v in row),
                strict=True,
            )
        )
        for row in rows
    ]
    assert [values for _number, values in sheet.rows] == expected
    assert [number for number, _values in sheet.rows] == list(range(2, len(rows) + 2))


@settings(max_examples=50, deadline=None)
@given(moment=moments)
def test_round_trip_excel_serial(moment):
    assert history.from_excel_serial(history.to_excel_serial(moment)) == moment


@settings(max_examples=50, deadline=None)
@given(moment=moments, separator=st.sampled_from(["-", "/", "."]))
def test_round_trip_text_dates(moment, separator):
    text = moment.strftime(f"%Y{separator}%m{separator}%d %H:%M:%S")
    assert history.parse_datetime(text) == moment


@settings(max_examples=50, deadline=None)
@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_round_trip_numbers(number):
    assert history.parse_number(repr(number)) == number
    assert history.parse_number(number) == number


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("PASS", "pass"),
        (" ok ", "pass"),
        ("合格", "pass"),
        ("NG", "fail"),
        ("不合格", "fail"),
        (None, None),
    ],
)
def test_parse_pass_fail(cell, expected):
    assert history.parse_pass_fail(cell) == expected


def test_parse_pass_fail_refuses():
    with pytest.raises(history.CellError) as raised:
        history.parse_pass_fail("maybe")
    assert raised.value.code == "not_pass_fail"


# ---------------------------------------------------------------------------
# The benchmark's generator (tests/bench/bench_import.py)
# ---------------------------------------------------------------------------


def test_bench_generator(tmp_path):
    import bench_import

    generated = bench_import.generate(rows=1000)
    assert generated == bench_import.generate(rows=1000), "deterministic"
    assert {kind: len(rows) for kind, rows in generated.items()} == {
        "lots": 200,
        "links": 400,
        "shipments": 400,
    }
    names = {row[1] for row in generated["lots"]}
    assert len(names) == 200
    assert all(row[1] in names and row[3] in names for row in generated["links"])
    keys = {(row[1], row[2], row[6]) for row in generated["links"]}
    assert len(keys) == 400
    shipment_keys = {(row[1], row[2], row[5]) for row in generated["shipments"]}
    assert len(shipment_keys) == 400
    lots, shipments = bench_import.ground_truth(generated, generated["lots"][0][1])
    assert generated["lots"][0][1] in lots and len(lots) > 1
    assert all(lot in lots for lot, _customer, _ref in shipments)
    paths = bench_import.write_files(generated, tmp_path)
    for kind in ("lots", "links", "shipments"):
        (sheet,) = history.read_workbook(paths[kind].read_bytes())
        assert sheet.kind == kind
        assert sheet.errors == []
        assert len(sheet.rows) == len(generated[kind])


def test_read_workbook_keeps_row_numbers_across_gaps_and_leading_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Links"
    sheet["B3"] = "Parent Lot"
    sheet["C3"] = "Child Lot"
    sheet["D3"] = "Date"
    sheet["B4"] = "P1"
    sheet["C4"] = "C1"
    sheet["D4"] = datetime.date(2021, 5, 6)
    sheet["D4"].number_format = "yyyy/mm/dd"
    sheet["B9"] = "P2"  # rows 5 to 8 missing from the file; no child lot
    sheet["D9"] = 44322.5  # a serial date in a General cell
    stream = io.BytesIO()
    workbook.save(stream)
    (parsed,) = history.read_workbook(stream.getvalue())
    assert parsed.kind == "links"
    assert parsed.rows == [
        (
            4,
            {
                "parent_lot": "P1",
                "child_lot": "C1",
                "date": datetime.datetime(2021, 5, 6),
            },
        )
    ]
    assert [(e.row, e.column, e.code) for e in parsed.errors] == [
        (9, "Child Lot", "required")
    ]


@pytest.mark.parametrize(
    ("code", "is_date"),
    [
        ("yyyy-mm-dd", True),
        ("[$-409]d-mmm-yy;@", True),
        ("h:mm:ss", True),
        ("0.00", False),
        ('0.0 "days"', False),
        ("[Red]#,##0", False),
        ("General", False),
    ],
)
def test_date_formats(code, is_date):
    assert history._is_date_format(code) is is_date


def test_escaped_characters_are_read_back():
    assert history._unescape("LOT_x000D_1") == "LOT\r1"
    assert history._unescape("A_B") == "A_B"
