# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _gather(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        qty=0,
    ):
        """Under ``traceability_released_only`` (set when a move reserves, see
        ``stock.move._update_reserved_quantity``), the quants of lots in
        quarantine or blocked are left out: they cannot be reserved."""
        quants = super()._gather(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            qty=qty,
        )
        if self.env.context.get("traceability_released_only"):
            quants = quants.filtered(
                lambda quant: not quant.lot_id
                or quant.lot_id.quality_state == "released"
            )
            Hold = self.env["traceability.hold"]
            held = Hold._located_holds(quants.lot_id) if quants else {}
            if held:
                # Part of a lot held where it is (a partial rejection).
                quants = quants.filtered(
                    lambda quant: not Hold._held_at(
                        held, quant.lot_id, quant.location_id
                    )
                )
        return quants
