# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError, MissingError
from odoo.tools import consteq


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def _traceability_portal_access(self, access_token=None):
        """What the visitor of ``/my/supplier/orders/<id>`` may do: returns the
        order (as superuser, for the page's chosen fields only) and the
        partner declaring lots for the vendor, or False when the visitor may
        only look.

        Declared by a portal user of the vendor (the commercial entity of the
        order's vendor), and by a visitor who is not logged in and holds the
        link's token (as Odoo's own portal documents). Seen only by whoever
        holds the token and by internal users who read the order. A
        logged-in user declares as themselves: another company's portal user
        never declares for the vendor, even with the token. Anyone else:
        AccessError (MissingError for an order that does not exist)."""
        self.ensure_one()
        # sudo: what a vendor may see of an order and declare on it is decided
        # here (Odoo's portal rule lets the order's followers read it too).
        order = self.sudo().exists()
        if not order:
            raise MissingError(self.env._("This purchase order does not exist."))
        user = self.env.user
        vendor = order.partner_id.commercial_partner_id
        token = bool(
            access_token
            and order.access_token
            and consteq(order.access_token, access_token)
        )
        if (
            user.share
            and not user._is_public()
            and user.partner_id.commercial_partner_id == vendor
        ):
            return order, user.partner_id
        if token and user._is_public():
            return order, order.partner_id
        if token or (not user.share and self.has_access("read")):
            return order, False
        raise AccessError(self.env._("You cannot see this purchase order."))

    def _traceability_portal_domain(self, partner):
        """The orders of the supplier portal of ``partner``'s vendor: its open
        orders (confirmed, not locked, not fully received) of products tracked
        by lot or serial number."""
        return [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("state", "=", "purchase"),
            ("receipt_status", "!=", "full"),
            ("order_line.product_id.tracking", "in", ["lot", "serial"]),
        ]

    def _traceability_portal_orders(self, count=False, limit=None, offset=0):
        """The supplier portal's orders of the current portal user's vendor
        (none for internal users and public visitors)."""
        user = self.env.user
        Order = self.env["purchase.order"]
        if not user.share or user._is_public():
            return 0 if count else Order
        domain = self._traceability_portal_domain(user.partner_id)
        # sudo: the vendor's own orders, selected by the domain above.
        if count:
            return Order.sudo().search_count(domain)
        return Order.sudo().search(
            domain, order="date_order desc, id desc", limit=limit, offset=offset
        )

    def _traceability_portal_lines(self):
        """The lines of this order (as superuser, from the access method) the
        supplier portal shows: tracked products, each with whether lots can be
        declared on it now, the parameters of its certificate of analysis and
        the lots declared on it."""
        self.ensure_one()
        Declared = self.env["traceability.declared.lot"]
        lines = self.order_line.filtered(
            lambda line: not line.display_type
            and line.product_id.tracking in ("lot", "serial")
        )
        # sudo: the lots declared on the vendor's own order lines.
        declared = Declared.sudo().search(
            [("purchase_line_id", "in", lines.ids)], order="id"
        )
        return [
            {
                "line": line,
                "refusal": Declared._portal_line_refusal(line),
                "specs": Declared._portal_certificate_specs(
                    line.product_id, self.company_id
                ),
                "declared": declared.filtered(
                    lambda lot, line=line: lot.purchase_line_id == line
                ),
            }
            for line in lines
        ]
