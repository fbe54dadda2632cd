# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    traceability_lot_sequence_id = fields.Many2one(
        comodel_name="ir.sequence",
        string="Lot/Serial Sequence",
        ondelete="restrict",
        help="Names the lots and serial numbers of this category's products (and "
        "of its sub-categories' products) when they are created without a name. "
        "A product's own sequence takes precedence.",
    )
    traceability_effective_lot_sequence_id = fields.Many2one(
        comodel_name="ir.sequence",
        string="Effective Lot/Serial Sequence",
        compute="_compute_traceability_effective_lot_sequence_id",
        recursive=True,
        help="This category's sequence, else the nearest parent category's.",
    )

    @api.depends(
        "traceability_lot_sequence_id",
        "parent_id.traceability_effective_lot_sequence_id",
    )
    def _compute_traceability_effective_lot_sequence_id(self):
        for category in self:
            category.traceability_effective_lot_sequence_id = (
                category.traceability_lot_sequence_id
                or category.parent_id.traceability_effective_lot_sequence_id
            )
