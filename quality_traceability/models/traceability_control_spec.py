# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_repr, format_datetime

from ..tools import spc

MANAGER_GROUP = "quality_traceability.group_traceability_manager"
# Values a parameter's capability is computed on: its last 125 measured
# values, 25 subgroups of 5 (Montgomery's phase I study; the NIST/SEMATECH
# e-Handbook 6.1.6 asks for at least 100 values in a capability study).
CAPABILITY_HISTORY = 125

VALUE_TYPES = [
    ("numeric", "Numeric"),
    ("pass_fail", "Pass/Fail"),
    ("text", "Text"),
    ("photo", "Photo"),
]


class TraceabilityControlSpec(models.Model):
    """A measurement of a key control point: a parameter and its limits."""

    _name = "traceability.control.spec"
    _description = "Key Control Point Measurement"
    _order = "control_point_id, sequence, id"

    control_point_id = fields.Many2one(
        comodel_name="traceability.control.point",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="control_point_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Parameter", required=True, translate=True)
    unit = fields.Char()
    value_type = fields.Selection(
        selection=VALUE_TYPES, string="Type", required=True, default="numeric"
    )
    # Stored limits: a limit counts only when its has_* flag is set (the
    # evaluation, the control charts and the scanner read them so). Users
    # edit them through the *_text fields below.
    target = fields.Float(string="Target Value", digits=(16, 6))
    min_value = fields.Float(string="Minimum Value", digits=(16, 6))
    max_value = fields.Float(string="Maximum Value", digits=(16, 6))
    has_min = fields.Boolean(string="Has Minimum")
    has_max = fields.Boolean(string="Has Maximum")
    decimals = fields.Integer(
        default=2,
        help="Decimals shown for the limits and the measured values.",
    )
    min_text = fields.Char(
        string="Minimum",
        compute="_compute_min_text",
        inverse="_inverse_min_text",
        help="Empty: no minimum.",
    )
    target_text = fields.Char(
        string="Target",
        compute="_compute_target_text",
        inverse="_inverse_target_text",
        help="Empty: no target.",
    )
    max_text = fields.Char(
        string="Maximum",
        compute="_compute_max_text",
        inverse="_inverse_max_text",
        help="Empty: no maximum.",
    )
    limits_text = fields.Char(string="Limits", compute="_compute_limits_text")
    required = fields.Boolean(default=True)
    declared_tolerance = fields.Float(
        string="Tolerance on Declared Values",
        digits=(16, 6),
        help="Largest difference between a vendor's declared value (certificate "
        "of analysis in the supplier portal) and ours before the incoming check "
        "flags it, in the unit of the measurement. Empty: 10% of the range "
        "(maximum - minimum) when both limits are set, else 5% of our value.",
    )
    gauge_id = fields.Many2one(
        comodel_name="traceability.gauge",
        string="Default Gauge",
        ondelete="restrict",
        domain="[('company_id', '=', company_id)]",
        help="The gauge of this measurement's values when the check names none.",
    )
    # Statistical process control: subgroups, frozen control limits and the
    # capability of the process (tools/spc.py).
    subgroup_size = fields.Integer(
        default=1,
        help="Consecutive measured values that make one subgroup (rational "
        "sample): 1 for an individuals chart, 2 to 10 for an X-bar and R chart "
        "beside it. Cp and Cpk use the range within the subgroups.",
    )
    baseline_start = fields.Datetime(
        string="Baseline From",
        help="Start of the period of stable production the control limits are "
        "frozen from.",
    )
    baseline_end = fields.Datetime(
        string="Baseline To",
        help="End of the period of stable production the control limits are "
        "frozen from.",
    )
    limits_frozen = fields.Boolean(
        string="Control Limits Frozen",
        readonly=True,
        copy=False,
        help="The control charts and their alarms judge new values against the "
        "limits of the baseline period instead of recomputing them from the "
        "last values.",
    )
    frozen_center = fields.Float(
        string="Frozen Centre Line", digits=(16, 6), readonly=True, copy=False
    )
    frozen_ucl = fields.Float(
        string="Frozen Upper Control Limit", digits=(16, 6), readonly=True, copy=False
    )
    frozen_lcl = fields.Float(
        string="Frozen Lower Control Limit", digits=(16, 6), readonly=True, copy=False
    )
    frozen_range_mean = fields.Float(
        string="Frozen Average Range",
        digits=(16, 6),
        readonly=True,
        copy=False,
        help="R-bar of the baseline subgroups: the X-bar and R chart's limits.",
    )
    frozen_subgroup_size = fields.Integer(readonly=True, copy=False)
    frozen_count = fields.Integer(string="Baseline Values", readonly=True, copy=False)
    frozen_date = fields.Datetime(string="Frozen On", readonly=True, copy=False)
    frozen_user_id = fields.Many2one(
        comodel_name="res.users", string="Frozen By", readonly=True, copy=False
    )
    capability_count = fields.Integer(
        string="Capability Values",
        compute="_compute_capability",
        help="Measured values the capability is computed on (the last 125).",
    )
    cp = fields.Float(
        digits=(16, 2),
        compute="_compute_capability",
        help="Process capability: the specification width over 6 sigma within "
        "subgroups. Needs both limits.",
    )
    cpk = fields.Float(
        digits=(16, 2),
        compute="_compute_capability",
        help="Process capability: the distance of the mean to the nearest "
        "specification limit over 3 sigma within subgroups.",
    )
    pp = fields.Float(
        digits=(16, 2),
        compute="_compute_capability",
        help="Process performance: the specification width over 6 overall "
        "standard deviations. Needs both limits.",
    )
    ppk = fields.Float(
        digits=(16, 2),
        compute="_compute_capability",
        help="Process performance: the distance of the mean to the nearest "
        "specification limit over 3 overall standard deviations.",
    )

    @api.depends("value_type", "decimals", "has_min", "min_value")
    @api.depends_context("lang")
    def _compute_min_text(self):
        for spec in self:
            numeric = spec.value_type == "numeric"
            spec.min_text = (
                spec._format_number(spec.min_value, exact=True)
                if numeric and spec.has_min
                else ""
            )

    @api.depends("value_type", "decimals", "has_max", "max_value")
    @api.depends_context("lang")
    def _compute_max_text(self):
        for spec in self:
            numeric = spec.value_type == "numeric"
            spec.max_text = (
                spec._format_number(spec.max_value, exact=True)
                if numeric and spec.has_max
                else ""
            )

    @api.depends("value_type", "decimals", "target")
    @api.depends_context("lang")
    def _compute_target_text(self):
        for spec in self:
            numeric = spec.value_type == "numeric"
            spec.target_text = (
                spec._format_number(spec.target, exact=True)
                if numeric and spec.target
                else ""
            )

    @api.depends(
        "value_type",
        "decimals",
        "unit",
        "target",
        "has_min",
        "min_value",
        "has_max",
        "max_value",
    )
    @api.depends_context("lang")
    def _compute_limits_text(self):
        for spec in self:
            spec.limits_text = (
                spec._limits_label() if spec.value_type == "numeric" else ""
            )

    # One compute and one inverse per limit: writing one limit leaves the
    # others as they are.
    def _inverse_min_text(self):
        for spec in self:
            number = spec._parse_number(spec.min_text)
            spec.write({"has_min": number is not None, "min_value": number or 0.0})

    def _inverse_max_text(self):
        for spec in self:
            number = spec._parse_number(spec.max_text)
            spec.write({"has_max": number is not None, "max_value": number or 0.0})

    def _inverse_target_text(self):
        for spec in self:
            spec.target = spec._parse_number(spec.target_text) or 0.0

    @api.onchange("min_text", "max_text", "target_text")
    def _onchange_limit_texts(self):
        """Typing a limit sets it (and its has_* flag) at once, so that the
        form shows the number as it will be kept."""
        for spec in self:
            # Read the three texts first: setting a limit recomputes them.
            minimum = spec._parse_number(spec.min_text)
            maximum = spec._parse_number(spec.max_text)
            target = spec._parse_number(spec.target_text)
            spec.update(
                {
                    "has_min": minimum is not None,
                    "min_value": minimum or 0.0,
                    "has_max": maximum is not None,
                    "max_value": maximum or 0.0,
                    "target": target or 0.0,
                }
            )

    def _parse_number(self, text):
        """The number a user typed (in their language's format), or None for
        an empty text."""
        typed = (text or "").strip()
        text = typed.replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        decimal = self._decimal_point()
        if decimal != ".":
            text = text.replace(".", "").replace(decimal, ".")
        elif "." in text:
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            return float(text)
        except ValueError:
            raise ValidationError(
                _(
                    "%(spec)s: %(text)s is not a number.",
                    spec=self.name or "",
                    text=typed,
                )
            ) from None

    def _decimal_point(self):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        return lang.decimal_point or "."

    def _format_number(self, number, exact=False):
        """A number with this measurement's decimals, as a user types it;
        ``exact``: with more decimals when the number has them (a limit is
        shown as it is kept, never rounded)."""
        self.ensure_one()
        decimals = max(0, min(self.decimals, 6))
        if exact:
            kept = float_repr(number, 6).rstrip("0").partition(".")[2]
            decimals = max(decimals, len(kept))
        text = float_repr(number, decimals)
        decimal = self._decimal_point()
        return text.replace(".", decimal) if decimal != "." else text

    def _format_measure(self, number, exact=False):
        """A measured or limit value with its unit: ``12.00 mm``."""
        self.ensure_one()
        text = self._format_number(number, exact=exact)
        return f"{text} {self.unit}" if self.unit else text

    def _limits_label(self):
        """The limits of a numeric measurement: ``9.00 – 11.00 mm (target
        10.00)``, ``≥ 9.00 mm``, ``≤ 11.00 mm``, or only the target."""
        self.ensure_one()
        unit = f" {self.unit}" if self.unit else ""
        if self.has_min and self.has_max:
            label = (
                f"{self._format_number(self.min_value, exact=True)} – "
                f"{self._format_number(self.max_value, exact=True)}{unit}"
            )
        elif self.has_min:
            label = f"≥ {self._format_number(self.min_value, exact=True)}{unit}"
        elif self.has_max:
            label = f"≤ {self._format_number(self.max_value, exact=True)}{unit}"
        else:
            label = ""
        if self.target and label:
            label = _(
                "%(limits)s (target %(target)s)",
                limits=label,
                target=self._format_number(self.target, exact=True),
            )
        elif self.target:
            label = _(
                "Target %(target)s",
                target=self._format_measure(self.target, exact=True),
            )
        return label

    def _failure_label(self, number=None):
        """Why a value fails this measurement: ``Width 12.00 mm: above the
        maximum 11.00 mm``."""
        self.ensure_one()
        if self.value_type != "numeric":
            return _("%(name)s: fail", name=self.name)
        if self.has_max and number > self.max_value:
            return _(
                "%(name)s %(value)s: above the maximum %(limit)s",
                name=self.name,
                value=self._format_measure(number),
                limit=self._format_measure(self.max_value, exact=True),
            )
        return _(
            "%(name)s %(value)s: below the minimum %(limit)s",
            name=self.name,
            value=self._format_measure(number),
            limit=self._format_measure(self.min_value, exact=True),
        )

    @api.constrains("decimals")
    def _check_decimals(self):
        for spec in self:
            if not 0 <= spec.decimals <= 6:
                raise ValidationError(
                    _("%(spec)s: decimals go from 0 to 6.", spec=spec.name)
                )

    @api.constrains("min_value", "max_value", "has_min", "has_max")
    def _check_limits(self):
        for spec in self:
            if spec.has_min and spec.has_max and spec.min_value > spec.max_value:
                raise ValidationError(
                    _("%(spec)s: the minimum is above the maximum.", spec=spec.name)
                )

    def _evaluate(self, number=None, passed=None):
        """The result of one value: ``"pass"`` or ``"fail"``, or False when there
        is nothing to judge (text, photo, no value)."""
        self.ensure_one()
        if self.value_type == "numeric":
            if number is None:
                return False
            if self.has_min and number < self.min_value:
                return "fail"
            if self.has_max and number > self.max_value:
                return "fail"
            return "pass"
        if self.value_type == "pass_fail":
            return passed or False
        return False

    # Statistical process control ---------------------------------------------

    # Fields only the freeze and unfreeze actions write.
    _SPC_FROZEN_FIELDS = (
        "limits_frozen",
        "frozen_center",
        "frozen_ucl",
        "frozen_lcl",
        "frozen_range_mean",
        "frozen_subgroup_size",
        "frozen_count",
        "frozen_date",
        "frozen_user_id",
    )

    def _check_spc_frozen_fields(self, vals):
        protected = [name for name in self._SPC_FROZEN_FIELDS if name in vals]
        if protected and not self.env.su:
            raise AccessError(
                _(
                    "Frozen control limits are set by Freeze Limits from Baseline "
                    "and cleared by Unfreeze Limits: %(fields)s cannot be written.",
                    fields=", ".join(protected),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_spc_frozen_fields(vals)
        # Nor as defaults of the context: a new measurement is never frozen.
        defaults = {f"default_{name}" for name in self._SPC_FROZEN_FIELDS}
        if not self.env.su and defaults & set(self.env.context):
            self._check_spc_frozen_fields(
                {
                    key[len("default_") :]: True
                    for key in defaults & set(self.env.context)
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_spc_frozen_fields(vals)
        return super().write(vals)

    @api.constrains("subgroup_size", "limits_frozen", "frozen_subgroup_size")
    def _check_subgroup_size(self):
        for spec in self:
            if not 1 <= spec.subgroup_size <= spc.MAX_SUBGROUP_SIZE:
                raise ValidationError(
                    _(
                        "%(spec)s: a subgroup holds 1 to %(max)s values.",
                        spec=spec.name,
                        max=spc.MAX_SUBGROUP_SIZE,
                    )
                )
            if spec.limits_frozen and spec.subgroup_size != spec.frozen_subgroup_size:
                raise ValidationError(
                    _(
                        "%(spec)s: the control limits are frozen for subgroups of "
                        "%(size)s; unfreeze them before changing the subgroup size.",
                        spec=spec.name,
                        size=spec.frozen_subgroup_size,
                    )
                )

    def _spc_values(self, domain=None, limit=None):
        """The measured values of this numeric parameter in recorded (not
        voided) checks, oldest first; ``limit``: the last ones."""
        self.ensure_one()
        values = self.env["traceability.check.value"].search(
            [
                ("spec_id", "=", self.id),
                ("state", "=", "done"),
                ("value_is_set", "=", True),
                *(domain or []),
            ],
            order="date desc, id desc",
            limit=limit,
        )
        return values[::-1].mapped("value_float")

    def _spc_limits(self, values):
        """The individuals chart limits to judge ``values`` (in time order)
        against: the frozen ones when the limits are frozen, else those of the
        values (``tools.spc.individuals_limits``: at least two values)."""
        self.ensure_one()
        if self.limits_frozen:
            return spc.Limits(
                mean=self.frozen_center,
                sigma=(self.frozen_ucl - self.frozen_center) / 3,
            )
        return spc.individuals_limits(values)

    def _spc_xbar_r_limits(self, values):
        """The X-bar and R chart limits for ``values`` cut into subgroups of
        this parameter's size: frozen or computed; None with fewer than two
        subgroups (or a subgroup size of 1)."""
        self.ensure_one()
        size = self.subgroup_size
        if size < 2:
            return None
        if self.limits_frozen and self.frozen_subgroup_size == size:
            a2, d3, d4, _d2 = spc.XBAR_R_CONSTANTS[size]
            r_bar = self.frozen_range_mean
            return spc.XbarRLimits(
                size=size,
                xbar=spc.Limits(mean=self.frozen_center, sigma=a2 * r_bar / 3),
                r_bar=r_bar,
                r_ucl=d4 * r_bar,
                r_lcl=d3 * r_bar,
            )
        groups = spc.subgroups_of(values, size)
        return spc.xbar_r_limits(groups) if len(groups) >= 2 else None

    def _spc_capability(self, values):
        """Cp, Cpk, Pp, Ppk of ``values`` (in time order) against this
        parameter's limits (``tools.spc.capability``)."""
        self.ensure_one()
        return spc.capability(
            values,
            lsl=self.min_value if self.has_min else None,
            usl=self.max_value if self.has_max else None,
            subgroup_size=self.subgroup_size or 1,
        )

    @api.depends(
        "value_type", "has_min", "min_value", "has_max", "max_value", "subgroup_size"
    )
    def _compute_capability(self):
        for spec in self:
            result = None
            if spec.id and spec.value_type == "numeric":
                result = spec._spc_capability(
                    spec._spc_values(limit=CAPABILITY_HISTORY)
                )
            spec.capability_count = result.count if result else 0
            spec.cp = result and result.cp or 0.0
            spec.cpk = result and result.cpk or 0.0
            spec.pp = result and result.pp or 0.0
            spec.ppk = result and result.ppk or 0.0

    def _check_traceability_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a traceability manager may freeze or unfreeze control limits.")
            )
        self.check_access("write")

    def action_freeze_limits(self):
        """Freeze the control limits from the values measured in the baseline
        period (a traceability manager): the individuals chart's centre line
        and limits and, for subgroups, the average range of the X-bar and R
        chart; later values are judged against them. Logged on the control
        point."""
        self._check_traceability_manager()
        for spec in self:
            if spec.value_type != "numeric":
                raise UserError(
                    _(
                        "%(spec)s: only numeric measurements have control limits.",
                        spec=spec.name,
                    )
                )
            if not spec.baseline_start or not spec.baseline_end:
                raise UserError(
                    _("%(spec)s: set the baseline period first.", spec=spec.name)
                )
            if spec.baseline_start > spec.baseline_end:
                raise UserError(
                    _("%(spec)s: the baseline ends before it starts.", spec=spec.name)
                )
            values = spec._spc_values(
                [
                    ("date", ">=", spec.baseline_start),
                    ("date", "<=", spec.baseline_end),
                ]
            )
            size = spec.subgroup_size
            groups = spc.subgroups_of(values, size)
            if size > 1:
                # Complete subgroups only: the centre line is X-double-bar.
                values = [value for group in groups for value in group]
            if len(values) < 2 or (size > 1 and len(groups) < 2):
                raise UserError(
                    _(
                        "%(spec)s: the baseline period holds too few measured "
                        "values (%(count)s) to compute control limits.",
                        spec=spec.name,
                        count=len(values),
                    )
                )
            limits = spc.individuals_limits(values)
            r_bar = spc.xbar_r_limits(groups).r_bar if size > 1 else 0.0
            # sudo: the frozen fields are written by this action only (see
            # write); the caller was checked above.
            spec.sudo().write(
                {
                    "limits_frozen": True,
                    "frozen_center": limits.mean,
                    "frozen_ucl": limits.ucl,
                    "frozen_lcl": limits.lcl,
                    "frozen_range_mean": r_bar,
                    "frozen_subgroup_size": size,
                    "frozen_count": len(values),
                    "frozen_date": fields.Datetime.now(),
                    "frozen_user_id": self.env.uid,
                }
            )
            spec.control_point_id.message_post(
                body=Markup("<p>%s</p>")
                % _(
                    "Control limits of %(spec)s frozen from %(count)s values "
                    "measured %(start)s - %(end)s: centre %(center).4g, limits "
                    "%(lcl).4g - %(ucl).4g.",
                    spec=spec.name,
                    count=len(values),
                    start=format_datetime(self.env, spec.baseline_start),
                    end=format_datetime(self.env, spec.baseline_end),
                    center=limits.mean,
                    lcl=limits.lcl,
                    ucl=limits.ucl,
                )
            )
        return True

    def action_unfreeze_limits(self):
        """Go back to control limits computed from the last values (a
        traceability manager). Logged on the control point."""
        self._check_traceability_manager()
        for spec in self.filtered("limits_frozen"):
            # sudo: the frozen fields are written by this action only.
            spec.sudo().write(
                {
                    "limits_frozen": False,
                    "frozen_center": 0.0,
                    "frozen_ucl": 0.0,
                    "frozen_lcl": 0.0,
                    "frozen_range_mean": 0.0,
                    "frozen_subgroup_size": 0,
                    "frozen_count": 0,
                    "frozen_date": False,
                    "frozen_user_id": False,
                }
            )
            spec.control_point_id.message_post(
                body=Markup("<p>%s</p>")
                % _(
                    "Control limits of %(spec)s unfrozen: computed again from the "
                    "last measured values.",
                    spec=spec.name,
                )
            )
        return True
