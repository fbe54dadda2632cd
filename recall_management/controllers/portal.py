# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class RecallPortal(CustomerPortal):
    """Recall notices in the customer portal: read, acknowledge, report what is
    left or destroyed, request a return."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "recall_count" in counters:
            values["recall_count"] = request.env["recall.customer"].search_count([])
        return values

    @http.route(["/my/recalls"], type="http", auth="user", website=True)
    def portal_my_recalls(self, **kwargs):
        notices = request.env["recall.customer"].search([], order="id desc")
        values = self._prepare_portal_layout_values()
        values.update(notices=notices, page_name="recalls")
        return request.render("recall_management.portal_my_recalls", values)

    @http.route(
        ["/my/recalls/<int:notice_id>"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_recall(self, notice_id, access_token=None, **post):
        try:
            notice = self._document_check_access(
                "recall.customer", notice_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            try:
                error = self._recall_apply(notice, post)
            except UserError as exception:
                error = exception.args[0]
        values = self._prepare_portal_layout_values()
        values.update(
            notice=notice,
            page_name="recall",
            error=error,
            access_token=access_token,
        )
        return request.render("recall_management.portal_my_recall", values)

    def _recall_apply(self, notice, post):
        action = post.get("action")
        if notice.recall_id.state not in ("scoped", "in_progress"):
            return request.env._("This recall is closed.")
        if action == "acknowledge":
            notice.action_acknowledge()
        elif action == "report":
            try:
                on_hand = float(post.get("on_hand_qty") or 0)
                destroyed = float(post.get("destroyed_qty") or 0)
            except ValueError:
                return request.env._("Quantities must be numbers.")
            notice._portal_report(on_hand, destroyed)
        elif action == "return":
            notice.action_request_return()
        return None
