# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import epcis


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    traceability_gln = fields.Char(
        string="GLN",
        copy=False,
        help="GS1 Global Location Number of this warehouse (13 digits with its "
        "check digit): identifies its locations in EPCIS exports. Empty: the "
        "company's GLN.",
    )

    @api.constrains("traceability_gln")
    def _check_traceability_gln(self):
        for warehouse in self:
            gln = warehouse.traceability_gln
            if gln and not epcis.is_valid_gln(gln):
                raise ValidationError(
                    self.env._(
                        "The GLN %(gln)s of %(warehouse)s is not valid: a GLN has 13 "
                        "digits, the last one its GS1 check digit.",
                        gln=gln,
                        warehouse=warehouse.display_name,
                    )
                )
