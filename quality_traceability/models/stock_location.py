# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .traceability_genealogy import PARTNER_USAGES


class StockLocation(models.Model):
    _inherit = "stock.location"

    traceability_quarantine = fields.Boolean(
        string="Quarantine Location",
        help="Lots in quarantine or blocked may be moved here.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        locations = super().create(vals_list)
        if any(usage in PARTNER_USAGES for usage in locations.mapped("usage")):
            self.env["traceability.genealogy"]._cached_answers_changed()
        return locations

    def write(self, vals):
        usage = vals.get("usage")
        border_moves = "usage" in vals and any(
            location.usage != usage
            and (location.usage in PARTNER_USAGES or usage in PARTNER_USAGES)
            for location in self
        )
        result = super().write(vals)
        if border_moves:
            self.env["traceability.genealogy"]._cached_answers_changed()
        return result
