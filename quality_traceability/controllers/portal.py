# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class TraceabilityCustomerPortal(CustomerPortal):
    """*Traced Products* in the customer portal: the lots and serial numbers
    delivered to the user's company, each linked to its public trace page."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "traced_product_count" in counters:
            values["traced_product_count"] = request.env[
                "stock.lot"
            ]._traceability_portal_deliveries(count=True)
        return values

    @http.route(
        ["/my/traced-products", "/my/traced-products/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_traced_products(self, page=1, **kwargs):
        url = "/my/traced-products"
        Lot = request.env["stock.lot"]
        pager = portal_pager(
            url=url,
            total=Lot._traceability_portal_deliveries(count=True),
            page=page,
            step=self._items_per_page,
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "traced_lines": Lot._traceability_portal_deliveries(
                    limit=self._items_per_page, offset=pager["offset"]
                ),
                "page_name": "traced_products",
                "pager": pager,
                "default_url": url,
            }
        )
        return request.render("quality_traceability.portal_my_traced_products", values)
