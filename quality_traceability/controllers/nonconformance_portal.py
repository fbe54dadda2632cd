# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class NonconformancePortal(CustomerPortal):
    """A vendor's nonconformance in the portal: the vendor reads what was
    found and answers with its root cause, corrective action and files."""

    @http.route(
        ["/my/nonconformances/<int:nonconformance_id>"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_nonconformance(self, nonconformance_id, access_token=None, **post):
        """Show the nonconformance to whom may see it and take the vendor's
        answer (see ``traceability.nonconformance._portal_vendor_access``).
        Refused: a redirection to /my for a page, 404 for an answer; 403 for an
        answer of someone who may only look, 400 for an incomplete answer.
        Odoo checks the CSRF token of the POST."""
        posted = request.httprequest.method == "POST"
        try:
            nonconformance, author = (
                request.env["traceability.nonconformance"]
                .browse(nonconformance_id)
                ._portal_vendor_access(access_token=access_token)
            )
        except (AccessError, MissingError):
            if posted:
                raise request.not_found() from None
            return request.redirect("/my")
        error, status, sent = None, 200, False
        if posted and not author:
            error, status = (
                request.env._("Only the vendor answers this nonconformance."),
                403,
            )
        elif posted:
            files = [
                (upload.filename, upload.read())
                for upload in request.httprequest.files.getlist("attachments")
                if upload.filename
            ]
            try:
                # All or nothing: a refused answer leaves no partial write.
                with request.env.cr.savepoint():
                    nonconformance._portal_vendor_answer(
                        author,
                        post.get("root_cause"),
                        post.get("corrective_action"),
                        attachments=files,
                    )
                sent = True
            except UserError as exception:
                error, status = exception.args[0], 400
        values = self._prepare_portal_layout_values()
        values.update(
            nonconformance=nonconformance,
            page_name="nonconformance",
            can_answer=bool(author),
            access_token=access_token,
            error=error,
            sent=sent,
        )
        return request.render(
            "quality_traceability.portal_my_nonconformance", values, status=status
        )
