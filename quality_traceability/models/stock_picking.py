# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models

# The stages of key control points that a transfer of each kind covers.
PICKING_STAGES = {
    "incoming": ("incoming",),
    "outgoing": ("packing", "shipping"),
}


class StockPicking(models.Model):
    _inherit = "stock.picking"

    traceability_control_point_count = fields.Integer(
        string="Quality", compute="_compute_traceability_control_point_count"
    )

    @api.depends("move_ids.product_id", "picking_type_id")
    def _compute_traceability_control_point_count(self):
        for picking in self:
            picking.traceability_control_point_count = len(
                picking._traceability_control_points()
            )

    def _traceability_control_points(self):
        """The key control points that apply to this transfer's products
        (without sudo: only their ids and count go further)."""
        self.ensure_one()
        stages = PICKING_STAGES.get(self.picking_type_code)
        # sudo: Inventory users outside the Traceability groups validate
        # transfers and open their form; which points apply is read for them.
        Point = self.env["traceability.control.point"].sudo()
        points = Point
        if stages and self.id:
            for product in self.move_ids.product_id:
                points |= Point._find_applicable(
                    product,
                    picking_type=self.picking_type_id,
                    stages=stages,
                    company=self.company_id,
                )
        return points.sudo(False)

    def action_view_traceability_control_points(self):
        self.ensure_one()
        return self.env["traceability.control.point"]._action_document_points(
            self, self._traceability_control_points()
        )

    def button_validate(self):
        # Moves the warehouse left without lots take the ones the vendor
        # declared, so that validating a receipt confirms the declaration;
        # then the control points see the lots.
        self._traceability_fill_declared_lots(only_empty=True)
        Point = self.env["traceability.control.point"]
        for picking in self:
            Point._check_document(picking, picking._traceability_control_points())
        return super().button_validate()

    traceability_declared_lot_count = fields.Integer(
        string="Declared Lots", compute="_compute_traceability_declared_lot_count"
    )

    @api.depends("move_ids.purchase_line_id", "state")
    def _compute_traceability_declared_lot_count(self):
        declared = self._traceability_declared_lots()
        for picking in self:
            lines = picking.move_ids.purchase_line_id
            picking.traceability_declared_lot_count = len(
                declared.filtered(
                    lambda lot, lines=lines: lot.purchase_line_id in lines
                )
            )

    def _traceability_declared_lots(self):
        """The lots vendors declared on the purchase lines of these transfers'
        moves (read with the caller's rights)."""
        Declared = self.env["traceability.declared.lot"]
        lines = self.move_ids.purchase_line_id
        if not lines or not Declared.has_access("read"):
            return Declared
        return Declared.search([("purchase_line_id", "in", lines.ids)], order="id")

    def action_traceability_fill_declared_lots(self):
        """Button of the receipt: its move lines become the lots the vendor
        declared, that no line holds yet."""
        self.check_access("write")
        self._traceability_fill_declared_lots(only_empty=False)
        return True

    def _traceability_fill_declared_lots(self, only_empty=True):
        """Fill the receipts' move lines with the declared lots of their
        purchase lines: lot name (our lot when one of that name exists),
        quantity and expiry date; the warehouse checks and validates.

        Only receipts not done nor cancelled, and moves of tracked products
        from a purchase line. A declared lot already on a move line (of any
        transfer not cancelled: a backorder does not take it again), or whose
        name a line of the move already holds, is skipped: no line is ever
        made twice. The move's lines without lot (the quantity Odoo proposed)
        are replaced. With ``only_empty`` (on capture and on validation), only
        moves without any line with a lot are filled: what the warehouse
        entered is left as it is.

        Quantities are the declared ones, even beyond the ordered quantity
        (the declared lot is then marked ``exceeds_order``): Odoo receives
        extra quantities as usual.
        """
        receipts = self.filtered(
            lambda picking: picking.picking_type_code == "incoming"
            and picking.state not in ("done", "cancel")
        )
        declared = receipts._traceability_declared_lots()
        if not declared:
            return
        used = set(
            self.env["stock.move.line"]
            .search(
                [
                    ("traceability_declared_lot_id", "in", declared.ids),
                    ("state", "!=", "cancel"),
                ]
            )
            .traceability_declared_lot_id.ids
        )
        by_line = {}
        for lot in declared:
            by_line.setdefault(lot.purchase_line_id.id, []).append(lot)
        Lot = self.env["stock.lot"]
        for move in receipts.move_ids:
            if (
                move.state in ("done", "cancel")
                or not move.purchase_line_id
                or move.product_id.tracking == "none"
            ):
                continue
            with_lot = move.move_line_ids.filtered(
                lambda line: line.lot_id or line.lot_name
            )
            if only_empty and with_lot:
                continue
            names = set(with_lot.mapped("lot_name")) | set(
                with_lot.lot_id.mapped("name")
            )
            todo = self.env["traceability.declared.lot"].union(
                *(
                    lot
                    for lot in by_line.get(move.purchase_line_id.id, ())
                    if lot.product_id == move.product_id
                    and lot.id not in used
                    and lot.lot_name not in names
                )
            )
            if not todo:
                continue
            existing = {
                lot.name: lot
                for lot in Lot.search(
                    [
                        ("product_id", "=", move.product_id.id),
                        ("name", "in", todo.mapped("lot_name")),
                        ("company_id", "in", [False, move.company_id.id]),
                    ]
                )
            }
            commands = [
                Command.delete(line.id) for line in move.move_line_ids - with_lot
            ]
            for lot in todo:
                vals = move._prepare_move_line_vals(quantity=lot.quantity)
                vals["traceability_declared_lot_id"] = lot.id
                if lot.lot_name in existing:
                    vals["lot_id"] = existing[lot.lot_name].id
                else:
                    vals["lot_name"] = lot.lot_name
                    if lot.expiration_date:
                        vals["expiration_date"] = lot.expiration_date
                commands.append(Command.create(vals))
                used.add(lot.id)
            move.write({"move_line_ids": commands})

    def action_view_traceability_declared_lots(self):
        self.ensure_one()
        self.env["traceability.declared.lot"].check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Declared Lots"),
            "res_model": "traceability.declared.lot",
            "view_mode": "list,form",
            "domain": [("id", "in", self._traceability_declared_lots().ids)],
            "context": {"create": False},
        }
