# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Barcodes as SVG images, for the QWeb PDF labels: the same modules as the bulk
PDF. Plain Python: no Odoo."""

from .pdf import _runs, linear_modules, matrix_modules


def barcode_svg(symbology, value):
    """SVG document of the barcode; linear symbols stretch to their box, matrix
    symbols keep square modules."""
    rects = []
    if symbology in ("qr", "gs1_datamatrix"):
        rows = matrix_modules(symbology, value)
        width, height, aspect = len(rows[0]), len(rows), "xMinYMin meet"
        for y, row in enumerate(rows):
            for start, length in _runs(row):
                rects.append(f'<rect x="{start}" y="{y}" width="{length}" height="1"/>')
    else:
        modules = linear_modules(symbology, value)
        width, height, aspect = len(modules), 1, "none"
        for start, length in _runs([char == "1" for char in modules]):
            rects.append(f'<rect x="{start}" y="0" width="{length}" height="1"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="{aspect}" '
        'shape-rendering="crispEdges">'
        f'<g fill="#000">{"".join(rects)}</g></svg>'
    )
