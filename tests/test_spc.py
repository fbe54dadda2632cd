# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of quality_traceability/tools/spc.py (no Odoo)."""

import pytest
from conftest import load_module

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
