# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ZPL II for thermal printers: one ``^XA ... ^XZ`` block per label.

Every field is written with ``^FH_`` and its data hex-escaped, so that no value
(a product name, a lot) can end the field or start a command. GS1-128 starts with
``>;>8`` (start code C, FNC1) and separates variable-length elements with ``>8``;
GS1 DataMatrix uses quality 200 with ``~`` as escape character: ``~1`` is FNC1, in
first position and as separator. Plain Python: no Odoo.
"""

import io

from . import datamatrix
from .layout import (
    LayoutError,
    barcode_value,
    element_text,
    fit_text,
    helvetica_width,
    human_readable,
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


_ESCAPES = str.maketrans({char: f"{HEX_INDICATOR}{ord(char):02X}" for char in _UNSAFE})


def escape(text):
    """Field data for ``^FH_``: ZPL command characters, the indicator itself,
    control characters and anything outside printable ASCII as ``_XX`` (UTF-8
    bytes, printed as UTF-8 under ``^CI28``)."""
    if text.isascii() and text.isprintable():
        return text.translate(_ESCAPES)
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


_FONT0_WIDTHS = {}


def _font0_width(text, size):
    """Width of ``text`` in ZPL font 0 with equal height and width: measured as
    Helvetica Bold and 10 % wider, so that fitted text never overflows."""
    try:
        return sum(map(_FONT0_WIDTHS.__getitem__, text)) * size
    except KeyError:
        for char in text:
            if char not in _FONT0_WIDTHS:
                _FONT0_WIDTHS[char] = helvetica_width(char, 1000, bold=True) * 1.1e-3
        return sum(map(_FONT0_WIDTHS.__getitem__, text)) * size


class ZplBuilder:
    """Renders labels of one template as ZPL II."""

    def __init__(self, template):
        self.template = template
        self.dpi = template.get("dpi") or 203
        self._logos = {}
        orientation = "I" if template.get("orientation") == "inverted" else "N"
        self._header = (
            f"^XA^CI28^PW{self.dots(template['width'])}"
            f"^LL{self.dots(template['height'])}^LH0,0^PO{orientation}"
        )

    @property
    def _elements(self):
        """The template's elements with their boxes in dots, computed once."""
        if not hasattr(self, "_element_boxes"):
            self._element_boxes = [
                (
                    element,
                    tuple(
                        self.dots(element[key]) for key in ("x", "y", "width", "height")
                    ),
                    {},
                )
                for element in self.template.get("elements", [])
            ]
        return self._element_boxes

    def dots(self, value_mm):
        return mm_to_dots(value_mm, self.dpi)

    def _text(self, x, y, width, height, text, font_size):
        if not text:
            return ""
        text, size = fit_text(
            text,
            width * 72.0 / self.dpi,
            font_size,
            height * 72.0 / self.dpi,
            measure=_font0_width,
            ellipsis=ZPL_ELLIPSIS,
        )
        if not text:
            return ""
        font = max(points_to_dots(size, self.dpi), 8)
        return f"^FO{x},{y}^A0N,{font},{font}^FH{HEX_INDICATOR}^FD{escape(text)}^FS"

    def _hri_height(self, element, values):
        if not human_readable(element, values):
            return 0
        return points_to_dots(element.get("font_size") or 6, self.dpi) + 2

    def _barcode(self, element, values):
        value = barcode_value(element, values)
        if not value:
            return ""
        symbology = element["symbology"]
        x, y = self.dots(element["x"]), self.dots(element["y"])
        width, height = self.dots(element["width"]), self.dots(element["height"])
        hri = human_readable(element, values)
        bar_height = height - self._hri_height(element, values)
        parts = []
        if symbology in ("gs1_128", "code128"):
            if symbology == "gs1_128":
                data, symbols = code128_gs1(value)
            else:
                data, symbols = code128_text(value)
            modules = (symbols + 1) * 11 + 13  # + check character, stop pattern
            module = width // modules
            if module < 1:
                raise LayoutError(
                    f"The Code 128 barcode of {value!r} needs {modules} dots; its "
                    f"box is {width} dots wide."
                )
            parts.append(
                f"^FO{x},{y}^BY{min(module, 10)}^BCN,{bar_height},N,N,N"
                f"^FH{HEX_INDICATOR}^FD{escape(data)}^FS"
            )
        elif symbology == "gs1_datamatrix":
            size = datamatrix.symbol_size(value, gs1=True)
            module = min(width, bar_height) // size
            if module < 1:
                raise LayoutError("The GS1 DataMatrix does not fit in its box.")
            parts.append(
                f"^FO{x},{y}^BXN,{module},200,{size},{size},,{DM_ESCAPE}"
                f"^FH{HEX_INDICATOR}^FD{datamatrix_gs1(value)}^FS"
            )
            bar_height = size * module
        elif symbology == "qr":
            modules = 17 + 4 * qr_version(value)
            magnification = max(1, min(10, min(width, bar_height) // modules))
            parts.append(
                f"^FO{x},{y}^BQN,2,{magnification}"
                f"^FH{HEX_INDICATOR}^FDMA,{escape(value)}^FS"
            )
            bar_height = modules * magnification
        elif symbology == "ean13":
            digits = value[:12]
            if len(value) != 13 or not value.isdigit():
                raise LayoutError(f"{value!r} is not an EAN-13 barcode.")
            module = max(1, width // 113)
            parts.append(
                f"^FO{x},{y}^BY{min(module, 10)}^BEN,{bar_height},N,N"
                f"^FH{HEX_INDICATOR}^FD{digits}^FS"
            )
        if hri:
            text_y = y + bar_height + 2
            parts.append(
                self._text(
                    x,
                    text_y,
                    width,
                    max(y + height - text_y, 8),
                    hri,
                    element.get("font_size") or 6,
                )
            )
        return "".join(parts)

    def _logo(self, element, values):
        key = id(values.get("logo"))
        if key not in self._logos:
            self._logos[key] = logo_graphic(
                values.get("logo"),
                self.dots(element["width"]),
                self.dots(element["height"]),
            )
        graphic = self._logos[key]
        if not graphic:
            return ""
        return f"^FO{self.dots(element['x'])},{self.dots(element['y'])}{graphic}^FS"

    def label(self, values, copies=1):
        """One label's ZPL, ``copies`` times (``^PQ``)."""
        parts = [self._header]
        for element, box, texts in self._elements:
            kind = element["kind"]
            if kind == "text":
                # Labels of a batch repeat most texts (product, dates): each
                # element fits a text once.
                text = element_text(element, values)
                fitted = texts.get(text)
                if fitted is None:
                    fitted = texts[text] = self._text(
                        *box, text, element.get("font_size") or 8
                    )
                parts.append(fitted)
            elif kind == "barcode":
                parts.append(self._barcode(element, values))
            elif kind == "logo":
                parts.append(self._logo(element, values))
        parts.append(f"^PQ{max(int(copies), 1)}^XZ\n")
        return "".join(parts)

    def render(self, labels, copies=1):
        """ZPL of every label (a list of value dicts)."""
        return "".join(self.label(values, copies) for values in labels)


def render(template, labels, copies=1):
    return ZplBuilder(template).render(labels, copies)
