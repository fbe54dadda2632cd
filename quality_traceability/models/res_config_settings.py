# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    traceability_resolver_url = fields.Char(
        related="company_id.traceability_resolver_url",
        readonly=False,
    )
