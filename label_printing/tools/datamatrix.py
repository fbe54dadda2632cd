# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ECC 200 Data Matrix in ASCII encodation, with FNC1 for GS1 DataMatrix.

Reportlab's ``ECC200DataMatrix`` only makes a 44x44 C40 symbol without FNC1; this
encoder chooses the smallest square symbol up to 44x44 and encodes GS1 data with
FNC1 in first position and as separator. Placement and Reed-Solomon come from
reportlab's class. Plain Python: no Odoo.
"""

import re

from reportlab.graphics.barcode.ecc200datamatrix import ECC200DataMatrix

from .layout import LayoutError

FNC1 = 232
GROUP_SEPARATOR = "\x1d"
PAD = 129

# Square symbols with a single Reed-Solomon block:
# (modules per side, data codewords, error correction codewords, regions per side)
SIZES = (
    (10, 3, 5, 1),
    (12, 5, 7, 1),
    (14, 8, 10, 1),
    (16, 12, 12, 1),
    (18, 18, 14, 1),
    (20, 22, 18, 1),
    (22, 30, 20, 1),
    (24, 36, 24, 1),
    (26, 44, 28, 1),
    (32, 62, 36, 2),
    (36, 86, 42, 2),
    (40, 114, 48, 2),
    (44, 144, 56, 2),
)


class DataMatrixError(LayoutError):
    """The data cannot be encoded in a Data Matrix symbol of this encoder."""


def ascii_codewords(data, gs1=False):
    """ASCII-encodation codewords of ``data``: digit pairs packed, GS as FNC1 when
    ``gs1`` (which also puts FNC1 first)."""
    codewords = [FNC1] if gs1 else []
    index = 0
    while index < len(data):
        char = data[index]
        pair = data[index : index + 2]
        if len(pair) == 2 and pair.isascii() and pair.isdigit():
            codewords.append(130 + int(pair))
            index += 2
            continue
        if gs1 and char == GROUP_SEPARATOR:
            codewords.append(FNC1)
        elif ord(char) < 128:
            codewords.append(ord(char) + 1)
        else:
            raise DataMatrixError(f"character {char!r} is not ASCII")
        index += 1
    return codewords


def _pad(codewords, capacity):
    result = list(codewords)
    if len(result) < capacity:
        result.append(PAD)
    while len(result) < capacity:
        position = len(result) + 1
        value = PAD + ((149 * position) % 253) + 1
        result.append(value - 254 if value > 254 else value)
    return result


class _Symbol(ECC200DataMatrix):
    """Reportlab's matrix placement, for one of :data:`SIZES`."""

    def __init__(self, size, data_cw, ecc_cw, regions):
        super().__init__(value="")
        self.row_modules = self.col_modules = size
        self.row_regions = self.col_regions = regions
        self.cw_data = data_cw
        self.cw_ecc = ecc_cw
        self.row_usable_modules = self.col_usable_modules = size - regions * 2

    def modules(self, codewords):
        data = codewords + self._get_reed_solomon_code(codewords, self.cw_ecc)
        matrix = self._create_matrix(data)
        regions = self._create_data_regions(matrix)
        return self._merge_data_regions(self._wrap_data_regions_with_finders(regions))


_CODEWORDS = re.compile(r"[0-9]{2}|.", re.DOTALL)


def symbol_size(data, gs1=False):
    """Modules per side of the smallest symbol holding ``data`` (ASCII)."""
    if not data.isascii():
        raise DataMatrixError("Data Matrix data must be ASCII")
    # ASCII encodation: a codeword per digit pair (taken from the left) or
    # per other character (GS: FNC1); FNC1 first for GS1.
    count = len(_CODEWORDS.findall(data)) + (1 if gs1 else 0)
    for size, data_cw, _ecc_cw, _regions in SIZES:
        if count <= data_cw:
            return size
    raise DataMatrixError(f"{count} codewords do not fit in a 44x44 Data Matrix symbol")


def encode(data, gs1=False):
    """Modules of the smallest symbol holding ``data``: a list of rows (top row
    first) of 0/1. With ``gs1``, ``data`` is GS1 barcode data whose variable-length
    elements end with a GS (ASCII 29)."""
    codewords = ascii_codewords(data, gs1=gs1)
    for size, data_cw, ecc_cw, regions in SIZES:
        if len(codewords) <= data_cw:
            symbol = _Symbol(size, data_cw, ecc_cw, regions)
            return symbol.modules(_pad(codewords, data_cw))
    raise DataMatrixError(
        f"{len(codewords)} codewords do not fit in a 44x44 Data Matrix symbol"
    )
