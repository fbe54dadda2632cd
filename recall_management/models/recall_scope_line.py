# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class RecallScopeLine(models.Model):
    """Where a quantity of an affected lot was when the recall was scoped."""

    _name = "recall.scope.line"
    _description = "Recall Scope Line"
    _order = "recall_id, kind, partner_id, date, id"

    recall_id = fields.Many2one(
        comodel_name="recall.recall", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    kind = fields.Selection(
        [
            ("stock", "In Stock"),
            ("reserved", "Reserved in Open Transfer"),
            ("wip", "In Open Manufacturing Order"),
            ("open_sale", "Open Sales Order"),
            ("delivered", "Delivered"),
            ("returned", "Returned"),
        ],
        required=True,
    )
    lot_id = fields.Many2one(comodel_name="stock.lot", string="Lot/Serial Number")
    product_id = fields.Many2one(comodel_name="product.product")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    # No decimal precision lookup per line: scopes hold thousands of lines.
    quantity = fields.Float()
    location_id = fields.Many2one(comodel_name="stock.location")
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse")
    package_id = fields.Many2one(comodel_name="stock.quant.package")
    picking_id = fields.Many2one(comodel_name="stock.picking", string="Transfer")
    production_id = fields.Many2one(comodel_name="mrp.production")
    sale_order_id = fields.Many2one(comodel_name="sale.order")
    partner_id = fields.Many2one(comodel_name="res.partner", string="Partner")
    partner_email = fields.Char(related="partner_id.email", string="Email")
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    date = fields.Datetime()
    imported = fields.Boolean(
        help="Known only from the history imported from before go-live (a "
        "shipment of the previous system), not from a transfer in Odoo."
    )
    reference = fields.Char(
        string="Imported Reference",
        help="The document of the previous system the imported shipment names.",
    )
    version = fields.Integer(
        default=1, help="Scope version: each scoping of the recall adds one."
    )
    active = fields.Boolean(
        default=True, help="Lines of earlier scopes are archived and kept."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Scope lines are made by scoping the recall, not by hand.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A scope is a dated snapshot: it cannot be changed. Scope the "
                    "recall again for a new version."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("A scope is a dated snapshot: its lines cannot be deleted.")
        )
