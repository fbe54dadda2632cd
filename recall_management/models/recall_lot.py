# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RecallLot(models.Model):
    """An affected lot of a recall, the path that links it to the source lots,
    and the decision taken on it when the recall closes."""

    _name = "recall.lot"
    _description = "Recall Affected Lot"
    _order = "recall_id, level, id"

    recall_id = fields.Many2one(
        comodel_name="recall.recall", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    lot_id = fields.Many2one(
        comodel_name="stock.lot", string="Lot/Serial Number", required=True, index=True
    )
    product_id = fields.Many2one(comodel_name="product.product")
    level = fields.Integer(help="Steps from the source lots.")
    path = fields.Char(help="How the lot is linked to the source lots.")
    quality_state = fields.Selection(related="lot_id.quality_state")
    previous_quality_state = fields.Selection(
        selection=lambda self: self.env["stock.lot"]._fields["quality_state"].selection,
        help="Quality state of the lot before the recall blocked it.",
    )
    on_hand_qty = fields.Float(
        related="lot_id.product_qty", digits="Product Unit of Measure"
    )
    decision = fields.Selection(
        [
            ("release", "Release"),
            ("keep_blocked", "Keep Blocked"),
            ("scrap", "Scrap"),
        ],
        help="Applied when the recall closes: release the lot to its state before "
        "the recall, keep it blocked, or scrap what is left in stock.",
    )

    _sql_constraints = [
        ("lot_unique", "unique(recall_id, lot_id)", "A lot is listed once per recall."),
    ]

    def _apply_decision(self):
        for recall_lot in self:
            lot = recall_lot.lot_id
            if recall_lot.decision == "release":
                # Only this recall's hold: other recalls, nonconformances and
                # inspections keep theirs.
                lot._traceability_release_holds(
                    "recall",
                    recall_lot.recall_id,
                    self.env._(
                        "Released at the close of recall %s.", recall_lot.recall_id.name
                    ),
                )
            elif recall_lot.decision == "scrap":
                recall_lot._scrap_stock()

    def _scrap_stock(self):
        self.ensure_one()
        quants = self.lot_id._traceability_internal_quants()
        scraps = self.env["stock.scrap"].create(
            [
                {
                    "product_id": quant.product_id.id,
                    "lot_id": quant.lot_id.id,
                    "location_id": quant.location_id.id,
                    "package_id": quant.package_id.id,
                    "scrap_qty": quant.quantity,
                    "product_uom_id": quant.product_uom_id.id,
                    "origin": self.recall_id.name,
                    "company_id": quant.company_id.id,
                }
                for quant in quants
            ]
        )
        for scrap in scraps:
            scrap.action_validate()
