# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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
    target = fields.Float(digits=(16, 6))
    min_value = fields.Float(string="Minimum", digits=(16, 6))
    max_value = fields.Float(string="Maximum", digits=(16, 6))
    has_min = fields.Boolean(string="Has Minimum")
    has_max = fields.Boolean(string="Has Maximum")
    required = fields.Boolean(default=True)

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
