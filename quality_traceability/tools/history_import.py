# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Spreadsheets of the trace history kept before go-live: the templates of the
Import Trace History wizard, the reading of a filled-in workbook and the error
report.

Four kinds of sheets, each with its columns (``TEMPLATES``):

- ``lots``: product (default code or barcode), lot or serial number, dates,
  vendor lot;
- ``links``: parent lot -> child lot (lot made from lot), quantity, date,
  document reference;
- ``shipments``: lot -> customer, date, quantity, document reference;
- ``checks``: one measured value of a check: lot, control point, parameter,
  value, date.

Headers are recognised in English or Chinese, in any order, whatever their
case and spaces. A workbook may hold several sheets: each sheet's kind is told
by its headers. Cells are parsed here (text, numbers, dates, Excel serial
dates); the database checks (does the product exist?) are the wizard's. Every
problem is a ``RowError``: sheet, row number as the spreadsheet shows it,
column header, and a reason code with its parameters (``MESSAGES`` holds the
English text; the wizard translates).

Nothing here imports odoo: tested by tests/test_history_import_tools.py.
"""

import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections import namedtuple
from xml.etree import ElementTree as ET

KINDS = ("lots", "links", "shipments", "checks")

#: One column of a template: ``key`` names it in the code, ``english`` and
#: ``chinese`` are the header texts, ``type`` is text, number or datetime.
Column = namedtuple("Column", "key english chinese type required")

TEMPLATES = {
    "lots": (
        Column("product", "Product", "产品", "text", True),
        Column("lot", "Lot/Serial Number", "批次/序列号", "text", True),
        Column("produced_date", "Production Date", "生产日期", "datetime", False),
        Column("expiration_date", "Expiration Date", "失效日期", "datetime", False),
        Column("vendor_lot", "Vendor Lot", "供应商批次", "text", False),
    ),
    "links": (
        Column("parent_product", "Parent Product", "父产品", "text", False),
        Column("parent_lot", "Parent Lot", "父批次", "text", True),
        Column("child_product", "Child Product", "子产品", "text", False),
        Column("child_lot", "Child Lot", "子批次", "text", True),
        Column("quantity", "Quantity", "数量", "number", False),
        Column("date", "Date", "日期", "datetime", False),
        Column("reference", "Document Reference", "单据编号", "text", False),
    ),
    "shipments": (
        Column("product", "Product", "产品", "text", False),
        Column("lot", "Lot/Serial Number", "批次/序列号", "text", True),
        Column("customer", "Customer", "客户", "text", True),
        Column("date", "Date", "日期", "datetime", False),
        Column("quantity", "Quantity", "数量", "number", False),
        Column("reference", "Document Reference", "单据编号", "text", False),
    ),
    "checks": (
        Column("product", "Product", "产品", "text", False),
        Column("lot", "Lot/Serial Number", "批次/序列号", "text", True),
        Column("control_point", "Control Point", "控制点", "text", True),
        Column("parameter", "Parameter", "参数", "text", True),
        Column("value", "Value", "值", "any", True),
        Column("date", "Date", "日期", "datetime", True),
        Column("reference", "Document Reference", "单据编号", "text", False),
    ),
}

#: Sheet titles of the templates.
SHEET_TITLES = {
    "en": {
        "lots": "Lots",
        "links": "Genealogy Links",
        "shipments": "Shipments",
        "checks": "Check Results",
    },
    "zh": {
        "lots": "批次",
        "links": "谱系关系",
        "shipments": "发货",
        "checks": "检验结果",
    },
}

#: English text of each reason code (the wizard has them translated).
MESSAGES = {
    "unknown_column": "Unknown column.",
    "duplicate_column": "The column appears twice.",
    "missing_column": "Required column missing.",
    "unknown_sheet": "No template has these column headers.",
    "required": "A value is required.",
    "not_a_number": "Not a number: %(value)s.",
    "not_a_date": "Not a date (YYYY-MM-DD [HH:MM[:SS]] or a date cell): %(value)s.",
    "negative": "The quantity cannot be negative.",
    "too_long": "At most %(size)s characters.",
    "bad_file": "The file is not an Excel workbook (.xlsx).",
    "not_pass_fail": (
        "Not a pass/fail result (pass, fail, OK, NG, 合格, 不合格): %(value)s."
    ),
}

#: Words of a pass/fail result, case-folded.
PASS_WORDS = frozenset(("pass", "passed", "ok", "p", "yes", "y", "合格", "通过"))
FAIL_WORDS = frozenset(
    ("fail", "failed", "ng", "nok", "f", "no", "n", "不合格", "不通过")
)

#: Longest text accepted in a cell (names, references).
MAX_TEXT = 256
#: Excel's day 0 (its serial dates count from here; 1900 date system, with
#: Lotus' 29 February 1900 absorbed by starting on 30 December 1899).
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
#: Largest Excel serial date (31 December 9999).
EXCEL_MAX_SERIAL = 2958465

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$"
)


class RowError(namedtuple("RowError", "sheet row column code params")):
    """One problem of a workbook: ``row`` as the spreadsheet numbers it (0
    when the whole sheet is concerned), ``column`` the
    header text (empty when the whole row is concerned)."""

    __slots__ = ()

    def message(self, messages=None):
        text = (messages or MESSAGES).get(self.code, self.code)
        return text % dict(self.params) if self.params else text


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------


def normalize_header(text):
    """The header as compared: NFKC (full-width letters and spaces folded),
    case-folded, without spaces, underscores, hyphens or required-marks."""
    text = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    return re.sub(r"[\s_\-*:：]+", "", text).casefold()


def _header_keys(kind):
    """Normalised header text -> column key of ``kind`` (both languages and
    the key itself)."""
    keys = {}
    for column in TEMPLATES[kind]:
        for text in (column.key, column.english, column.chinese):
            keys[normalize_header(text)] = column.key
    return keys


def match_headers(kind, header_row, sheet="", row=1):
    """``(positions, errors)``: the column key -> cell index of ``header_row``
    for ``kind``, and the header problems (unknown or repeated column, missing
    required column). Empty header cells are ignored."""
    keys = _header_keys(kind)
    positions, errors = {}, []
    for index, text in enumerate(header_row):
        if text is None or not str(text).strip():
            continue
        key = keys.get(normalize_header(text))
        if key is None:
            errors.append(RowError(sheet, row, str(text), "unknown_column", ()))
        elif key in positions:
            errors.append(RowError(sheet, row, str(text), "duplicate_column", ()))
        else:
            positions[key] = index
    for column in TEMPLATES[kind]:
        if column.required and column.key not in positions:
            errors.append(RowError(sheet, row, column.english, "missing_column", ()))
    return positions, errors


def detect_kind(header_row):
    """The kind whose required headers are all in ``header_row`` and which
    recognises the most of them; None when no kind fits."""
    best, best_score = None, 0
    for kind in KINDS:
        positions, errors = match_headers(kind, header_row)
        if any(error.code == "missing_column" for error in errors):
            continue
        score = len(positions) - len(errors)
        if best is None or score > best_score:
            best, best_score = kind, score
    return best


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


def parse_text(value):
    """A cell as stripped text; None when empty. Whole numbers lose Excel's
    ``.0`` (a lot number typed as 1234 reads "1234")."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = str(value).upper()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.isoformat(sep=" ")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        raise CellError("too_long", size=MAX_TEXT)
    return text


def parse_number(value):
    """A cell as a float; None when empty. Text numbers take a decimal point
    and may group thousands with commas or spaces."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError("not_a_number", value=str(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text:
            return None
        cleaned = re.sub(r"(?<=\d)[,\s](?=\d{3}\b)", "", text)
        try:
            number = float(cleaned)
        except ValueError as error:
            raise CellError("not_a_number", value=text) from error
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError("not_a_number", value=str(value))
    return number


def from_excel_serial(serial):
    """The datetime of an Excel serial date (days since 30 December 1899, the
    fraction being the time of day), to the second."""
    if not 0 < serial <= EXCEL_MAX_SERIAL:
        raise CellError("not_a_date", value=str(serial))
    seconds = round(serial * 86400)
    return EXCEL_EPOCH + datetime.timedelta(seconds=seconds)


def to_excel_serial(moment):
    """The Excel serial date of a datetime (inverse of ``from_excel_serial``)."""
    delta = moment - EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


def parse_datetime(value):
    """A cell as a naive datetime (to the second); None when empty. Date and
    datetime cells, Excel serial numbers (a date column formatted as a number)
    and text as YYYY-MM-DD [HH:MM[:SS]] (also with / or . between the parts,
    or 年月日)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, bool):
        raise CellError("not_a_date", value=str(value))
    if isinstance(value, int | float):
        return from_excel_serial(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _DATE_RE.match(text)
    if not match:
        raise CellError("not_a_date", value=text)
    try:
        return datetime.datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["H"] or 0),
            int(match["M"] or 0),
            int(match["S"] or 0),
        )
    except ValueError as error:
        raise CellError("not_a_date", value=text) from error


def parse_any(value):
    """A cell kept as typed: a number stays a number, text is stripped."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return parse_text(value)


def parse_pass_fail(value):
    """A cell as ``"pass"`` or ``"fail"``; None when empty."""
    text = parse_text(value)
    if text is None:
        return None
    word = unicodedata.normalize("NFKC", text).casefold()
    if word in PASS_WORDS:
        return "pass"
    if word in FAIL_WORDS:
        return "fail"
    raise CellError("not_pass_fail", value=text)


PARSERS = {
    "text": parse_text,
    "number": parse_number,
    "datetime": parse_datetime,
    "any": parse_any,
}


# ---------------------------------------------------------------------------
# Sheets and workbooks
# ---------------------------------------------------------------------------

#: One sheet read: its kind, its rows as (row number, {key: value}), the
#: problems of its cells and its headers as ((key, header text), ...).
ParsedSheet = namedtuple(
    "ParsedSheet", "title kind rows errors headers", defaults=((),)
)


def parse_rows(kind, rows, sheet=""):
    """Parse the rows of a sheet of ``kind`` (row 1 first; the first non-empty
    row holds the headers):
    a ``ParsedSheet``. Empty rows are skipped; a row with a bad cell is kept
    out of ``rows`` (its errors say why), with all its bad cells reported."""
    numbered = enumerate(rows, start=1)
    header_number, header = 1, ()
    for header_number, header in numbered:  # noqa: B007 (used after the loop)
        if any(cell not in (None, "") for cell in header):
            break
    positions, errors = match_headers(kind, header, sheet, header_number)
    columns = {column.key: column for column in TEMPLATES[kind]}
    headers = {
        key: str(header[index]).strip() if header[index] is not None else key
        for key, index in positions.items()
    }
    parsed = []
    if any(error.code == "missing_column" for error in errors):
        return ParsedSheet(sheet, kind, parsed, errors, tuple(headers.items()))
    # Columns present in the header: (key, index, parser, required, header).
    present = [
        (
            key,
            index,
            PARSERS[columns[key].type],
            columns[key].required,
            headers[key],
        )
        for key, index in positions.items()
    ]
    width = len(header)
    for number, row in numbered:
        if not row or all(cell is None or cell == "" for cell in row):
            continue
        values, row_errors = {}, []
        for key, index, parser, required, text in present:
            cell = row[index] if index < len(row) else None
            try:
                value = parser(cell)
            except CellError as error:
                row_errors.append(
                    RowError(
                        sheet, number, text, error.code, tuple(error.params.items())
                    )
                )
                continue
            if value is None and required:
                row_errors.append(RowError(sheet, number, text, "required", ()))
            elif key == "quantity" and value is not None and value < 0:
                row_errors.append(RowError(sheet, number, text, "negative", ()))
            values[key] = value
        # Cells right of the last header: kept, not silently dropped.
        for index in range(width, len(row)):
            if row[index] not in (None, ""):
                row_errors.append(
                    RowError(sheet, number, f"#{index + 1}", "unknown_column", ())
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed.append((number, values))
    return ParsedSheet(sheet, kind, parsed, errors, tuple(headers.items()))


def read_workbook(data):
    """The sheets of an .xlsx file (bytes) as ``ParsedSheet``s, each sheet's
    kind told by its headers (empty sheets skipped). Raises ``CellError``
    ("bad_file") when the bytes are no workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        worksheets = list(_worksheets(archive))
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError) as error:
        raise CellError("bad_file") from error
    sheets = []
    for title, rows in worksheets:
        leading = []
        try:
            for row in rows:
                leading.append(row)
                if any(cell not in (None, "") for cell in row):
                    break
            if not leading or not any(cell not in (None, "") for cell in leading[-1]):
                continue
            kind = detect_kind(leading[-1])
            if kind is None:
                error = RowError(title, len(leading), "", "unknown_sheet", ())
                sheets.append(ParsedSheet(title, None, [], [error]))
                continue
            sheets.append(parse_rows(kind, itertools.chain(leading, rows), title))
        except (zipfile.BadZipFile, ET.ParseError, ValueError, IndexError) as error:
            raise CellError("bad_file") from error
    return sheets


# ---------------------------------------------------------------------------
# Reading .xlsx (Office Open XML, ISO/IEC 29500) without openpyxl: openpyxl's
# read-only mode took 30 s to read the 100,000 rows of setup/bench.sh import
# (20,000 x 5 + 80,000 x 6-7 cells), this reader about 3 s.
# ---------------------------------------------------------------------------

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Built-in number formats that show dates or times (ECMA-376 part 1,
#: 18.8.30, with the East Asian ones).
_DATE_FORMAT_IDS = frozenset(
    [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)]
)


def _is_date_format(code):
    """Whether a custom number format shows a date or time: a d, m, y, h or s
    outside quoted text, escapes and [colour] / [$-locale] brackets."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code or "")
    code = code.split(";")[0]
    return bool(re.search(r"[dmyhs]", code, re.IGNORECASE))


def _worksheets(archive):
    """(title, rows) of each worksheet of ``archive``, in the workbook's order;
    the rows as tuples of cell values, row 1 first, missing rows as ()."""
    names = set(archive.namelist())
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    relations = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        relation.get("Id"): relation.get("Target")
        for relation in relations.iter(f"{_PACKAGE_REL}Relationship")
    }
    properties = workbook.find(f"{_NS}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    shared = (
        _shared_strings(archive.open("xl/sharedStrings.xml"))
        if "xl/sharedStrings.xml" in names
        else []
    )
    date_styles = (
        _date_styles(ET.fromstring(archive.read("xl/styles.xml")))
        if "xl/styles.xml" in names
        else frozenset()
    )
    for sheet in workbook.iter(f"{_NS}sheet"):
        target = targets[sheet.get(f"{_REL}id")]
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        yield (
            sheet.get("name"),
            _sheet_rows(archive.open(path), shared, date_styles, date1904),
        )


_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text):
    """Text with its ``_xHHHH_`` escapes (characters XML cannot hold, such as
    a carriage return: ECMA-376 part 1, 22.9.2.19) replaced."""
    if "_x" not in text:
        return text
    return _ESCAPE_RE.sub(lambda match: chr(int(match[1], 16)), text)


def _shared_strings(stream):
    strings = []
    for _event, element in ET.iterparse(stream):
        if element.tag == f"{_NS}si":
            # Plain text (t) or rich text runs (r/t); phonetic hints (rPh) left out.
            text = element.find(f"{_NS}t")
            if text is not None:
                text = text.text or ""
            else:
                text = "".join(
                    run.findtext(f"{_NS}t") or "" for run in element.iter(f"{_NS}r")
                )
            strings.append(_unescape(text))
            element.clear()
    return strings


def _date_styles(styles):
    """Indexes of the cell formats (the ``s`` of a cell) that show dates."""
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode")
        for fmt in styles.iter(f"{_NS}numFmt")
    }
    cell_formats = styles.find(f"{_NS}cellXfs")
    dates = set()
    for index, xf in enumerate(cell_formats if cell_formats is not None else ()):
        number_format = int(xf.get("numFmtId", 0))
        if number_format in _DATE_FORMAT_IDS or (
            number_format in custom and _is_date_format(custom[number_format])
        ):
            dates.add(str(index))
    return frozenset(dates)


_DIGITS = "0123456789"


def _column_index(letters):
    """0-based column of the letters of a cell reference ("AB" of "AB12")."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _sheet_rows(stream, shared, date_styles, date1904):
    epoch = datetime.datetime(1904, 1, 1) if date1904 else EXCEL_EPOCH
    columns = {}  # letters of a reference -> column index
    row_tag, cell_tag, value_tag = f"{_NS}row", f"{_NS}c", f"{_NS}v"
    text_tag = f"{_NS}t"
    number = 0
    for _event, element in ET.iterparse(stream):
        if element.tag != row_tag:
            continue
        at = int(element.get("r") or number + 1)
        while number + 1 < at:
            number += 1
            yield ()
        number = at
        cells = []
        for cell in element.iter(cell_tag):
            reference = cell.get("r")
            if reference:
                letters = reference.rstrip(_DIGITS)
                position = columns.get(letters)
                if position is None:
                    position = columns[letters] = _column_index(letters)
            else:
                position = len(cells)
            if position > len(cells):
                cells.extend([None] * (position - len(cells)))
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                value = _unescape(
                    "".join(text.text or "" for text in cell.iter(text_tag))
                )
            else:
                raw = cell.findtext(value_tag)
                if raw is None:
                    value = None
                elif kind == "s":
                    value = shared[int(raw)]
                elif kind == "b":
                    value = raw == "1"
                elif kind in ("str", "e"):
                    value = raw
                else:
                    value = float(raw)
                    if value.is_integer() and "." not in raw and "E" not in raw:
                        value = int(raw)
                    if cell.get("s") in date_styles:
                        value = epoch + datetime.timedelta(
                            seconds=round(float(raw) * 86400)
                        )
            cells.append(value)
        element.clear()
        yield tuple(cells)


def headers_of(kind, language="en"):
    """The header texts of ``kind``'s template."""
    attribute = "chinese" if language == "zh" else "english"
    return [getattr(column, attribute) for column in TEMPLATES[kind]]


def workbook_xlsx(sheets):
    """An .xlsx file (bytes) of ``sheets``: (title, header texts, rows). The
    header row is bold and frozen; datetimes are written as date cells."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        worksheet = workbook.create_sheet(title=title[:31])
        worksheet.freeze_panes = "A2"
        for index, text in enumerate(header):
            letter = openpyxl.utils.get_column_letter(index + 1)
            worksheet.column_dimensions[letter].width = max(14, len(text) * 2)
        cells = []
        for text in header:
            cell = WriteOnlyCell(worksheet, value=text)
            cell.font = bold
            cells.append(cell)
        worksheet.append(cells)
        for row in rows:
            worksheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def template_xlsx(kinds, language="en", rows=None):
    """The template of each kind of ``kinds`` as one workbook (bytes); ``rows``
    maps a kind to rows (lists in the template's column order) to fill in."""
    rows = rows or {}
    titles = SHEET_TITLES["zh" if language == "zh" else "en"]
    return workbook_xlsx(
        [
            (titles[kind], headers_of(kind, language), rows.get(kind, ()))
            for kind in kinds
        ]
    )


def error_report_xlsx(
    errors, headers=("Sheet", "Row", "Column", "Reason"), messages=None
):
    """The error report of a dry run (bytes): one row per error, in the order
    of the file."""
    ordered = sorted(errors, key=lambda error: (error.sheet, error.row))
    return workbook_xlsx(
        [
            (
                "Errors",
                list(headers),
                (
                    (
                        error.sheet,
                        error.row or None,
                        error.column,
                        error.message(messages),
                    )
                    for error in ordered
                ),
            )
        ]
    )
