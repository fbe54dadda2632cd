# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Label layout shared by the renderers: units, text fitting, what each element
prints. Plain Python: no Odoo.

A *template* is a dict: ``width``, ``height`` (mm), ``dpi`` (203, 300, 600),
``orientation`` ("normal" or "inverted": turned by 180 degrees on the media),
``margin_top``, ``margin_right``, ``margin_bottom``, ``margin_left`` (mm) and
``elements``, a list of dicts:

- ``kind``: "text", "barcode" or "logo";
- ``field``: key of the label values printed (text, barcode) or "free" (text);
- ``text``: the free text; ``prefix``: printed before a field's value;
- ``symbology`` (barcodes): "qr", "gs1_datamatrix", "gs1_128", "ean13", "code128";
- ``x``, ``y``, ``width``, ``height``: the element's box in mm from the label's
  top left corner; ``font_size`` in points; ``human_readable`` (barcodes).

A label's *values* are a dict of field name to text (``product_name``, ``lot``,
``gs1_data``, ``gs1_hri``, ``digital_link``...) and ``logo`` (image bytes).
"""

from reportlab.pdfbase.pdfmetrics import stringWidth

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0
ELLIPSIS = "\u2026"
MIN_FONT_RATIO = 0.6
MIN_FONT_SIZE = 4.0
LINE_HEIGHT = 1.2

SYMBOLOGIES = ("qr", "gs1_datamatrix", "gs1_128", "ean13", "code128")
GS1_SYMBOLOGIES = ("gs1_datamatrix", "gs1_128")
# The value a barcode encodes when its element names no field.
DEFAULT_BARCODE_FIELDS = {
    "qr": "digital_link",
    "gs1_datamatrix": "gs1_data",
    "gs1_128": "gs1_data",
    "ean13": "ean13",
    "code128": "lot",
}


class LayoutError(ValueError):
    """A template or a label value the renderers cannot print."""


def mm_to_points(value):
    return value * POINTS_PER_INCH / MM_PER_INCH


def mm_to_dots(value, dpi):
    return int(round(value * dpi / MM_PER_INCH))


def points_to_dots(value, dpi):
    return int(round(value * dpi / POINTS_PER_INCH))


def helvetica_width(text, size, bold=False):
    return stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size)


def fit_text(text, width, size, height=None, measure=helvetica_width, ellipsis=None):
    """Fit ``text`` on one line of ``width`` points.

    The font is first reduced to the box height (``height`` in points), then shrunk
    down to 60 % of ``size`` (never below 4 pt); text still too long is cut and
    ends with an ellipsis. Returns ``(text, size)``: the text measures at most
    ``width`` at that size.
    """
    ellipsis = ELLIPSIS if ellipsis is None else ellipsis
    text = " ".join((text or "").split())
    if height:
        size = min(size, height / LINE_HEIGHT)
    if not text or width <= 0 or size <= 0:
        return "", size
    measured = measure(text, size)
    if measured <= width:
        return text, size
    smallest = max(min(size, MIN_FONT_SIZE), size * MIN_FONT_RATIO)
    shrunk = size * width / measured
    if shrunk >= smallest:
        # Rounded down to a tenth of a point, and checked: widths are not always
        # proportional to the size.
        shrunk = int(shrunk * 10) / 10.0
        if shrunk > 0 and measure(text, shrunk) <= width:
            return text, shrunk
    size = smallest
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle].rstrip() + ellipsis, size) <= width:
            low = middle
        else:
            high = middle - 1
    cut = text[:low].rstrip()
    if not cut:
        return ("" if measure(ellipsis, size) > width else ellipsis), size
    return cut + ellipsis, size


# Per function of character widths: the widths met so far and the table of
# shapes of ASCII characters (see TextFitter).
_WIDTH_TABLES = {}


def _width_table(char_width):
    if char_width not in _WIDTH_TABLES:
        widths = {}
        by_width = {}
        table = bytearray(range(256))
        for code in range(0x21, 0x7F):
            char = chr(code)
            widths[char] = char_width(char)
            table[code] = ord(by_width.setdefault(widths[char], char))
        _WIDTH_TABLES[char_width] = (widths, bytes(table))
    return _WIDTH_TABLES[char_width]


class TextFitter:
    """:func:`fit_text` of one box, remembered.

    ``char_width(char)`` is a character's width at size 1 and ``measure`` adds
    them up, so that two texts whose characters have the same widths one by one
    (digits, in most fonts) fit the same way: a batch of labels measures each
    *shape* of text once. Printable ASCII characters of the same width share a
    representative in ``shape_table`` (a table for ``bytes.translate``, so that
    ASCII texts translate at C speed); spaces, which fit_text collapses, and
    other characters stand for themselves.
    """

    def __init__(self, width, size, height, char_width, ellipsis=None):
        self.box = (width, size, height)
        self.ellipsis = ELLIPSIS if ellipsis is None else ellipsis
        self._char_width = char_width
        self._widths, self.shape_table = _width_table(char_width)
        self._shapes = {}

    def measure(self, text, size):
        widths = self._widths
        try:
            return sum(map(widths.__getitem__, text)) * size
        except KeyError:
            for char in text:
                if char not in widths:
                    widths[char] = self._char_width(char)
            return sum(map(widths.__getitem__, text)) * size

    def shape(self, text):
        """The shape of a normalised text (its characters by width)."""
        return text.encode().translate(self.shape_table) if text.isascii() else text

    def fit_shape(self, shape, text):
        """``(cut, size)`` of ``text`` (normalised, of that shape): the size it is
        drawn at, and None when it is drawn whole, -1 when not at all, else how
        many of its characters are kept before the ellipsis."""
        fitted = self._shapes.get(shape)
        if fitted is None:
            width, size, height = self.box
            result, size = fit_text(
                text, width, size, height, measure=self.measure, ellipsis=self.ellipsis
            )
            if result == text:
                cut = None
            elif not result:
                cut = -1
            else:
                cut = len(result) - len(self.ellipsis)
            fitted = self._shapes[shape] = (cut, size)
        return fitted

    def cut(self, text, cut):
        """``text`` as drawn for a ``cut`` of :meth:`fit_shape`."""
        if cut is None:
            return text
        if cut < 0:
            return ""
        return text[:cut] + self.ellipsis

    def __call__(self, text):
        text = " ".join((text or "").split())
        cut, size = self.fit_shape(self.shape(text), text)
        return self.cut(text, cut), size


def element_text(element, values):
    """The text printed by a text element, prefix included ('' when empty)."""
    if element.get("field", "free") == "free":
        return element.get("text") or ""
    value = values.get(element["field"])
    if value in (None, False, ""):
        return ""
    return f"{element.get('prefix') or ''}{value}"


def barcode_value(element, values):
    """What a barcode element encodes, or '' when the label has no such value."""
    field = element.get("field") or DEFAULT_BARCODE_FIELDS[element["symbology"]]
    if field == "free":
        return element.get("text") or ""
    return values.get(field) or ""


def human_readable(element, values):
    """The text under a barcode: the GS1 element string for GS1 symbols."""
    if not element.get("human_readable"):
        return ""
    if element["symbology"] in GS1_SYMBOLOGIES:
        return values.get("gs1_hri") or ""
    return barcode_value(element, values)


def check_template(template, max_width=None):
    """Problems of ``template`` as a list of messages ([] when it can be printed).

    ``max_width``: the printer's widest label in mm, if known.
    """
    problems = []
    width, height = template["width"], template["height"]
    if width <= 0 or height <= 0:
        problems.append(f"The label size {width} x {height} mm is not positive.")
    if max_width and width > max_width:
        problems.append(
            f"The label is {width} mm wide; the printer prints at most {max_width} mm."
        )
    left = template.get("margin_left", 0)
    top = template.get("margin_top", 0)
    right = width - template.get("margin_right", 0)
    bottom = height - template.get("margin_bottom", 0)
    for index, element in enumerate(template.get("elements", []), start=1):
        name = element.get("name") or f"element {index}"
        if element["width"] <= 0 or element["height"] <= 0:
            problems.append(f"{name} has no size.")
        elif (
            element["x"] < left
            or element["y"] < top
            or element["x"] + element["width"] > right + 1e-6
            or element["y"] + element["height"] > bottom + 1e-6
        ):
            problems.append(f"{name} lies outside the printable area of the label.")
    return problems
