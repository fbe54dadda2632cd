# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError


class TraceabilityScan(models.AbstractModel):
    _inherit = "traceability.scan"

    @api.model
    def record_scans(self, scans, device_id=None, source="api"):
        """A scan may ask for its labels (``"print_label": true``): a passing
        check's lots are printed at once at the station's printer (see
        ``traceability.check.action_print_labels_here``); the result says
        ``labels`` (jobs queued) or ``label_error``."""
        results = super().record_scans(scans, device_id=device_id, source=source)
        if not isinstance(scans, list):
            return results
        Check = self.env["traceability.check"]
        for scan, result in zip(scans, results, strict=False):
            if not (
                isinstance(scan, dict)
                and scan.get("print_label") is True
                and result.get("status") == "created"
            ):
                continue
            try:
                action = Check.browse(result["id"])._traceability_request_labels()
            except UserError as error:
                result["label_error"] = str(error)
            else:
                result["labels"] = action["params"]["type"] == "success"
        return results
