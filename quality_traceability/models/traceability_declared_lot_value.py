# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class TraceabilityDeclaredLotValue(models.Model):
    """One value of a vendor's certificate of analysis for a declared lot: a
    measurement of our incoming control point, stored as our check values
    store theirs and judged against the same limits.

    Evidence like its declared lot: created with it, never changed nor
    deleted."""

    _name = "traceability.declared.lot.value"
    _description = "Vendor-Declared Lot Value"
    _order = "declared_lot_id, id"

    declared_lot_id = fields.Many2one(
        comodel_name="traceability.declared.lot",
        string="Declared Lot",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="declared_lot_id.company_id", store=True)
    partner_id = fields.Many2one(related="declared_lot_id.partner_id", store=True)
    spec_id = fields.Many2one(
        comodel_name="traceability.control.spec",
        string="Parameter",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    value_type = fields.Selection(related="spec_id.value_type")
    unit = fields.Char(related="spec_id.unit")
    value_float = fields.Float(string="Declared", digits=(16, 6), readonly=True)
    value_is_set = fields.Boolean(string="Declared Value Set", readonly=True)
    value_pass_fail = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        string="Pass/Fail",
        readonly=True,
    )
    value_text = fields.Char(string="Text", readonly=True)
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        compute="_compute_result",
        store=True,
        help="The declared value judged against our limits.",
    )
    value_display = fields.Char(string="Value", compute="_compute_value_display")

    @api.depends("value_float", "value_is_set", "value_pass_fail", "spec_id")
    def _compute_result(self):
        for value in self:
            value.result = value.spec_id._evaluate(
                number=value.value_float if value.value_is_set else None,
                passed=value.value_pass_fail,
            )

    @api.depends(
        "value_float",
        "value_is_set",
        "value_pass_fail",
        "value_text",
        "spec_id.value_type",
        "spec_id.decimals",
        "spec_id.unit",
    )
    @api.depends_context("lang")
    def _compute_value_display(self):
        pass_fail = dict(
            self._fields["value_pass_fail"]._description_selection(self.env)
        )
        for value in self:
            spec = value.spec_id
            if spec.value_type == "numeric":
                value.value_display = (
                    spec._format_measure(value.value_float)
                    if value.value_is_set
                    else ""
                )
            elif spec.value_type == "pass_fail":
                value.value_display = pass_fail.get(value.value_pass_fail, "")
            else:
                value.value_display = value.value_text or ""

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Certificate values are declared with their lot, from the "
                    "supplier portal."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "A declared certificate value cannot be changed: it is what "
                    "the vendor declared. A new declaration corrects it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(
                self.env._("A declared certificate value cannot be deleted.")
            )

    def _traceability_tolerance(self, measured):
        """How far our measured value may be from this declared one before the
        check flags it: the spec's declared-value tolerance, else 10% of its
        range (maximum - minimum) when it has both limits, else 5% of our
        measured value."""
        self.ensure_one()
        spec = self.spec_id
        if spec.declared_tolerance:
            return spec.declared_tolerance
        if spec.has_min and spec.has_max:
            return (spec.max_value - spec.min_value) * 0.1
        return abs(measured) * 0.05

    def _traceability_disagrees(self, check_value):
        """Whether our ``check_value`` disagrees with this declared value:
        numbers farther apart than the tolerance, or another pass/fail
        verdict. Text values and missing values never disagree."""
        self.ensure_one()
        if check_value.spec_id != self.spec_id:
            return False
        if self.value_type == "numeric":
            if not (self.value_is_set and check_value.value_is_set):
                return False
            measured = check_value.value_float
            difference = abs(measured - self.value_float)
            # A hair of slack: a difference equal to the tolerance is inside.
            return difference > self._traceability_tolerance(measured) + 1e-9
        if self.value_type == "pass_fail":
            return bool(
                self.value_pass_fail
                and check_value.value_pass_fail
                and self.value_pass_fail != check_value.value_pass_fail
            )
        return False
