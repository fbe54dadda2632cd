# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TraceabilityGaugeCalibrationWizard(models.TransientModel):
    """Record a calibration of a gauge (traceability managers)."""

    _name = "traceability.gauge.calibration.wizard"
    _description = "Record a Gauge Calibration"

    gauge_id = fields.Many2one(
        comodel_name="traceability.gauge", required=True, ondelete="cascade"
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")], required=True, default="pass"
    )
    certificate = fields.Binary()
    certificate_name = fields.Char()
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        gauge = self.gauge_id
        gauge._check_manager()
        gauge.check_access("write")
        gauge._record_calibration(
            self.date,
            self.result,
            note=self.note,
            certificate=self.certificate,
            certificate_name=self.certificate_name,
        )
        return {"type": "ir.actions.act_window_close"}
