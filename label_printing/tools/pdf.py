# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fast bulk PDF of labels drawn straight with reportlab: one page per label.

Barcodes are drawn as vector modules: GS1 DataMatrix by :mod:`.datamatrix`, QR
by ``qrcode``, Code 128, GS1-128 (FNC1 first and as separator) and EAN-13 by
``python-barcode``. Plain Python: no Odoo.
"""

import io

import qrcode
from barcode.codex import Code128, Gs1_128
from barcode.ean import EAN13
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from . import datamatrix
from .layout import (
    LINE_HEIGHT,
    LayoutError,
    barcode_value,
    element_text,
    fit_text,
    human_readable,
    mm_to_points,
)

FONT = "Helvetica"
# Text outside Latin-1 (Chinese product names...): Adobe's CID font for Simplified
# Chinese, which reportlab ships (no font file to embed); Helvetica has no such
# glyphs and would draw boxes.
CJK_FONT = "STSong-Light"
GROUP_SEPARATOR = "\x1d"
FNC1 = "\xf1"


def text_font(text):
    """The font that has the glyphs of ``text``: Helvetica for Latin-1, else the
    CJK font (registered on first use)."""
    if all(ord(char) < 256 for char in text or ""):
        return FONT
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _runs(row):
    """(start, length) of the dark runs of a row of 0/1 modules."""
    start = None
    for index, value in enumerate(row):
        if value and start is None:
            start = index
        elif not value and start is not None:
            yield start, index - start
            start = None
    if start is not None:
        yield start, len(row) - start


def linear_modules(symbology, value):
    """The modules (a string of 0/1) of a linear barcode."""
    try:
        if symbology == "gs1_128":
            symbol = Gs1_128(value.replace(GROUP_SEPARATOR, FNC1))
        elif symbology == "ean13":
            symbol = EAN13(value)
        else:
            symbol = Code128(value)
        return "".join(symbol.build())
    except Exception as error:  # python-barcode raises several error types
        raise LayoutError(
            f"{value!r} cannot be drawn as {symbology}: {error}"
        ) from error


def matrix_modules(symbology, value):
    """Rows of 0/1 modules of a 2D barcode, top row first."""
    if symbology == "gs1_datamatrix":
        return datamatrix.encode(value, gs1=True)
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1
    )
    code.add_data(value)
    code.make(fit=True)
    return [[1 if cell else 0 for cell in row] for row in code.get_matrix()]


class PdfRenderer:
    """Draws labels of one template on a reportlab canvas."""

    def __init__(self, template):
        self.template = template
        self.width = mm_to_points(template["width"])
        self.height = mm_to_points(template["height"])
        self._images = {}

    def _box(self, element):
        """Left, bottom, width, height of an element's box in points."""
        width = mm_to_points(element["width"])
        height = mm_to_points(element["height"])
        left = mm_to_points(element["x"])
        bottom = self.height - mm_to_points(element["y"]) - height
        return left, bottom, width, height

    def _text(self, canvas, left, bottom, width, height, text, font_size):
        font = text_font(text)
        if font == FONT:
            text, size = fit_text(text, width, font_size, height)
        else:
            text, size = fit_text(
                text,
                width,
                font_size,
                height,
                measure=lambda value, points: pdfmetrics.stringWidth(
                    value, font, points
                ),
            )
        if not text:
            return
        canvas.setFont(font, size)
        # Vertically centred on the box: cap height about 0.7 em.
        baseline = bottom + (height - size * 0.7) / 2
        canvas.drawString(left, baseline, text)

    def _barcode(self, canvas, element, values):
        value = barcode_value(element, values)
        if not value:
            return
        symbology = element["symbology"]
        left, bottom, width, height = self._box(element)
        hri = human_readable(element, values)
        font_size = element.get("font_size") or 6
        text_height = min(font_size * LINE_HEIGHT, height / 3) if hri else 0
        bar_bottom = bottom + text_height
        bar_height = height - text_height
        path = canvas.beginPath()
        if symbology in ("qr", "gs1_datamatrix"):
            rows = matrix_modules(symbology, value)
            module = min(width, bar_height) / len(rows)
            top = bar_bottom + bar_height
            for row_index, row in enumerate(rows):
                y = top - (row_index + 1) * module
                for start, length in _runs(row):
                    path.rect(left + start * module, y, length * module, module)
        else:
            modules = linear_modules(symbology, value)
            module = width / len(modules)
            for start, length in _runs([char == "1" for char in modules]):
                path.rect(
                    left + start * module, bar_bottom, length * module, bar_height
                )
        canvas.drawPath(path, stroke=0, fill=1)
        if hri:
            self._text(canvas, left, bottom, width, text_height, hri, font_size)

    def _logo(self, canvas, element, values):
        logo = values.get("logo")
        if not logo:
            return
        key = id(logo)
        if key not in self._images:
            self._images[key] = ImageReader(io.BytesIO(logo))
        left, bottom, width, height = self._box(element)
        canvas.drawImage(
            self._images[key],
            left,
            bottom,
            width,
            height,
            preserveAspectRatio=True,
            anchor="sw",
            mask="auto",
        )

    def draw_label(self, canvas, values):
        if self.template.get("orientation") == "inverted":
            canvas.translate(self.width, self.height)
            canvas.rotate(180)
        for element in self.template.get("elements", []):
            kind = element["kind"]
            if kind == "text":
                left, bottom, width, height = self._box(element)
                self._text(
                    canvas,
                    left,
                    bottom,
                    width,
                    height,
                    element_text(element, values),
                    element.get("font_size") or 8,
                )
            elif kind == "barcode":
                self._barcode(canvas, element, values)
            elif kind == "logo":
                self._logo(canvas, element, values)

    def render(self, labels, copies=1):
        """PDF bytes: ``copies`` pages for each label (a list of value dicts)."""
        output = io.BytesIO()
        canvas = Canvas(output, pagesize=(self.width, self.height), pageCompression=0)
        canvas.setTitle("Labels")
        for values in labels:
            for _copy in range(max(int(copies), 1)):
                self.draw_label(canvas, values)
                canvas.showPage()
        canvas.save()
        return output.getvalue()


def render(template, labels, copies=1):
    return PdfRenderer(template).render(labels, copies)


def render_png(template, values, resolution=203):
    """A PNG image of one label (the bulk PDF rasterised by poppler's pdftoppm).

    :raise LayoutError: when pdftoppm is not installed or fails
    """
    import shutil
    import subprocess

    executable = shutil.which("pdftoppm")
    if not executable:
        raise LayoutError("The preview needs pdftoppm (poppler-utils).")
    document = render(template, [values])
    try:
        result = subprocess.run(
            [executable, "-png", "-singlefile", "-r", str(resolution), "-"],
            input=document,
            capture_output=True,
            check=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise LayoutError(f"The preview could not be drawn: {error}") from error
    return result.stdout
