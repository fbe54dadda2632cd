# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statistical process control and process capability (no Odoo import).

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

Subgrouped measurements get an X-bar and R chart (``xbar_r_limits``: the
constants A2, D3, D4, d2 of NIST/SEMATECH 6.3.2 and ASTM E2587); the same
Western Electric rules run on the subgroup means. ``capability`` gives Cp,
Cpk (within-subgroup sigma), Pp and Ppk (overall standard deviation) as in
NIST/SEMATECH section 6.1.6.
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


# Control chart constants for subgroups of n = 2..10 measurements: A2 (X-bar
# chart limits from R-bar), D3 and D4 (R chart limits), d2 (mean relative
# range: sigma = R-bar / d2). From the standard tables: NIST/SEMATECH
# e-Handbook of Statistical Methods, section 6.3.2 (table of control chart
# constants); ASTM E2587, Standard Practice for Use of Control Charts in
# Statistical Process Control, table 1; Montgomery, appendix VI.
XBAR_R_CONSTANTS = {
    #   n: (A2, D3, D4, d2)
    2: (1.880, 0.0, 3.267, 1.128),
    3: (1.023, 0.0, 2.574, 1.693),
    4: (0.729, 0.0, 2.282, 2.059),
    5: (0.577, 0.0, 2.114, 2.326),
    6: (0.483, 0.0, 2.004, 2.534),
    7: (0.419, 0.076, 1.924, 2.704),
    8: (0.373, 0.136, 1.864, 2.847),
    9: (0.337, 0.184, 1.816, 2.970),
    10: (0.308, 0.223, 1.777, 3.078),
}
MAX_SUBGROUP_SIZE = max(XBAR_R_CONSTANTS)


@dataclass(frozen=True)
class XbarRLimits:
    """The limits of an X-bar and R chart of subgroups of ``size`` values:
    ``xbar`` the X-bar chart's (X-double-bar ± A2 R-bar, a ``Limits`` whose
    sigma is A2 R-bar / 3, so that the Western Electric rules apply to the
    subgroup means unchanged), ``r_bar`` the centre line of the R chart and
    ``r_ucl`` / ``r_lcl`` its limits (D4 R-bar, D3 R-bar)."""

    size: int
    xbar: Limits
    r_bar: float
    r_ucl: float
    r_lcl: float

    @property
    def sigma(self):
        """The within-subgroup standard deviation, R-bar / d2."""
        return self.r_bar / XBAR_R_CONSTANTS[self.size][3]


def subgroups_of(values, size):
    """``values`` (in time order) cut into consecutive subgroups of ``size``;
    an incomplete last subgroup is left out."""
    values = [float(value) for value in values]
    size = int(size)
    if size < 1:
        raise ValueError("A subgroup holds at least one value.")
    count = len(values) // size
    return [values[i * size : (i + 1) * size] for i in range(count)]


def xbar_r_limits(subgroups):
    """The limits of the X-bar and R chart of ``subgroups`` (lists of values of
    the same size, 2 to 10): X-double-bar ± A2 R-bar and D3 R-bar, D4 R-bar.

    :raises ValueError: fewer than two subgroups, or sizes unequal or out of
        the table
    """
    subgroups = [[float(value) for value in group] for group in subgroups]
    if len(subgroups) < 2:
        raise ValueError("An X-bar and R chart needs at least two subgroups.")
    sizes = {len(group) for group in subgroups}
    if len(sizes) != 1:
        raise ValueError("The subgroups of an X-bar and R chart have one size.")
    [size] = sizes
    if size not in XBAR_R_CONSTANTS:
        raise ValueError(
            f"Subgroups of {size} values: the constants cover 2 to "
            f"{MAX_SUBGROUP_SIZE}."
        )
    a2, d3, d4, _d2 = XBAR_R_CONSTANTS[size]
    means = [sum(group) / size for group in subgroups]
    ranges = [max(group) - min(group) for group in subgroups]
    grand_mean = sum(means) / len(means)
    r_bar = sum(ranges) / len(ranges)
    return XbarRLimits(
        size=size,
        xbar=Limits(mean=grand_mean, sigma=a2 * r_bar / 3),
        r_bar=r_bar,
        r_ucl=d4 * r_bar,
        r_lcl=d3 * r_bar,
    )


def xbar_r_chart(values, size, limits=None):
    """The X-bar and R chart of ``values`` (in time order) cut into subgroups
    of ``size``: the limits (``limits`` when given, e.g. frozen from a
    baseline, else computed on these subgroups), the subgroups' means and
    ranges, for each subgroup the Western Electric rules its mean breaks and
    whether its range is beyond the R chart's limits.

    :returns: ``(limits, means, ranges, rules, range_alarms)``; ``limits``
        None with fewer than two subgroups and none given
    """
    groups = subgroups_of(values, size)
    means = [sum(group) / len(group) for group in groups]
    ranges = [max(group) - min(group) for group in groups]
    if limits is None:
        if len(groups) < 2:
            return None, means, ranges, [[] for _m in means], [False for _m in means]
        limits = xbar_r_limits(groups)
    rules = [rules_at(means, limits.xbar, index) for index in range(len(means))]
    range_alarms = [
        limits.r_bar > 0 and not limits.r_lcl <= spread <= limits.r_ucl
        for spread in ranges
    ]
    return limits, means, ranges, rules, range_alarms


@dataclass(frozen=True)
class Capability:
    """Process capability and performance of a numeric specification.

    ``cp``/``cpk`` use the within-subgroup sigma (short term), ``pp``/``ppk``
    the overall sample standard deviation (long term); each is None where it
    is not defined (no limit on a side, too few values, no spread)."""

    count: int
    mean: float | None
    sigma_within: float | None
    sigma_overall: float | None
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None


def capability_indices(mean, sigma, lsl=None, usl=None):
    """``(C, Ck)`` of a process of ``mean`` and ``sigma`` against the
    specification limits: C = (USL - LSL) / 6 sigma, Ck = min((USL - mean) /
    3 sigma, (mean - LSL) / 3 sigma). With one limit only its side's Ck
    (CPU or CPL) and no C; None where undefined (NIST/SEMATECH e-Handbook
    6.1.6)."""
    if mean is None or not sigma or sigma <= 0:
        return None, None
    if lsl is not None and usl is not None:
        return (usl - lsl) / (6 * sigma), min(
            (usl - mean) / (3 * sigma), (mean - lsl) / (3 * sigma)
        )
    if usl is not None:
        return None, (usl - mean) / (3 * sigma)
    if lsl is not None:
        return None, (mean - lsl) / (3 * sigma)
    return None, None


def within_sigma(values, subgroup_size=1):
    """The within-subgroup (short-term) sigma of ``values`` in time order:
    R-bar / d2 over consecutive subgroups of ``subgroup_size`` (2 to 10), the
    average moving range of two / 1.128 for ``subgroup_size`` 1; None with
    too few values (NIST/SEMATECH e-Handbook 6.3.2; Montgomery 6.2, 6.4)."""
    values = [float(value) for value in values]
    size = int(subgroup_size or 1)
    if size == 1:
        if len(values) < 2:
            return None
        ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
        return (sum(ranges) / len(ranges)) / D2
    if size not in XBAR_R_CONSTANTS:
        raise ValueError(
            f"Subgroups of {size} values: the constants cover 2 to "
            f"{MAX_SUBGROUP_SIZE}."
        )
    groups = subgroups_of(values, size)
    if not groups:
        return None
    r_bar = sum(max(group) - min(group) for group in groups) / len(groups)
    return r_bar / XBAR_R_CONSTANTS[size][3]


def capability(values, lsl=None, usl=None, subgroup_size=1):
    """Cp, Cpk, Pp and Ppk of ``values`` (in time order) against the
    specification limits ``lsl``/``usl`` (None: no limit on that side).

    The mean is that of all the values. Pp/Ppk use the overall sample
    standard deviation (n - 1); Cp/Cpk the within-subgroup sigma
    (``within_sigma``: R-bar / d2, or MR-bar / 1.128 for single values). A
    one-sided specification gives only Cpk/Ppk of its side.
    """
    values = [float(value) for value in values]
    count = len(values)
    mean = sum(values) / count if count else None
    overall = None
    if count >= 2:
        overall = (sum((value - mean) ** 2 for value in values) / (count - 1)) ** 0.5
    within = within_sigma(values, subgroup_size) if count else None
    cp, cpk = capability_indices(mean, within, lsl, usl)
    pp, ppk = capability_indices(mean, overall, lsl, usl)
    return Capability(
        count=count,
        mean=mean,
        sigma_within=within,
        sigma_overall=overall,
        cp=cp,
        cpk=cpk,
        pp=pp,
        ppk=ppk,
    )
