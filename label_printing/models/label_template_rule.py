# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LabelTemplateRule(models.Model):
    _name = "label.template.rule"
    _description = "Label Template Choice Rule"
    _order = "sequence, id"

    template_id = fields.Many2one(
        comodel_name="label.template",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="template_id.company_id", store=True, index="btree_not_null"
    )
    label_type = fields.Selection(related="template_id.label_type", store=True)
    sequence = fields.Integer(
        string="Priority", default=10, help="Rules with a lower number win."
    )
    product_id = fields.Many2one(comodel_name="product.product", index=True)
    categ_id = fields.Many2one(
        comodel_name="product.category",
        string="Product Category",
        index=True,
        help="Products of this category and of its subcategories.",
    )

    @api.constrains("template_id", "product_id", "categ_id")
    def _check_target(self):
        for rule in self:
            if not rule.product_id and not rule.categ_id:
                raise ValidationError(
                    self.env._("A template rule needs a product or a category.")
                )
