# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index


class TraceabilityCheckValue(models.Model):
    """One measured value of a check, judged against its specification."""

    _name = "traceability.check.value"
    _description = "Key Control Point Check Value"
    _order = "check_id, id"

    check_id = fields.Many2one(
        comodel_name="traceability.check",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="check_id.company_id", store=True)
    spec_id = fields.Many2one(
        comodel_name="traceability.control.spec",
        string="Parameter",
        required=True,
        ondelete="restrict",
        index=True,
    )
    control_point_id = fields.Many2one(
        related="check_id.control_point_id", store=True, index=True
    )
    workcenter_id = fields.Many2one(related="check_id.workcenter_id", store=True)
    date = fields.Datetime(related="check_id.date", store=True)
    state = fields.Selection(related="check_id.state", store=True)
    value_type = fields.Selection(related="spec_id.value_type")
    unit = fields.Char(related="spec_id.unit")
    value_float = fields.Float(string="Measured", digits=(16, 6))
    value_is_set = fields.Boolean(
        string="Measured Value Set",
        help="Tells a measured zero from no measure.",
        compute="_compute_value_is_set",
        store=True,
        readonly=False,
    )
    value_pass_fail = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")], string="Pass/Fail"
    )
    value_text = fields.Char(string="Text")
    photo = fields.Image(max_width=1920, max_height=1920, attachment=True)
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        compute="_compute_result",
        store=True,
    )
    value_display = fields.Char(
        string="Value",
        compute="_compute_value_display",
        help="The measured value, with the decimals and the unit of its "
        "measurement.",
    )
    limits_display = fields.Char(string="Limits", related="spec_id.limits_text")
    gauge_id = fields.Many2one(
        comodel_name="traceability.gauge",
        string="Gauge",
        ondelete="restrict",
        index="btree_not_null",
        help="The measuring instrument; the spec's default gauge when none is given.",
    )

    declared_value_id = fields.Many2one(
        comodel_name="traceability.declared.lot.value",
        string="Vendor's Value",
        compute="_compute_declared_value_id",
        help="The value the vendor declared for this parameter on its "
        "certificate of analysis of the lot.",
    )
    declared_value_display = fields.Char(
        string="Declared", compute="_compute_declared_value_id"
    )
    declared_disagrees = fields.Boolean(
        string="Disagrees",
        compute="_compute_declared_value_id",
        help="Our value is farther from the vendor's declared value than the "
        "parameter's tolerance on declared values (or another pass/fail).",
    )

    def init(self):
        # The control chart of a parameter reads its last values.
        create_index(
            self.env.cr,
            "traceability_check_value_spec_date_idx",
            self._table,
            ["spec_id", "date"],
        )

    @api.depends("check_id.lot_id", "spec_id", "value_float", "value_pass_fail")
    def _compute_declared_value_id(self):
        declared = {
            check: check._traceability_declared_lot() for check in self.check_id
        }
        for value in self:
            lot = declared.get(value.check_id) or self.env["traceability.declared.lot"]
            declared_value = lot.value_ids.filtered(
                lambda item, spec=value.spec_id: item.spec_id == spec
            )[:1]
            value.declared_value_id = declared_value
            value.declared_value_display = declared_value.value_display or False
            value.declared_disagrees = bool(
                declared_value and declared_value._traceability_disagrees(value)
            )

    @api.depends("value_float")
    def _compute_value_is_set(self):
        for value in self:
            value.value_is_set = value.value_is_set or bool(value.value_float)

    @api.depends(
        "value_float",
        "value_is_set",
        "value_pass_fail",
        "spec_id.value_type",
    )
    def _compute_result(self):
        for value in self:
            spec = value.spec_id
            value.result = spec._evaluate(
                number=value.value_float if value.value_is_set else None,
                passed=value.value_pass_fail,
            )

    @api.depends(
        "value_float",
        "value_is_set",
        "value_pass_fail",
        "value_text",
        "photo",
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
            elif spec.value_type == "text":
                value.value_display = value.value_text or ""
            else:
                value.value_display = _("Photo") if value.photo else ""

    def _has_value(self):
        self.ensure_one()
        return {
            "numeric": self.value_is_set,
            "pass_fail": bool(self.value_pass_fail),
            "text": bool((self.value_text or "").strip()),
            "photo": bool(self.photo),
        }.get(self.value_type, False)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                _(
                    "Measurements are recorded with their check: a recorded check "
                    "takes no new values. Record a new check."
                )
            )
        Spec = self.env["traceability.control.spec"]
        for vals in vals_list:
            if not vals.get("gauge_id") and vals.get("spec_id"):
                vals["gauge_id"] = Spec.browse(vals["spec_id"]).gauge_id.id
        return super().create(vals_list)

    @api.constrains("gauge_id")
    def _check_gauge(self):
        """A measurement names a gauge of its check's company, active and
        calibrated on the check's day (see traceability.gauge._check_usable)."""
        for value in self.filtered("gauge_id"):
            check = value.check_id
            value.gauge_id._check_usable(
                fields.Date.context_today(value, timestamp=check.date),
                check.company_id,
            )

    def write(self, vals):
        if not self.env.su:
            raise UserError(_("The values of a recorded check cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The values of a recorded check cannot be deleted."))
