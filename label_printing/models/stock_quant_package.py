# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.quality_traceability.tools import gs1


class StockQuantPackage(models.Model):
    _inherit = "stock.quant.package"

    def action_assign_sscc(self):
        """Give each package without SSCC the next one of its company."""
        sequence = self.env.ref("label_printing.sequence_sscc_serial").sudo()
        for package in self.filtered(lambda package: not package.traceability_sscc):
            # The prefix is checked before a serial reference is taken.
            prefix = package._label_gs1_prefix()
            package.traceability_sscc = package._label_sscc(
                prefix, int(sequence.next_by_id())
            )
        return True

    def _label_gs1_prefix(self):
        """The GS1 company prefix of the package's company (else the current
        one's)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        if not company.label_gs1_company_prefix:
            raise UserError(
                self.env._(
                    "Set the GS1 company prefix of %(company)s in Settings > "
                    "Traceability first.",
                    company=company.name,
                )
            )
        return company.label_gs1_company_prefix

    @api.model
    def _label_sscc(self, prefix, serial_reference):
        try:
            return gs1.sscc(prefix, serial_reference)
        except gs1.GS1Error as error:
            raise UserError(str(error)) from error

    def _label_sample_sscc(self):
        """An SSCC of the company's prefix with serial reference 0, for previews
        of a package that has none yet."""
        return self._label_sscc(self._label_gs1_prefix(), 0)

    def _label_content(self):
        """Content of the package and of the boxes on it: (boxes, [(product,
        quantity)])."""
        self.ensure_one()
        tree = self._traceability_descendants()
        quantities = defaultdict(float)
        for quant in tree.quant_ids:
            quantities[quant.product_id] += quant.quantity
        return len(tree) - 1, sorted(
            quantities.items(), key=lambda item: item[0].display_name
        )

    def _label_content_summary(self):
        boxes, lines = self._label_content()
        parts = []
        if boxes:
            parts.append(self.env._("%(count)s boxes", count=boxes))
        parts += [
            f"{quantity:g} {product.uom_id.name} {product.display_name}"
            for product, quantity in lines
        ]
        return "; ".join(parts)

    def _label_values(self, template):
        result = []
        preview = self.env.context.get("label_preview")
        for package in self:
            if not package.traceability_sscc and not preview:
                package.action_assign_sscc()
            sscc = package.traceability_sscc or package._label_sample_sscc()
            elements = [("00", sscc)]
            _boxes, lines = package._label_content()
            product = lines[0][0] if len(lines) == 1 else self.env["product.product"]
            company = package.company_id or self.env.company
            result.append(
                {
                    "sscc": sscc,
                    "package": package.name,
                    "content": package._label_content_summary(),
                    "product_name": product.display_name or "",
                    "default_code": product.default_code or "",
                    "quantity": f"{lines[0][1]:g} {product.uom_id.name}"
                    if product
                    else "",
                    "company": company.name,
                    "gs1_data": gs1.barcode_data(elements),
                    "gs1_hri": gs1.element_string(elements),
                    "logo": template._logo(company),
                }
            )
        return result

    def action_label_open_content(self):
        """The stock in the package and in the boxes on it."""
        tree = self._traceability_descendants()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Content of %(package)s", package=self.display_name),
            "res_model": "stock.quant",
            "view_mode": "list,form",
            "domain": [("package_id", "in", tree.ids)],
            "context": {"search_default_groupby_package_id": 1},
        }
