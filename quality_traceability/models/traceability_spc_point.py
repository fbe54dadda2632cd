# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..tools import spc
from ..tools.spc import D2
from .traceability_check import SPC_HISTORY

# Charts drawn at once when no parameter is chosen; the search narrows them.
MAX_CHARTS = 20
MAX_POINTS = 500


class TraceabilitySpcPoint(models.Model):
    """The individuals chart of each numeric parameter: every measured value
    with the parameter's centre line and control limits (mean ± 3 sigma, sigma
    from the average moving range; the parameter's frozen limits when they are
    frozen from a baseline). The Western Electric rules run on each new check
    (see ``traceability.check._traceability_spc_alarms``)."""

    _name = "traceability.spc.point"
    _description = "Control Chart Point"
    _auto = False
    _order = "spec_id, date, id"
    _depends = {
        "traceability.check.value": [
            "check_id",
            "control_point_id",
            "date",
            "spec_id",
            "state",
            "value_float",
            "value_is_set",
            "workcenter_id",
            "company_id",
        ],
        "traceability.control.spec": [
            "limits_frozen",
            "frozen_center",
            "frozen_ucl",
            "frozen_lcl",
        ],
    }

    spec_id = fields.Many2one(
        comodel_name="traceability.control.spec", string="Parameter", readonly=True
    )
    control_point_id = fields.Many2one(
        comodel_name="traceability.control.point", string="Control Point", readonly=True
    )
    check_id = fields.Many2one(comodel_name="traceability.check", readonly=True)
    workcenter_id = fields.Many2one(comodel_name="mrp.workcenter", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    value = fields.Float(digits=(16, 4), aggregator="avg", readonly=True)
    mean = fields.Float(digits=(16, 4), aggregator="avg", readonly=True)
    ucl = fields.Float(
        string="Upper Control Limit", digits=(16, 4), aggregator="avg", readonly=True
    )
    lcl = fields.Float(
        string="Lower Control Limit", digits=(16, 4), aggregator="avg", readonly=True
    )
    out_of_control = fields.Boolean(
        string="Beyond 3 Sigma", readonly=True, help="Western Electric rule 1."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    WITH points AS (
                        SELECT
                            val.id,
                            val.spec_id,
                            val.control_point_id,
                            val.check_id,
                            val.workcenter_id,
                            val.company_id,
                            val.date,
                            val.value_float AS value,
                            ABS(val.value_float - LAG(val.value_float) OVER (
                                PARTITION BY val.spec_id ORDER BY val.date, val.id
                            )) AS moving_range
                        FROM traceability_check_value val
                        JOIN traceability_control_spec spec ON spec.id = val.spec_id
                        WHERE val.state = 'done'
                            AND val.value_is_set
                            AND spec.value_type = 'numeric'
                    ), computed AS (
                        SELECT
                            points.*,
                            AVG(value) OVER (PARTITION BY spec_id) AS mean,
                            COALESCE(
                                AVG(moving_range) OVER (PARTITION BY spec_id), 0
                            ) / %(d2)s AS sigma
                        FROM points
                    ), limits AS (
                        SELECT
                            computed.*,
                            CASE WHEN spec.limits_frozen THEN spec.frozen_center
                                ELSE computed.mean END AS centre,
                            CASE WHEN spec.limits_frozen THEN spec.frozen_ucl
                                ELSE computed.mean + 3 * computed.sigma END AS ucl,
                            CASE WHEN spec.limits_frozen THEN spec.frozen_lcl
                                ELSE computed.mean - 3 * computed.sigma END AS lcl
                        FROM computed
                        JOIN traceability_control_spec spec
                            ON spec.id = computed.spec_id
                    )
                    SELECT
                        id, spec_id, control_point_id, check_id, workcenter_id,
                        company_id, date, value, centre AS mean, ucl, lcl,
                        (ucl > lcl AND (value > ucl OR value < lcl)) AS out_of_control
                    FROM limits
                )
                """,
                table=SQL.identifier(self._table),
                d2=D2,
            )
        )

    @api.model
    def _traceability_rule_labels(self):
        return {
            1: self.env._("Rule 1: one point beyond 3 sigma"),
            2: self.env._("Rule 2: two of three points beyond 2 sigma, same side"),
            3: self.env._("Rule 3: four of five points beyond 1 sigma, same side"),
            4: self.env._("Rule 4: eight points in a row on one side of the centre"),
        }

    @api.model
    def traceability_control_chart_data(self, domain=None, limit=SPC_HISTORY):
        """The individuals chart of each numeric parameter of the points that
        ``domain`` selects: its last ``limit`` values in time order, the centre
        line and control limits computed on them (``tools.spc``), the
        specification limits and the Western Electric rules each point breaks,
        as the alarms judge them. Reads as the caller: access rights and record
        rules apply."""
        self.check_access("read")
        domain = list(domain or [])
        limit = max(2, min(int(limit or SPC_HISTORY), MAX_POINTS))
        specs = self.env["traceability.control.spec"].browse(
            spec.id for [spec] in self._read_group(domain, ["spec_id"])
        )
        specs.check_access("read")
        labels = self._traceability_rule_labels()
        charts = [
            self._traceability_chart_of(spec, domain, limit, labels)
            for spec in specs.sorted()[:MAX_CHARTS]
        ]
        return {
            "charts": charts,
            "rules": labels,
            "more_parameters": max(0, len(specs) - MAX_CHARTS),
        }

    @api.model
    def _traceability_chart_of(self, spec, domain, limit, labels):
        points = self.search(
            domain + [("spec_id", "=", spec.id)],
            order="date desc, id desc",
            limit=limit + 1,
        )
        truncated = len(points) > limit
        points = points[:limit][::-1]
        values = points.mapped("value")
        # The parameter's limits (frozen from a baseline, or computed on these
        # values), as the alarms judge them.
        limits = None
        if spec.limits_frozen or len(values) >= 2:
            limits = spec._spc_limits(values)
        rules = [
            spc.rules_at(values, limits, index) if limits else []
            for index in range(len(values))
        ]
        capability = spec._spc_capability(values)
        return {
            "spec_id": spec.id,
            "name": spec.name,
            "control_point": spec.control_point_id.display_name,
            "control_point_id": spec.control_point_id.id,
            "unit": spec.unit or "",
            "limits": limits
            and {
                "mean": limits.mean,
                "sigma": limits.sigma,
                "ucl": limits.ucl,
                "lcl": limits.lcl,
            },
            "limits_frozen": spec.limits_frozen,
            "subgroup_size": spec.subgroup_size,
            "spec_limits": {
                "min": spec.min_value if spec.has_min else False,
                "max": spec.max_value if spec.has_max else False,
                "target": spec.target or False,
            },
            "capability": {
                "count": capability.count,
                "cp": capability.cp,
                "cpk": capability.cpk,
                "pp": capability.pp,
                "ppk": capability.ppk,
                "sigma_within": capability.sigma_within,
                "sigma_overall": capability.sigma_overall,
            },
            "xbar_r": self._traceability_xbar_r_of(spec, points, labels),
            "points": [
                {
                    "id": point.id,
                    "check_id": point.check_id.id,
                    "check": point.check_id.display_name,
                    "date": fields.Datetime.to_string(point.date),
                    "value": point.value,
                    "rules": point_rules,
                    "rule_labels": [labels[rule] for rule in point_rules],
                }
                for point, point_rules in zip(points, rules, strict=True)
            ],
            "out_of_control": sum(1 for point_rules in rules if point_rules),
            "truncated": truncated,
        }

    @api.model
    def _traceability_xbar_r_of(self, spec, points, labels):
        """The X-bar and R chart of a parameter measured in subgroups: the
        points (in time order) cut into consecutive subgroups of its size (an
        incomplete last one is left out until complete), each subgroup's mean
        and range, the limits (frozen or computed) and the Western Electric
        rules each mean breaks. False for a subgroup size of 1."""
        size = spec.subgroup_size
        if size < 2:
            return False
        values = points.mapped("value")
        limits = spec._spc_xbar_r_limits(values)
        _limits, means, ranges, rules, range_alarms = spc.xbar_r_chart(
            values, size, limits
        )
        subgroups = []
        for index, mean in enumerate(means):
            members = points[index * size : (index + 1) * size]
            subgroups.append(
                {
                    "index": index + 1,
                    "date": fields.Datetime.to_string(members[-1].date),
                    "checks": members.check_id.mapped("display_name"),
                    "mean": mean,
                    "range": ranges[index],
                    "rules": rules[index],
                    "rule_labels": [labels[rule] for rule in rules[index]],
                    "range_alarm": range_alarms[index],
                }
            )
        return {
            "size": size,
            "limits": limits
            and {
                "mean": limits.xbar.mean,
                "ucl": limits.xbar.ucl,
                "lcl": limits.xbar.lcl,
                "r_bar": limits.r_bar,
                "r_ucl": limits.r_ucl,
                "r_lcl": limits.r_lcl,
            },
            "subgroups": subgroups,
            "out_of_control": sum(
                1 for group in subgroups if group["rules"] or group["range_alarm"]
            ),
        }
