# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class StockLocation(models.Model):
    _inherit = "stock.location"

    traceability_quarantine = fields.Boolean(
        string="Quarantine Location",
        help="Lots in quarantine or blocked may be moved here.",
    )

    @api.constrains("traceability_quarantine", "usage")
    def _check_traceability_quarantine(self):
        for location in self:
            if location.traceability_quarantine and location.usage != "internal":
                raise ValidationError(
                    self.env._(
                        "%(location)s: only an internal location can be a quarantine "
                        "location.",
                        location=location.display_name,
                    )
                )

    def _traceability_check_quarantine_right(self):
        if not self.env.su and not self.env.user.has_group(
            "quality_traceability.group_traceability_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a traceability manager may make a location a quarantine "
                    "location or change it back."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        locations = super().create(vals_list)
        # After the create: context defaults count too.
        if locations.filtered("traceability_quarantine"):
            self._traceability_check_quarantine_right()
        return locations

    def write(self, vals):
        if "traceability_quarantine" in vals and any(
            location.traceability_quarantine != bool(vals["traceability_quarantine"])
            for location in self
        ):
            self._traceability_check_quarantine_right()
        return super().write(vals)
