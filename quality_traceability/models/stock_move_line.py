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
        production, inventory) and may go to a quarantine location, back to a
        vendor, to scrap or out by an inventory adjustment; nowhere else."""
        return (
            scrap
            or source.usage not in ("internal", "transit")
            or destination.traceability_quarantine
            or destination.usage in ("supplier", "inventory")
            or destination.scrap_location
        )

    def _traceability_check_released(self):
        """Refuse to move lots that are not released where they may not go."""
        for line in self:
            lot = line.lot_id
            if (
                not lot
                or lot.quality_state == "released"
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
            if line.move_id.raw_material_production_id.traceability_nonconformance_id:
                continue  # the rework order of a nonconformance
            state = dict(lot._fields["quality_state"]._description_selection(self.env))[
                lot.quality_state
            ]
            raise UserError(
                _(
                    "%(product)s, lot/serial %(lot)s is %(state)s: it cannot be "
                    "delivered, consumed or moved to %(destination)s "
                    "(%(reference)s). Move it to a quarantine location, return it "
                    "to the vendor or scrap it, or have it released.",
                    product=line.product_id.display_name,
                    lot=lot.name,
                    state=state.lower(),
                    destination=line.location_dest_id.display_name,
                    reference=line.reference or line.move_id.reference or "",
                )
            )

    def _action_done(self):
        self._traceability_check_released()
        result = super()._action_done()
        self._traceability_quarantine_received_lots()
        return result

    def _traceability_quarantine_received_lots(self):
        """Lots of products that need an inspection start in quarantine when
        received from a vendor (unless already inspected and released)."""
        lines = self.exists().filtered(
            lambda line: line.lot_id
            and line.location_id.usage == "supplier"
            and line.product_id.traceability_inspection_required
            and line.lot_id.quality_state == "released"
        )
        lots = lines.lot_id.filtered(
            lambda lot: not lot.traceability_check_ids.filtered(
                lambda check: check.state == "done"
                and check.stage == "incoming"
                and check.result == "pass"
            )
        )
        lots._traceability_set_quality_state(
            "quarantine", _("In quarantine until the incoming inspection passes.")
        )
