# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of quality_traceability/tools/iso2859.py (no Odoo).

Sources of the expected values:

* ISO 2859-1:1999, Table 1 (sample size code letters), Tables 2-A, 2-B
  (single sampling, normal and tightened) and clause 9 (switching rules);
  the same tables are ANSI/ASQ Z1.4-2003 Tables I, II-A, II-B and
  MIL-STD-105E (1989) Tables I, II-A, II-B; the reduced plans are those of
  MIL-STD-105E / Z1.4 Table II-C (ISO 2859-1:1999 removed their Ac-Re gap).
* D. C. Montgomery, Introduction to Statistical Quality Control, chapter on
  lot-by-lot acceptance sampling for attributes, the MIL-STD-105E example:
  lot of 2000 items, general level II -> code
  letter K, n = 125; AQL 0.65 % normal -> Ac 2, Re 3; tightened -> Ac 1, Re 2;
  reduced -> n = 50, Ac 1, Re 3.
* Level II / single normal and tightened extracts of MIL-STD-105E reprinted
  by the U.S. facility management guides (http://www.nibs.org/FMOC/DPW_AC/
  AC-TABLE.ASC, tables 1-A and 1-B).
"""

import pytest
from conftest import load_module
from hypothesis import given
from hypothesis import strategies as st

iso = load_module("quality_traceability/tools/iso2859.py")

LETTERS = "ABCDEFGHJKLMNPQR"


# ----------------------------------------------------------------- Table 1


@pytest.mark.parametrize(
    "lot_size, level, letter",
    [
        (2, "II", "A"),
        (8, "III", "B"),
        (9, "II", "B"),
        (25, "I", "B"),
        (50, "II", "D"),
        (100, "II", "F"),
        (500, "II", "H"),
        (501, "II", "J"),
        (1200, "S-4", "F"),
        (2000, "II", "K"),
        (2000, "I", "H"),
        (2000, "III", "L"),
        (3200, "S-3", "E"),
        (10000, "II", "L"),
        (35000, "S-4", "H"),
        (150000, "S-1", "D"),
        (500000, "I", "M"),
        (500001, "II", "Q"),
        (10**7, "III", "R"),
        (10**7, "S-2", "E"),
    ],
)
def test_code_letters(lot_size, level, letter):
    """ISO 2859-1:1999 Table 1 / Z1.4 Table I."""
    assert iso.code_letter(lot_size, level) == letter


def test_code_letter_table_row_by_row():
    """Table 1 as printed, one row per lot size range, levels S-1 ... III."""
    expected = {
        (2, 8): "AAAAAAB",
        (9, 15): "AAAAABC",
        (16, 25): "AABBBCD",
        (26, 50): "ABBCCDE",
        (51, 90): "BBCCCEF",
        (91, 150): "BBCDDFG",
        (151, 280): "BCDEEGH",
        (281, 500): "BCDEFHJ",
        (501, 1200): "CCEFGJK",
        (1201, 3200): "CDEGHKL",
        (3201, 10000): "CDFGJLM",
        (10001, 35000): "CDFHKMN",
        (35001, 150000): "DEGJLNP",
        (150001, 500000): "DEGJMPQ",
        (500001, 10**9): "DEHKNQR",
    }
    for (low, high), letters in expected.items():
        for lot_size in (low, high):
            got = "".join(iso.code_letter(lot_size, level) for level in iso.LEVELS)
            assert got == letters, (low, high)


def test_bad_input():
    with pytest.raises(ValueError):
        iso.code_letter(1)
    with pytest.raises(ValueError):
        iso.code_letter(100, "IV")
    with pytest.raises(ValueError):
        iso.plan(100, 0.3)
    with pytest.raises(ValueError):
        iso.plan(100, 0.65, severity="skip")


# ------------------------------------------------------------ Tables 2-A/B/C


def test_sample_sizes():
    """The sample size column of Tables 2-A, 2-B (with S = 3150) and the
    reduced Table II-C of MIL-STD-105E / Z1.4."""
    assert list(iso.SAMPLE_SIZES["normal"].values()) == [
        2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000,
    ]  # fmt: skip
    assert iso.SAMPLE_SIZES["tightened"]["S"] == 3150
    assert list(iso.SAMPLE_SIZES["reduced"].values()) == [
        2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800,
    ]  # fmt: skip


def test_montgomery_example():
    """Montgomery (MIL-STD-105E example): N = 2000, level II, AQL 0.65 %."""
    assert iso.plan(2000, 0.65) == ("K", 125, 2, 3)
    assert iso.plan(2000, "0.65", severity="tightened") == ("K", 125, 1, 2)
    assert iso.plan(2000, 0.65, severity="reduced") == ("K", 50, 1, 3)


# Level II, normal, AQL 0.65 ... 15: Re of each code letter A ... Q, the
# rows of the nibs.org extract of MIL-STD-105E Table II-A ("v"/"^": arrows,
# resolved to the plan they point to).
NORMAL_LEVEL_II_RE = {
    "A": (None, None, None, None, None, 1, None, None),
    "B": (None, None, None, None, 1, None, None, 2),
    "C": (None, None, None, 1, None, None, 2, 3),
    "D": (None, None, 1, None, None, 2, 3, 4),
    "E": (None, 1, None, None, 2, 3, 4, 6),
    "F": (1, None, None, 2, 3, 4, 6, 8),
    "G": (None, None, 2, 3, 4, 6, 8, 11),
    "H": (None, 2, 3, 4, 6, 8, 11, 15),
    "J": (2, 3, 4, 6, 8, 11, 15, 22),
    "K": (3, 4, 6, 8, 11, 15, 22, None),
    "L": (4, 6, 8, 11, 15, 22, None, None),
    "M": (6, 8, 11, 15, 22, None, None, None),
    "N": (8, 11, 15, 22, None, None, None, None),
    "P": (11, 15, 22, None, None, None, None, None),
    "Q": (15, 22, None, None, None, None, None, None),
}
TIGHTENED_LEVEL_II_RE = {
    "A": (None, None, None, None, None, None, None, None),
    "B": (None, None, None, None, None, 1, None, None),
    "C": (None, None, None, None, 1, None, None, 2),
    "D": (None, None, None, 1, None, None, 2, 3),
    "E": (None, None, 1, None, None, 2, 3, 4),
    "F": (None, 1, None, None, 2, 3, 4, 6),
    "G": (1, None, None, 2, 3, 4, 6, 9),
    "H": (None, None, 2, 3, 4, 6, 9, 13),
    "J": (None, 2, 3, 4, 6, 9, 13, 19),
    "K": (2, 3, 4, 6, 9, 13, 19, None),
    "L": (3, 4, 6, 9, 13, 19, None, None),
}
COLUMNS = ("0.65", "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15")


@pytest.mark.parametrize(
    "severity, rows",
    [("normal", NORMAL_LEVEL_II_RE), ("tightened", TIGHTENED_LEVEL_II_RE)],
)
def test_published_rows(severity, rows):
    """The printed cells (numbers where printed, arrows elsewhere) of the
    level II extracts of Tables II-A and II-B."""
    for letter, cells in rows.items():
        for aql, re in zip(COLUMNS, cells, strict=True):
            cell = iso.table_cell(letter, aql, severity)
            if re is None:
                assert cell in ("v", "^"), (letter, aql, cell)
            else:
                assert cell == (re - 1, re), (letter, aql, cell)


@pytest.mark.parametrize(
    "letter, aql, severity, expected",
    [
        # Table 2-A: down arrow to the first plan below.
        ("A", "4.0", "normal", ("B", 3, 0, 1)),
        ("H", "0.10", "normal", ("K", 125, 0, 1)),
        ("K", "0.25", "normal", ("L", 200, 1, 2)),
        # Table 2-A: up arrow to the first plan above.
        ("K", "0.15", "normal", ("J", 80, 0, 1)),
        ("K", "15", "normal", ("J", 80, 21, 22)),
        ("R", "0.010", "normal", ("Q", 1250, 0, 1)),
        ("F", "100", "normal", ("E", 13, 21, 22)),
        ("C", "1000", "normal", ("B", 3, 44, 45)),
        # Arrows that leave the table: the plan the other way.
        ("A", "10", "normal", ("C", 5, 1, 2)),
        ("R", "0.015", "normal", ("P", 800, 0, 1)),
        ("R", "0.015", "tightened", ("Q", 1250, 0, 1)),
        # Table 2-B: row S (3150) holds 1/2 at 0.025.
        ("R", "0.025", "tightened", ("S", 3150, 1, 2)),
        ("Q", "0.025", "tightened", ("S", 3150, 1, 2)),
        ("H", "0.65", "tightened", ("K", 125, 1, 2)),
        ("A", "10", "tightened", ("D", 8, 1, 2)),
        ("B", "1000", "tightened", ("B", 3, 41, 42)),
        ("E", "150", "tightened", ("E", 13, 27, 28)),
        # Table II-C (reduced).
        ("K", "0.40", "reduced", ("K", 50, 0, 2)),
        ("K", "10", "reduced", ("K", 50, 10, 13)),
        ("K", "0.15", "reduced", ("J", 32, 0, 1)),
        # Rows A and B of Table II-C for nonconformities per 100 items.
        ("A", "25", "reduced", ("A", 2, 1, 2)),
        ("B", "40", "reduced", ("B", 2, 2, 4)),
        ("K", "1000", "reduced", ("A", 2, 30, 31)),
    ],
)
def test_arrows(letter, aql, severity, expected):
    assert iso.resolve(letter, aql, severity) == expected


def test_diagonals():
    """Along a diagonal of Table 2-A (same n x AQL) the plan is the same:
    0/1 for A at 6.5 ... Q at 0.010; 21/22 for J at 15 ... R at 0.65."""
    for index, letter in enumerate("ABCDEFGHJKLMNPQ"):
        assert iso.table_cell(letter, iso.AQLS[14 - index]) == (0, 1)
    for index, letter in enumerate("JKLMNPQR"):
        assert iso.table_cell(letter, iso.AQLS[16 - index]) == (21, 22)


def test_whole_lot_when_sample_exceeds_it():
    """n >= N: 100 % inspection (note of Tables 2-A, 2-B, 2-C)."""
    assert iso.plan(5, 10) == ("C", 5, 1, 2)
    assert iso.plan(4, 10) == ("C", 4, 1, 2)
    assert iso.plan(8, 0.65) == ("F", 8, 0, 1)


def test_tighter_ac():
    """Switching score: Ac one AQL step tighter, same code letter."""
    assert iso.tighter_ac("K", "0.65") == 1
    assert iso.tighter_ac("K", "1.0") == 2
    assert iso.tighter_ac("K", "0.15") == 0
    assert iso.tighter_ac("A", "0.010") is None


# --------------------------------------------------------- switching rules


def test_start_normal():
    assert iso.switching([]) == ("normal", "start", 0, False)


def test_two_of_five_to_tightened():
    """9.3.1: 2 lots not accepted within 5 or fewer consecutive lots."""
    assert iso.switching([False, True, True, True, False]).severity == "tightened"
    assert iso.switching([False, False]).reason == "two_rejected"
    # 2 rejections 6 lots apart: normal goes on.
    lots = [False, True, True, True, True, False]
    assert iso.switching(lots).severity == "normal"


def test_tightened_back_to_normal():
    """9.3.2: 5 consecutive lots accepted under tightened inspection."""
    lots = [False, False, True, True, True, True]
    assert iso.switching(lots).severity == "tightened"
    state = iso.switching([*lots, True])
    assert (state.severity, state.reason) == ("normal", "five_accepted")
    # A rejection restarts the count.
    lots = [False, False, True, True, False, True, True, True, True]
    assert iso.switching(lots).severity == "tightened"


def test_discontinue_after_five_rejected_under_tightened():
    """9.4: 5 lots not accepted while tightened inspection lasts."""
    lots = [False, False] + [False, True] * 4 + [False]
    state = iso.switching(lots)
    assert state.severity == "tightened" and state.discontinue


def test_switching_score_to_reduced():
    """9.3.3: Ac 0 or 1: +2 per lot accepted; 30 reached -> reduced (15 lots),
    unless production is not steady."""
    lots = [True] * 14
    assert iso.switching(lots) == ("normal", "normal", 28, False)
    state = iso.switching([*lots, True])
    assert (state.severity, state.reason) == ("reduced", "switching_score")
    assert iso.switching([*lots, True], steady=False).severity == "normal"


def test_switching_score_with_ac_two_or_more():
    """9.3.3: Ac >= 2 (K, AQL 0.65: Ac 2): +3 when the lot would have been
    accepted at the AQL one step tighter (0.40: Ac 1), else the score is
    reset; 10 such lots reach 30."""
    good = iso.Lot(True, defects=1, code_letter="K", aql="0.65")
    borderline = iso.Lot(True, defects=2, code_letter="K", aql="0.65")
    assert iso.switching([good] * 9).score == 27
    assert iso.switching([good] * 10).severity == "reduced"
    assert iso.switching([good] * 9 + [borderline]).score == 0


def test_reduced_back_to_normal():
    """9.3.4: a lot not accepted under reduced inspection; MIL-STD-105E
    reduced plans: a count above Ac (below Re) accepts but reinstates normal."""
    reduced = [True] * 15
    assert iso.switching([*reduced, True]).severity == "reduced"
    state = iso.switching([*reduced, False])
    assert (state.severity, state.reason) == ("normal", "rejected_reduced")
    gap = iso.Lot(True, defects=2, code_letter="K", aql="0.65")  # reduced 1/3
    state = iso.switching([*reduced, gap])
    assert (state.severity, state.reason) == ("normal", "gap_reduced")
    state = iso.switching(reduced, steady=False)
    assert state.severity == "normal"


# -------------------------------------------------------------- properties

lot_sizes = st.integers(min_value=2, max_value=2_000_000)
aqls = st.sampled_from(iso.AQLS)
levels = st.sampled_from(iso.LEVELS)
severities = st.sampled_from(iso.SEVERITIES)


@given(lot_sizes, aqls, levels, severities)
def test_plan_properties(lot_size, aql, level, severity):
    letter, n, ac, re = iso.plan(lot_size, aql, level, severity)
    assert 1 <= n <= lot_size
    assert 0 <= ac < re
    assert n == min(iso.SAMPLE_SIZES[severity][letter], lot_size)


@given(st.sampled_from(LETTERS), aqls)
def test_tightened_never_looser(letter, aql):
    """Same code letter and AQL: the tightened plan accepts no more than the
    normal one in proportion to its sample (Ac_t / n_t <= Ac_n / n_n), and its
    Ac is never larger when the sample is the same."""
    _nl, n_n, ac_n, _re = iso.resolve(letter, aql, "normal")
    _tl, n_t, ac_t, _re = iso.resolve(letter, aql, "tightened")
    assert ac_t * n_n <= ac_n * n_t
    if n_t == n_n:
        assert ac_t <= ac_n


@given(st.lists(st.booleans(), max_size=60), st.booleans())
def test_switching_deterministic_and_consistent(outcomes, steady):
    state = iso.switching(outcomes, steady)
    assert state == iso.switching(list(outcomes), steady)
    assert state.severity in iso.SEVERITIES
    assert state.reason in iso.REASONS
    if not outcomes:
        assert state.severity == "normal"
    if not steady:
        assert state.severity != "reduced"
    if state.severity == "reduced":
        # Reduced only after a run of accepted lots (at least 15 of Ac <= 1).
        assert outcomes[-15:] == [True] * 15
    if all(outcomes):
        assert state.severity in ("normal", "reduced")
    # Replaying the history one lot at a time ends in the same state.
    assert iso.switching(iter(outcomes), steady) == state


# Skip-lot (ISO 2859-3:2005, simplified as documented in tools/iso.py):
# qualification after SKIP_QUALIFY consecutive accepted lots, then one lot in
# SKIP_FREQUENCY inspected, any rejection ends it.


def test_skip_lot_qualifies_and_alternates():
    lots = [True] * iso.SKIP_QUALIFY
    state = iso.skip_lot(lots)
    assert state.qualified and not state.inspect_next
    lots.append(iso.Lot(True, skipped=True))
    assert iso.skip_lot(lots).inspect_next
    lots.append(True)
    assert not iso.skip_lot(lots).inspect_next
    lots.append(False)
    state = iso.skip_lot(lots)
    assert not state.qualified and state.inspect_next


def test_skipped_lots_are_no_outcome_for_switching():
    lots = [False, iso.Lot(True, skipped=True), False]
    assert iso.switching(lots).severity == "tightened"
    assert iso.switching([False, iso.Lot(False, skipped=True)]).severity == ("normal")


@given(st.lists(st.booleans(), max_size=40))
def test_skip_lot_never_skips_unqualified(outcomes):
    state = iso.skip_lot(outcomes)
    run = 0
    for accepted in outcomes:
        run = run + 1 if accepted else 0
    if run < iso.SKIP_QUALIFY:
        assert not state.qualified and state.inspect_next
