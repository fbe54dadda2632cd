# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.traceability_declared_lot import MAX_CERTIFICATE_BYTES

SPEC_PREFIX = "spec_"


class SupplierPortal(CustomerPortal):
    """The supplier portal: a vendor's open orders of tracked products, where
    it declares the lots it ships with their certificates of analysis, and the
    nonconformances charged to it with its scorecard."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = request.env.user.partner_id
        if "supplier_order_count" in counters:
            values["supplier_order_count"] = request.env[
                "purchase.order"
            ]._traceability_portal_orders(count=True)
        if "supplier_nonconformance_count" in counters:
            user = request.env.user
            values["supplier_nonconformance_count"] = (
                partner._traceability_portal_nonconformances(count=True)
                if user.share and not user._is_public()
                else 0
            )
        return values

    @http.route(
        ["/my/supplier/orders", "/my/supplier/orders/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_supplier_orders(self, page=1, **kwargs):
        url = "/my/supplier/orders"
        Order = request.env["purchase.order"]
        pager = portal_pager(
            url=url,
            total=Order._traceability_portal_orders(count=True),
            page=page,
            step=self._items_per_page,
        )
        values = self._prepare_portal_layout_values()
        values.update(
            orders=Order._traceability_portal_orders(
                limit=self._items_per_page, offset=pager["offset"]
            ),
            page_name="supplier_orders",
            pager=pager,
            default_url=url,
        )
        return request.render("quality_traceability.portal_my_supplier_orders", values)

    @http.route(
        ["/my/supplier/orders/<int:order_id>"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_supplier_order(self, order_id, access_token=None, **post):
        """An order's tracked lines and their declared lots; a POST declares a
        lot (see ``traceability.declared.lot._portal_declare``). Refused: a
        redirection to /my for a page, 404 for a declaration; 403 for a
        declaration of someone who may only look, 400 for a refused
        declaration (the page says why). Odoo checks the CSRF token of the
        POST."""
        posted = request.httprequest.method == "POST"
        try:
            order, author = (
                request.env["purchase.order"]
                .browse(order_id)
                ._traceability_portal_access(access_token=access_token)
            )
        except (AccessError, MissingError):
            if posted:
                raise request.not_found() from None
            return request.redirect("/my")
        error, status, declared = None, 200, None
        if posted and not author:
            error, status = (
                request.env._("Only the vendor declares lots on this order."),
                403,
            )
        elif posted:
            upload = request.httprequest.files.get("certificate")
            # One byte over the limit is enough to refuse it: a huge upload
            # is not read whole into memory.
            certificate = (
                (upload.filename, upload.read(MAX_CERTIFICATE_BYTES + 1))
                if upload
                else None
            )
            values = {
                key[len(SPEC_PREFIX) :]: value
                for key, value in post.items()
                if key.startswith(SPEC_PREFIX)
            }
            try:
                # All or nothing: a refused declaration leaves no record.
                with request.env.cr.savepoint():
                    declared = request.env["traceability.declared.lot"]._portal_declare(
                        order,
                        author,
                        post.get("line_id"),
                        post.get("lot_name"),
                        post.get("quantity"),
                        production_date=post.get("production_date"),
                        expiration_date=post.get("expiration_date"),
                        values=values,
                        certificate=certificate,
                    )
            except UserError as exception:
                error, status = exception.args[0], 400
        values = self._prepare_portal_layout_values()
        values.update(
            order=order,
            lines=order._traceability_portal_lines(),
            page_name="supplier_order",
            can_declare=bool(author),
            access_token=access_token,
            error=error,
            declared=declared,
            form=post if error else {},
        )
        return request.render(
            "quality_traceability.portal_my_supplier_order", values, status=status
        )

    @http.route(
        [
            "/my/supplier/nonconformances",
            "/my/supplier/nonconformances/page/<int:page>",
        ],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_supplier_nonconformances(self, page=1, **kwargs):
        url = "/my/supplier/nonconformances"
        user = request.env.user
        partner = user.partner_id
        vendor = user.share and not user._is_public()
        total = (
            partner._traceability_portal_nonconformances(count=True) if vendor else 0
        )
        pager = portal_pager(url=url, total=total, page=page, step=self._items_per_page)
        nonconformances = (
            partner._traceability_portal_nonconformances(
                limit=self._items_per_page, offset=pager["offset"]
            )
            if vendor
            else request.env["traceability.nonconformance"]
        )
        scorecard = partner._traceability_supplier_scorecard() if vendor else None
        values = self._prepare_portal_layout_values()
        values.update(
            nonconformances=nonconformances,
            scorecard=scorecard,
            page_name="supplier_nonconformances",
            pager=pager,
            default_url=url,
        )
        return request.render(
            "quality_traceability.portal_my_supplier_nonconformances", values
        )
