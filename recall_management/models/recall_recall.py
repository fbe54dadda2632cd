# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

RECALL_STATES = [
    ("draft", "Draft"),
    ("scoped", "Scoped"),
    ("in_progress", "In Progress"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]


class RecallRecall(models.Model):
    """A recall, market withdrawal or mock recall drill of some lots.

    Its scope is a dated snapshot of the genealogy: every lot made from the source
    lots (with the path that links it to them) and where each quantity is.
    """

    _name = "recall.recall"
    _description = "Product Recall"
    _inherit = ["mail.thread", "mail.activity.mixin", "traceability.export.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    recall_type = fields.Selection(
        [
            ("recall", "Recall"),
            ("withdrawal", "Market Withdrawal"),
            ("drill", "Mock Recall Drill"),
        ],
        string="Type",
        required=True,
        default="recall",
        tracking=True,
    )
    recall_class = fields.Selection(
        [("1", "Class I"), ("2", "Class II"), ("3", "Class III")],
        string="Class",
        default="2",
        tracking=True,
        help="Class I: reasonable probability of serious health consequences; "
        "class II: temporary or reversible consequences; class III: unlikely to "
        "cause adverse health consequences.",
    )
    state = fields.Selection(
        RECALL_STATES, required=True, default="draft", tracking=True, copy=False
    )
    reason = fields.Text(required=True)
    hazard = fields.Text()
    root_cause = fields.Text()
    corrective_action = fields.Text()
    consumer_instructions = fields.Text(
        help="Shown to consumers on the public page of every affected lot."
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    date_start = fields.Datetime(
        string="Started", required=True, default=fields.Datetime.now, copy=False
    )
    date_scoped = fields.Datetime(string="Scoped On", readonly=True, copy=False)
    date_blocked = fields.Datetime(string="Stock Blocked", readonly=True, copy=False)
    date_customers_ready = fields.Datetime(
        string="Customer List Ready", readonly=True, copy=False
    )
    date_closed = fields.Datetime(string="Closed", readonly=True, copy=False)
    nonconformance_id = fields.Many2one(
        comodel_name="traceability.nonconformance",
        string="Nonconformance",
        check_company=True,
        tracking=True,
        help="The nonconformance this recall was started from (Exposure of its "
        "failed check).",
    )
    source_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="recall_recall_source_lot_rel",
        string="Source Lots",
        required=True,
        check_company=True,
    )
    lot_ids = fields.One2many(
        comodel_name="recall.lot", inverse_name="recall_id", string="Affected Lots"
    )
    scope_line_ids = fields.One2many(
        comodel_name="recall.scope.line", inverse_name="recall_id", string="Scope"
    )
    customer_ids = fields.One2many(
        comodel_name="recall.customer", inverse_name="recall_id", string="Customers"
    )
    scope_changes = fields.Text(readonly=True, copy=False)
    lot_count = fields.Integer(compute="_compute_counts")
    customer_count = fields.Integer(compute="_compute_counts")
    delivered_qty = fields.Float(
        compute="_compute_effectiveness", digits="Product Unit of Measure"
    )
    accounted_qty = fields.Float(
        compute="_compute_effectiveness",
        digits="Product Unit of Measure",
        help="Returned, destroyed at the customer and reported still on hand.",
    )
    effectiveness = fields.Float(
        compute="_compute_effectiveness",
        help="Share of the delivered quantity accounted for by the customers.",
    )
    close_reason = fields.Text(copy=False)
    drill_lot_count = fields.Integer(
        string="Lots a Drill Would Block", readonly=True, copy=False
    )
    drill_delivery_count = fields.Integer(
        string="Deliveries a Drill Would Cancel", readonly=True, copy=False
    )
    hold_ids = fields.One2many(
        comodel_name="traceability.hold",
        inverse_name="recall_id",
        string="Holds",
        readonly=True,
    )
    notify_pending_count = fields.Integer(
        string="Customers to Notify", compute="_compute_counts"
    )
    next_step = fields.Selection(
        [
            ("scope", "Scope"),
            ("block", "Block Stock"),
            ("notify", "Notify Customers"),
            ("track", "Track Responses"),
            ("close", "Close"),
        ],
        compute="_compute_next_step",
        help="The step the form highlights: scope, block the stock, notify the "
        "customers, track their responses, close. A drill notifies nobody.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                # A recall starts as a draft; its actions move it on. Explicit
                # values, so that no context default sets them either.
                vals.update(dict.fromkeys(self._SYSTEM_FIELDS, False))
                vals.update(state="draft", drill_lot_count=0, drill_delivery_count=0)
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("recall.recall") or "/"
                )
        return super().create(vals_list)

    # Written by the actions only.
    _SYSTEM_FIELDS = (
        "state",
        "date_scoped",
        "date_blocked",
        "date_customers_ready",
        "date_closed",
        "drill_lot_count",
        "drill_delivery_count",
    )

    def write(self, vals):
        system = [name for name in self._SYSTEM_FIELDS if name in vals]
        if system and not self.env.su:
            raise AccessError(
                self.env._(
                    "%s of a recall are set by its actions only.", ", ".join(system)
                )
            )
        if "recall_type" in vals and any(
            recall.state != "draft" and recall.recall_type != vals["recall_type"]
            for recall in self
        ):
            raise UserError(
                self.env._(
                    "The type of a recall (recall, withdrawal or drill) is fixed once "
                    "it is scoped."
                )
            )
        if (
            "consumer_instructions" in vals
            and not (vals["consumer_instructions"] or "").strip()
            and not self.env.su
            and self.customer_ids.filtered("date_notified")
        ):
            raise UserError(
                self.env._(
                    "Customers were told what to do: the consumer instructions of a "
                    "notified recall can be changed, not removed."
                )
            )
        return super().write(vals)

    @api.depends("lot_ids", "customer_ids.date_notified")
    def _compute_counts(self):
        for recall in self:
            recall.lot_count = len(recall.lot_ids)
            recall.customer_count = len(recall.customer_ids)
            recall.notify_pending_count = len(recall._customers_to_notify())

    @api.depends(
        "customer_ids.delivered_qty",
        "customer_ids.returned_qty",
        "customer_ids.destroyed_qty",
        "customer_ids.on_hand_qty",
    )
    def _compute_effectiveness(self):
        for recall in self:
            delivered = sum(recall.customer_ids.mapped("delivered_qty"))
            accounted = sum(recall.customer_ids.mapped("accounted_qty"))
            recall.delivered_qty = delivered
            recall.accounted_qty = accounted
            recall.effectiveness = accounted / delivered if delivered else 1.0

    @api.depends(
        "state",
        "recall_type",
        "date_blocked",
        "customer_ids.date_notified",
        "effectiveness",
        "close_reason",
        "company_id.recall_effectiveness_threshold",
    )
    def _compute_next_step(self):
        for recall in self:
            if recall.state == "draft":
                step = "scope"
            elif recall.state not in ("scoped", "in_progress"):
                step = False
            elif not recall.date_blocked:
                step = "block"
            elif recall.recall_type == "drill":
                step = "close"
            elif recall._customers_to_notify():
                step = "notify"
            elif (
                recall.effectiveness < recall.company_id.recall_effectiveness_threshold
                and not recall.close_reason
            ):
                step = "track"
            else:
                step = "close"
            recall.next_step = step

    def _customers_to_notify(self):
        self.ensure_one()
        return self.customer_ids.filtered(lambda customer: not customer.date_notified)

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------
    def action_scope(self):
        """Take the scope from the genealogy: a dated snapshot, compared with the
        previous one when the recall is scoped again."""
        for recall in self:
            if recall.state in ("closed", "cancel"):
                raise UserError(
                    self.env._(
                        "Recall %s is closed: it cannot be scoped again.", recall.name
                    )
                )
            recall._scope()
        return True

    def _scope(self):
        self.ensure_one()
        # Two users scoping the same recall at once: the second waits and scopes
        # on what the first stored.
        self.env.cr.execute(
            "SELECT id FROM recall_recall WHERE id = %s FOR UPDATE", [self.id]
        )
        genealogy = self.env["traceability.genealogy"].with_company(self.company_id)
        result = genealogy.trace(self.source_lot_ids, "forward")
        paths = self._lot_paths(result)
        previous_lots = set(self.lot_ids.lot_id.ids)
        previous_customers = set(self.customer_ids.partner_id.ids)
        lots = self.env["stock.lot"].browse(list(result.lots))
        existing = {recall_lot.lot_id.id: recall_lot for recall_lot in self.lot_ids}
        lot_commands = [
            Command.unlink(recall_lot.id)
            for lot_id, recall_lot in existing.items()
            if lot_id not in result.lots
        ]
        for lot in lots:
            values = {
                "level": result.lots[lot.id]["level"],
                "path": paths.get(lot.id, lot.name),
            }
            if lot.id in existing:
                lot_commands.append(Command.update(existing[lot.id].id, values))
            else:
                values.update(
                    lot_id=lot.id,
                    product_id=result.lots[lot.id]["product_id"],
                    company_id=self.company_id.id,
                    previous_quality_state=lot.quality_state,
                )
                lot_commands.append(Command.create(values))
        product_of = {lot_id: lot["product_id"] for lot_id, lot in result.lots.items()}
        Line = self.env["recall.scope.line"].sudo()
        previous_lines = Line.search([("recall_id", "=", self.id)])
        version = max(previous_lines.mapped("version"), default=0) + 1
        scope_lines = []
        for values in self._prepare_scope_lines(result):
            line = {
                "recall_id": self.id,
                "version": version,
                "company_id": self.company_id.id,
                "product_id": product_of.get(values.get("lot_id")),
            }
            line.update(values)
            scope_lines.append(line)
        # sudo: scope lines are snapshots written only here. The earlier version
        # is archived, kept to compare with.
        previous_lines.write({"active": False})
        Line.create(scope_lines)
        # sudo: the affected lots are the scope's, listed only here (a manager
        # records decisions on them, nothing else).
        self.sudo().write({"lot_ids": lot_commands})
        gone = self.env["stock.lot"].browse(
            [lot_id for lot_id in existing if lot_id not in result.lots]
        )
        if gone:
            gone._traceability_release_holds(
                "recall",
                self,
                self.env._("No longer in the scope of recall %s.", self.name),
            )
        self._sync_customers()
        now = fields.Datetime.now()
        values = {"date_scoped": now, "date_customers_ready": now}
        if self.state == "draft":
            values["state"] = "scoped"
        if previous_lots or previous_customers:
            values["scope_changes"] = self._describe_changes(
                previous_lots, previous_customers
            )
        # sudo: the state and its dates are written by the actions only.
        self.sudo().write(values)

    def _lot_paths(self, result):
        """Lot id -> "source → … → lot", along the first path found."""
        parent = {}
        for edge in result.edges:
            if edge["dst"] not in parent and edge["dst"] != edge["src"]:
                parent.setdefault(edge["dst"], edge["src"])
        names = {lot_id: values["name"] for lot_id, values in result.lots.items()}
        paths = {}
        for lot_id in result.lots:
            chain, seen, current = [], set(), lot_id
            while current is not None and current not in seen:
                seen.add(current)
                chain.append(names.get(current, str(current)))
                current = (
                    parent.get(current) if current not in result.root_ids else None
                )
            paths[lot_id] = " → ".join(reversed(chain))
        return paths

    def _prepare_scope_lines(self, result):
        """Scope lines from the facts of the trace: where each quantity is."""
        locations = self.env["stock.location"].browse(
            [fact["location_id"] for fact in result.facts["stock"]]
        )
        warehouse_of = {location.id: location.warehouse_id.id for location in locations}
        lines = []
        for fact in sorted(result.facts["stock"], key=self._fact_order(result)):
            lines.append(
                {
                    "kind": "stock",
                    "lot_id": fact["lot_id"],
                    "location_id": fact["location_id"],
                    "warehouse_id": warehouse_of.get(fact["location_id"]),
                    "package_id": fact["package_id"],
                    "quantity": fact["quantity"],
                }
            )
        for kind in ("reserved", "wip", "delivery", "return"):
            for fact in sorted(result.facts[kind], key=self._fact_order(result)):
                lines.append(
                    {
                        "kind": {"delivery": "delivered", "return": "returned"}.get(
                            kind, kind
                        ),
                        "lot_id": fact["lot_id"],
                        "picking_id": fact["picking_id"],
                        "production_id": fact["production_id"],
                        "partner_id": fact["commercial_partner_id"]
                        or fact["partner_id"],
                        "sale_order_id": fact["order_id"]
                        if kind in ("delivery", "return", "reserved")
                        and fact["picking_id"]
                        else False,
                        "location_id": fact["location_id"],
                        "date": fact["date"],
                        "quantity": fact["quantity"],
                        # A shipment of the imported history: the customer is
                        # known from it only, through its reference.
                        "imported": bool(fact["imported"]),
                        "reference": fact["reference"] or False,
                    }
                )
        lines += self._prepare_open_sale_lines(result)
        return lines

    @staticmethod
    def _fact_order(result):
        """Sort key of the engine's facts (which come in no set order): the
        scope lines that tie on the lines' order are created from the source
        lots down, lot by lot, whatever plan the database chose."""

        def key(fact):
            return (
                result.lots[fact["lot_id"]]["level"],
                fact["lot_id"],
                fact["location_id"] or 0,
                fact["picking_id"] or 0,
                fact["history_id"] or 0,
            )

        return key

    def _prepare_open_sale_lines(self, result):
        """Confirmed sales order lines of affected products not yet delivered:
        they can still be stopped."""
        products = self.env["stock.lot"].browse(list(result.lots)).product_id
        if not products:
            return []
        order_line_model = self.env["sale.order.line"]
        query = order_line_model._search(
            [
                ("product_id", "in", products.ids),
                ("state", "=", "sale"),
                ("company_id", "=", self.company_id.id),
            ],
            order=order_line_model._order,
        )
        # Delivered lines stay confirmed: only the open ones are read (the
        # condition of the index sale_order_line_recall_open_idx).
        query.add_where(
            SQL(
                "%s > %s",
                order_line_model._field_to_sql(
                    order_line_model._table, "product_uom_qty", query
                ),
                order_line_model._field_to_sql(
                    order_line_model._table, "qty_delivered", query
                ),
            )
        )
        lines = []
        for order_line in order_line_model.browse(query):
            remaining = order_line.product_uom_qty - order_line.qty_delivered
            order = order_line.order_id
            lines.append(
                {
                    "kind": "open_sale",
                    "product_id": order_line.product_id.id,
                    "sale_order_id": order.id,
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "date": order.commitment_date or order.date_order,
                    "quantity": remaining,
                }
            )
        return lines

    def _sync_customers(self):
        """One notice per customer who received affected goods."""
        self.ensure_one()
        delivered = self.scope_line_ids.filtered(lambda line: line.kind == "delivered")
        partners = delivered.partner_id
        existing = self.customer_ids.partner_id
        self.env["recall.customer"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(
            [
                {"recall_id": self.id, "partner_id": partner.id}
                for partner in partners - existing
            ]
        )

    def _describe_changes(self, previous_lots, previous_customers):
        current_lots = set(self.lot_ids.lot_id.ids)
        current_customers = set(self.customer_ids.partner_id.ids)
        Lot, Partner = self.env["stock.lot"], self.env["res.partner"]
        parts = []
        for label, ids in (
            (self.env._("New lots"), current_lots - previous_lots),
            (self.env._("Lots no longer in scope"), previous_lots - current_lots),
        ):
            if ids:
                parts.append(
                    f"{label}: {', '.join(Lot.browse(sorted(ids)).mapped('name'))}"
                )
        new_customers = current_customers - previous_customers
        if new_customers:
            names = ", ".join(
                Partner.browse(sorted(new_customers)).mapped("display_name")
            )
            parts.append(f"{self.env._('New customers')}: {names}")
        return "\n".join(parts) or self.env._("No change since the previous scope.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group("recall_management.group_recall_manager"):
            raise UserError(self.env._("Only a Recall Manager can do this."))

    def action_block_stock(self):
        """Hold every affected lot and release its open reservations. A drill
        only records what it would block, and when: it touches no hold and no
        reservation."""
        self._check_manager()
        for recall in self:
            if recall.state not in ("scoped", "in_progress"):
                raise UserError(self.env._("Scope the recall before blocking stock."))
            lots = recall.lot_ids.lot_id
            if recall.recall_type == "drill":
                # sudo: see _scope.
                recall.sudo().write(
                    {
                        "drill_lot_count": len(lots),
                        "date_blocked": recall.date_blocked or fields.Datetime.now(),
                    }
                )
                recall.message_post(
                    body=self.env._(
                        "Drill: %s affected lots would be blocked (none was).",
                        len(lots),
                    )
                )
                continue
            lots._traceability_hold(
                "recall", source=recall, note=self.env._("Recall %s.", recall.name)
            )
            recall._unreserve(lots)
            # sudo: see _scope.
            recall.sudo().write(
                {
                    "state": "in_progress",
                    "date_blocked": recall.date_blocked or fields.Datetime.now(),
                }
            )
            recall.message_post(body=self.env._("%s affected lots blocked.", len(lots)))
        return True

    @api.model
    def _migrate_holds(self):
        """Recalls in progress from before holds were recorded: each holds its
        lots, and replaces the hold the migration gave a lot it had blocked."""
        for recall in self.search([("state", "=", "in_progress")]):
            lots = recall.lot_ids.lot_id.filtered(
                lambda lot: lot.quality_state == "blocked"
            )
            lots._traceability_hold(
                "recall", source=recall, note=self.env._("Recall %s.", recall.name)
            )
            self.env["traceability.hold"]._open_for(lots, "manual").filtered(
                lambda hold: not hold.res_model
            )._release(self.env._("Held by recall %s.", recall.name))

    def _unreserve(self, lots):
        move_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", lots.ids),
                ("state", "not in", ("done", "cancel")),
                ("picked", "=", False),
            ]
        )
        moves = move_lines.move_id
        if moves:
            moves._do_unreserve()

    def action_hold_deliveries(self):
        """Cancel the open deliveries of affected lots (open sales order lines of
        affected products are listed in the scope to be stopped)."""
        self._check_manager()
        for recall in self:
            pickings = recall.scope_line_ids.filtered(
                lambda line: line.kind == "reserved"
                and line.picking_id.picking_type_code == "outgoing"
            ).picking_id
            pickings = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
            if recall.recall_type == "drill":
                # sudo: see _scope.
                recall.sudo().drill_delivery_count = len(pickings)
                recall.message_post(
                    body=self.env._(
                        "Drill: %s open deliveries would be cancelled (none was).",
                        len(pickings),
                    )
                )
                continue
            pickings.action_cancel()
            if pickings:
                recall.message_post(
                    body=self.env._(
                        "Open deliveries cancelled: %s",
                        ", ".join(pickings.mapped("name")),
                    )
                )
        return True

    def _check_notify(self):
        """Refuse to notify the customers of a drill, or of a recall that does
        not tell consumers what to do yet."""
        self._check_manager()
        for recall in self:
            if recall.recall_type == "drill":
                raise UserError(
                    self.env._("A mock recall drill does not notify customers.")
                )
            if recall.state not in ("scoped", "in_progress"):
                raise UserError(
                    self.env._(
                        "Recall %s is not open: only a scoped recall in progress "
                        "notifies its customers.",
                        recall.name,
                    )
                )
            if not (recall.consumer_instructions or "").strip():
                raise UserError(
                    self.env._(
                        "Write the consumer instructions of recall %s before "
                        "notifying its customers: the e-mail and the public page "
                        "of every affected lot tell consumers what to do with them.",
                        recall.name,
                    )
                )

    def action_open_notify_wizard(self):
        """Preview of the notices: how many customers get one, and the e-mail of
        the first of them, to confirm before anything is sent."""
        self.ensure_one()
        self._check_notify()
        if not self._customers_to_notify():
            raise UserError(
                self.env._(
                    "Every customer of recall %s is notified already.", self.name
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Notify Customers"),
            "res_model": "recall.notify.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_notify_customers(self):
        """E-mail each affected customer not notified yet their deliveries, lots
        and quantities, with a link to the notice in their portal. Drills notify
        nobody, and a recall needs its consumer instructions first."""
        self._check_notify()
        template = self.env.ref("recall_management.mail_template_recall_notice")
        for recall in self:
            for customer in recall._customers_to_notify():
                customer._portal_ensure_token()
                customer.message_post_with_source(
                    template, subtype_xmlid="mail.mt_comment"
                )
                customer.date_notified = fields.Datetime.now()
        return True

    def action_close(self):
        self._check_manager()
        for recall in self:
            if recall.state not in ("scoped", "in_progress"):
                raise UserError(
                    self.env._(
                        "Recall %s is not open: only a scoped recall in progress is "
                        "closed, once.",
                        recall.name,
                    )
                )
            undecided = recall.lot_ids.filtered(lambda lot: not lot.decision)
            if undecided and recall.recall_type != "drill":
                raise UserError(
                    self.env._(
                        "Decide on every lot before closing. Missing: %s",
                        ", ".join(undecided.lot_id.mapped("name")),
                    )
                )
            threshold = recall.company_id.recall_effectiveness_threshold
            if (
                recall.recall_type != "drill"
                and recall.effectiveness < threshold
                and not recall.close_reason
            ):
                raise UserError(
                    self.env._(
                        "Effectiveness %(reached).0f%% is below the %(threshold).0f%% "
                        "threshold: give a reason for closing.",
                        reached=recall.effectiveness * 100,
                        threshold=threshold * 100,
                    )
                )
            for recall_lot in recall.lot_ids:
                recall_lot._apply_decision()
            # sudo: see _scope.
            recall.sudo().write(
                {"state": "closed", "date_closed": fields.Datetime.now()}
            )
        return True

    def action_cancel(self):
        """Cancel the recall: the holds it placed are released."""
        self._check_manager()
        for recall in self:
            if recall.state in ("closed", "cancel"):
                raise UserError(
                    self.env._("Recall %s is already closed or cancelled.", recall.name)
                )
            recall.lot_ids.lot_id._traceability_release_holds(
                "recall",
                recall,
                self.env._("Recall %s cancelled.", recall.name),
            )
            # sudo: see _scope.
            recall.sudo().write({"state": "cancel"})
        return True

    # ------------------------------------------------------------------
    # Drill
    # ------------------------------------------------------------------
    def _drill_steps(self):
        """(step, seconds since the start) of a drill."""
        self.ensure_one()
        steps = []
        for label, date in (
            (self.env._("Scope taken"), self.date_scoped),
            (self.env._("Stock blocked"), self.date_blocked),
            (self.env._("Customer list ready"), self.date_customers_ready),
        ):
            if date:
                steps.append((label, (date - self.date_start).total_seconds()))
        return steps

    def _source_accounted_share(self):
        """Share of the source lots' quantity found again in the scope: in stock,
        delivered, in open transfers or manufacturing, consumed into other lots."""
        self.ensure_one()
        genealogy = self.env["traceability.genealogy"].with_company(self.company_id)
        kinds = ("receipt", "made", "consumed", "stock", "delivery", "scrap")
        result = genealogy.trace(self.source_lot_ids, "forward", parts=kinds)
        roots = set(self.source_lot_ids.ids)
        incoming = sum(
            fact["quantity"]
            for kind in ("receipt", "made")
            for fact in result.facts[kind]
            if fact["lot_id"] in roots
        )
        if not incoming:
            return 1.0
        found = sum(
            fact["quantity"]
            for kind in ("consumed", "stock", "delivery", "scrap")
            for fact in result.facts[kind]
            if fact["lot_id"] in roots
        )
        return min(found / incoming, 1.0)

    # ------------------------------------------------------------------
    # Helpers for views and reports
    # ------------------------------------------------------------------
    def _open_related(self, xmlid):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("recall_id", "=", self.id)]
        return action

    def action_view_lots(self):
        return self._open_related("recall_management.recall_lot_action")

    def action_view_customers(self):
        return self._open_related("recall_management.recall_customer_action")

    @api.constrains("source_lot_ids", "company_id")
    def _check_source_lots(self):
        for recall in self:
            foreign = recall.source_lot_ids.filtered(
                lambda lot, recall=recall: lot.company_id
                and lot.company_id != recall.company_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Lots of another company cannot be recalled here: %s",
                        ", ".join(foreign.mapped("name")),
                    )
                )

    # ------------------------------------------------------------------
    # Exports: the tables are report models (recall_management/report/)
    # ------------------------------------------------------------------
    def _download(self, report, file_format):
        self.ensure_one()
        Report = self.env[report]
        basename = Report._report_basename
        filename = f"{self.name.replace('/', '-')}-{basename}"
        return Report._report_download(self, filename, file_format, sheet=basename)

    def action_export_scope_csv(self):
        return self._download("recall.report.scope", "csv")

    def action_export_scope_xlsx(self):
        return self._download("recall.report.scope", "xlsx")

    def action_export_fsma(self):
        return self._download("recall.report.fsma204", "xlsx")

    def action_export_one_up_one_down(self):
        return self._download("recall.report.one_up_one_down", "xlsx")

    def action_export_epcis(self):
        """The GS1 EPCIS 2.0 document of the events of the scope's lots (their
        making, receipts, shipments, checks and holds), stored on the recall."""
        self.ensure_one()
        self.check_access("read")
        epcis = self.env["traceability.epcis"]
        document = epcis.export_lots(self.lot_ids.lot_id.ids)
        return epcis._download(document, self)
