# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statistical process control of individual values (no Odoo import).

An individuals chart: the centre line is the mean of the values, sigma is
estimated from the average moving range (``MR / d2``, d2 = 1.128 for ranges
of two), the control limits are ``mean ± 3 sigma``. The Western Electric
rules 1 to 4 flag points that are not random:

1. one point beyond 3 sigma;
2. two of three consecutive points beyond 2 sigma, on the same side;
3. four of five consecutive points beyond 1 sigma, on the same side;
4. eight consecutive points on the same side of the centre line.

The formulas are those of the NIST/SEMATECH e-Handbook of Statistical Methods,
section 6.3.2.2 (individuals control charts), and of Montgomery, *Introduction
to Statistical Quality Control*, section 6.4.
"""

from dataclasses import dataclass

D2 = 1.128


@dataclass(frozen=True)
class Limits:
    mean: float
    sigma: float

    @property
    def ucl(self):
        return self.mean + 3 * self.sigma

    @property
    def lcl(self):
        return self.mean - 3 * self.sigma


def individuals_limits(values):
    """The centre line and sigma of an individuals chart.

    :param values: the measured values, in time order (at least two)
    :raises ValueError: with fewer than two values
    """
    values = [float(value) for value in values]
    if len(values) < 2:
        raise ValueError("An individuals chart needs at least two values.")
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    sigma = (sum(ranges) / len(ranges)) / D2
    return Limits(mean=mean, sigma=sigma)


def _zone(value, limits, k):
    """+1 above mean + k sigma, -1 below mean - k sigma, else 0."""
    if value > limits.mean + k * limits.sigma:
        return 1
    if value < limits.mean - k * limits.sigma:
        return -1
    return 0


def _window_rule(values, limits, index, size, needed, k):
    if index + 1 < size:
        return False
    window = values[index + 1 - size : index + 1]
    if _zone(values[index], limits, k) == 0:
        return False
    side = _zone(values[index], limits, k)
    return sum(1 for value in window if _zone(value, limits, k) == side) >= needed


def rules_at(values, limits, index):
    """The Western Electric rules (1 to 4) that the point ``index`` breaks."""
    value = values[index]
    broken = []
    if limits.sigma > 0 and _zone(value, limits, 3):
        broken.append(1)
    if limits.sigma > 0 and _window_rule(values, limits, index, 3, 2, 2):
        broken.append(2)
    if limits.sigma > 0 and _window_rule(values, limits, index, 5, 4, 1):
        broken.append(3)
    if index >= 7:
        window = values[index - 7 : index + 1]
        if all(v > limits.mean for v in window) or all(v < limits.mean for v in window):
            broken.append(4)
    return broken


def western_electric(values, limits=None):
    """Every point that breaks a rule: a list of ``(index, [rules])``."""
    values = [float(value) for value in values]
    limits = limits or individuals_limits(values)
    alarms = []
    for index in range(len(values)):
        broken = rules_at(values, limits, index)
        if broken:
            alarms.append((index, broken))
    return alarms


def control_chart(values):
    """An individuals chart of ``values`` (in time order): its limits and, for
    each point, the rules it breaks (an empty list for a point in control).

    :returns: ``(limits, rules)``, ``limits`` None with fewer than two values
    """
    values = [float(value) for value in values]
    if len(values) < 2:
        return None, [[] for _value in values]
    limits = individuals_limits(values)
    return limits, [rules_at(values, limits, index) for index in range(len(values))]
