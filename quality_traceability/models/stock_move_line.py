# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero
from odoo.tools.sql import create_index


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def init(self):
        result = super().init()
        # Odoo only indexes lot_id for lines that are not done: the genealogy walks
        # done lines by lot.
        create_index(
            self.env.cr,
            "stock_move_line_traceability_lot_idx",
            self._table,
            ["lot_id", "state"],
            where="lot_id IS NOT NULL",
        )
        return result

    @api.model
    def _traceability_route_allows_unreleased(self, source, destination, scrap=False):
        """Lots in quarantine or blocked may come in (from vendors, customers,
        production or an inventory adjustment, into the company's own stock) and
        may go to a quarantine location, back to a vendor, to scrap or out by an
        inventory adjustment; never to a customer or into production, whatever the
        source."""
        if destination.usage in ("customer", "production"):
            return False
        if scrap or destination.scrap_location:
            return True
        if destination.usage in ("supplier", "inventory"):
            return True
        if destination.usage == "internal" and destination.traceability_quarantine:
            return True
        # Coming in from outside the company's stock (receipts, returns, output
        # of production) into its own locations.
        return source.usage not in ("internal", "transit") and destination.usage in (
            "internal",
            "transit",
            "view",
        )

    def _traceability_check_released(self):
        """Refuse to move lots that are not released where they may not go (and
        the held part of a lot, from where it is held)."""
        Hold = self.env["traceability.hold"]
        held = Hold._located_holds(self.lot_id) if self.lot_id else {}
        for line in self:
            lot = line.lot_id
            if (
                not lot
                or (
                    lot.quality_state == "released"
                    and not Hold._held_at(held, lot, line.location_id)
                )
                or float_is_zero(
                    line.quantity, precision_rounding=line.product_uom_id.rounding
                )
            ):
                continue
            if self._traceability_route_allows_unreleased(
                line.location_id,
                line.location_dest_id,
                scrap=bool(line.move_id.scrap_id),
            ):
                continue
            if line.move_id.raw_material_production_id._traceability_reworks(lot):
                continue  # the rework order of the lot's nonconformance
            if lot.quality_state == "released":
                state = _(
                    "held in %(location)s", location=line.location_id.display_name
                )
            else:
                state = dict(
                    lot._fields["quality_state"]._description_selection(self.env)
                )[lot.quality_state].lower()
            raise UserError(
                _(
                    "%(product)s, lot/serial %(lot)s is %(state)s: it cannot be "
                    "delivered, consumed or moved to %(destination)s "
                    "(%(reference)s). Move it to a quarantine location, return it "
                    "to the vendor or scrap it, or have it released.",
                    product=line.product_id.display_name,
                    lot=lot.name,
                    state=state,
                    destination=line.location_dest_id.display_name,
                    reference=line.reference or line.move_id.reference or "",
                )
            )

    def _action_done(self):
        self._traceability_check_released()
        result = super()._action_done()
        self._traceability_quarantine_received_lots()
        return result

    # Fields of a done line that change stock: a held lot's done lines keep them.
    _TRACEABILITY_STOCK_FIELDS = (
        "quantity",
        "lot_id",
        "lot_name",
        "location_id",
        "location_dest_id",
        "product_id",
        "product_uom_id",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A line added to a done transfer moves stock at once.
        lines.filtered(lambda line: line.state == "done")._traceability_check_released()
        return lines

    def write(self, vals):
        stock_fields = set(self._TRACEABILITY_STOCK_FIELDS).intersection(vals)
        done = (
            self.filtered(lambda line: line.state == "done")
            if stock_fields
            else self.browse()
        )
        if done:
            # Editing a done line of a held lot changes what was delivered or
            # consumed: refused as a new move of that lot would be.
            done._traceability_check_released()
        result = super().write(vals)
        if done:
            done._traceability_check_released()
        return result

    def _traceability_quarantine_received_lots(self):
        """Lots of products that need an inspection start in quarantine when
        received from a vendor (unless already inspected and released)."""
        lines = self.exists().filtered(
            lambda line: line.lot_id
            and line.location_id.usage == "supplier"
            and line.product_id.traceability_inspection_required
        )
        # sudo: the user receiving goods need not read the quality checks.
        passed = (
            self.env["traceability.check"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lines.lot_id.ids),
                    ("state", "=", "done"),
                    ("stage", "=", "incoming"),
                    ("result", "=", "pass"),
                ]
            )
            .lot_id
        )
        for picking, picking_lines in lines.grouped("picking_id").items():
            (picking_lines.lot_id - passed)._traceability_hold(
                "incoming",
                source=picking or None,
                note=_("In quarantine until the incoming inspection passes."),
            )
