# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    traceability_lot_sequence_id = fields.Many2one(
        comodel_name="ir.sequence",
        string="Lot/Serial Sequence",
        ondelete="restrict",
        help="Names this product's lots and serial numbers when they are created "
        "without a name (and proposes the next serial number in manufacturing). "
        "Empty: the sequence of the product category, if any.",
    )
    traceability_effective_lot_sequence_id = fields.Many2one(
        comodel_name="ir.sequence",
        string="Effective Lot/Serial Sequence",
        compute="_compute_traceability_effective_lot_sequence_id",
        help="The product's own sequence, else its category's (or the nearest "
        "parent category's).",
    )

    @api.depends(
        "traceability_lot_sequence_id",
        "categ_id.traceability_effective_lot_sequence_id",
    )
    def _compute_traceability_effective_lot_sequence_id(self):
        for template in self:
            template.traceability_effective_lot_sequence_id = (
                template.traceability_lot_sequence_id
                or template.categ_id.traceability_effective_lot_sequence_id
            )

    traceability_inspection_required = fields.Boolean(
        string="Inspection Required",
        help="Lots received from vendors start in quarantine: a passing incoming "
        "inspection check releases them.",
    )
