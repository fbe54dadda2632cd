# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.sql import create_index


class StockMove(models.Model):
    _inherit = "stock.move"

    def init(self):
        result = super().init()
        # The genealogy links an unbuild order's consumed and recovered moves.
        create_index(
            self.env.cr,
            "stock_move_traceability_unbuild_id_idx",
            self._table,
            ["unbuild_id"],
            where="unbuild_id IS NOT NULL",
        )
        return result

    def _traceability_allows_unreleased(self):
        """Whether this move may carry lots in quarantine or blocked: incoming
        moves, moves to a quarantine location, returns to vendor, scrap and
        inventory adjustments."""
        self.ensure_one()
        return self.env["stock.move.line"]._traceability_route_allows_unreleased(
            self.location_id, self.location_dest_id, scrap=bool(self.scrap_id)
        )

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        # Quarantined and blocked lots are never reserved for deliveries,
        # manufacturing or internal moves (see stock.quant._gather).
        move = self
        if not self._traceability_allows_unreleased():
            move = self.with_context(traceability_released_only=True)
        return super(StockMove, move)._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )
