# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recall_effectiveness_threshold = fields.Float(
        related="company_id.recall_effectiveness_threshold", readonly=False
    )
