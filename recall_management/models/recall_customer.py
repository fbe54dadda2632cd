# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, consteq, formatLang


class RecallCustomer(models.Model):
    """The recall notice of one customer: what they received, what they report,
    what they return."""

    _name = "recall.customer"
    _description = "Recall Customer Notice"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "recall_id, partner_id"
    _rec_name = "partner_id"

    recall_id = fields.Many2one(
        comodel_name="recall.recall", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    recall_state = fields.Selection(related="recall_id.state")
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", required=True, index=True
    )
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    scope_line_ids = fields.One2many(
        comodel_name="recall.scope.line",
        compute="_compute_scope_line_ids",
        string="Deliveries",
    )
    imported = fields.Boolean(
        string="Known from Imported History",
        compute="_compute_imported",
        help="Every delivery of this customer in the scope is known only from "
        "the history imported from before go-live: the customer's address may "
        "need checking before the notice is sent.",
    )
    delivered_qty = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure"
    )
    returned_qty = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure"
    )
    on_hand_qty = fields.Float(
        string="Reported On Hand",
        digits="Product Unit of Measure",
        tracking=True,
        help="Quantity the customer reports still holding.",
    )
    destroyed_qty = fields.Float(
        string="Reported Destroyed",
        digits="Product Unit of Measure",
        tracking=True,
        help="Quantity the customer reports destroyed on their side.",
    )
    accounted_qty = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure"
    )
    effectiveness = fields.Float(compute="_compute_quantities")
    date_notified = fields.Datetime(string="Notified", readonly=True, tracking=True)
    date_acknowledged = fields.Datetime(
        string="Acknowledged", readonly=True, tracking=True
    )
    return_picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Return", readonly=True, copy=False
    )
    # Read through the notice, so that the customer sees them in the portal
    # without rights on the recall or the return transfer.
    recall_name = fields.Char(related="recall_id.name", string="Recall Reference")
    return_state = fields.Selection(
        [
            ("none", "Not Requested"),
            ("requested", "Requested"),
            ("done", "Returned"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_return_state",
        compute_sudo=True,
    )

    _sql_constraints = [
        (
            "partner_unique",
            "unique(recall_id, partner_id)",
            "A customer has one notice per recall.",
        ),
    ]

    @api.depends("recall_id.scope_line_ids", "partner_id")
    def _compute_scope_line_ids(self):
        # The delivered lines of each recall, grouped by customer once.
        by_recall = {}
        for recall in self.recall_id:
            grouped = defaultdict(lambda: self.env["recall.scope.line"])
            for line in recall.scope_line_ids:
                if line.kind == "delivered":
                    grouped[line.partner_id.id] |= line
            by_recall[recall.id] = grouped
        for notice in self:
            lines = by_recall.get(notice.recall_id.id, {})
            notice.scope_line_ids = lines.get(notice.partner_id.id, False)

    @api.depends("scope_line_ids.imported")
    def _compute_imported(self):
        for notice in self:
            lines = notice.scope_line_ids
            notice.imported = bool(lines) and all(lines.mapped("imported"))

    @api.depends(
        "recall_id.scope_line_ids",
        "return_picking_id.state",
        "on_hand_qty",
        "destroyed_qty",
    )
    def _compute_quantities(self):
        for notice in self:
            delivered = sum(notice.scope_line_ids.mapped("quantity"))
            returned = 0.0
            if notice.return_picking_id.state == "done":
                returned = sum(notice.return_picking_id.move_ids.mapped("quantity"))
            notice.delivered_qty = delivered
            notice.returned_qty = returned
            notice.accounted_qty = returned + notice.destroyed_qty + notice.on_hand_qty
            notice.effectiveness = (
                notice.accounted_qty / delivered if delivered else 1.0
            )

    @api.depends("return_picking_id.state")
    def _compute_return_state(self):
        for notice in self:
            state = notice.return_picking_id.state
            if not state:
                notice.return_state = "none"
            elif state in ("done", "cancel"):
                notice.return_state = state
            else:
                notice.return_state = "requested"

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for notice in self:
            notice.access_url = f"/my/recalls/{notice.id}"
        return result

    # ------------------------------------------------------------------
    # Portal list
    # ------------------------------------------------------------------
    @api.model
    def _portal_domain(self):
        """The notices of the current user as a customer: those sent to their
        commercial entity. Record rules apply on top of it (a portal user
        reads only their entity's notified notices, never a drill's)."""
        partner = self.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id), ("date_notified", "!=", False)]

    @api.model
    def _portal_sortings(self):
        return {
            "date": {
                "label": self.env._("Newest"),
                "order": "date_notified desc, id desc",
            },
            "date_asc": {
                "label": self.env._("Oldest"),
                "order": "date_notified asc, id asc",
            },
            "acknowledged": {
                "label": self.env._("To Acknowledge First"),
                "order": "date_acknowledged desc nulls first, "
                "date_notified desc, id desc",
            },
        }

    @api.model
    def _portal_count(self):
        """How many notices the current user has in the portal."""
        if not self.has_access("read"):
            return 0
        return self.search_count(self._portal_domain())

    @api.model
    def _portal_list(self, page=1, step=20, sortby=None):
        """One page of the current user's notices, read with their own rights.
        Returns a dict: ``notices`` (that page), ``count`` (all of them),
        ``sortby`` (the sorting applied) and ``sortings`` (those offered);
        a page past the last one gives the last page, as the portal pager."""
        sortings = self._portal_sortings()
        if sortby not in sortings:
            sortby = "date"
        result = {
            "notices": self.browse(),
            "count": 0,
            "sortby": sortby,
            "sortings": sortings,
        }
        if not self.has_access("read"):
            return result
        domain = self._portal_domain()
        count = self.search_count(domain)
        last_page = max(math.ceil(count / step), 1)
        page = min(max(page, 1), last_page)
        result["count"] = count
        result["notices"] = self.search(
            domain,
            order=sortings[sortby]["order"],
            offset=(page - 1) * step,
            limit=step,
        )
        return result

    def _portal_answerer(self, user, access_token=None):
        """The partner who answers this notice from the portal, as the notified
        customer: a logged-in portal user of the notice's company (its
        commercial entity), or a visitor who is not logged in and holds the
        notice's access token (the link of the notification e-mail). Anyone else
        is refused, even with a token: a logged-in user answers as themselves,
        and an internal user, recall staff included, is never the customer
        (staff record what a customer tells them in the backend)."""
        self.ensure_one()
        # Read as superuser: a visitor with only the token cannot read the notice.
        notice = self.sudo()
        if notice.date_notified and notice.recall_id.recall_type != "drill":
            if user._is_public():
                if (
                    access_token
                    and notice.access_token
                    and consteq(notice.access_token, access_token)
                ):
                    return notice.partner_id
            elif (
                user.share
                and user.partner_id.commercial_partner_id
                == notice.partner_id.commercial_partner_id
            ):
                return user.partner_id
        raise AccessError(
            self.env._("Only the notified customer can answer this recall notice.")
        )

    def _portal_answer(self, author, action, on_hand=0.0, destroyed=0.0):
        """Apply one answer of the customer (``author``, from
        :meth:`_portal_answerer`): acknowledge, report quantities or request a
        return. The notice row is locked first, so that two answers at once
        apply one after the other."""
        self.ensure_one()
        self._lock_for_answer()
        if self.recall_id.state not in ("scoped", "in_progress"):
            raise UserError(self.env._("This recall is closed."))
        if action == "acknowledge":
            self._acknowledge(author=author)
        elif action == "report":
            self._portal_report(on_hand, destroyed, author=author)
        elif action == "return":
            self._request_return(author=author)
        else:
            raise UserError(self.env._("Unknown answer to a recall notice."))
        return True

    def _lock_for_answer(self):
        """Lock the notices' rows until the end of the transaction and drop
        what the cache holds of them: a concurrent answer waits, then fails to
        serialize and is retried on the committed state."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset()

    def _portal_report(self, on_hand, destroyed, author=None):
        """What the customer reports from the portal. Each declaration is also
        posted in the notice's chatter, in the name of who made it, so that a
        later one does not erase it."""
        self.ensure_one()
        if not (math.isfinite(on_hand) and math.isfinite(destroyed)):
            raise UserError(self.env._("Quantities must be finite numbers."))
        if on_hand < 0 or destroyed < 0:
            raise UserError(self.env._("Quantities cannot be negative."))
        if on_hand + destroyed > self.delivered_qty + 1e-9:
            raise UserError(
                self.env._(
                    "You reported %(reported)s but received %(delivered)s.",
                    reported=on_hand + destroyed,
                    delivered=self.delivered_qty,
                )
            )
        self.write({"on_hand_qty": on_hand, "destroyed_qty": destroyed})
        digits = "Product Unit of Measure"
        self.message_post(
            body=self.env._(
                "Declared by the customer: %(on_hand)s still on hand, "
                "%(destroyed)s destroyed.",
                on_hand=formatLang(self.env, on_hand, dp=digits),
                destroyed=formatLang(self.env, destroyed, dp=digits),
            ),
            author_id=(author or self.env.user.partner_id).id,
            subtype_xmlid="mail.mt_note",
        )

    def action_acknowledge(self):
        self.check_access("write")
        return self._acknowledge()

    def _acknowledge(self, author=None):
        for notice in self.filtered(lambda n: not n.date_acknowledged):
            notice.date_acknowledged = fields.Datetime.now()
            notice.message_post(
                body=self.env._("The customer acknowledged the notice."),
                author_id=(author or self.env.user.partner_id).id,
            )
        return True

    def action_request_return(self):
        self.check_access("write")
        return self._request_return()

    def _request_return(self, author=None):
        """A return from the customer, to be reviewed and received in the warehouse:
        one move per delivered lot. One return per notice: the rows are locked
        first, so that two requests at once cannot both create one."""
        self._lock_for_answer()
        for notice in self:
            if notice.return_picking_id:
                raise UserError(self.env._("A return is already requested."))
            lines = notice.scope_line_ids
            if not lines:
                raise UserError(self.env._("Nothing was delivered to this customer."))
            warehouse = lines.picking_id.picking_type_id.warehouse_id[:1] or self.env[
                "stock.warehouse"
            ].search([("company_id", "=", notice.company_id.id)], limit=1)
            picking_type = warehouse.in_type_id
            customer_location = notice.partner_id.property_stock_customer
            destination = picking_type.default_location_dest_id
            quantities = {}
            for line in lines:
                key = (line.product_id, line.lot_id)
                quantities[key] = quantities.get(key, 0.0) + line.quantity
            Picking = self.env["stock.picking"].sudo()
            picking = Picking.create(
                {
                    "partner_id": notice.partner_id.id,
                    "picking_type_id": picking_type.id,
                    "location_id": customer_location.id,
                    "location_dest_id": destination.id,
                    "origin": notice.recall_id.name,
                    "move_ids": [
                        Command.create(
                            {
                                "name": notice.recall_id.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                                "location_id": customer_location.id,
                                "location_dest_id": destination.id,
                            }
                        )
                        for (product, _lot), quantity in quantities.items()
                    ],
                }
            )
            picking.action_confirm()
            # The lots to take back, ready for the warehouse to check on arrival.
            for move, ((_product, lot), quantity) in zip(
                picking.move_ids, quantities.items(), strict=True
            ):
                move.move_line_ids.unlink()
                self.env["stock.move.line"].sudo().create(
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id,
                        "quantity": quantity,
                        "location_id": customer_location.id,
                        "location_dest_id": destination.id,
                    }
                )
            notice.return_picking_id = picking
            notice.recall_id.message_post(
                body=self.env._(
                    "%(customer)s requested a return: %(picking)s",
                    customer=notice.partner_id.display_name,
                    picking=picking.name,
                ),
                author_id=(author or self.env.user.partner_id).id,
            )
        return True
