# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import QualityCommon


class TestHoldMigration(QualityCommon):
    """Databases from before holds were recorded: each lot in quarantine or
    blocked gets a hold, so that its state stays what it was."""

    def test_lots_on_hold_before_holds_keep_their_state(self):
        self.receive([("MIG-1", 5), ("MIG-2", 5), ("MIG-3", 5)])
        lots = [self.lot(self.raw, name) for name in ("MIG-1", "MIG-2", "MIG-3")]
        for lot in lots:
            self.check(lot)  # released: no open hold is left
        self.assertEqual({lot.quality_state for lot in lots}, {"released"})
        # The states as an older version stored them, without any hold.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_lot SET quality_state = %s WHERE id = %s",
            ["quarantine", lots[0].id],
        )
        self.env.cr.execute(
            "UPDATE stock_lot SET quality_state = %s WHERE id = %s",
            ["blocked", lots[1].id],
        )
        self.env.invalidate_all()
        migrated = self.env["traceability.hold"]._migrate_lot_states()
        self.assertEqual(migrated, 2)
        self.env.invalidate_all()
        self.assertEqual(
            [lot.quality_state for lot in lots], ["quarantine", "blocked", "released"]
        )
        quarantine, blocked = (
            lot.traceability_hold_ids.filtered(lambda hold: hold.state == "open")
            for lot in lots[:2]
        )
        self.assertEqual(quarantine.reason, "incoming")
        self.assertEqual(blocked.reason, "manual")
        self.assertFalse(
            lots[2].traceability_hold_ids.filtered(lambda h: h.state == "open")
        )
        # Run again: nothing more.
        self.assertEqual(self.env["traceability.hold"]._migrate_lot_states(), 0)
        # A manager's release now releases the lot as for any hold.
        blocked.sudo()._release("Checked after the upgrade")
        self.assertEqual(lots[1].quality_state, "released")
