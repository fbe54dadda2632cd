# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

#: Fields a declaration is made of: never changed once stored.
EVIDENCE_FIELDS = frozenset(
    [
        "company_id",
        "partner_id",
        "purchase_line_id",
        "product_id",
        "lot_name",
        "quantity",
        "uom_code",
        "expiration_date",
        "production_date",
        "source",
        "epcis_event_id",
        "exceeds_order",
    ]
)


class TraceabilityDeclaredLot(models.Model):
    """A lot (or serial number) a vendor declares on a purchase order line
    before the goods arrive: its name, quantity and dates, as the vendor gave
    them (an EPCIS shipping event, a supplier portal).

    The receipt of the order line takes them as its move lines
    (:meth:`stock.picking._traceability_fill_declared_lots`): the warehouse
    confirms what the vendor declared instead of typing it. Declarations are
    evidence: stored once, never changed nor deleted (a correction is a new
    declaration).
    """

    _name = "traceability.declared.lot"
    _description = "Vendor-Declared Lot"
    _order = "id desc"
    _rec_name = "lot_name"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Vendor", readonly=True, index=True
    )
    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line",
        string="Purchase Order Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    purchase_id = fields.Many2one(
        related="purchase_line_id.order_id", string="Purchase Order", store=True
    )
    product_id = fields.Many2one(
        comodel_name="product.product", required=True, readonly=True, index=True
    )
    lot_name = fields.Char(string="Vendor Lot/Serial", required=True, readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_code = fields.Char(
        string="Declared Unit",
        readonly=True,
        help="Unit of the quantity as the vendor gave it (UN/ECE Recommendation "
        "20 code); empty for a number of units in the order line's unit.",
    )
    expiration_date = fields.Datetime(readonly=True)
    production_date = fields.Date(readonly=True)
    source = fields.Selection(
        [("epcis", "EPCIS"), ("portal", "Supplier Portal")],
        required=True,
        readonly=True,
        default="epcis",
    )
    epcis_event_id = fields.Many2one(
        comodel_name="traceability.epcis.event",
        string="EPCIS Event",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    exceeds_order = fields.Boolean(
        readonly=True,
        help="When declared, the quantities declared on the order line exceeded "
        "its ordered quantity. Received all the same; the warehouse checks.",
    )
    move_line_ids = fields.One2many(
        comodel_name="stock.move.line",
        inverse_name="traceability_declared_lot_id",
        string="Receipt Lines",
        readonly=True,
    )
    received = fields.Boolean(compute="_compute_received")

    @api.depends("move_line_ids.state")
    def _compute_received(self):
        for declared in self:
            declared.received = any(
                line.state == "done" for line in declared.move_line_ids
            )

    def write(self, vals):
        if not self.env.su and EVIDENCE_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "A declared lot cannot be changed: it is what the vendor "
                    "declared. A new declaration corrects it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("A declared lot cannot be deleted."))
