# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models

from odoo.addons.quality_traceability.report.traceability_report_table import Column


def partner_address(partner):
    """The postal address of ``partner`` on one line."""
    return ", ".join(
        part
        for part in (
            partner.name,
            partner.street,
            partner.zip,
            partner.city,
            partner.country_id.name,
        )
        if part
    )


class RecallReportFsma204(models.AbstractModel):
    """The critical tracking events of a recall's scope (receiving,
    transformation, shipping) with their key data elements: the FSMA 204
    sortable spreadsheet. One row per event, in the order of their dates."""

    _name = "recall.report.fsma204"
    _inherit = ["traceability.report.table"]
    _description = "Recall FSMA 204 Spreadsheet"
    _report_basename = "fsma204"

    def _report_columns(self, record):
        return [
            Column("event", self.env._("Event")),
            Column(
                "lot_code",
                self.env._("Traceability Lot Code"),
                lambda event: event["lot"].name,
            ),
            Column(
                "product",
                self.env._("Product Description"),
                lambda event: event["lot"].product_id.display_name,
            ),
            Column("quantity", self.env._("Quantity")),
            Column(
                "unit",
                self.env._("Unit of Measure"),
                lambda event: event["lot"].product_uom_id.name,
            ),
            Column("ship_from", self.env._("Ship-From / Source Location")),
            Column("ship_to", self.env._("Ship-To / Location")),
            Column("date", self.env._("Date")),
            Column("document_type", self.env._("Reference Document Type")),
            Column("document", self.env._("Reference Document Number")),
            Column("input_lots", self.env._("Input Lots")),
        ]

    def _report_rows(self, record):
        """The events of the forward trace of the source lots, with the
        receipts of the lots they were made from."""
        genealogy = self.env["traceability.genealogy"].with_company(record.company_id)
        result = genealogy.trace(record.source_lot_ids, "forward")
        backward = genealogy.trace(
            record.source_lot_ids, "backward", parts=("receipt",)
        )
        lots = self.env["stock.lot"].browse(list(result.lots) + list(backward.lots))
        by_id = {lot.id: lot for lot in lots}
        pickings = self.env["stock.picking"].browse(
            [
                fact["picking_id"]
                for kind in ("receipt", "delivery")
                for fact in result.facts[kind] + backward.facts[kind]
                if fact["picking_id"]
            ]
        )
        picking_by_id = {picking.id: picking for picking in pickings}
        company_address = partner_address(record.company_id.partner_id)
        events = []
        seen_receipts = set()
        for fact in backward.facts["receipt"] + result.facts["receipt"]:
            key = (fact["lot_id"], fact["picking_id"], fact["quantity"])
            if key in seen_receipts:
                continue
            seen_receipts.add(key)
            picking = picking_by_id.get(fact["picking_id"])
            events.append(
                {
                    "event": self.env._("Receiving"),
                    "lot": by_id[fact["lot_id"]],
                    "quantity": fact["quantity"],
                    "ship_from": partner_address(picking.partner_id) if picking else "",
                    "ship_to": company_address,
                    "date": fact["date"],
                    "document_type": self.env._("Receipt"),
                    "document": picking.name if picking else "",
                    "input_lots": "",
                }
            )
        inputs = defaultdict(set)
        imported_inputs = defaultdict(list)
        for edge in result.edges:
            if edge["imported"]:
                imported_inputs[(edge["dst"], edge["reference"])].append(edge)
                continue
            inputs[(edge["dst"], edge["production_id"] or edge["unbuild_id"])].add(
                edge["src"]
            )
        # Transformations known from the imported history: one per lot made
        # and document of the previous system, marked imported.
        for (lot_id, reference), edges in imported_inputs.items():
            events.append(
                {
                    "event": self.env._("Transformation (imported)"),
                    "lot": by_id[lot_id],
                    "quantity": sum(edge["quantity"] or 0.0 for edge in edges),
                    "ship_from": company_address,
                    "ship_to": company_address,
                    "date": max(
                        (edge["date"] for edge in edges if edge["date"]), default=None
                    ),
                    "document_type": self.env._("Imported History"),
                    "document": reference or "",
                    "input_lots": ", ".join(
                        sorted(
                            by_id[edge["src"]].name
                            for edge in edges
                            if edge["src"] in by_id
                        )
                    ),
                }
            )
        productions = self.env["mrp.production"].browse(
            [
                fact["production_id"]
                for fact in result.facts["made"]
                if fact["production_id"]
            ]
        )
        production_by_id = {production.id: production for production in productions}
        for fact in result.facts["made"]:
            production = production_by_id.get(fact["production_id"])
            source_lots = inputs.get((fact["lot_id"], fact["production_id"]), ())
            events.append(
                {
                    "event": self.env._("Transformation"),
                    "lot": by_id[fact["lot_id"]],
                    "quantity": fact["quantity"],
                    "ship_from": company_address,
                    "ship_to": company_address,
                    "date": fact["date"],
                    "document_type": self.env._("Manufacturing Order"),
                    "document": production.name if production else "",
                    "input_lots": ", ".join(
                        sorted(by_id[i].name for i in source_lots if i in by_id)
                    ),
                }
            )
        imported_partners = self.env["res.partner"].browse(
            [
                fact["partner_id"]
                for fact in result.facts["delivery"]
                if fact["imported"]
            ]
        )
        for fact in result.facts["delivery"]:
            if fact["imported"]:
                partner = imported_partners.browse(fact["partner_id"])
                events.append(
                    {
                        "event": self.env._("Shipping (imported)"),
                        "lot": by_id[fact["lot_id"]],
                        "quantity": fact["quantity"],
                        "ship_from": company_address,
                        "ship_to": partner_address(partner),
                        "date": fact["date"],
                        "document_type": self.env._("Imported History"),
                        "document": fact["reference"] or "",
                        "input_lots": "",
                    }
                )
                continue
            picking = picking_by_id.get(fact["picking_id"])
            events.append(
                {
                    "event": self.env._("Shipping"),
                    "lot": by_id[fact["lot_id"]],
                    "quantity": fact["quantity"],
                    "ship_from": company_address,
                    "ship_to": partner_address(picking.partner_id) if picking else "",
                    "date": fact["date"],
                    "document_type": self.env._("Delivery"),
                    "document": picking.name if picking else "",
                    "input_lots": "",
                }
            )
        # Undated events last but for those yet to come.
        now = fields.Datetime.now()
        events.sort(key=lambda event: (event["date"] or now, event["lot"].name))
        return events
