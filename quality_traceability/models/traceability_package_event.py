# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Done move lines read by the backfill: the values the live recording reads
# from the same lines (see StockMoveLine._traceability_package_rows).
_BACKFILL_LINES = """
    SELECT ml.id AS move_line_id,
           ml.date AS date,
           ml.package_id AS package_id,
           ml.result_package_id AS result_package_id,
           ml.product_id AS product_id,
           ml.lot_id AS lot_id,
           ml.quantity_product_uom AS quantity,
           template.uom_id AS product_uom_id,
           ml.company_id AS company_id,
           ml.picking_id AS picking_id,
           COALESCE(ml.write_uid, ml.create_uid) AS user_id
      FROM stock_move_line ml
      JOIN product_product product ON product.id = ml.product_id
      JOIN product_template template ON template.id = product.product_tmpl_id
     WHERE ml.state = 'done'
       AND template.is_storable
       AND ml.quantity_product_uom > 0
       AND (ml.package_id IS NOT NULL OR ml.result_package_id IS NOT NULL)
       AND ml.package_id IS DISTINCT FROM ml.result_package_id
       AND NOT EXISTS (
           SELECT 1 FROM traceability_package_event event
            WHERE event.move_line_id = ml.id
       )
     ORDER BY ml.date, ml.id
"""

# Packages whose pallet differs from what the packing history last says: the
# link to record (the current pallet) and the one to close (the last recorded).
_BACKFILL_LINKS = """
    SELECT package.id AS child_id,
           package.parent_package_id AS parent_id,
           last.package_id AS last_parent_id,
           last.action AS last_action,
           GREATEST(package.create_date, parent.create_date, last.date) AS date,
           COALESCE(package.company_id, parent.company_id) AS company_id,
           COALESCE(package.write_uid, package.create_uid) AS user_id,
           package.write_date AS write_date
      FROM stock_quant_package package
      LEFT JOIN stock_quant_package parent ON parent.id = package.parent_package_id
      LEFT JOIN LATERAL (
           SELECT event.package_id, event.action, event.date
             FROM traceability_package_event event
            WHERE event.child_package_id = package.id
            ORDER BY event.date DESC, event.id DESC
            LIMIT 1
      ) last ON TRUE
     WHERE (package.parent_package_id IS NOT NULL OR last.action = 'pack')
       AND (
           last.action IS DISTINCT FROM 'pack'
           OR last.package_id IS DISTINCT FROM package.parent_package_id
       )
     ORDER BY package.id
"""
_BATCH = 1000


class TraceabilityPackageEvent(models.Model):
    """One packing or unpacking: a lot (or an untracked product) put into or
    taken out of a box or pallet, or a box put on or taken off a pallet.

    Events are evidence: they are recorded by the done move lines that change
    a package's content and by every change of a box's pallet, never written
    or deleted; a correction of a done move line records new events.
    """

    _name = "traceability.package.event"
    _description = "Packing Event"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(required=True, readonly=True, index=True)
    action = fields.Selection(
        selection=[("pack", "Packed"), ("unpack", "Unpacked")],
        required=True,
        readonly=True,
    )
    package_id = fields.Many2one(
        comodel_name="stock.quant.package",
        string="Package",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The box or pallet packed or unpacked.",
    )
    child_package_id = fields.Many2one(
        comodel_name="stock.quant.package",
        string="Box",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The box put on or taken off the pallet.",
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        string="Product",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial Number",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    product_uom_id = fields.Many2one(
        comodel_name="uom.uom", string="Unit", readonly=True, ondelete="restrict"
    )
    source = fields.Selection(
        selection=[
            ("move", "Stock Move"),
            ("link", "Pallet Changed"),
            ("scan", "Scan"),
            ("migration", "History Backfill"),
        ],
        required=True,
        readonly=True,
    )
    move_line_id = fields.Many2one(
        comodel_name="stock.move.line",
        string="Move Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Transfer",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="User", readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Company",
        required=True,
        readonly=True,
        index=True,
    )

    _sql_constraints = [
        (
            "box_or_content",
            "CHECK ((child_package_id IS NULL) <> (product_id IS NULL))",
            "A packing event concerns a box or a product, not both.",
        ),
        (
            "quantity_positive",
            "CHECK (child_package_id IS NOT NULL OR quantity > 0)",
            "A packed or unpacked quantity must be positive.",
        ),
    ]

    def _compute_display_name(self):
        actions = dict(self._fields["action"]._description_selection(self.env))
        for event in self:
            what = event.child_package_id.display_name or (
                event.lot_id.display_name or event.product_id.display_name
            )
            event.display_name = f"{actions.get(event.action, '')} {what} - " + (
                event.package_id.display_name or ""
            )

    # ------------------------------------------------------------ append-only
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _(
                    "Packing events are recorded by transfers and by putting boxes "
                    "on pallets, not created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                _("A packing event cannot be changed: it is kept as evidence.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A packing event is kept as evidence: it cannot be deleted."))

    # -------------------------------------------------------------- recording
    @api.model
    def _traceability_record(self, vals_list):
        """Record events built by the methods below, in one create."""
        if not vals_list:
            return self.browse()
        # sudo: events are written only here, from values read from the done
        # move lines and packages the caller just changed (with their rights).
        return self.sudo().create(vals_list)

    @api.model
    def _traceability_move_values(self, rows, source="move", reverse=False):
        """Events of done move lines, given as dicts of the columns of
        _BACKFILL_LINES: the content leaves its source package when it does not
        travel in it, and enters its destination package. A whole package moved
        (same source and destination package) records nothing. ``reverse``
        gives the events that cancel those of the rows (a corrected line)."""
        vals_list = []
        actions = ("pack", "unpack") if reverse else ("unpack", "pack")
        for row in rows:
            if row["package_id"] == row["result_package_id"] or row["quantity"] <= 0:
                continue
            common = {
                "date": row["date"],
                "product_id": row["product_id"],
                "lot_id": row["lot_id"] or False,
                "quantity": row["quantity"],
                "product_uom_id": row["product_uom_id"],
                "source": source,
                "move_line_id": row["move_line_id"],
                "picking_id": row["picking_id"] or False,
                "user_id": row["user_id"] or False,
                "company_id": row["company_id"],
            }
            steps = (
                (row["package_id"], actions[0]),
                (row["result_package_id"], actions[1]),
            )
            if reverse:
                steps = steps[::-1]
            for package_id, action in steps:
                if package_id:
                    vals_list.append(dict(common, package_id=package_id, action=action))
        return vals_list

    @api.model
    def _traceability_link_values(self, child, old_parent, new_parent, source="link"):
        """Events of a box taken off ``old_parent`` and put on ``new_parent``."""
        # sudo: the company of a package (a pallet of another company the
        # caller cannot read) only files the event; nothing is shown.
        company = (
            child.sudo().company_id
            or new_parent.sudo().company_id
            or old_parent.sudo().company_id
            or self.env.company
        )
        common = {
            "date": fields.Datetime.now(),
            "child_package_id": child.id,
            "source": source,
            "user_id": self.env.uid,
            "company_id": company.id,
        }
        vals_list = []
        if old_parent:
            vals_list.append(dict(common, package_id=old_parent.id, action="unpack"))
        if new_parent:
            vals_list.append(dict(common, package_id=new_parent.id, action="pack"))
        return vals_list

    # --------------------------------------------------------------- backfill
    @api.model
    def _traceability_backfill_history(self):
        """Record the packing history of a database that had none: the events
        of every done move line that changed a package's content and has no
        event yet, then the boxes whose pallet differs from what the history
        says (put on their pallet when both packages existed). Running it again
        records nothing new. Returns the number of events created."""
        self.env.flush_all()
        cr = self.env.cr
        created = 0
        cr.execute(_BACKFILL_LINES)
        while True:
            rows = cr.dictfetchmany(_BATCH)
            if not rows:
                break
            created += len(
                self._traceability_record(
                    self._traceability_move_values(rows, source="migration")
                )
            )
            self.env.flush_all()
            self.env.invalidate_all()
        cr.execute(_BACKFILL_LINKS)
        vals_list = []
        company_id = self.env.company.id
        for row in cr.dictfetchall():
            common = {
                "child_package_id": row["child_id"],
                "source": "migration",
                "user_id": row["user_id"],
                "company_id": row["company_id"] or company_id,
            }
            date = row["date"]
            if row["last_action"] == "pack":
                # Taken off its recorded pallet at its last change at the latest.
                date = max(row["write_date"] or date, date)
                vals_list.append(
                    dict(
                        common,
                        package_id=row["last_parent_id"],
                        action="unpack",
                        date=date,
                    )
                )
            if row["parent_id"]:
                vals_list.append(
                    dict(common, package_id=row["parent_id"], action="pack", date=date)
                )
        created += len(self._traceability_record(vals_list))
        return created
