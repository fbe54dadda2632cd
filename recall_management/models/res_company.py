# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    recall_effectiveness_threshold = fields.Float(
        default=0.95,
        help="Share of the delivered quantity that customers must account for "
        "(returned, destroyed, reported on hand) before a recall closes without a "
        "reason.",
    )

    @api.constrains("recall_effectiveness_threshold")
    def _check_recall_effectiveness_threshold(self):
        for company in self:
            if not 0 <= company.recall_effectiveness_threshold <= 1:
                raise ValidationError(
                    self.env._(
                        "The recall effectiveness threshold is between 0 and 100%."
                    )
                )
