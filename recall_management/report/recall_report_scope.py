# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.quality_traceability.report.traceability_report_table import Column


class RecallReportScope(models.AbstractModel):
    """The scope of a recall as a spreadsheet: one row per scope line, where
    each quantity is (stock, reserved, manufacturing, delivered, returned)."""

    _name = "recall.report.scope"
    _inherit = ["traceability.report.table"]
    _description = "Recall Scope Export"
    _report_basename = "scope"

    def _report_columns(self, record):
        kind_field = self.env["recall.scope.line"]._fields["kind"]
        kinds = dict(kind_field._description_selection(self.env))
        return [
            # A line known only from the imported history: its kind marked
            # "(imported)", its transfer the reference of the previous system.
            Column("kind", self.env._("Kind"), lambda line: self._kind(line, kinds)),
            Column(
                "product",
                self.env._("Product"),
                lambda line: line.product_id.display_name,
            ),
            Column(
                "lot", self.env._("Lot/Serial Number"), lambda line: line.lot_id.name
            ),
            Column("quantity", self.env._("Quantity"), lambda line: line.quantity),
            Column("unit", self.env._("Unit"), lambda line: line.uom_id.name),
            Column(
                "warehouse",
                self.env._("Warehouse"),
                lambda line: line.warehouse_id.name,
            ),
            Column(
                "location",
                self.env._("Location"),
                lambda line: line.location_id.display_name,
            ),
            Column(
                "transfer",
                self.env._("Transfer"),
                lambda line: line.reference if line.imported else line.picking_id.name,
            ),
            Column(
                "sale_order",
                self.env._("Sales Order"),
                lambda line: line.sale_order_id.name,
            ),
            Column(
                "production",
                self.env._("Manufacturing Order"),
                lambda line: line.production_id.name,
            ),
            Column(
                "partner",
                self.env._("Partner"),
                lambda line: line.partner_id.display_name,
            ),
            Column("email", self.env._("Email"), lambda line: line.partner_email),
            Column("phone", self.env._("Phone"), lambda line: line.partner_phone),
            Column("date", self.env._("Date"), lambda line: line.date),
        ]

    def _kind(self, line, kinds):
        if line.imported:
            return self.env._("%s (imported)", kinds[line.kind])
        return kinds[line.kind]

    def _report_rows(self, record):
        return record.scope_line_ids
