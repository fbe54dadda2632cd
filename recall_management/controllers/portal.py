# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class RecallPortal(CustomerPortal):
    """Recall notices in the customer portal: read, acknowledge, report what is
    left or destroyed, request a return."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "recall_count" in counters:
            values["recall_count"] = request.env["recall.customer"]._portal_count()
        return values

    @http.route(
        ["/my/recalls", "/my/recalls/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_recalls(self, page=1, sortby=None, **kwargs):
        url = "/my/recalls"
        page = int(page) if str(page).isdigit() else 1
        listing = request.env["recall.customer"]._portal_list(
            page=page, step=self._items_per_page, sortby=sortby
        )
        values = self._prepare_portal_layout_values()
        values.update(
            notices=listing["notices"],
            page_name="recalls",
            default_url=url,
            pager=portal_pager(
                url=url,
                url_args={"sortby": listing["sortby"]},
                total=listing["count"],
                page=page,
                step=self._items_per_page,
            ),
            sortby=listing["sortby"],
            searchbar_sortings=listing["sortings"],
        )
        return request.render("recall_management.portal_my_recalls", values)

    @http.route(
        ["/my/recalls/<int:notice_id>"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_recall(self, notice_id, access_token=None, **post):
        """Show a notice to whoever may read it (Odoo's portal rule: read
        access, or the notice's access token); answer it only as the notified
        customer (see ``recall.customer._portal_answerer``). Refused answers
        change nothing: 404 when the notice cannot be read, 403 when the
        visitor is not the customer, 400 for an answer that cannot apply."""
        posted = request.httprequest.method == "POST"
        try:
            notice = self._document_check_access(
                "recall.customer", notice_id, access_token=access_token
            )
        except (AccessError, MissingError):
            if posted:
                raise request.not_found() from None
            return request.redirect("/my")
        author, refusal = None, None
        try:
            author = notice._portal_answerer(
                request.env.user, access_token=access_token
            )
        except AccessError as exception:
            refusal = exception.args[0]
        error, status = None, 200
        if posted and not author:
            error, status = refusal, 403
        elif posted:
            try:
                answer = self._recall_parse_answer(post)
                # All or nothing: a refused answer leaves no partial write.
                with request.env.cr.savepoint():
                    notice._portal_answer(author, **answer)
            except UserError as exception:
                error, status = exception.args[0], 400
        values = self._prepare_portal_layout_values()
        values.update(
            notice=notice,
            page_name="recall",
            error=error,
            can_answer=bool(author),
            access_token=access_token,
        )
        return request.render(
            "recall_management.portal_my_recall", values, status=status
        )

    def _recall_parse_answer(self, post):
        """The answer posted by the notice's forms. A quantity must read as a
        number; that it is finite, not negative and not more than received is
        the model's rule."""
        answer = {"action": post.get("action")}
        if answer["action"] == "report":
            for name in ("on_hand", "destroyed"):
                text = (post.get(f"{name}_qty") or "").strip()
                try:
                    answer[name] = float(text) if text else 0.0
                except ValueError as exception:
                    raise UserError(
                        request.env._("Quantities must be numbers.")
                    ) from exception
        return answer
