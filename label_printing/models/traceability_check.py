# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class TraceabilityCheck(models.Model):
    _inherit = "traceability.check"

    def _apply_result(self):
        result = super()._apply_result()
        passed = self.filtered(
            lambda check: check.result == "pass"
            and check.stage == "final"
            and check.company_id.label_auto_print_final_inspection
        )
        for check in passed:
            lots = check._traceability_lots()
            if lots:
                self.env["label.print.log"]._queue_lot_labels(
                    lots, f"traceability.check,{check.id},passed"
                )
        return result

    def action_print_labels_here(self):
        """Labels of this passing check's lots, now, to the printer of the
        station where the check was made (its work center, else its order's or
        transfer's operation type, the user's printer...: see
        ``label.printer._for_print``). Once per check and template."""
        self.ensure_one()
        self.check_access("read")
        return self._traceability_request_labels()

    def _traceability_request_labels(self):
        self.ensure_one()
        if self.state != "done" or self.result != "pass":
            raise UserError(
                self.env._(
                    "%(check)s did not pass: no label is printed for it.",
                    check=self.name,
                )
            )
        lots = self._traceability_lots()
        if not lots:
            raise UserError(self.env._("%(check)s names no lot.", check=self.name))
        logs = self.env["label.print.log"]._queue_lot_labels(
            lots, f"traceability.check,{self.id},label"
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if logs else "warning",
                "message": self.env._(
                    "%(count)s label job(s) sent to %(printers)s.",
                    count=len(logs),
                    printers=", ".join(logs.printer_id.mapped("name")),
                )
                if logs
                else self.env._("No printer is set for this station or these labels."),
            },
        }
