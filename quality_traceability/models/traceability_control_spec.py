# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

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
