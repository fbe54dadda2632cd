# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError

from .label_print_log import FILE_REPORTS


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _label_job_file(self, report_ref, res_ids):
        """The file of a label print job when ``report_ref`` is one of the reports
        that download it (``FILE_REPORTS``), else None. The file is the one the
        renderer made, checked against its digest: it is not rendered again."""
        report = self._get_report(report_ref)
        if report.report_name not in FILE_REPORTS.values():
            return None
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        job = self.env["label.print.log"].browse(res_ids or [])
        if len(job) != 1:
            raise UserError(self.env._("Download the file of one print job at a time."))
        job.check_access("read")
        content = job._payload()
        if content is None:
            raise UserError(
                self.env._(
                    "The file of this job was changed or removed after it was "
                    "rendered. Print the labels again."
                )
            )
        return content

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        content = self._label_job_file(report_ref, res_ids)
        if content is not None:
            return content, "pdf"
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_text(self, report_ref, docids, data=None):
        content = self._label_job_file(report_ref, docids)
        if content is not None:
            return content, "text"
        return super()._render_qweb_text(report_ref, docids, data=data)
