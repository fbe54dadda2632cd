# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of quality_traceability/tools/spc.py (no Odoo)."""

import pytest
from conftest import load_module
from hypothesis import assume, given
from hypothesis import strategies as st

spc = load_module("quality_traceability/tools/spc.py")

LIMITS = spc.Limits(mean=10.0, sigma=1.0)


def test_limits_from_moving_range():
    limits = spc.individuals_limits([10, 12, 10, 12])
    assert limits.mean == pytest.approx(11)
    assert limits.sigma == pytest.approx(2 / 1.128)
    assert limits.ucl == pytest.approx(11 + 3 * 2 / 1.128)
    assert limits.lcl == pytest.approx(11 - 3 * 2 / 1.128)


def test_needs_two_values():
    with pytest.raises(ValueError):
        spc.individuals_limits([1])


def test_in_control_has_no_alarm():
    values = [10, 10.5, 9.6, 10.2, 9.8, 10.4, 9.7, 10.1, 9.9]
    assert spc.western_electric(values, LIMITS) == []


def test_rule_1_beyond_three_sigma():
    assert spc.rules_at([10, 13.5], LIMITS, 1) == [1]
    assert spc.rules_at([10, 6.4], LIMITS, 1) == [1]
    assert spc.rules_at([10, 12.9], LIMITS, 1) == []


def test_rule_2_two_of_three_beyond_two_sigma_same_side():
    assert 2 in spc.rules_at([12.5, 10, 12.2], LIMITS, 2)
    assert 2 not in spc.rules_at([12.5, 10, 7.8], LIMITS, 2)
    assert 2 not in spc.rules_at([10, 12.5], LIMITS, 1)


def test_rule_3_four_of_five_beyond_one_sigma_same_side():
    assert 3 in spc.rules_at([11.5, 11.2, 10.0, 11.4, 11.3], LIMITS, 4)
    assert 3 not in spc.rules_at([11.5, 11.2, 10.0, 10.4, 11.3], LIMITS, 4)


def test_rule_4_eight_on_one_side():
    values = [10.1, 10.2, 10.3, 10.1, 10.2, 10.4, 10.1, 10.2]
    assert spc.rules_at(values, LIMITS, 7) == [4]
    assert spc.rules_at(values[:7], LIMITS, 6) == []
    assert spc.rules_at([*values[:7], 9.9], LIMITS, 7) == []


def test_western_electric_lists_every_alarm():
    values = [10, 10.2, 9.9, 14, 10.1]
    alarms = spc.western_electric(values, LIMITS)
    assert alarms == [(3, [1])]


def test_zero_sigma_only_rule_4():
    flat = [5.0] * 9
    limits = spc.individuals_limits(flat)
    assert limits.sigma == 0
    assert spc.western_electric(flat, limits) == []


def test_control_chart_limits_and_rules_per_point():
    # NIST/SEMATECH e-Handbook 6.3.2.2: centre line = mean of the values,
    # UCL/LCL = mean +/- 3 * MR-bar / 1.128 (Montgomery, section 6.4).
    values = [10, 10.2, 9.9, 10.1, 10.0, 9.8, 10.1, 10.6]
    limits, rules = spc.control_chart(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    mr_bar = sum(ranges) / len(ranges)
    assert limits.mean == pytest.approx(sum(values) / len(values))
    assert limits.ucl == pytest.approx(limits.mean + 3 * mr_bar / 1.128)
    assert limits.lcl == pytest.approx(limits.mean - 3 * mr_bar / 1.128)
    assert len(rules) == len(values)
    assert rules[:7] == [[]] * 7
    assert 1 not in rules[-1]


def test_control_chart_marks_rule_1():
    values = [10.0, 10.1, 9.9, 10.05, 9.95, 10.1, 9.9, 10.0, 10.02, 10.9]
    limits, rules = spc.control_chart(values)
    assert values[-1] > limits.ucl
    assert 1 in rules[-1]
    assert all(1 not in point_rules for point_rules in rules[:-1])


def test_control_chart_of_one_value_has_no_limits():
    assert spc.control_chart([4.2]) == (None, [[]])
    assert spc.control_chart([]) == (None, [])


# --- Process capability and X-bar and R charts ---------------------------------


def test_capability_indices_nist_example():
    """NIST/SEMATECH e-Handbook of Statistical Methods, section 6.1.6
    (https://www.itl.nist.gov/div898/handbook/pmc/section1/pmc16.htm): USL 20,
    LSL 8, mean 16, sigma 2 give Cp = 1.0, CPU = 0.67, CPL = 1.33, Cpk =
    0.67."""
    cp, cpk = spc.capability_indices(16, 2, lsl=8, usl=20)
    assert cp == pytest.approx(1.0)
    assert cpk == pytest.approx(0.67, abs=0.005)
    assert spc.capability_indices(16, 2, usl=20) == (None, pytest.approx(4 / 6))
    assert spc.capability_indices(16, 2, lsl=8) == (None, pytest.approx(8 / 6))


def test_capability_of_values_nist_example():
    """The NIST 6.1.6 process (mean 16, sigma 2, USL 20, LSL 8) as measured
    values. Cp/Cpk: single values alternating 16 ± 1.128 have an average moving
    range of 2.256, so sigma = MR-bar / 1.128 = 2 (NIST 6.3.2.2). Pp/Ppk: values
    16 ± d with d = 2 * sqrt((N - 1) / N) have a sample standard deviation of
    exactly 2."""
    values = [16 + (1.128 if i % 2 else -1.128) for i in range(20)]
    result = spc.capability(values, lsl=8, usl=20)
    assert result.count == 20
    assert result.mean == pytest.approx(16)
    assert result.sigma_within == pytest.approx(2)
    assert result.cp == pytest.approx(1.0)
    assert result.cpk == pytest.approx(0.67, abs=0.005)
    count = 10
    spread = 2 * ((count - 1) / count) ** 0.5
    values = [16 + (spread if i % 2 else -spread) for i in range(count)]
    result = spc.capability(values, lsl=8, usl=20)
    assert result.sigma_overall == pytest.approx(2)
    assert result.pp == pytest.approx(1.0)
    assert result.ppk == pytest.approx(0.67, abs=0.005)


def test_capability_one_sided_and_undefined():
    values = [9.8, 10.1, 10.0, 10.2, 9.9]
    upper = spc.capability(values, usl=11)
    assert upper.cp is None and upper.pp is None
    assert upper.cpk == pytest.approx((11 - upper.mean) / (3 * upper.sigma_within))
    assert upper.ppk == pytest.approx((11 - upper.mean) / (3 * upper.sigma_overall))
    lower = spc.capability(values, lsl=9)
    assert lower.cp is None and lower.pp is None
    assert lower.cpk == pytest.approx((lower.mean - 9) / (3 * lower.sigma_within))
    none = spc.capability(values)
    assert (none.cp, none.cpk, none.pp, none.ppk) == (None, None, None, None)
    # One value, no spread, no value: nothing is defined.
    for sample in ([10.0], [10.0] * 6, []):
        result = spc.capability(sample, lsl=9, usl=11)
        assert (result.cp, result.cpk, result.pp, result.ppk) == (
            None,
            None,
            None,
            None,
        )


# Montgomery, Introduction to Statistical Quality Control (6th ed.), example
# 6.1 (piston-ring inside diameter, 25 subgroups of 5): X-double-bar = 74.001,
# R-bar = 0.023; X-bar chart UCL = 74.001 + 0.577 * 0.023 = 74.014, LCL =
# 73.988; R chart UCL = 2.114 * 0.023 = 0.049, LCL = 0; sigma = R-bar / d2 =
# 0.023 / 2.326 = 0.0099 and, with the specification 74.000 ± 0.05 mm,
# Cp = 0.10 / (6 * 0.0099) = 1.68 (section 6.2.5). The published data set as
# found in public copies does not give these sums exactly (sum of ranges
# 0.571, not 0.581), so the subgroups below are built to the published
# summary statistics: 25 subgroups of 5, means averaging 74.001, ranges
# averaging 0.023.
PISTON_OFFSETS = [-0.004, 0.003, -0.002, 0.004, -0.001]  # mean offset: 0
PISTON_RANGES = [0.018, 0.028, 0.020, 0.026, 0.023]  # mean: 0.023


def piston_subgroups():
    groups = []
    for index in range(25):
        centre = 74.001 + PISTON_OFFSETS[index % 5]
        half = PISTON_RANGES[(index // 5) % 5] / 2
        groups.append([centre - half, centre, centre + half, centre, centre])
    return groups


def test_xbar_r_constants_table():
    """A2 = 3 / (d2 sqrt(n)) within the tables' rounding (NIST/SEMATECH 6.3.2;
    ASTM E2587 table 1)."""
    assert sorted(spc.XBAR_R_CONSTANTS) == list(range(2, 11))
    for size, (a2, d3, d4, d2) in spc.XBAR_R_CONSTANTS.items():
        assert a2 == pytest.approx(3 / (d2 * size**0.5), abs=0.002)
        assert d4 > 1 > d3 >= 0
    assert spc.XBAR_R_CONSTANTS[5] == (0.577, 0.0, 2.114, 2.326)


def test_xbar_r_limits_piston_rings():
    limits = spc.xbar_r_limits(piston_subgroups())
    assert limits.size == 5
    assert limits.xbar.mean == pytest.approx(74.001)
    assert limits.r_bar == pytest.approx(0.023)
    assert round(limits.xbar.ucl, 3) == 74.014
    assert round(limits.xbar.lcl, 3) == 73.988
    assert round(limits.r_ucl, 3) == 0.049
    assert limits.r_lcl == 0
    assert round(limits.sigma, 4) == 0.0099


def test_capability_piston_rings():
    values = [value for group in piston_subgroups() for value in group]
    result = spc.capability(values, lsl=73.95, usl=74.05, subgroup_size=5)
    assert result.sigma_within == pytest.approx(0.023 / 2.326)
    assert result.cp == pytest.approx(1.68, abs=0.01)
    mean = sum(values) / len(values)
    overall = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    assert result.pp == pytest.approx(0.10 / (6 * overall))


def test_xbar_r_limits_refuses_bad_subgroups():
    with pytest.raises(ValueError):
        spc.xbar_r_limits([[1, 2, 3]])
    with pytest.raises(ValueError):
        spc.xbar_r_limits([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError):
        spc.xbar_r_limits([[1] * 11, [2] * 11])
    with pytest.raises(ValueError):
        spc.capability([1, 2, 3], lsl=0, usl=4, subgroup_size=11)


def test_subgroups_drop_the_incomplete_last():
    assert spc.subgroups_of([1, 2, 3, 4, 5, 6, 7], 3) == [[1, 2, 3], [4, 5, 6]]
    assert spc.subgroups_of([1, 2], 3) == []


def test_xbar_r_chart_rules_on_means():
    """Western Electric rule 1 on the X-bar series (the same ``rules_at`` as
    the individuals chart), and a range beyond D4 R-bar flagged."""
    groups = piston_subgroups()
    values = [value for group in groups for value in group]
    limits, means, ranges, rules, range_alarms = spc.xbar_r_chart(values, 5)
    assert len(means) == len(ranges) == len(rules) == 25
    assert not any(range_alarms)
    shifted = [*values, *[74.030] * 5]  # a mean beyond the UCL of 74.014
    wide = [*values, 73.97, 74.0, 74.0, 74.0, 74.03]  # range 0.06 > 0.049
    _l, _m, _r, rules, range_alarms = spc.xbar_r_chart(shifted, 5, limits)
    assert rules[-1] == [1]
    assert not range_alarms[-1]
    assert spc.western_electric(_m, limits.xbar)[-1] == (25, [1])
    _l, _m, _r, rules, range_alarms = spc.xbar_r_chart(wide, 5, limits)
    assert range_alarms[-1] and not rules[-1]
    assert spc.xbar_r_chart([1, 2, 3], 3)[0] is None


# Properties of the indices (NIST/SEMATECH 6.1.6; Montgomery 8.2): Cpk <= Cp
# (Cpk = Cp - |mean - mid| / 3 sigma), Cp and Pp do not depend on where the
# process sits, and no index depends on the unit the values are measured in.
MEASURES = st.lists(
    st.floats(min_value=-1000, max_value=1000, allow_nan=False), min_size=4, max_size=40
)
SIZES = st.sampled_from([1, 2, 3, 5, 10])


def spread_of(values):
    return max(values) - min(values)


@given(values=MEASURES, size=SIZES, low=st.floats(-2000, 0), width=st.floats(1, 4000))
def test_cpk_never_above_cp(values, size, low, width):
    assume(len(values) >= 2 * size and spread_of(values) > 1e-3)
    result = spc.capability(values, lsl=low, usl=low + width, subgroup_size=size)
    if result.cp is not None:
        assert result.cpk <= result.cp + 1e-9
    if result.pp is not None:
        assert result.ppk <= result.pp + 1e-9


@given(values=MEASURES, size=SIZES, shift=st.floats(-500, 500))
def test_shifting_values_leaves_cp_and_pp(values, size, shift):
    assume(len(values) >= 2 * size and spread_of(values) > 1e-3)
    before = spc.capability(values, lsl=-1500, usl=1500, subgroup_size=size)
    assume(not before.sigma_within or before.sigma_within > 1e-3)
    after = spc.capability(
        [v + shift for v in values], lsl=-1500, usl=1500, subgroup_size=size
    )
    for name in ("cp", "pp"):
        if getattr(before, name) is None:
            continue
        assert getattr(after, name) == pytest.approx(getattr(before, name), rel=1e-6)


@given(values=MEASURES, size=SIZES, scale=st.floats(1e-3, 1e3))
def test_indices_do_not_depend_on_the_unit(values, size, scale):
    assume(len(values) >= 2 * size and spread_of(values) > 1e-3)
    before = spc.capability(values, lsl=-1200, usl=1500, subgroup_size=size)
    assume(not before.sigma_within or before.sigma_within > 1e-3)
    after = spc.capability(
        [v * scale for v in values],
        lsl=-1200 * scale,
        usl=1500 * scale,
        subgroup_size=size,
    )
    for name in ("cp", "cpk", "pp", "ppk"):
        expected = getattr(before, name)
        if expected is None:
            continue
        assert getattr(after, name) == pytest.approx(expected, rel=1e-6, abs=1e-9)
