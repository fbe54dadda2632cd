# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# ruff: noqa: E501 (the master tables are kept one printed row per line)
"""Single sampling by attributes, ISO 2859-1 (= ANSI/ASQ Z1.4, MIL-STD-105E).

Plain Python, no Odoo. The tables are kept as they are printed, arrows
included, so that each row can be read against the standard:

* Table 1: sample size code letters by lot size and inspection level;
* Tables 2-A (normal), 2-B (tightened) and 2-C (reduced): the single sampling
  master tables, one row per code letter, one cell per AQL: ``Ac/Re``, ``v``
  (use the first plan below the arrow), ``^`` (the first plan above) or ``-``
  (no plan: only row S of Table 2-B, which holds a single plan).

:func:`plan` resolves the arrows: the plan found there brings its own code
letter and sample size; a sample as large as the lot means 100 % inspection.
A few arrows lead off the table (row A, AQL 10 of Tables 2-A and 2-C points
up; row R, AQL 0.015 of Tables 2-A and 2-B points down): the plan is then
taken in the other direction, as the AQLSchemes package resolves them.

The reduced table is Table II-C of MIL-STD-105E and ANSI/ASQ Z1.4, whose
plans may have a gap between Ac and Re: a lot with more nonconforming items
than Ac and fewer than Re is accepted, and normal inspection is reinstated
(Z1.4 "special procedure for reduced inspection", :func:`switching`).
ISO 2859-1:1999 changed its Table 2-C "to eliminate the gap between the
acceptance and rejection numbers" (foreword); those values are not
reproduced here.

Every cell of the three tables, arrows resolved, agrees with the transcription
of the printed tables in the AQLSchemes R package (J. Lawson, CRAN).

:func:`switching` applies the switching rules of ISO 2859-1:1999 clause 9 to
the chronological outcomes of the lots of one vendor and product, with the
switching score of clause 9.3.3 for normal to reduced inspection.
"""

from collections import namedtuple

AQLS = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40",
    "0.65", "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65",
    "100", "150", "250", "400", "650", "1000",
)  # fmt: skip

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
SEVERITIES = ("normal", "tightened", "reduced")

# Table 1: (lowest lot size, highest lot size or None, letters by level in the
# order of LEVELS).
CODE_LETTERS = (
    (2, 8, "A A A A A A B"),
    (9, 15, "A A A A A B C"),
    (16, 25, "A A B B B C D"),
    (26, 50, "A B B C C D E"),
    (51, 90, "B B C C C E F"),
    (91, 150, "B B C D D F G"),
    (151, 280, "B C D E E G H"),
    (281, 500, "B C D E F H J"),
    (501, 1200, "C C E F G J K"),
    (1201, 3200, "C D E G H K L"),
    (3201, 10000, "C D F G J L M"),
    (10001, 35000, "C D F H K M N"),
    (35001, 150000, "D E G J L N P"),
    (150001, 500000, "D E G J M P Q"),
    (500001, None, "D E H K N Q R"),
)

# Sample size per code letter (the first column of Tables 2-A, 2-B, 2-C).
SAMPLE_SIZES = {
    "normal": dict(
        zip(
            "ABCDEFGHJKLMNPQR",
            (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000),
            strict=True,
        )
    ),
    "reduced": dict(
        zip(
            "ABCDEFGHJKLMNPQR",
            (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800),
            strict=True,
        )
    ),
}
SAMPLE_SIZES["tightened"] = dict(SAMPLE_SIZES["normal"], S=3150)

# Columns: the AQLs of AQLS, 0.010 to 1000.
_TABLE_2A = (  # fmt: skip
    "A     v     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31",
    "B     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45",
    "C     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^",
    "D     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^     ^",
    "E     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^     ^     ^",
    "F     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^",
    "G     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^",
    "H     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^",
    "J     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "K     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "L     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "M     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "N     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "P     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "Q   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "R     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
)

_TABLE_2B = (  # fmt: skip
    "A     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28",
    "B     v     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42",
    "C     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42     ^",
    "D     v     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42     ^     ^",
    "E     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42     ^     ^     ^",
    "F     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^",
    "G     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^",
    "H     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^",
    "J     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "K     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "L     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "M     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "N     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "P     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "Q     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "R   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "S     -     -   1/2     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -     -",
)

_TABLE_2C = (  # fmt: skip
    "A     v     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31",
    "B     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   2/4   3/5   5/6   7/8 10/11 14/15 21/22     ^",
    "C     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24     ^",
    "D     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24     ^     ^",
    "E     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24     ^     ^     ^",
    "F     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^",
    "G     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^",
    "H     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^",
    "J     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "K     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "L     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "M     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "N     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "P     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "Q   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
    "R     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
)


def _parse(rows):
    table = {}
    for row in rows:
        letter, *cells = row.split()
        if len(cells) != len(AQLS):
            raise ValueError(f"Row {letter}: {len(cells)} cells")
        table[letter] = dict(zip(AQLS, cells, strict=True))
    return table


TABLES = {
    "normal": _parse(_TABLE_2A),
    "tightened": _parse(_TABLE_2B),
    "reduced": _parse(_TABLE_2C),
}

Plan = namedtuple("Plan", "code_letter sample_size ac re")


def aql_key(aql):
    """The published AQL (a string of AQLS) equal to ``aql`` (str or number)."""
    try:
        value = float(aql)
    except (TypeError, ValueError):
        raise ValueError(f"Not an AQL: {aql!r}") from None
    for key in AQLS:
        if abs(float(key) - value) < 1e-9:
            return key
    raise ValueError(f"Not a published AQL: {aql!r}")


def code_letter(lot_size, level="II"):
    """Table 1: the sample size code letter of a lot."""
    if level not in LEVELS:
        raise ValueError(f"Unknown inspection level: {level!r}")
    if lot_size < 2:
        raise ValueError("A lot has at least 2 items.")
    for low, high, letters in CODE_LETTERS:
        if lot_size >= low and (high is None or lot_size <= high):
            return letters.split()[LEVELS.index(level)]
    raise AssertionError("unreachable")


def table_cell(letter, aql, severity="normal"):
    """A cell of Table 2-A, 2-B or 2-C as printed: ``(Ac, Re)``, ``"v"``,
    ``"^"`` or ``None`` (no plan)."""
    cell = TABLES[severity][letter][aql_key(aql)]
    if "/" in cell:
        ac, re = cell.split("/")
        return int(ac), int(re)
    return None if cell == "-" else cell


def resolve(letter, aql, severity="normal"):
    """The plan of a code letter: ``Plan(letter, n, Ac, Re)``, following the
    arrows to the first plan below or above (and the other way when an arrow
    leads off the table)."""
    if severity not in SEVERITIES:
        raise ValueError(f"Unknown severity: {severity!r}")
    letters = list(TABLES[severity])
    start = letters.index(letter)
    cell = table_cell(letter, aql, severity)
    if isinstance(cell, tuple):
        return Plan(letter, SAMPLE_SIZES[severity][letter], *cell)
    step = 1 if cell == "v" else -1
    for direction in (step, -step):
        index = start + direction
        while 0 <= index < len(letters):
            found = table_cell(letters[index], aql, severity)
            if found is None:
                break
            if isinstance(found, tuple):
                other = letters[index]
                return Plan(other, SAMPLE_SIZES[severity][other], *found)
            index += direction
    raise ValueError(f"No plan for {letter} at AQL {aql} ({severity})")


def plan(lot_size, aql, level="II", severity="normal"):
    """``(code_letter, sample_size, ac, re)`` of a lot: Table 1, then the master
    table of the severity. A sample as large as the lot is the whole lot
    (100 % inspection, same Ac and Re)."""
    found = resolve(code_letter(lot_size, level), aql, severity)
    if found.sample_size >= lot_size:
        return found._replace(sample_size=lot_size)
    return found


def tighter_ac(letter, aql):
    """Acceptance number of the normal plan one AQL step tighter, same code
    letter (switching score, ISO 2859-1:1999 9.3.3), or None."""
    index = AQLS.index(aql_key(aql))
    if index == 0:
        return None
    cell = table_cell(letter, AQLS[index - 1], "normal")
    return cell[0] if isinstance(cell, tuple) else None


# ------------------------------------------------------------ switching rules

Lot = namedtuple(
    "Lot", "accepted defects code_letter aql skipped", defaults=(None,) * 3 + (False,)
)
"""One lot on original inspection: accepted or not; the number of
nonconforming items found and the plan's code letter and AQL when known
(needed for the switching score of plans with Ac >= 2)."""

Switching = namedtuple("Switching", "severity reason score discontinue")
"""Where the rules stand after the lots given: the severity for the next lot,
why (a code, see REASONS), the switching score under normal inspection and
whether the acceptance procedure is to be discontinued (clause 9.4)."""

REASONS = {
    "start": "Normal inspection at the start (9.2).",
    "normal": "Normal inspection goes on.",
    "two_rejected": "2 lots not accepted in 5 or fewer consecutive lots (9.3.1).",
    "tightened": "Tightened inspection goes on.",
    "five_accepted": "5 consecutive lots accepted under tightened inspection (9.3.2).",
    "switching_score": "Switching score of 30 reached, production steady (9.3.3).",
    "reduced": "Reduced inspection goes on.",
    "rejected_reduced": "A lot not accepted under reduced inspection (9.3.4).",
    "gap_reduced": "Nonconforming items above Ac under reduced inspection.",
    "irregular": "Production irregular: normal inspection (9.3.4).",
}

SCORE_TO_REDUCED = 30
TIGHTENED_REJECTIONS_TO_DISCONTINUE = 5


def _as_lot(lot):
    return lot if isinstance(lot, Lot) else Lot(bool(lot))


def _score(score, lot):
    """Clause 9.3.3 for single sampling: with Ac >= 2, add 3 if the lot would
    have been accepted at the AQL one step tighter, else reset; with Ac 0 or 1
    (or a lot without counts), add 2 if accepted, else reset."""
    if not lot.accepted:
        return 0
    if lot.defects is not None and lot.code_letter and lot.aql is not None:
        cell = table_cell(lot.code_letter, lot.aql, "normal")
        if isinstance(cell, tuple) and cell[0] >= 2:
            tighter = tighter_ac(lot.code_letter, lot.aql)
            return score + 3 if lot.defects <= tighter else 0
    return score + 2


def switching(lots, steady=True):
    """The severity for the next lot of one vendor and product, from the
    chronological outcomes of its lots on original inspection (a ``Lot`` or a
    bool each). Starts normal (9.2); normal -> tightened when 2 of 5 or fewer
    consecutive lots are not accepted (9.3.1); tightened -> normal after 5
    consecutive lots accepted (9.3.2); normal -> reduced when the switching
    score reaches 30 and production is steady (9.3.3); reduced -> normal when
    a lot is not accepted, its count exceeds Ac (105E gap) or production is
    irregular (9.3.4). ``discontinue`` is set when 5 lots are not accepted
    while tightened inspection lasts (9.4); the severity stays tightened."""
    severity, reason = "normal", "start"
    score = 0
    recent = []  # outcomes of the lots of the current normal period, last 5
    accepted_run = 0
    tightened_rejections = 0
    for raw in lots:
        lot = _as_lot(raw)
        if lot.skipped:
            continue  # not inspected (skip-lot): no outcome
        if severity == "normal":
            recent = (recent + [lot.accepted])[-5:]
            score = _score(score, lot)
            if recent.count(False) >= 2:
                severity, reason = "tightened", "two_rejected"
                accepted_run, tightened_rejections = 0, 0
            elif score >= SCORE_TO_REDUCED and steady:
                severity, reason = "reduced", "switching_score"
            else:
                reason = "normal"
        elif severity == "tightened":
            if lot.accepted:
                accepted_run += 1
            else:
                accepted_run = 0
                tightened_rejections += 1
            if accepted_run >= 5:
                severity, reason = "normal", "five_accepted"
                recent, score = [], 0
            else:
                reason = "tightened"
        else:
            over_ac = False
            if lot.defects is not None and lot.code_letter and lot.aql is not None:
                cell = table_cell(lot.code_letter, lot.aql, "reduced")
                over_ac = isinstance(cell, tuple) and lot.defects > cell[0]
            if not lot.accepted or over_ac or not steady:
                severity = "normal"
                reason = (
                    "rejected_reduced"
                    if not lot.accepted
                    else ("gap_reduced" if over_ac else "irregular")
                )
                recent, score = [], 0
            else:
                reason = "reduced"
    if severity == "reduced" and not steady:
        severity, reason, recent, score = "normal", "irregular", [], 0
    discontinue = (
        severity == "tightened"
        and tightened_rejections >= TIGHTENED_REJECTIONS_TO_DISCONTINUE
    )
    return Switching(severity, reason, score, discontinue)


# Skip-lot (ISO 2859-3:2005, simplified): a vendor and product whose last
# SKIP_QUALIFY lots inspected were all accepted, under normal or reduced
# inspection, has only one lot in SKIP_FREQUENCY inspected; the others are
# released without inspection (recorded as skipped). A lot not accepted brings
# back lot-by-lot inspection, and qualification starts again.
SKIP_QUALIFY = 10
SKIP_FREQUENCY = 2

SkipLot = namedtuple("SkipLot", "qualified inspect_next accepted_run")
"""Skip-lot after the lots given: whether the vendor and product qualify,
whether the next lot is to be inspected, and the run of accepted lots."""


def skip_lot(lots, qualify=SKIP_QUALIFY, frequency=SKIP_FREQUENCY):
    """Skip-lot state after the chronological lots (``Lot`` or bool each, as
    for :func:`switching`): qualified after ``qualify`` consecutive accepted
    inspected lots; then, of each ``frequency`` lots, the first ``frequency - 1``
    are skipped and the next one inspected; a lot not accepted ends it."""
    if qualify < 1 or frequency < 2:
        raise ValueError("skip-lot needs qualify >= 1 and frequency >= 2")
    run = 0
    qualified = False
    since = 0  # lots since qualification (skipped or inspected)
    for raw in lots:
        lot = _as_lot(raw)
        if lot.skipped:
            since += 1
            continue
        if not lot.accepted:
            run, qualified, since = 0, False, 0
            continue
        run += 1
        if qualified:
            since += 1
        elif run >= qualify:
            qualified, since = True, 0
    inspect_next = not qualified or (since + 1) % frequency == 0
    return SkipLot(qualified, inspect_next, run)
