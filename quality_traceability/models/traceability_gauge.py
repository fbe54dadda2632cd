# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .traceability_hold import MANAGER_GROUP

# Set from the calibrations only (see _compute_calibration), never written.
CALIBRATION_FIELDS = (
    "last_calibration_date",
    "last_calibration_result",
    "calibration_due_date",
)


class TraceabilityGauge(models.Model):
    """A measuring instrument (caliper, scale, go/no-go gauge) named by the
    measurements taken with it. A measurement with a gauge that is archived,
    failed its last calibration or is past its calibration due date is refused
    (ISO 9001:2015 clause 7.1.5.2, measurement traceability).

    The calibration dates come from the recorded calibrations
    (``traceability.gauge.calibration``): the last passing one plus the
    interval gives the due date."""

    _name = "traceability.gauge"
    _description = "Measuring Gauge"
    _inherit = ["mail.thread"]
    _order = "code, id"
    _rec_names_search = ["code", "name"]

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        index=True,
        tracking=True,
        help="Scanned or sent by devices to name the gauge; unique per company.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True, tracking=True)
    calibration_interval_days = fields.Integer(
        string="Calibration Interval (Days)",
        required=True,
        default=365,
        tracking=True,
    )
    calibration_ids = fields.One2many(
        comodel_name="traceability.gauge.calibration",
        inverse_name="gauge_id",
        string="Calibrations",
        readonly=True,
    )
    last_calibration_date = fields.Date(
        compute="_compute_calibration",
        store=True,
        help="Date of the last passing calibration.",
    )
    last_calibration_result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        compute="_compute_calibration",
        store=True,
        help="Result of the latest calibration.",
    )
    calibration_due_date = fields.Date(
        compute="_compute_calibration",
        store=True,
        index=True,
        help="Last passing calibration plus the interval.",
    )
    state = fields.Selection(
        selection=[
            ("uncalibrated", "Not Calibrated"),
            ("valid", "Calibrated"),
            ("failed", "Failed Calibration"),
            ("overdue", "Overdue"),
        ],
        compute="_compute_state",
    )
    overdue = fields.Boolean(compute="_compute_state")
    notes = fields.Text()

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "A gauge code is unique per company.",
        ),
        (
            "interval_positive",
            "CHECK(calibration_interval_days > 0)",
            "The calibration interval is at least one day.",
        ),
    ]

    @api.depends(
        "calibration_ids.date",
        "calibration_ids.result",
        "calibration_interval_days",
    )
    def _compute_calibration(self):
        for gauge in self:
            calibrations = gauge.calibration_ids.sorted(
                lambda calibration: (calibration.date, calibration.id), reverse=True
            )
            passed = calibrations.filtered(lambda c: c.result == "pass")[:1]
            gauge.last_calibration_result = calibrations[:1].result or False
            gauge.last_calibration_date = passed.date or False
            gauge.calibration_due_date = (
                passed.date + timedelta(days=gauge.calibration_interval_days)
                if passed
                else False
            )

    @api.depends("active", "calibration_due_date", "last_calibration_result")
    @api.depends_context("tz")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for gauge in self:
            gauge.state = gauge._calibration_state(today)
            gauge.overdue = gauge.state == "overdue"

    def _calibration_state(self, on_date):
        """The calibration state of the gauge on ``on_date``."""
        self.ensure_one()
        if self.last_calibration_result == "fail":
            return "failed"
        if not self.calibration_due_date:
            return "uncalibrated"
        if self.calibration_due_date < on_date:
            return "overdue"
        return "valid"

    def _check_usable(self, on_date, company):
        """Raise ValidationError unless the gauge may be used for a measurement
        of ``company`` on ``on_date``."""
        for gauge in self:
            if gauge.company_id != company:
                # Not named: the caller may not read another company's gauge.
                raise ValidationError(
                    self.env._(
                        "The gauge of a measurement belongs to another company "
                        "than the check."
                    )
                )
            if not gauge.active:
                raise ValidationError(
                    self.env._(
                        "Gauge %(gauge)s is archived: it cannot be used for "
                        "measurements.",
                        gauge=gauge.display_name,
                    )
                )
            state = gauge._calibration_state(on_date)
            if state == "failed":
                raise ValidationError(
                    self.env._(
                        "Gauge %(gauge)s failed its last calibration: record a "
                        "passing calibration before measuring with it.",
                        gauge=gauge.display_name,
                    )
                )
            if state == "uncalibrated":
                raise ValidationError(
                    self.env._(
                        "Gauge %(gauge)s has no passing calibration: record one "
                        "before measuring with it.",
                        gauge=gauge.display_name,
                    )
                )
            if state == "overdue":
                raise ValidationError(
                    self.env._(
                        "Gauge %(gauge)s is overdue for calibration (due "
                        "%(date)s): the measurement is refused.",
                        gauge=gauge.display_name,
                        date=gauge.calibration_due_date.isoformat(),
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for gauge in self:
            gauge.display_name = " - ".join(
                part for part in (gauge.code, gauge.name) if part
            )

    def write(self, vals):
        if not self.env.su and any(name in vals for name in CALIBRATION_FIELDS):
            raise UserError(
                self.env._(
                    "The calibration dates of a gauge come from its recorded "
                    "calibrations: record a calibration."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_calibrated(self):
        if self.sudo().calibration_ids:
            raise UserError(
                self.env._(
                    "A gauge with recorded calibrations is kept as evidence: "
                    "archive it instead."
                )
            )

    # ------------------------------------------------------------ calibrations
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a traceability manager may record a calibration.")
            )

    def _record_calibration(
        self, date, result, note=False, certificate=False, certificate_name=False
    ):
        """Record a calibration of the gauge, as the current user. Runs as
        superuser: callers check the user is a traceability manager."""
        self.ensure_one()
        if result not in ("pass", "fail"):
            raise UserError(self.env._("A calibration passes or fails."))
        date = fields.Date.to_date(date)
        if not date or date > fields.Date.context_today(self):
            raise UserError(
                self.env._("The calibration date is a day up to today, not later.")
            )
        # sudo: calibrations are created only here (append-only evidence).
        calibration = (
            self.env["traceability.gauge.calibration"]
            .sudo()
            .create(
                {
                    "gauge_id": self.id,
                    "date": date,
                    "user_id": self.env.uid,
                    "result": result,
                    "note": note or False,
                    "certificate": certificate or False,
                    "certificate_name": certificate_name or False,
                }
            )
        )
        self.sudo().message_post(
            body=self.env._(
                "Calibration of %(date)s recorded: %(result)s.",
                date=date.isoformat(),
                result=calibration._result_label(),
            )
        )
        return calibration

    def action_record_calibration(self):
        """Open the wizard that records a calibration (managers only)."""
        self.ensure_one()
        self._check_manager()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Calibration"),
            "res_model": "traceability.gauge.calibration.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_gauge_id": self.id},
        }
