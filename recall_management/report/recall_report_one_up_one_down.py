# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.quality_traceability.report.traceability_report_table import Column

from .recall_report_fsma204 import partner_address


class RecallReportOneUpOneDown(models.AbstractModel):
    """EU "one step back, one step forward" of a recall: the suppliers of the
    source lots, then the customers of the affected lots."""

    _name = "recall.report.one_up_one_down"
    _inherit = ["traceability.report.table"]
    _description = "Recall One Step Back, One Step Forward"
    _report_basename = "one-step-back-forward"

    def _report_columns(self, record):
        return [
            Column("direction", self.env._("Direction")),
            Column(
                "product",
                self.env._("Product"),
                lambda row: row["product"].display_name,
            ),
            Column("lot", self.env._("Lot/Serial Number")),
            Column("quantity", self.env._("Quantity")),
            Column("unit", self.env._("Unit"), lambda row: row["uom"].name),
            Column(
                "partner",
                self.env._("Supplier or Customer"),
                lambda row: row["partner"].display_name,
            ),
            Column(
                "address",
                self.env._("Address"),
                lambda row: partner_address(row["partner"]),
            ),
            Column("date", self.env._("Date")),
            Column("document", self.env._("Document")),
        ]

    def _report_rows(self, record):
        genealogy = self.env["traceability.genealogy"].with_company(record.company_id)
        backward = genealogy.trace(
            record.source_lot_ids, "backward", parts=("receipt",)
        )
        lots = self.env["stock.lot"].browse(list(backward.lots))
        by_id = {lot.id: lot for lot in lots}
        receipts = backward.facts["receipt"]
        # One read of the vendors and receipts, not one per row.
        partners = self.env["res.partner"].browse(
            [fact["commercial_partner_id"] or fact["partner_id"] for fact in receipts]
        )
        pickings = self.env["stock.picking"].browse(
            [fact["picking_id"] for fact in receipts if fact["picking_id"]]
        )
        picking_names = dict(zip(pickings.ids, pickings.mapped("name"), strict=True))
        partner_by_id = {partner.id: partner for partner in partners}
        rows = []
        for fact in receipts:
            lot = by_id[fact["lot_id"]]
            rows.append(
                {
                    "direction": self.env._("One step back (supplier)"),
                    "product": lot.product_id,
                    "lot": lot.name,
                    "quantity": fact["quantity"],
                    "uom": lot.product_uom_id,
                    "partner": partner_by_id[
                        fact["commercial_partner_id"] or fact["partner_id"]
                    ],
                    "date": fact["date"],
                    "document": picking_names.get(fact["picking_id"], ""),
                }
            )
        for line in record.scope_line_ids.filtered(
            lambda line: line.kind == "delivered"
        ):
            rows.append(
                {
                    "direction": self.env._("One step forward (customer)"),
                    "product": line.product_id,
                    "lot": line.lot_id.name,
                    "quantity": line.quantity,
                    "uom": line.uom_id,
                    "partner": line.partner_id,
                    "date": line.date,
                    "document": self.env._("%s (imported)", line.reference or "")
                    if line.imported
                    else line.picking_id.name,
                }
            )
        return rows
