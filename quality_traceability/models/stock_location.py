# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    traceability_quarantine = fields.Boolean(
        string="Quarantine Location",
        help="Lots in quarantine or blocked may be moved here.",
    )
