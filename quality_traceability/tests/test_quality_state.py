# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError

from .common import QualityCommon


class TestQualityState(QualityCommon):
    """Lots in quarantine or blocked: received in quarantine, released or
    blocked by checks, never reserved, delivered or consumed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt = cls.receive([("QS-1", 10), ("QS-2", 10)])
        cls.lot_1 = cls.lot(cls.raw, "QS-1")
        cls.lot_2 = cls.lot(cls.raw, "QS-2")

    def test_receipt_puts_inspected_product_in_quarantine(self):
        self.assertEqual(self.lot_1.quality_state, "quarantine")
        self.assertEqual(self.lot_2.quality_state, "quarantine")
        # A product without the flag is released at once.
        self.flows.receive(self.vendor, self.semi, [("QS-SEMI", 5)])
        self.assertEqual(self.lot(self.semi, "QS-SEMI").quality_state, "released")

    def test_passing_incoming_check_releases(self):
        check = self.check(self.lot_1, width=10.4)
        self.assertEqual(check.result, "pass")
        self.assertEqual(self.lot_1.quality_state, "released")
        self.assertEqual(self.lot_2.quality_state, "quarantine")
        # Received again, an inspected lot stays released.
        self.receive([("QS-1", 2)])
        self.assertEqual(self.lot_1.quality_state, "released")

    def test_failing_check_blocks(self):
        check = self.check(self.lot_1, width=11.5)
        self.assertEqual(check.result, "fail")
        self.assertEqual(
            check.value_ids.filtered(lambda v: v.spec_id == self.width_spec).result,
            "fail",
        )
        self.assertEqual(self.lot_1.quality_state, "blocked")
        self.assertIn(check.name, " ".join(self.lot_1.message_ids.mapped("body")))
        # A failed pass/fail item fails the check too.
        self.check(self.lot_2, visual="fail")
        self.assertEqual(self.lot_2.quality_state, "blocked")
        # A later passing check does not release a blocked lot.
        self.check(self.lot_1)
        self.assertEqual(self.lot_1.quality_state, "blocked")

    def test_limits_are_inclusive_and_zero_is_a_value(self):
        self.assertEqual(self.check(self.lot_1, width=9.0).result, "pass")
        self.assertEqual(self.check(self.lot_2, width=0.0).result, "fail")

    # ------------------------------------------------------------------
    # Reservation
    # ------------------------------------------------------------------
    def _sale(self, quantity):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.raw.id, "product_uom_qty": quantity}
                    )
                ],
            }
        )
        order.action_confirm()
        return order.picking_ids

    def test_reservation_skips_quarantined_and_blocked_lots(self):
        delivery = self._sale(5)
        self.assertEqual(delivery.move_ids.quantity, 0)
        self.assertFalse(delivery.move_ids.move_line_ids)
        self.check(self.lot_1)  # released
        self.check(self.lot_2, width=20)  # blocked
        delivery.action_assign()
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lot_1)
        self.assertEqual(delivery.move_ids.quantity, 5)
        # More than the released lot holds: the blocked lot is never taken.
        delivery_2 = self._sale(8)
        self.assertEqual(delivery_2.move_ids.move_line_ids.lot_id, self.lot_1)
        self.assertEqual(delivery_2.move_ids.quantity, 5)

    def test_manufacturing_reservation_skips_blocked_lots(self):
        self.check(self.lot_1, width=20)
        self.check(self.lot_2)
        production = self.env["mrp.production"].create(
            {"product_id": self.semi.id, "product_qty": 3}
        )
        production.action_confirm()
        production.action_assign()
        raw_move = production.move_raw_ids
        self.assertEqual(raw_move.move_line_ids.lot_id, self.lot_2)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def test_delivery_of_blocked_lot_refused(self):
        self.check(self.lot_1, width=20)
        with self.assertRaisesRegex(UserError, "QS-1.*blocked"):
            self.flows.deliver(self.customer_a, [(self.raw, [(self.lot_1, 2)])])

    def test_delivery_of_quarantined_lot_refused(self):
        with self.assertRaisesRegex(UserError, "QS-2.*quarantine"):
            self.flows.deliver(self.customer_a, [(self.raw, [(self.lot_2, 2)])])

    def test_delivery_of_released_lot_allowed(self):
        self.check(self.lot_1)
        order = self.flows.deliver(self.customer_a, [(self.raw, [(self.lot_1, 2)])])
        self.assertEqual(order.picking_ids.state, "done")

    def test_manufacturing_consumption_of_blocked_lot_refused(self):
        self.check(self.lot_1, width=20)
        with self.assertRaisesRegex(UserError, "QS-1.*blocked"):
            self.flows.produce(self.semi, 1, "QS-SHELL", {self.raw: [(self.lot_1, 2)]})
        self.check(self.lot_2)
        production = self.flows.produce(
            self.semi, 1, "QS-SHELL-2", {self.raw: [(self.lot_2, 2)]}
        )
        self.assertEqual(production.state, "done")

    def test_internal_move_refused_but_quarantine_location_allowed(self):
        shelf = self.env["stock.location"].create(
            {
                "name": "Shelf",
                "usage": "internal",
                "location_id": self.stock_location.id,
            }
        )
        with self.assertRaisesRegex(UserError, "QS-1"):
            self.move(self.lot_1, 2, shelf)
        picking = self.move(self.lot_1, 2, self.quarantine_location)
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.raw, self.quarantine_location, lot_id=self.lot_1, strict=True
            ),
            2,
        )

    def test_scrap_allowed(self):
        self.check(self.lot_1, width=20)
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.raw.id,
                "lot_id": self.lot_1.id,
                "scrap_qty": 3,
                "location_id": self.stock_location.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        self.assertEqual(self.on_hand(self.lot_1), 7)

    def test_return_to_vendor_allowed(self):
        self.check(self.lot_1, width=20)
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=self.receipt.id,
                active_ids=self.receipt.ids,
                active_model="stock.picking",
            )
            .create({})
        )
        wizard.product_return_moves.quantity = 4
        returned = wizard._create_return()
        returned.action_assign()
        self.flows.set_move_lots(returned.move_ids, [(self.lot_1, 4)])
        self.flows.validate_picking(returned)
        self.assertEqual(returned.state, "done")
        self.assertEqual(self.on_hand(self.lot_1), 6)
