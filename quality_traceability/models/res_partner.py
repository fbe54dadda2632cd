# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import epcis


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

    traceability_gln = fields.Char(
        string="GLN",
        copy=False,
        help="GS1 Global Location Number of this party (13 digits with its check "
        "digit): identifies it in EPCIS exports.",
    )

    traceability_sampling_html = fields.Html(
        string="Sampling Severity",
        compute="_compute_traceability_sampling_html",
        sanitize=False,
        groups="quality_traceability.group_traceability_user",
        help="ISO 2859-1 severity of each product of this vendor, from its "
        "recorded sampling checks (switching rules).",
    )

    @api.constrains("traceability_gln")
    def _check_traceability_gln(self):
        for partner in self:
            gln = partner.traceability_gln
            if gln and not epcis.is_valid_gln(gln):
                raise ValidationError(
                    self.env._(
                        "The GLN %(gln)s of %(partner)s is not valid: a GLN has 13 "
                        "digits, the last one its GS1 check digit.",
                        gln=gln,
                        partner=partner.display_name,
                    )
                )

    def _compute_traceability_sampling_html(self):
        Check = self.env["traceability.check"]
        labels = dict(
            Check._fields["inspection_severity"]._description_selection(self.env)
        )
        for partner in self:
            vendor = partner.commercial_partner_id
            products = Check._read_group(
                [
                    ("partner_id", "=", vendor.id),
                    ("sample_code_letter", "!=", False),
                    ("state", "=", "done"),
                    ("company_id", "=", self.env.company.id),
                ],
                ["product_id"],
            )
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td></tr>")
                % (
                    product.display_name,
                    labels[Check._sampling_severity(vendor, product, self.env.company)],
                )
                for (product,) in products
            )
            partner.traceability_sampling_html = (
                Markup(
                    "<table class='table table-sm o_traceability_sampling'>"
                    "<thead><tr><th>%s</th><th>%s</th></tr></thead>"
                    "<tbody>%s</tbody></table>"
                )
                % (self.env._("Product"), self.env._("Severity"), rows)
                if rows
                else False
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
