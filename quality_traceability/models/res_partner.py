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

    def _traceability_sampling_severities(self, company):
        """``[(product, severity label)]``: the ISO 2859-1 severity of each
        product this vendor was inspected for by sampling in ``company``."""
        self.ensure_one()
        Check = self.env["traceability.check"]
        labels = dict(
            Check._fields["inspection_severity"]._description_selection(self.env)
        )
        vendor = self.commercial_partner_id
        products = Check._read_group(
            [
                ("partner_id", "=", vendor.id),
                ("sample_code_letter", "!=", False),
                ("state", "=", "done"),
                ("company_id", "=", company.id),
            ],
            ["product_id"],
        )
        return [
            (product, labels[Check._sampling_severity(vendor, product, company)])
            for (product,) in products
        ]

    def _compute_traceability_sampling_html(self):
        for partner in self:
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td></tr>")
                % (product.display_name, label)
                for product, label in partner._traceability_sampling_severities(
                    self.env.company
                )
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

    # ------------------------------------------------------------------
    # Supplier portal
    # ------------------------------------------------------------------
    def _traceability_portal_nonconformance_domain(self):
        """The nonconformances a vendor's portal users see: those charged to
        the vendor that it was asked to answer (as the nonconformance page
        lets them see, see ``_portal_vendor_access``)."""
        self.ensure_one()
        return [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("responsibility", "=", "vendor"),
            ("vendor_request_date", "!=", False),
        ]

    def _traceability_portal_nonconformances(self, count=False, limit=None, offset=0):
        """The nonconformances of this portal partner's vendor (see
        :meth:`_traceability_portal_nonconformance_domain`)."""
        self.ensure_one()
        domain = self._traceability_portal_nonconformance_domain()
        # sudo: the vendor has no right on nonconformances; the domain above
        # selects its own.
        Nonconformance = self.env["traceability.nonconformance"].sudo()
        if count:
            return Nonconformance.search_count(domain)
        return Nonconformance.search(domain, limit=limit, offset=offset)

    def _traceability_supplier_scorecard(self, company=None):
        """The scorecard of this partner's vendor, from its recorded incoming
        checks (the quality analysis' figures): checks, passed checks, pass
        rate (%), received and rejected quantities, PPM (rejected quantity
        per million received) and, where sampling plans are used, the
        inspection severity of each product."""
        self.ensure_one()
        vendor = self.commercial_partner_id
        company = company or self.env.company
        # sudo: the vendor's own figures, whatever the reader's rights.
        rows = (
            self.env["traceability.quality.report"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", vendor.id),
                    ("stage", "=", "incoming"),
                    ("company_id", "=", company.id),
                ]
            )
        )
        checks = len(rows)
        passed = len(rows.filtered(lambda row: row.result == "pass"))
        received = sum(rows.mapped("inspected_qty"))
        rejected = sum(rows.mapped("rejected_qty"))
        return {
            "checks": checks,
            "passed": passed,
            "pass_rate": passed / checks * 100.0 if checks else 0.0,
            "received_qty": received,
            "rejected_qty": rejected,
            "ppm": rejected / received * 1000000.0 if received else 0.0,
            "severities": vendor.sudo()._traceability_sampling_severities(company),
        }
