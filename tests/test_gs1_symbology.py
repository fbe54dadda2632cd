# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GS1 symbology identifiers of Data Matrix, and SSCC scan data.

Sources:

[15424]   ISO/IEC 15424 (symbology identifiers "]" + code character + modifier).
          For Data Matrix ("]d"), the modifiers as a scanner manual lists them
          (Opticon L-46X, appendix "DataMatrix options AIM/ISO15424 Code ID: d*"):
          1 ECC 200; 2 ECC 200, FNC1 in first or fifth position (GS1); 3 ECC 200,
          FNC1 in second or sixth position (AIM); 4, 5, 6 the same with the ECI
          protocol.
[ZXING]   zxing-cpp, core/src/datamatrix/DMDecoder.cpp (commit 9d3b765): the
          modifier is "2" for an FNC1 in first position (GS1), "3" in second, and
          ``result.symbology.modifier += isDMRE * 6``: a Data Matrix of one of the
          rectangular sizes of ISO/IEC 21471 (DMRE) is reported "]d7" (plain),
          "]d8" (GS1) or "]d9" (AIM).
[GENSPECS] GS1 General Specifications, AI (00) SSCC: 18 digits, the last one a
          check digit (section 7.9.1).
"""

import pytest
from conftest import load_module

gs1 = load_module("quality_traceability/tools/gs1.py")

GS = "\x1d"
# An SSCC of GS1 company prefix 0614141 (the prefix of GS1's own examples).
SSCC = gs1.sscc("0614141", 123456789, extension_digit=1)


def test_sscc_is_valid():
    assert len(SSCC) == 18
    assert gs1.validate("00", SSCC) == SSCC


@pytest.mark.parametrize("identifier", ["]d2", "]d8", "]C1"])
def test_sscc_read_with_gs1_identifiers(identifier):
    # [ZXING] a DMRE-sized GS1 DataMatrix comes as "]d8" and is GS1 data like "]d2".
    assert gs1.parse(identifier + "00" + SSCC) == [("00", SSCC)]


def test_dmre_gs1_with_several_elements():
    data = "]d8" + "00" + SSCC + "0109506000134352" + "10LOT-7" + GS + "3712"
    assert gs1.parse(data) == [
        ("00", SSCC),
        ("01", "09506000134352"),
        ("10", "LOT-7"),
        ("37", "12"),
    ]


@pytest.mark.parametrize(
    "identifier",
    [
        # [15424] plain ECC 200: no GS1 element strings announced.
        "]d1",
        # [15424] FNC1 in second position: AIM application, not GS1.
        "]d3",
        # [ZXING] DMRE without FNC1, and DMRE with FNC1 in second position.
        "]d7",
        "]d9",
    ],
)
def test_other_data_matrix_identifiers_are_not_gs1(identifier):
    with pytest.raises(gs1.GS1Error, match="does not announce GS1"):
        gs1.parse(identifier + "00" + SSCC)


def test_sscc_with_wrong_check_digit_is_refused():
    wrong = SSCC[:-1] + str((int(SSCC[-1]) + 1) % 10)
    with pytest.raises(gs1.GS1Error):
        gs1.parse("]d8" + "00" + wrong)


def test_bracketed_sscc():
    assert gs1.parse(f"(00){SSCC}") == [("00", SSCC)]
