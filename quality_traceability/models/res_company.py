# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import ValidationError


def normalise_resolver_url(url):
    """Strip blanks and trailing slashes; an empty value becomes False."""
    if not url:
        return False
    return url.strip().rstrip("/") or False


def is_valid_resolver_url(url):
    """True for an absolute http(s) URL without query string nor fragment."""
    if not url or any(char.isspace() for char in url) or "?" in url or "#" in url:
        return False
    try:
        parts = urlsplit(url)
        # Reading the port raises ValueError when it is not a number.
        valid_port = parts.port is None or parts.port > 0
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and valid_port


class ResCompany(models.Model):
    _inherit = "res.company"

    traceability_resolver_url = fields.Char(
        string="GS1 Resolver URL",
        help="Base of the GS1 Digital Links of this company's lots and serial "
        "numbers, e.g. https://id.example.com (they read "
        "<base>/01/<GTIN>/10/<lot>). Empty: the server's own address "
        "(system parameter web.base.url).",
    )

    traceability_gln = fields.Char(
        related="partner_id.traceability_gln",
        readonly=False,
        string="GLN",
        help="GS1 Global Location Number of the company (13 digits with its check "
        "digit): identifies it, and its warehouses without a GLN of their own, in "
        "EPCIS exports.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "traceability_resolver_url" in vals:
                vals["traceability_resolver_url"] = normalise_resolver_url(
                    vals["traceability_resolver_url"]
                )
        return super().create(vals_list)

    def write(self, vals):
        if "traceability_resolver_url" in vals:
            vals = dict(
                vals,
                traceability_resolver_url=normalise_resolver_url(
                    vals["traceability_resolver_url"]
                ),
            )
        return super().write(vals)

    @api.constrains("traceability_resolver_url")
    def _check_traceability_resolver_url(self):
        for company in self:
            url = company.traceability_resolver_url
            if url and not is_valid_resolver_url(url):
                raise ValidationError(
                    self.env._(
                        "The GS1 resolver URL %(url)s of %(company)s is not valid: "
                        "give an http:// or https:// address without query string "
                        "(?...) nor fragment (#...), e.g. https://id.example.com.",
                        url=url,
                        company=company.display_name,
                    )
                )

    def _traceability_resolver_base(self):
        """Base URL of the GS1 Digital Links of this company (of the current
        company when ``self`` is empty), without trailing slash."""
        company = self[:1] or self.env.company
        if company.traceability_resolver_url:
            return company.traceability_resolver_url
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return normalise_resolver_url(base_url) or ""
