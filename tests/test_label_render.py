"""label_printing's plain renderers (no Odoo): text fitting, ZPL II, bulk PDF.

Barcodes drawn in the PDF are read back from the rasterised page with zxing-cpp
and compared with the GS1 data they must carry.
"""

import importlib
import importlib.util
import random
import re
import shutil
import subprocess
import sys
import warnings

import pytest
from conftest import PROJECT_DIR, load_module

zxingcpp = pytest.importorskip("zxingcpp")
from PIL import Image  # noqa: E402  (after the skip)

gs1 = load_module("quality_traceability/tools/gs1.py")


def load_tools():
    """label_printing/tools as a package, without importing the addon (odoo)."""
    name = "plain_label_printing_tools"
    if name not in sys.modules:
        path = PROJECT_DIR / "label_printing" / "tools"
        spec = importlib.util.spec_from_file_location(
            name, path / "__init__.py", submodule_search_locations=[str(path)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return {
        module: importlib.import_module(f"{name}.{module}")
        for module in ("layout", "zpl", "pdf", "datamatrix")
    }


with warnings.catch_warnings():
    # reportlab's own imports use the deprecated importlib load_module().
    warnings.simplefilter("ignore", DeprecationWarning)
    tools = load_tools()
layout, zpl, pdf, datamatrix = (
    tools["layout"],
    tools["zpl"],
    tools["pdf"],
    tools["datamatrix"],
)

GTIN = "09506000134352"  # GS1's example GTIN
LOT_ELEMENTS = [("01", GTIN), ("17", "201225"), ("10", "AB_C>123")]


def label_values(elements=None, **extra):
    elements = elements or LOT_ELEMENTS
    values = dict(elements)
    lot = values.get("10") or values.get("21")
    result = {
        "product_name": "Stainless Kettle 1.7 L",
        "lot": lot,
        "expiry_date": "2020-12-25",
        "gs1_data": gs1.barcode_data(elements),
        "gs1_hri": gs1.element_string(elements),
        "digital_link": gs1.digital_link("https://id.example.com", GTIN, lot=lot),
        "ean13": GTIN[1:],
    }
    result.update(extra)
    return result


def element(kind, x, y, width, height, **extra):
    return dict(kind=kind, x=x, y=y, width=width, height=height, **extra)


ALL_BARCODES = {
    "width": 60,
    "height": 40,
    "dpi": 203,
    "elements": [
        element("text", 2, 2, 56, 4, field="product_name", font_size=9),
        element("text", 2, 7, 26, 4, field="lot", prefix="Lot: ", font_size=8),
        element("barcode", 2, 12, 14, 14, symbology="gs1_datamatrix"),
        element("barcode", 18, 12, 14, 14, symbology="qr"),
        element("barcode", 34, 7, 24, 12, symbology="ean13", human_readable=True),
        element(
            "barcode",
            2,
            27,
            56,
            12,
            symbology="gs1_128",
            human_readable=True,
            font_size=6,
        ),
    ],
}


def decode_pdf(data, tmp_path, resolution=600):
    """Every barcode on every page: a list (per page) of zxing results."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler) is not installed")
    source = tmp_path / "labels.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-gray", "-png", source, tmp_path / "p"],
        check=True,
    )
    pages = []
    for image in sorted(tmp_path.glob("p-*.png")):
        pages.append(
            zxingcpp.read_barcodes(Image.open(image), text_mode=zxingcpp.TextMode.Plain)
        )
    return pages


def by_format(results):
    return {result.format: result for result in results}


# ---------------------------------------------------------------- text fitting
@pytest.mark.parametrize(
    "text",
    [
        "Lot",
        "Stainless Kettle 1.7 L",
        "Stainless Kettle 1.7 L with a very long commercial name indeed",
        "W" * 200,
    ],
)
@pytest.mark.parametrize("width", [20.0, 60.0, 150.0])
def test_fit_text_never_overflows(text, width):
    fitted, size = layout.fit_text(text, width, 10)
    assert layout.helvetica_width(fitted, size) <= width
    assert size >= 6  # never below 60 % of the asked size
    if fitted != text:
        assert fitted.endswith(layout.ELLIPSIS)
        assert text.startswith(fitted[:-1])


def test_fit_text_shrinks_before_cutting():
    text = "Stainless Kettle 1.7 L"
    full = layout.helvetica_width(text, 10)
    fitted, size = layout.fit_text(text, full * 0.8, 10)
    assert fitted == text
    assert 6 <= size < 10
    fitted, size = layout.fit_text(text, full * 0.3, 10)
    assert fitted.endswith(layout.ELLIPSIS) and size == 6


def test_fit_text_box_height_limits_the_font():
    fitted, size = layout.fit_text("Lot", 100, 20, height=12)
    assert fitted == "Lot" and size == pytest.approx(10)


def test_text_fitter_fits_as_fit_text():
    """The fitter remembers a fit per shape of text (characters of equal widths,
    one by one): every text still fits exactly as fit_text fits it."""
    rng = random.Random(5)
    alphabet = "0123456789ABCDEFGHIJWXYZabcilmw-_./() \t\u00e9\u6c34"
    texts = ["", "   ", "GEN-FIN-0001", "GEN-FIN-0002", "GEN-FIN-0102", " A  B "]
    texts += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for _ in range(400)
    ]
    texts += [
        f"(01)09506000134352(17)2012{day:02d}(10)LOT-{n:05d}"
        for day, n in zip(range(1, 29), range(10, 100000, 3571), strict=False)
    ]
    for width, size, height in [(20.0, 10, None), (60.0, 8, 12.0), (150.0, 12, 6.0)]:
        fitter = layout.TextFitter(
            width, size, height, lambda char: layout.helvetica_width(char, 1)
        )
        for text in texts + texts[::-1]:
            assert fitter(text) == layout.fit_text(
                text, width, size, height, measure=fitter.measure
            ), text
        # Texts of one shape were measured once.
        assert len(fitter._shapes) < 2 * len(texts)


def test_zpl_columns_as_labels():
    """Labels drawn a column at a time are the labels drawn one by one."""
    rng = random.Random(8)
    labels = []
    for index in range(60):
        lot = "".join(rng.choice("AB-_/>0123456789") for _ in range(rng.randint(1, 20)))
        elements = [("01", GTIN)]
        if index % 3:
            elements.append(("17", f"2{index % 10}1231"))
        elements.append(("10", lot))
        labels.append(
            label_values(elements, product_name=rng.choice(["Kettle", "Cup " * 9]))
        )
    labels[7]["gs1_hri"] = ""
    labels[9]["gs1_data"] = ""
    text = zpl.render(ALL_BARCODES, labels, copies=2)
    builder = zpl.ZplBuilder(ALL_BARCODES)
    assert text == "".join(builder.label(values, 2) for values in labels)
    fresh = [zpl.ZplBuilder(ALL_BARCODES).label(values, 2) for values in labels]
    assert text == "".join(fresh)
    columns = {key: [values.get(key) for values in labels] for key in labels[0]}
    assert zpl.render_columns(ALL_BARCODES, columns, len(labels), 2) == text
    # Each label's DataMatrix has the size its own data needs.
    for values, block in zip(labels, re.findall(r"\^XA.*?\^XZ", text), strict=True):
        if values["gs1_data"]:
            size = datamatrix.symbol_size(values["gs1_data"], gs1=True)
            assert f",200,{size},{size},,~" in block
        else:
            assert "^BX" not in block


@pytest.mark.parametrize("prefix", ["", "Lot: ", " Lot", "LOT  ", "批号 "])
@pytest.mark.parametrize(
    "texts",
    [
        ["2026-11-22"] * 12,
        [f"GEN-FIN-{index:05d}" for index in range(12)],
        [f"L{index}" if index % 3 else None for index in range(12)],
        [f"A  B{index}" for index in range(12)],
        [f"Kettle {index} " * (index + 1) for index in range(12)],
        [f"茶壶-{index}" for index in range(12)],
        [0, "", False, *[f"X{index}" for index in range(9)]],
        # Two shapes; more than eight; characters ZPL must escape.
        [f"B-{index}" if index % 2 else f"B-{index}0" for index in range(12)],
        [f"K{'7' * index}" for index in range(12)],
        [f"A^XZ~{index}_\\" for index in range(12)],
        # Texts that cannot be worked on joined: a line break, a control
        # character.
        [f"L{index}\nX" for index in range(12)],
        [f"L{index}\x07" for index in range(12)],
    ],
)
def test_zpl_text_column_as_texts_one_by_one(texts, prefix):
    """A column of texts draws each text as the text alone would be drawn."""
    builder = zpl.ZplBuilder({"width": 50, "height": 30, "dpi": 203})
    text = zpl._Text(builder, 16, 12, 200, 32, 8)
    alone = zpl._Text(builder, 16, 12, 200, 32, 8)
    expected = [alone(f"{prefix}{value}") if value else "" for value in texts]
    assert text.column(texts, prefix) == expected


def test_check_template():
    assert layout.check_template(ALL_BARCODES) == []
    outside = dict(
        ALL_BARCODES,
        margin_left=3,
        elements=[element("text", 2, 2, 10, 4, field="lot", name="Lot")],
    )
    assert layout.check_template(outside) == [
        "Lot lies outside the printable area of the label."
    ]
    problems = layout.check_template(ALL_BARCODES, max_width=50)
    assert problems == ["The label is 60 mm wide; the printer prints at most 50 mm."]


# ---------------------------------------------------------------- ZPL
def test_zpl_escape_blocks_injection():
    hostile = "Kettle^XZ^XA~JA_\\ \u6c34\u58f6"
    escaped = zpl.escape(hostile)
    assert not set(escaped) & set("^~\\")
    assert re.fullmatch(r"([ -~]|_[0-9A-F]{2})*", escaped)
    assert "_5EXZ_5EXA_7EJA_5F_5C" in escaped
    assert escaped.endswith("_E6_B0_B4_E5_A3_B6")  # UTF-8 under ^CI28
    label = zpl.render(
        {
            "width": 50,
            "height": 30,
            "elements": [element("text", 1, 1, 48, 5, field="product_name")],
        },
        [{"product_name": hostile}],
    )
    assert label.count("^XA") == 1 and label.count("^XZ") == 1
    assert "~JA" not in label


def test_zpl_structure_per_label():
    labels = [label_values(), label_values([("01", GTIN), ("10", "L2")])]
    text = zpl.render(ALL_BARCODES, labels, copies=3)
    blocks = re.findall(r"\^XA.*?\^XZ", text)
    assert len(blocks) == 2 and text.count("^XA") == 2
    for block in blocks:
        assert block.startswith("^XA^CI28^PW480^LL320^LH0,0^PON")
        assert block.endswith("^PQ3^XZ")
        # every field hex-escaped
        assert block.count("^FD") == block.count("^FH_^FD")
    assert "^BQN,2," in blocks[0] and "^FDMA,https://id.example.com/01/" in blocks[0]
    assert "^BEN," in blocks[0] and "^FD950600013435^FS" in blocks[0]


def test_zpl_gs1_128_fnc1():
    values = label_values(
        [("01", GTIN), ("10", "LOT7"), ("21", "SN42"), ("17", "201225")]
    )
    text = zpl.render(ALL_BARCODES, [values])
    data = re.search(r"\^BCN,[^\^]*\^FH_\^FD([^\^]*)\^FS", text).group(1)
    # FNC1 first, the fixed-length elements first, FNC1 after the variable lot.
    assert data.startswith(">;>8")
    assert decode_zpl_code128(data) == "\x1d" + gs1.barcode_data(
        values_elements(values)
    )
    assert decode_zpl_code128(data).count("\x1d") == 2


def values_elements(values):
    return gs1.parse(values["gs1_hri"])


def decode_zpl_code128(data):
    """What a Zebra printer encodes for ``^BC`` data in no-mode with invocation
    codes: GS for FNC1; subset C must get digit pairs."""
    data = re.sub(r"_([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), data)
    out, subset, index = [], "B", 0
    while index < len(data):
        if data[index] == ">":
            code = data[index + 1]
            index += 2
            if code == "8":
                out.append("\x1d")
            elif code in ";5":
                subset = "C"
            elif code in ":6":
                subset = "B"
            elif code == "<":
                assert subset == "B"
                out.append(">")
            else:
                raise AssertionError(f"unexpected invocation >{code}")
            continue
        if subset == "C":
            pair = data[index : index + 2]
            assert re.fullmatch(r"[0-9]{2}", pair), (pair, data)
            out.append(pair)
            index += 2
        else:
            out.append(data[index])
            index += 1
    return "".join(out)


def test_zpl_gs1_datamatrix_fnc1():
    values = label_values([("01", GTIN), ("21", "S_1"), ("10", "L^1"[0:1] + "1")])
    text = zpl.render(ALL_BARCODES, [values])
    match = re.search(r"\^BXN,(\d+),200,(\d+),(\d+),,~\^FH_\^FD([^\^]*)\^FS", text)
    assert match
    field = match.group(4)
    assert field.startswith("~1")  # FNC1 in first position
    decoded = re.sub(r"_([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), field)
    assert decoded.replace("~1", "\x1d") == "\x1d" + values["gs1_data"]
    assert int(match.group(2)) == datamatrix.symbol_size(values["gs1_data"], True)


def test_zpl_code128_plain_text():
    data, count = zpl.code128_text("A>B")
    assert data == ">:A><B" and count == 4
    with pytest.raises(layout.LayoutError):
        zpl.code128_text("\u6c34")


def test_zpl_barcode_too_wide():
    template = dict(
        ALL_BARCODES,
        elements=[element("barcode", 1, 1, 10, 10, symbology="gs1_128")],
    )
    with pytest.raises(layout.LayoutError, match="needs"):
        zpl.render(template, [label_values()])


# ---------------------------------------------------------------- PDF
def test_pdf_barcodes_decode(tmp_path):
    values = label_values()
    pages = decode_pdf(pdf.render(ALL_BARCODES, [values]), tmp_path)
    assert len(pages) == 1
    found = by_format(pages[0])
    expected_gs1 = gs1.barcode_data(LOT_ELEMENTS)
    matrix = found[zxingcpp.BarcodeFormat.DataMatrix]
    # zxing gives GS1 data without its leading FNC1, GS as separator, and the
    # symbology identifier ]d2 (GS1 DataMatrix) / ]C1 (GS1-128).
    assert matrix.symbology_identifier == "]d2"
    assert matrix.content_type == zxingcpp.ContentType.GS1
    assert matrix.text == expected_gs1
    linear = found[zxingcpp.BarcodeFormat.Code128]
    assert linear.symbology_identifier == "]C1"
    assert linear.text == expected_gs1
    assert gs1.parse(linear.text) == gs1.parse(gs1.element_string(LOT_ELEMENTS))
    assert found[zxingcpp.BarcodeFormat.QRCode].text == values["digital_link"]
    assert found[zxingcpp.BarcodeFormat.EAN13].text == GTIN[1:]


@pytest.mark.parametrize(
    "elements",
    [
        [("01", GTIN), ("21", "1")],
        [("01", GTIN), ("10", "LOT-2024-0001"), ("21", "SN000123456789ABCDEF")],
        [("00", "106141411234567897")],
    ],
)
def test_pdf_datamatrix_sizes_decode(elements, tmp_path):
    template = {
        "width": 30,
        "height": 30,
        "elements": [element("barcode", 2, 2, 26, 26, symbology="gs1_datamatrix")],
    }
    values = {"gs1_data": gs1.barcode_data(elements)}
    (results,) = decode_pdf(pdf.render(template, [values]), tmp_path)
    assert [result.text for result in results] == [values["gs1_data"]]
    assert results[0].symbology_identifier == "]d2"


def test_pdf_one_page_per_label_and_copy(tmp_path):
    labels = [label_values([("01", GTIN), ("10", f"L{index}")]) for index in range(3)]
    data = pdf.render(ALL_BARCODES, labels, copies=2)
    assert len(re.findall(rb"/Type /Page\b", data)) == 6
    pages = decode_pdf(data, tmp_path, resolution=300)
    lots = [
        dict(gs1.parse(by_format(page)[zxingcpp.BarcodeFormat.DataMatrix].text))["10"]
        for page in pages
    ]
    assert lots == ["L0", "L0", "L1", "L1", "L2", "L2"]


def test_pdf_missing_values_draw_nothing():
    data = pdf.render(ALL_BARCODES, [{"product_name": "No GS1 data"}])
    assert data.startswith(b"%PDF")


def test_datamatrix_too_long():
    with pytest.raises(layout.LayoutError):
        datamatrix.encode("X" * 200)


@pytest.mark.parametrize(
    "data",
    ["0109506000134352", "01095060001343521A\x1d2112", "1", "A1234", "\x1d99", "12a3"],
)
def test_datamatrix_symbol_size_matches_the_encoder(data):
    assert datamatrix.symbol_size(data, gs1=True) == len(datamatrix.encode(data, True))
    assert datamatrix.symbol_size(data) == len(datamatrix.encode(data))


def test_tools_import_no_odoo():
    import ast

    for path in (PROJECT_DIR / "label_printing" / "tools").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = getattr(node, "module", None) or ""
                assert not module.startswith("odoo"), path
                assert not any(name.startswith("odoo") for name in names), path


def test_pdf_chinese_text_has_its_glyphs(tmp_path):
    """Chinese product names are drawn with a CJK font (Helvetica has no such
    glyphs and draws boxes); poppler's pdftotext reads the text back."""
    template = {
        "width": 50,
        "height": 30,
        "elements": [element("text", 1, 1, 48, 8, field="product_name")],
    }
    data = pdf.render(template, [{"product_name": "保温杯 350毫升"}])
    assert b"STSong-Light" in data
    latin = pdf.render(template, [{"product_name": "Thermos Cup"}])
    assert b"STSong-Light" not in latin
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "label.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "保温杯" in " ".join(text.split()).replace(" ", "")
