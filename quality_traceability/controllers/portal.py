# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request
from odoo.tools import SQL

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class TraceabilityCustomerPortal(CustomerPortal):
    """*Traced Products* in the customer portal: the lots and serial numbers
    delivered to the user's company, each linked to its public trace page."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "traced_product_count" in counters:
            values["traced_product_count"] = self._traceability_delivered_count()
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
        pager = portal_pager(
            url=url,
            total=self._traceability_delivered_count(),
            page=page,
            step=self._items_per_page,
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "traced_lines": self._traceability_delivered_lines(
                    self._items_per_page, pager["offset"]
                ),
                "page_name": "traced_products",
                "pager": pager,
                "default_url": url,
            }
        )
        return request.render("quality_traceability.portal_my_traced_products", values)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _traceability_partner_id(self):
        """The commercial partner of the logged-in user: the only customer whose
        deliveries are shown, never one taken from the request."""
        return request.env.user.sudo().partner_id.commercial_partner_id.id

    def _traceability_delivered_sql(self):
        """Lots delivered to the user's commercial partner, with the date of their
        latest delivery: done move lines into a customer location (from outside
        one), on transfers to the partner or one of its contacts."""
        env = request.env
        env["stock.move.line"].flush_model(
            ["lot_id", "state", "date", "picking_id", "location_id", "location_dest_id"]
        )
        env["stock.picking"].flush_model(["partner_id"])
        env["res.partner"].flush_model(["commercial_partner_id"])
        return SQL(
            """
            SELECT line.lot_id, MAX(line.date) AS delivery_date
              FROM stock_move_line AS line
              JOIN stock_picking AS picking ON picking.id = line.picking_id
              JOIN res_partner AS partner ON partner.id = picking.partner_id
              JOIN stock_location AS source ON source.id = line.location_id
              JOIN stock_location AS destination
                ON destination.id = line.location_dest_id
             WHERE partner.commercial_partner_id = %s
               AND line.state = 'done'
               AND line.lot_id IS NOT NULL
               AND destination.usage = 'customer'
               AND source.usage != 'customer'
             GROUP BY line.lot_id
            """,
            self._traceability_partner_id(),
        )

    def _traceability_delivered_count(self):
        cr = request.env.cr
        cr.execute(
            SQL(
                "SELECT COUNT(*) FROM (%s) AS delivered",
                self._traceability_delivered_sql(),
            )
        )
        return cr.fetchone()[0]

    def _traceability_delivered_lines(self, limit, offset):
        """One page of the delivered lots, latest delivery first: dicts with
        ``product_name``, ``lot_name``, ``delivery_date`` (UTC day) and ``url``
        (the public trace page)."""
        cr = request.env.cr
        request.env["stock.lot"].flush_model(["name", "product_id", "trace_code"])
        cr.execute(
            SQL(
                """
                SELECT lot.name, lot.trace_code, lot.product_id,
                       delivered.delivery_date
                  FROM (%s) AS delivered
                  JOIN stock_lot AS lot ON lot.id = delivered.lot_id
                 ORDER BY delivered.delivery_date DESC, lot.id DESC
                 LIMIT %s OFFSET %s
                """,
                self._traceability_delivered_sql(),
                limit,
                offset,
            )
        )
        rows = cr.fetchall()
        products = (
            request.env["product.product"]
            .sudo()
            .with_context(display_default_code=False)
            .browse(list({row[2] for row in rows}))
        )
        names = {product.id: product.display_name for product in products}
        return [
            {
                "product_name": names[product_id],
                "lot_name": lot_name,
                "delivery_date": delivery_date.date(),
                "url": f"/trace/{trace_code}" if trace_code else None,
            }
            for lot_name, trace_code, product_id, delivery_date in rows
        ]
