# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


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
