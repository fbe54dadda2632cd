# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

#: Fields naming an imported check value: never changed once stored (the
#: natural key of the import, a unique index).
CHECK_KEY_FIELDS = ("company_id", "lot_id", "spec_id", "date", "reference")


class TraceabilityHistoryCheck(models.Model):
    """One measured value of a check made before go-live, imported from the
    previous system (Import Trace History).

    Not a ``traceability.check``: a recorded check acts when it is created
    (holds on a failed lot, control chart alarms, sampling plans, sequence
    references), which an old result must not do. Its result is judged as a
    check's value is, by the parameter's limits of today
    (``traceability.control.spec._evaluate``). Evidence: created and corrected
    (value) by traceability managers, the corrections tracked in the chatter;
    never deleted, and its lot, parameter, date and reference never changed.
    """

    _name = "traceability.history.check"
    _description = "Imported Check Result"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "reference"
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id")
    control_point_id = fields.Many2one(
        comodel_name="traceability.control.point",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    spec_id = fields.Many2one(
        comodel_name="traceability.control.spec",
        string="Parameter",
        required=True,
        ondelete="restrict",
        domain="[('control_point_id', '=', control_point_id)]",
    )
    value_type = fields.Selection(related="spec_id.value_type")
    unit = fields.Char(related="spec_id.unit")
    date = fields.Datetime(required=True)
    reference = fields.Char(
        required=True,
        default="",
        help="The document of the previous system (inspection report).",
    )
    value_float = fields.Float(string="Measured", digits=(16, 6), tracking=True)
    value_is_set = fields.Boolean(
        string="Measured Value Set", help="Tells a measured zero from no measure."
    )
    value_pass_fail = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        string="Pass/Fail",
        tracking=True,
    )
    value_text = fields.Char(string="Text", tracking=True)
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        compute="_compute_result",
        store=True,
        help="The value judged by the parameter's limits.",
    )
    import_file = fields.Char(
        readonly=True, help="The file this result was imported from."
    )

    _sql_constraints = [
        (
            "traceability_history_check_key_uniq",
            "unique(company_id, lot_id, spec_id, date, reference)",
            "This check result is already in the history.",
        )
    ]

    @api.depends("value_float", "value_is_set", "value_pass_fail", "spec_id.value_type")
    def _compute_result(self):
        for record in self:
            # The judgement of a check's values (traceability.check.value).
            record.result = record.spec_id._evaluate(
                number=record.value_float if record.value_is_set else None,
                passed=record.value_pass_fail,
            )

    @api.constrains("spec_id", "control_point_id")
    def _check_spec_of_point(self):
        for record in self:
            if record.spec_id.control_point_id != record.control_point_id:
                raise ValidationError(
                    self.env._(
                        "%(parameter)s is not measured at %(point)s.",
                        parameter=record.spec_id.name,
                        point=record.control_point_id.name,
                    )
                )

    def write(self, vals):
        for name in CHECK_KEY_FIELDS + ("control_point_id",):
            if name not in vals:
                continue
            field = self._fields[name]
            new = field.convert_to_cache(vals[name], self)
            for record in self:
                old = field.convert_to_cache(record[name], record)
                if old != new:
                    raise UserError(
                        self.env._(
                            "The lot, parameter, date and reference of an imported "
                            "check result cannot be changed: import a new result "
                            "instead."
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "An imported check result is kept as evidence: it cannot be deleted."
            )
        )
