# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class RecallCustomer(models.Model):
    """The recall notice of one customer: what they received, what they report,
    what they return."""

    _name = "recall.customer"
    _description = "Recall Customer Notice"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "recall_id, partner_id"
    _rec_name = "partner_id"

    recall_id = fields.Many2one(
        comodel_name="recall.recall", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    recall_state = fields.Selection(related="recall_id.state")
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", required=True, index=True
    )
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    scope_line_ids = fields.One2many(
        comodel_name="recall.scope.line",
        compute="_compute_scope_line_ids",
        string="Deliveries",
    )
    delivered_qty = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure"
    )
    returned_qty = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure"
    )
    on_hand_qty = fields.Float(
        string="Reported On Hand",
        digits="Product Unit of Measure",
        tracking=True,
        help="Quantity the customer reports still holding.",
    )
    destroyed_qty = fields.Float(
        string="Reported Destroyed",
        digits="Product Unit of Measure",
        tracking=True,
        help="Quantity the customer reports destroyed on their side.",
    )
    accounted_qty = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure"
    )
    effectiveness = fields.Float(compute="_compute_quantities")
    date_notified = fields.Datetime(string="Notified", readonly=True, tracking=True)
    date_acknowledged = fields.Datetime(
        string="Acknowledged", readonly=True, tracking=True
    )
    return_picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Return", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "partner_unique",
            "unique(recall_id, partner_id)",
            "A customer has one notice per recall.",
        ),
    ]

    @api.depends("recall_id.scope_line_ids", "partner_id")
    def _compute_scope_line_ids(self):
        # The delivered lines of each recall, grouped by customer once.
        by_recall = {}
        for recall in self.recall_id:
            grouped = defaultdict(lambda: self.env["recall.scope.line"])
            for line in recall.scope_line_ids:
                if line.kind == "delivered":
                    grouped[line.partner_id.id] |= line
            by_recall[recall.id] = grouped
        for notice in self:
            lines = by_recall.get(notice.recall_id.id, {})
            notice.scope_line_ids = lines.get(notice.partner_id.id, False)

    @api.depends(
        "recall_id.scope_line_ids",
        "return_picking_id.state",
        "on_hand_qty",
        "destroyed_qty",
    )
    def _compute_quantities(self):
        for notice in self:
            delivered = sum(notice.scope_line_ids.mapped("quantity"))
            returned = 0.0
            if notice.return_picking_id.state == "done":
                returned = sum(notice.return_picking_id.move_ids.mapped("quantity"))
            notice.delivered_qty = delivered
            notice.returned_qty = returned
            notice.accounted_qty = returned + notice.destroyed_qty + notice.on_hand_qty
            notice.effectiveness = (
                notice.accounted_qty / delivered if delivered else 1.0
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for notice in self:
            notice.access_url = f"/my/recalls/{notice.id}"
        return result

    def _portal_report(self, on_hand, destroyed):
        """What the customer reports from the portal."""
        self.ensure_one()
        if on_hand < 0 or destroyed < 0:
            raise UserError(self.env._("Quantities cannot be negative."))
        if on_hand + destroyed > self.delivered_qty + 1e-9:
            raise UserError(
                self.env._(
                    "You reported %(reported)s but received %(delivered)s.",
                    reported=on_hand + destroyed,
                    delivered=self.delivered_qty,
                )
            )
        self.write({"on_hand_qty": on_hand, "destroyed_qty": destroyed})

    def action_acknowledge(self):
        for notice in self.filtered(lambda n: not n.date_acknowledged):
            notice.date_acknowledged = fields.Datetime.now()
            notice.message_post(
                body=self.env._("The customer acknowledged the notice.")
            )
        return True

    def action_request_return(self):
        """A return from the customer, to be reviewed and received in the warehouse:
        one move per delivered lot."""
        for notice in self:
            if notice.return_picking_id:
                raise UserError(self.env._("A return is already requested."))
            lines = notice.scope_line_ids
            if not lines:
                raise UserError(self.env._("Nothing was delivered to this customer."))
            warehouse = lines.picking_id.picking_type_id.warehouse_id[:1] or self.env[
                "stock.warehouse"
            ].search([("company_id", "=", notice.company_id.id)], limit=1)
            picking_type = warehouse.in_type_id
            customer_location = notice.partner_id.property_stock_customer
            destination = picking_type.default_location_dest_id
            quantities = {}
            for line in lines:
                key = (line.product_id, line.lot_id)
                quantities[key] = quantities.get(key, 0.0) + line.quantity
            Picking = self.env["stock.picking"].sudo()
            picking = Picking.create(
                {
                    "partner_id": notice.partner_id.id,
                    "picking_type_id": picking_type.id,
                    "location_id": customer_location.id,
                    "location_dest_id": destination.id,
                    "origin": notice.recall_id.name,
                    "move_ids": [
                        Command.create(
                            {
                                "name": notice.recall_id.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                                "location_id": customer_location.id,
                                "location_dest_id": destination.id,
                            }
                        )
                        for (product, _lot), quantity in quantities.items()
                    ],
                }
            )
            picking.action_confirm()
            # The lots to take back, ready for the warehouse to check on arrival.
            for move, ((_product, lot), quantity) in zip(
                picking.move_ids, quantities.items(), strict=True
            ):
                move.move_line_ids.unlink()
                self.env["stock.move.line"].sudo().create(
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id,
                        "quantity": quantity,
                        "location_id": customer_location.id,
                        "location_dest_id": destination.id,
                    }
                )
            notice.return_picking_id = picking
            notice.recall_id.message_post(
                body=self.env._(
                    "%(customer)s requested a return: %(picking)s",
                    customer=notice.partner_id.display_name,
                    picking=picking.name,
                )
            )
        return True
