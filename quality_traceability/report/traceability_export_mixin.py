# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import datetime
import io

from odoo import fields, models
from odoo.tools.misc import xlsxwriter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, datetime.datetime):
        return fields.Datetime.to_string(value)
    if value is False or value is None:
        return ""
    return value


class TraceabilityExportMixin(models.AbstractModel):
    """Download a table of a record as CSV or XLSX (traces, recall scopes,
    regulator spreadsheets). Text that a spreadsheet would read as a formula
    stays text in both formats."""

    _name = "traceability.export.mixin"
    _description = "Traceability Spreadsheet Export"

    def _traceability_export(self, filename, header, rows, file_format, sheet=None):
        """Attach the table to the record and return the action downloading it.

        :param filename: the file name without extension
        :param file_format: ``"csv"`` or ``"xlsx"``
        """
        self.ensure_one()
        if file_format == "xlsx":
            buffer = io.BytesIO()
            workbook = xlsxwriter.Workbook(
                buffer, {"in_memory": True, "strings_to_formulas": False}
            )
            worksheet = workbook.add_worksheet((sheet or filename)[:31])
            bold = workbook.add_format({"bold": True})
            worksheet.write_row(0, 0, header, bold)
            for index, row in enumerate(rows, start=1):
                worksheet.write_row(index, 0, [_cell(value) for value in row])
            worksheet.autofilter(0, 0, len(rows), len(header) - 1)
            workbook.close()
            data, mimetype = buffer.getvalue(), XLSX_MIMETYPE
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    [
                        f"'{value}"
                        if isinstance(value, str) and value and value[0] in "=+-@"
                        else _cell(value)
                        for value in row
                    ]
                )
            data, mimetype = buffer.getvalue().encode(), "text/csv"
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{filename}.{file_format}",
                "raw": data,
                "mimetype": mimetype,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
