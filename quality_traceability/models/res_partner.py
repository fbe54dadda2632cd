# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    traceability_nonconformance_ids = fields.One2many(
        comodel_name="traceability.nonconformance",
        inverse_name="partner_id",
        string="Nonconformances",
    )
    traceability_nonconformance_count = fields.Integer(
        string="Nonconformances Count",
        compute="_compute_traceability_nonconformance_count",
    )

    def _compute_traceability_nonconformance_count(self):
        counts = dict(
            self.env["traceability.nonconformance"]._read_group(
                [("partner_id", "child_of", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.traceability_nonconformance_count = sum(
                count
                for vendor, count in counts.items()
                if vendor.commercial_partner_id == partner.commercial_partner_id
            )

    def action_view_traceability_nonconformances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.traceability_nonconformance_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        return action
