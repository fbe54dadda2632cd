# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections.abc import Callable
from typing import Any, NamedTuple

from odoo import models


class Column(NamedTuple):
    """One column of an exported table.

    :param key: the column's name; the cell of a row given as a mapping is
        ``row[key]`` unless ``value`` says otherwise
    :param label: the header, translated by the report declaring the column
    :param value: the cell of a row, from the row
    """

    key: str
    label: str
    value: Callable[[Any], Any] | None = None

    def cell(self, row):
        return self.value(row) if self.value else row[self.key]


class TraceabilityReportTable(models.AbstractModel):
    """Base of the exports that are one table (trace, recall scope, regulator
    spreadsheets): a report declares its columns once, each a :class:`Column`,
    and the rows it lists; the header and the cells are read through the
    columns, and the file is written by ``traceability.export.mixin`` on the
    exported record."""

    _name = "traceability.report.table"
    _description = "Traceability Export Table"

    #: The file's name after the record's, and the sheet's name.
    _report_basename = "export"

    def _report_columns(self, record):
        """The columns of the table of ``record``, in their order."""
        raise NotImplementedError

    def _report_rows(self, record):
        """The rows of the table of ``record``, in their order: records or
        mappings, read by the columns."""
        raise NotImplementedError

    def _report_table(self, record):
        """(header, rows) of the table of ``record``: lists of cells."""
        record.ensure_one()
        columns = self._report_columns(record)
        header = [column.label for column in columns]
        rows = [
            [column.cell(row) for column in columns]
            for row in self._report_rows(record)
        ]
        return header, rows

    def _report_download(self, record, filename, file_format, sheet=None):
        """Attach the table of ``record`` to it and return the action downloading
        it (see ``traceability.export.mixin``)."""
        header, rows = self._report_table(record)
        return record._traceability_export(
            filename, header, rows, file_format, sheet=sheet
        )
