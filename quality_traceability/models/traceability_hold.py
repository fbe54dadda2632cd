# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

HOLD_REASONS = [
    ("incoming", "Incoming Inspection"),
    ("check", "Failed Check"),
    ("nonconformance", "Nonconformance"),
    ("recall", "Recall"),
    ("manual", "Manual"),
]
# An open hold of these reasons puts its lot in quarantine; any other blocks it.
QUARANTINE_REASONS = ("incoming",)
MANAGER_GROUP = "quality_traceability.group_traceability_manager"


class TraceabilityHold(models.Model):
    """Why a lot may not ship: one record per reason and source document.

    A lot is released when none of its holds is open. Holds are evidence: they
    are placed and released only through the methods below, never written or
    deleted by a user; the release keeps who, when and why.
    """

    _name = "traceability.hold"
    _description = "Lot Hold"
    _order = "date_placed desc, id desc"
    _check_company_auto = True

    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial Number",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    location_id = fields.Many2one(
        comodel_name="stock.location",
        string="Only In",
        readonly=True,
        index="btree_not_null",
        help="A hold of part of the lot (a partial rejection): it holds the lot's "
        "stock in this location and below it, and leaves the rest released.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, readonly=True
    )
    reason = fields.Selection(selection=HOLD_REASONS, required=True, readonly=True)
    note = fields.Text(string="Why", readonly=True)
    res_model = fields.Char(string="Source Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Source Record", model_field="res_model", readonly=True, index=True
    )
    source_name = fields.Char(string="Source", readonly=True)
    placed_by_id = fields.Many2one(
        comodel_name="res.users", string="Placed By", required=True, readonly=True
    )
    date_placed = fields.Datetime(string="Placed On", required=True, readonly=True)
    state = fields.Selection(
        selection=[("open", "On Hold"), ("released", "Released")],
        required=True,
        default="open",
        readonly=True,
        index=True,
    )
    released_by_id = fields.Many2one(
        comodel_name="res.users", string="Released By", readonly=True
    )
    date_released = fields.Datetime(string="Released On", readonly=True)
    release_reason = fields.Text(readonly=True)

    # ------------------------------------------------------------ append-only
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _(
                    "Holds are placed by checks, nonconformances, recalls and the "
                    "Place Hold action, not created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                _("A hold cannot be changed. A traceability manager releases it.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A hold is kept as evidence: it cannot be deleted."))

    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for hold in self:
            hold.display_name = " - ".join(
                part
                for part in (
                    hold.lot_id.name,
                    reasons.get(hold.reason),
                    hold.source_name,
                )
                if part
            )

    # ------------------------------------------------------------ system paths
    @api.model
    def _place(self, lots, reason, source=None, note=None, location=None):
        """Place a hold of ``reason`` on each of ``lots`` for ``source`` (a record
        or None), unless that lot already has an open hold for the same reason,
        source and location. With ``location``, the hold is on the lots' stock
        there only (a partial rejection). Runs as superuser: callers check the
        user may do what led to the hold."""
        source = source or self.env["traceability.hold"]
        location = location or self.env["stock.location"]
        open_holds = self._open_for(lots, reason, source, location=location)
        held = set(open_holds.lot_id.ids)
        now = fields.Datetime.now()
        vals_list = [
            {
                "lot_id": lot.id,
                "company_id": (lot.company_id or self.env.company).id,
                "reason": reason,
                "note": note,
                "res_model": source._name if source else False,
                "res_id": source.id if source else False,
                "source_name": source.display_name if source else False,
                "placed_by_id": self.env.uid,
                "date_placed": now,
                "location_id": location.id,
            }
            for lot in lots
            if lot.id not in held
        ]
        # sudo: holds are created only here, by the system path that placed them.
        holds = self.sudo().create(vals_list)
        for hold in holds:
            hold.lot_id.sudo().message_post(
                body=_(
                    "On hold (%(reason)s): %(note)s",
                    reason=hold._reason_label(),
                    note=note or hold.source_name or "",
                )
            )
        return holds

    @api.model
    def _open_for(self, lots, reason=None, source=None, location=None):
        """The open holds of ``lots``, of ``reason`` and ``source`` when given;
        with ``location`` (a ``stock.location`` recordset, empty for holds of the
        whole lot), only the holds of that location."""
        domain = [("lot_id", "in", lots.ids), ("state", "=", "open")]
        if location is not None:
            domain.append(("location_id", "=", location.id))
        if reason:
            domain.append(("reason", "=", reason))
        if source:
            domain += [("res_model", "=", source._name), ("res_id", "in", source.ids)]
        return self.sudo().search(domain)

    def _release(self, reason):
        """Release these holds with ``reason``, as the current user. Runs as
        superuser: callers check the user may release them."""
        holds = self.filtered(lambda hold: hold.state == "open")
        if not holds:
            return holds
        if not (reason or "").strip():
            raise UserError(_("Give the reason to release the hold."))
        # sudo: the release is the only write a hold ever gets.
        holds.sudo().write(
            {
                "state": "released",
                "released_by_id": self.env.uid,
                "date_released": fields.Datetime.now(),
                "release_reason": reason,
            }
        )
        for hold in holds:
            hold.lot_id.sudo().message_post(
                body=_(
                    "Hold released (%(hold)s): %(reason)s",
                    hold=hold._reason_label(),
                    reason=reason,
                )
            )
        return holds

    @api.model
    def _located_holds(self, lots):
        """``{lot id: [held location, ...]}``: where part of ``lots`` is held."""
        held = {}
        for hold in self._open_for(lots).filtered("location_id"):
            held.setdefault(hold.lot_id.id, []).append(hold.location_id)
        return held

    @api.model
    def _held_at(self, held, lot, location):
        """Whether ``location`` is one of the locations (or below one) that
        ``held`` (see :meth:`_located_holds`) gives for ``lot``."""
        return any(
            (location.parent_path or "").startswith(place.parent_path or "/")
            for place in held.get(lot.id, ())
        )

    def _reason_label(self):
        self.ensure_one()
        return dict(self._fields["reason"]._description_selection(self.env))[
            self.reason
        ]

    # ------------------------------------------------------------ user actions
    def action_release(self, reason):
        """Manual release by a traceability manager, with a reason."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a traceability manager may release a hold."))
        if any(hold.state != "open" for hold in self):
            raise UserError(_("This hold is already released."))
        self.check_access("read")
        return bool(self._release(reason))

    def action_open_release_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Release Hold"),
            "res_model": "traceability.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_hold_ids": self.ids, "default_mode": "release"},
        }

    @api.model
    def _migrate_lot_states(self):
        """A hold for each lot that is in quarantine or blocked without one
        (databases from before holds were recorded)."""
        self.env.cr.execute(
            """
            SELECT lot.id, lot.quality_state FROM stock_lot lot
            WHERE lot.quality_state IN ('quarantine', 'blocked')
              AND NOT EXISTS (
                  SELECT 1 FROM traceability_hold hold
                  WHERE hold.lot_id = lot.id AND hold.state = 'open')
            """
        )
        rows = self.env.cr.fetchall()
        Lot = self.env["stock.lot"]
        for state, reason in (("quarantine", "incoming"), ("blocked", "manual")):
            lots = Lot.browse(
                [lot_id for lot_id, lot_state in rows if lot_state == state]
            )
            if lots:
                self.sudo()._place(
                    lots, reason, note=_("On hold before holds were recorded.")
                )
        return len(rows)
