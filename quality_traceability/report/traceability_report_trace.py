# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .traceability_report_table import Column


class TraceabilityReportTrace(models.AbstractModel):
    """The trace screen's list as a spreadsheet: one row per line of the trace."""

    _name = "traceability.report.trace"
    _inherit = ["traceability.report.table"]
    _description = "Trace Export"

    def _report_columns(self, record):
        kind_field = self.env["traceability.trace.line"]._fields["kind"]
        kinds = dict(kind_field._description_selection(self.env))
        return [
            Column("level", self.env._("Level"), lambda line: line.level),
            Column("kind", self.env._("Kind"), lambda line: kinds[line.kind]),
            Column(
                "product",
                self.env._("Product"),
                lambda line: line.product_id.display_name,
            ),
            Column("lot", self.env._("Lot/Serial"), lambda line: line.lot_id.name),
            Column(
                "document",
                self.env._("Document"),
                lambda line: line.document.display_name if line.document else "",
            ),
            Column(
                "order",
                self.env._("Order"),
                lambda line: line.order.display_name if line.order else "",
            ),
            Column(
                "partner",
                self.env._("Partner"),
                lambda line: line.partner_id.display_name or "",
            ),
            Column(
                "location",
                self.env._("Location"),
                lambda line: line.location_id.display_name or "",
            ),
            Column("date", self.env._("Date"), lambda line: line.date),
            Column(
                "quantity",
                self.env._("Quantity"),
                lambda line: line.quantity if line.kind != "lot" else "",
            ),
            Column("unit", self.env._("Unit"), lambda line: line.uom_id.name or ""),
        ]

    def _report_rows(self, record):
        return record.line_ids
