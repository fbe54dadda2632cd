# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ZPL II for thermal printers: one ``^XA ... ^XZ`` block per label.

Every field is written with ``^FH_`` and its data hex-escaped, so that no value
(a product name, a lot) can end the field or start a command. GS1-128 starts with
``>;>8`` (start code C, FNC1) and separates variable-length elements with ``>8``;
GS1 DataMatrix uses quality 200 with ``~`` as escape character: ``~1`` is FNC1, in
first position and as separator. Plain Python: no Odoo.
"""

import io
import re
from itertools import repeat

from . import datamatrix
from .layout import (
    DEFAULT_BARCODE_FIELDS,
    GS1_SYMBOLOGIES,
    LayoutError,
    TextFitter,
    helvetica_width,
    mm_to_dots,
    points_to_dots,
)

HEX_INDICATOR = "_"
DM_ESCAPE = "~"
GROUP_SEPARATOR = "\x1d"
# Characters that ZPL reads as commands or as the hex indicator of ^FH.
_UNSAFE = frozenset("^~_\\")
# Byte capacity of QR codes at error correction level M, versions 1 to 20.
_QR_CAPACITY_M = (
    14,
    26,
    42,
    62,
    84,
    106,
    122,
    152,
    180,
    213,
    251,
    287,
    331,
    362,
    412,
    450,
    504,
    560,
    624,
    666,
)
ZPL_ELLIPSIS = "..."


_ESCAPES = {char: f"{HEX_INDICATOR}{ord(char):02X}" for char in _UNSAFE}
_UNSAFE_PATTERN = re.compile(f"[{re.escape(''.join(sorted(_UNSAFE)))}]")


def _escape_match(match):
    return _ESCAPES[match.group()]


def escape(text):
    """Field data for ``^FH_``: ZPL command characters, the indicator itself,
    control characters and anything outside printable ASCII as ``_XX`` (UTF-8
    bytes, printed as UTF-8 under ``^CI28``)."""
    if text.isascii() and text.isprintable():
        return escape_column(text)
    out = []
    for char in text:
        if char in _UNSAFE or not " " <= char <= "~":
            out.extend(f"{HEX_INDICATOR}{byte:02X}" for byte in char.encode("utf-8"))
        else:
            out.append(char)
    return "".join(out)


def _digit_run(data, index):
    end = index
    while end < len(data) and data[end].isascii() and data[end].isdigit():
        end += 1
    return end - index


def code128_gs1(data):
    """``^BC`` field data of GS1 barcode data (GS between elements).

    Start code C and FNC1 (``>;>8``); digit pairs in subset C, other characters
    in subset B (``>6``), back to C (``>5``) for runs of 4 digits or more; every
    GS becomes FNC1 (``>8``) and a literal ``>`` is written ``><``.
    Returns ``(field data, number of symbol characters)``.
    """
    out, count, subset, index = [">;>8"], 2, "C", 0
    while index < len(data):
        char = data[index]
        if char == GROUP_SEPARATOR:
            out.append(">8")
            count += 1
            index += 1
            continue
        run = _digit_run(data, index)
        if subset == "C":
            if run >= 2:
                out.append(data[index : index + 2])
                count += 1
                index += 2
                continue
            out.append(">6")
            count += 1
            subset = "B"
            continue
        if run >= 4 and (run % 2 == 0 or run >= 5):
            if run % 2:
                out.append(char)
                count += 1
                index += 1
            out.append(">5")
            count += 1
            subset = "C"
            continue
        if not " " <= char <= "~":
            raise LayoutError(f"character {char!r} cannot be encoded in Code 128")
        out.append("><" if char == ">" else char)
        count += 1
        index += 1
    return "".join(out), count


def code128_text(value):
    """``^BC`` field data of plain text in subset B, and its symbol characters."""
    for char in value:
        if not " " <= char <= "~":
            raise LayoutError(f"character {char!r} cannot be encoded in Code 128")
    return ">:" + value.replace(">", "><"), len(value) + 1


def datamatrix_gs1(data):
    """``^BX`` field data (already escaped for ``^FH_``) of GS1 barcode data:
    ``~1`` (FNC1) first and as separator between elements."""
    fnc1 = DM_ESCAPE + "1"
    return fnc1 + fnc1.join(escape(part) for part in data.split(GROUP_SEPARATOR))


def qr_version(data):
    size = len(data.encode("utf-8"))
    for version, capacity in enumerate(_QR_CAPACITY_M, start=1):
        if size <= capacity:
            return version
    raise LayoutError(f"{size} bytes are too many for the label's QR code")


def logo_graphic(image_bytes, width, height):
    """``^GFA`` of an image fitted in ``width`` x ``height`` dots (black where
    the image is dark), or '' without image."""
    if not image_bytes:
        return ""
    from PIL import Image

    image = Image.open(io.BytesIO(image_bytes)).convert("L")
    image.thumbnail((max(width, 1), max(height, 1)))
    mono = image.point(lambda value: 255 if value < 128 else 0).convert("1")
    row_bytes = (mono.width + 7) // 8
    data = mono.tobytes()
    total = len(data)
    return f"^GFA,{total},{total},{row_bytes},{data.hex().upper()}"


def _font0_char_width(char):
    """Width of ``char`` at size 1 in ZPL font 0 with equal height and width:
    measured as Helvetica Bold and 10 % wider, so that fitted text never
    overflows."""
    return helvetica_width(char, 1000, bold=True) * 1.1e-3


# DataMatrix symbol sizes depend on where the digits are, not on which.
_DIGIT_SHAPES = bytes.maketrans(b"123456789", b"000000000")
# Texts fitted per element and kept by their exact value (product names, dates
# repeat across a batch), up to this many.
_KEEP_TEXTS = 4096


class _Text:
    """A text in a box: ``^FO`` + font 0 at the fitted size + escaped data."""

    def __init__(self, builder, x, y, width, height, font_size):
        dpi = builder.dpi
        self.x, self.y, self.dpi = x, y, dpi
        self.fitter = TextFitter(
            width * 72.0 / dpi,
            font_size,
            height * 72.0 / dpi,
            _font0_char_width,
            ellipsis=ZPL_ELLIPSIS,
        )
        # Field of each text already drawn (product names, dates repeat);
        # missing values draw nothing.
        self.fields = {None: "", False: "", "": ""}
        self.fonts = {}

    def __call__(self, text):
        if not text:
            return ""
        field = self.fields.get(text)
        if field is None:
            fitted, size = self.fitter(str(text))
            field = f"{self.font(size)}{escape(fitted)}^FS" if fitted else ""
            if len(self.fields) < _KEEP_TEXTS:
                self.fields[text] = field
        return field

    def font(self, size):
        """``^FO`` and font of this box's text drawn at ``size`` points."""
        font = self.fonts.get(size)
        if font is None:
            dots = max(points_to_dots(size, self.dpi), 8)
            font = self.fonts[size] = (
                f"^FO{self.x},{self.y}^A0N,{dots},{dots}^FH{HEX_INDICATOR}^FD"
            )
        return font

    def column(self, texts, prefix=""):
        """The fields of a column of texts (one per label), each drawn after
        ``prefix``; labels without text draw nothing."""
        try:
            distinct = set(texts)
        except TypeError:
            distinct = None
        if distinct is not None and len(distinct) * 4 <= len(texts):
            # Mostly the same texts (product names, dates): each drawn once.
            fields = {
                text: self(f"{prefix}{text}" if text else "") for text in distinct
            }
            return list(map(fields.__getitem__, texts))
        joined = _plain_column(texts)
        if joined is not None and _needs_normalising(joined):
            joined = None
        if prefix:
            if (
                joined is None
                or not (prefix.isascii() and prefix.isprintable())
                or prefix[0] == " "
                or "  " in prefix
            ):
                joined = None
                texts = [f"{prefix}{text}" if text else "" for text in texts]
            else:
                joined = prefix + joined.replace("\n", "\n" + prefix)
                texts = joined.split("\n")
        if joined is None:
            fields = self.fields
            return [fields[text] if text in fields else self(text) for text in texts]
        # Printable ASCII texts with nothing to normalise: shapes, escapes and
        # fields are made for the whole column at once.
        fitter = self.fitter
        shapes, distinct = _column_shapes(joined, fitter.shape_table, len(texts))
        if distinct:
            fits = {
                shape: fitter.fit_shape(shape, texts[index])
                for shape, index in distinct.items()
            }
        else:
            fits = {
                shape: fitter.fit_shape(shape, text)
                for shape, text in dict(zip(shapes, texts, strict=True)).items()
            }
        escaped = escape_column(joined)
        if len(fits) == 1:
            [(cut, size)] = fits.values()
            if cut is None:
                font = self.font(size)
                if escaped is joined:
                    return [f"{font}{text}^FS" for text in texts]
                return [f"{font}{field}^FS" for field in escaped.split("\n")]
        fields = []
        for shape, text, field in zip(shapes, texts, escaped.split("\n"), strict=True):
            cut, size = fits[shape]
            if cut is not None:
                field = escape(fitter.cut(text, cut))
            fields.append(f"{self.font(size)}{field}^FS" if field else "")
        return fields


def _column_shapes(joined, table, count, most=8):
    """Shapes of the ``count`` lines of ``joined`` (ASCII), as ``bytes.translate``
    with ``table`` makes them: ``(shapes, distinct)``, the shape of each line and,
    when there are at most ``most`` distinct shapes, each with the index of a
    line of that shape (else None)."""
    translated = joined.encode().translate(table)
    end = translated.find(b"\n")
    first = translated if end < 0 else translated[:end]
    if translated == (first + b"\n") * (count - 1) + first:
        # One shape, as lot numbers of a batch mostly have.
        return [first] * count, {first: 0}
    shapes = translated.split(b"\n")
    distinct = set(shapes)
    if len(distinct) > most:
        return shapes, None
    return shapes, {shape: shapes.index(shape) for shape in distinct}


# Printable ASCII and the newline, to delete with bytes.translate.
_PRINTABLE_LINES = bytes(range(0x20, 0x7F)) + b"\n"


def _plain_column(texts):
    """``texts`` joined by newlines when each is a non-empty string of printable
    ASCII (else None), the first not starting and the last not ending with a
    space: a column that string methods can work on whole and split back."""
    try:
        joined = "\n".join(texts)
    except TypeError:
        return None
    if (
        not joined
        or not joined.isascii()
        or joined.encode().translate(None, _PRINTABLE_LINES)
        or joined.count("\n") != len(texts) - 1
        or not all(texts)
        or joined[0] == " "
        or joined[-1] == " "
    ):
        return None
    return joined


def _needs_normalising(joined):
    """Whether texts joined by newlines have leading, trailing or repeated
    spaces (which text fitting collapses)."""
    return " " in joined and (
        joined[0] == " "
        or joined[-1] == " "
        or "  " in joined
        or " \n" in joined
        or "\n " in joined
    )


def escape_column(joined):
    """:func:`escape` of printable ASCII texts joined by newlines."""
    if any(char in joined for char in _UNSAFE):
        return _UNSAFE_PATTERN.sub(_escape_match, joined)
    return joined


class ZplBuilder:
    """Renders labels of one template as ZPL II.

    The template is compiled once into one renderer per element, with its box
    in dots. Labels are drawn a column (an element of every label) at a time:
    what the labels of a batch share (fitted texts, symbol sizes) is worked out
    once.
    """

    def __init__(self, template):
        self.template = template
        self.dpi = template.get("dpi") or 203
        self._logos = {}
        orientation = "I" if template.get("orientation") == "inverted" else "N"
        self._header = (
            f"^XA^CI28^PW{self.dots(template['width'])}"
            f"^LL{self.dots(template['height'])}^LH0,0^PO{orientation}"
        )
        #: Label values the elements print.
        self.fields = set()
        self._renderers = [
            self._compile(element) for element in template.get("elements", [])
        ]

    def dots(self, value_mm):
        return mm_to_dots(value_mm, self.dpi)

    def _compile(self, element):
        kind = element["kind"]
        if kind == "text":
            return self._compile_text(element)
        if kind == "barcode":
            return self._compile_barcode(element)
        if kind == "logo":
            self.fields.add("logo")
            return lambda columns, count: [
                self._logo(element, logo)
                for logo in self._column(columns, "logo", count)
            ]
        return lambda columns, count: [""] * count

    def _column(self, columns, field, count):
        return columns.get(field) or [None] * count

    def _box(self, element):
        return tuple(self.dots(element[key]) for key in ("x", "y", "width", "height"))

    def _compile_text(self, element):
        text = _Text(self, *self._box(element), element.get("font_size") or 8)
        field = element.get("field", "free")
        if field == "free":
            fixed = text(element.get("text") or "")
            return lambda columns, count: [fixed] * count
        self.fields.add(field)
        prefix = element.get("prefix") or ""

        def render(columns, count):
            return text.column(self._column(columns, field, count), prefix)

        return render

    def _compile_barcode(self, element):
        symbology = element["symbology"]
        x, y, width, height = self._box(element)
        font_size = element.get("font_size") or 6
        field = element.get("field") or DEFAULT_BARCODE_FIELDS[symbology]
        hri_field = None
        if element.get("human_readable"):
            hri_field = "gs1_hri" if symbology in GS1_SYMBOLOGIES else field
        self.fields.update({field, hri_field} - {"free", None})
        # The text under the barcode takes its height from the bars.
        hri_height = points_to_dots(font_size, self.dpi) + 2
        draw = getattr(self, f"_draw_{symbology}")
        cache = {}
        texts = {}

        def column(columns, name, count):
            if name == "free":
                return [element.get("text") or ""] * count
            return self._column(columns, name, count)

        def render(columns, count):
            values = column(columns, field, count)
            if symbology == "gs1_datamatrix" and not hri_field:
                fields = self._datamatrix_column(values, x, y, width, height, cache)
                if fields is not None:
                    return fields
            hris = column(columns, hri_field, count) if hri_field else [""] * count
            out = []
            for value, hri in zip(values, hris, strict=True):
                if not value:
                    out.append("")
                    continue
                bar_height = height - hri_height if hri else height
                code, drawn_height = draw(value, x, y, width, bar_height, cache)
                if hri:
                    text_y = y + (drawn_height or bar_height) + 2
                    text = texts.get(text_y)
                    if text is None:
                        text = texts[text_y] = _Text(
                            self,
                            x,
                            text_y,
                            width,
                            max(y + height - text_y, 8),
                            font_size,
                        )
                    code += text(hri)
                out.append(code)
            return out

        return render

    def _draw_code128(self, value, x, y, width, height, cache):
        data, symbols = code128_text(value)
        return self._code128(value, data, symbols, x, y, width, height), None

    def _draw_gs1_128(self, value, x, y, width, height, cache):
        data, symbols = code128_gs1(value)
        return self._code128(value, data, symbols, x, y, width, height), None

    def _code128(self, value, data, symbols, x, y, width, height):
        modules = (symbols + 1) * 11 + 13  # + check character, stop pattern
        module = width // modules
        if module < 1:
            raise LayoutError(
                f"The Code 128 barcode of {value!r} needs {modules} dots; its "
                f"box is {width} dots wide."
            )
        return (
            f"^FO{x},{y}^BY{min(module, 10)}^BCN,{height},N,N,N"
            f"^FH{HEX_INDICATOR}^FD{escape(data)}^FS"
        )

    def _draw_gs1_datamatrix(self, value, x, y, width, height, cache):
        start, drawn_height = self._datamatrix_start(value, x, y, width, height, cache)
        return f"{start}{datamatrix_gs1(value)}^FS", drawn_height

    def _datamatrix_start(self, value, x, y, width, height, cache, shape=None):
        """``^FO``, ``^BX`` (symbol size from the data) up to the field data, and
        the symbol's height in dots."""
        if shape is None:
            shape = (
                value.encode().translate(_DIGIT_SHAPES) if value.isascii() else value
            )
        field = cache.get((shape, height))
        if field is None:
            size = datamatrix.symbol_size(value, gs1=True)
            module = min(width, height) // size
            if module < 1:
                raise LayoutError("The GS1 DataMatrix does not fit in its box.")
            field = cache[shape, height] = (
                f"^FO{x},{y}^BXN,{module},200,{size},{size},,{DM_ESCAPE}"
                f"^FH{HEX_INDICATOR}^FD",
                size * module,
            )
        return field

    def _datamatrix_column(self, values, x, y, width, height, cache):
        """The DataMatrix fields of a column of GS1 data without separator
        (printable ASCII: one element, or a variable-length one last), made for
        the whole column at once; None for any other column."""
        joined = _plain_column(values)
        if joined is None:
            return None
        shapes, distinct = _column_shapes(joined, _DIGIT_SHAPES, len(values))

        def field_start(shape, value):
            return self._datamatrix_start(value, x, y, width, height, cache, shape)[0]

        if distinct:
            starts = {
                shape: field_start(shape, values[index])
                for shape, index in distinct.items()
            }
        else:
            starts = {
                shape: field_start(shape, value)
                for shape, value in dict(zip(shapes, values, strict=True)).items()
            }
        fnc1 = DM_ESCAPE + "1"
        escaped = escape_column(joined)
        fields = values if escaped is joined else escaped.split("\n")
        if len(starts) == 1:
            [start] = starts.values()
            head = start + fnc1
            return [f"{head}{data}^FS" for data in fields]
        return [
            f"{starts[shape]}{fnc1}{data}^FS"
            for shape, data in zip(shapes, fields, strict=True)
        ]

    def _draw_qr(self, value, x, y, width, height, cache):
        modules = 17 + 4 * qr_version(value)
        magnification = max(1, min(10, min(width, height) // modules))
        return (
            f"^FO{x},{y}^BQN,2,{magnification}"
            f"^FH{HEX_INDICATOR}^FDMA,{escape(value)}^FS"
        ), modules * magnification

    def _draw_ean13(self, value, x, y, width, height, cache):
        if len(value) != 13 or not value.isdigit():
            raise LayoutError(f"{value!r} is not an EAN-13 barcode.")
        module = max(1, width // 113)
        return (
            f"^FO{x},{y}^BY{min(module, 10)}^BEN,{height},N,N"
            f"^FH{HEX_INDICATOR}^FD{value[:12]}^FS"
        ), None

    def _logo(self, element, logo):
        key = id(logo)
        if key not in self._logos:
            graphic = logo_graphic(
                logo, self.dots(element["width"]), self.dots(element["height"])
            )
            self._logos[key] = graphic and (
                f"^FO{self.dots(element['x'])},{self.dots(element['y'])}{graphic}^FS"
            )
        return self._logos[key]

    def label(self, values, copies=1):
        """One label's ZPL, ``copies`` times (``^PQ``)."""
        return self.render([values], copies)

    def columns(self, labels):
        """Label values (a list of dicts) as the columns the elements print."""
        return {field: [label.get(field) for label in labels] for field in self.fields}

    def render(self, labels, copies=1):
        """ZPL of every label (a list of value dicts)."""
        return self.render_columns(self.columns(labels), len(labels), copies)

    def render_columns(self, columns, count, copies=1):
        """ZPL of ``count`` labels given by columns: ``{field: [value per
        label]}`` (a missing field prints nothing)."""
        footer = f"^PQ{max(int(copies), 1)}^XZ\n"
        parts = [render(columns, count) for render in self._renderers]
        return "".join(
            map(
                "".join,
                # The repeats are as long as the columns.
                zip(
                    repeat(self._header, count),
                    *parts,
                    repeat(footer, count),
                    strict=False,
                ),
            )
        )


def render(template, labels, copies=1):
    return ZplBuilder(template).render(labels, copies)


def render_columns(template, columns, count, copies=1):
    return ZplBuilder(template).render_columns(columns, count, copies)
