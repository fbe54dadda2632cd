# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class TraceabilityGaugeCalibration(models.Model):
    """One calibration of a gauge: when, by whom, its result and certificate.

    Calibrations are evidence: recorded only by
    ``traceability.gauge._record_calibration`` (the *Record Calibration*
    action of a manager), never written or deleted by a user."""

    _name = "traceability.gauge.calibration"
    _description = "Gauge Calibration"
    _order = "date desc, id desc"

    gauge_id = fields.Many2one(
        comodel_name="traceability.gauge",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    company_id = fields.Many2one(related="gauge_id.company_id", store=True, index=True)
    date = fields.Date(required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Recorded By", required=True, readonly=True
    )
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")], required=True, readonly=True
    )
    certificate = fields.Binary(attachment=True, readonly=True)
    certificate_name = fields.Char(readonly=True)
    note = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Calibrations are recorded with the Record Calibration action "
                    "of the gauge, not created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A recorded calibration cannot be changed: record a new one."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("A calibration is kept as evidence: it cannot be deleted.")
        )

    def _result_label(self):
        self.ensure_one()
        return dict(self._fields["result"]._description_selection(self.env))[
            self.result
        ]
