# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import QualityCommon, rpc


class TestPartialRejection(QualityCommon):
    """A failed incoming check rejects part of the lot: that quantity goes to a
    quarantine location and stays held there (a hold of that location only);
    the rest of the lot is released, reserved and delivered as any stock; the
    nonconformance concerns the rejected quantity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("PR-1", 10)])
        cls.lot_1 = cls.lot(cls.raw, "PR-1")
        cls.failed = cls.check(cls.lot_1, width=12.5)
        cls.manager = new_test_user(
            cls.env,
            "pr_manager",
            groups="quality_traceability.group_traceability_manager,"
            "stock.group_stock_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "pr_inspector",
            groups="quality_traceability.group_traceability_user,"
            "stock.group_stock_user",
        )

    def reject(self, user, quantity, **values):
        wizard = (
            self.env["traceability.partial.rejection"]
            .with_user(user)
            .with_context(default_check_id=self.failed.id)
            .create(
                dict(
                    {
                        "quantity": quantity,
                        "reason": "Scratched sheets",
                        "quarantine_location_id": self.quarantine_location.id,
                    },
                    **values,
                )
            )
        )
        return rpc(
            self.env,
            user,
            "traceability.partial.rejection",
            "action_confirm",
            [wizard.ids],
        )

    def on_hand(self, lot, location):
        quants = lot._traceability_internal_quants().filtered(
            lambda quant: quant.location_id == location
        )
        return sum(quants.mapped("quantity"))

    def test_reject_three_release_seven(self):
        self.assertEqual(self.lot_1.quality_state, "blocked")
        nonconformance = self.failed.nonconformance_ids
        self.assertEqual(len(nonconformance), 1)
        action = self.reject(self.manager, 3)
        picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.on_hand(self.lot_1, self.quarantine_location), 3)
        self.assertEqual(self.on_hand(self.lot_1, self.stock_location), 7)
        # The rest of the lot is released; the rejected part stays held there.
        self.assertEqual(self.lot_1.quality_state, "released")
        holds = self.lot_1.traceability_hold_ids.filtered(lambda h: h.state == "open")
        self.assertTrue(holds)
        self.assertEqual(holds.location_id, self.quarantine_location)
        self.assertEqual(
            {(hold.res_model, hold.res_id) for hold in holds},
            {
                ("traceability.check", self.failed.id),
                ("traceability.nonconformance", nonconformance.id),
            },
        )
        self.assertEqual(
            (nonconformance.quantity, nonconformance.location_id),
            (3, self.quarantine_location),
        )
        # The released seven are reserved and delivered as any stock.
        out = self.move(
            self.lot_1,
            7,
            self.env.ref("stock.stock_location_customers"),
            picking_type=self.warehouse.out_type_id,
        )
        self.assertEqual(out.state, "done")
        self.assertEqual(self.on_hand(self.lot_1, self.stock_location), 0)

    def transfer(self, destination, quantity, picking_type):
        """A transfer of the lot from the quarantine location, reserved by Odoo
        (``action_assign``): the picking and what Odoo reserved."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": self.quarantine_location.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.raw.name,
                            "product_id": self.raw.id,
                            "product_uom_qty": quantity,
                            "product_uom": self.raw.uom_id.id,
                            "location_id": self.quarantine_location.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking, picking.move_line_ids

    def test_rejected_part_is_never_reserved_nor_delivered(self):
        self.reject(self.manager, 3)
        customers = self.env.ref("stock.stock_location_customers")
        for destination, picking_type in (
            (customers, self.warehouse.out_type_id),
            # Nor back to stock without a release.
            (self.stock_location, self.warehouse.int_type_id),
        ):
            picking, reserved = self.transfer(destination, 3, picking_type)
            self.assertFalse(
                reserved, f"the held part was reserved for {destination.name}"
            )
            # Forced by hand: the validation refuses it.
            self.flows.set_move_lots(picking.move_ids, [(self.lot_1, 3)])
            with self.assertRaisesRegex(UserError, "held in"):
                picking.button_validate()
        self.assertEqual(self.on_hand(self.lot_1, self.quarantine_location), 3)
        # Back to the vendor: allowed, as for any held lot.
        picking, _reserved = self.transfer(
            self.env.ref("stock.stock_location_suppliers"),
            3,
            self.warehouse.out_type_id,
        )
        self.flows.set_move_lots(picking.move_ids, [(self.lot_1, 3)])
        self.flows.validate_picking(picking)
        self.assertEqual(self.on_hand(self.lot_1, self.quarantine_location), 0)

    def test_only_a_manager_rejects_part(self):
        holds = self.lot_1.traceability_hold_ids
        with self.assertRaises(AccessError):
            self.reject(self.inspector, 3)
        self.assertEqual(self.lot_1.quality_state, "blocked")
        self.assertEqual(self.lot_1.traceability_hold_ids, holds)
        self.assertEqual(self.on_hand(self.lot_1, self.stock_location), 10)

    def test_quantity_within_the_stock(self):
        for quantity in (0, -1, 11):
            with self.assertRaises(UserError, msg=quantity):
                self.reject(self.manager, quantity)
        self.assertEqual(self.lot_1.quality_state, "blocked")
        self.assertEqual(self.on_hand(self.lot_1, self.stock_location), 10)
        # Not to an ordinary location either.
        with self.assertRaisesRegex(UserError, "no quarantine location"):
            self.reject(self.manager, 3, quarantine_location_id=self.stock_location.id)
        # Nor from a passing check.
        passing = self.check(self.lot(self.raw, "PR-1"))
        self.failed, failed = passing, self.failed
        try:
            with self.assertRaises(UserError):
                self.reject(self.manager, 3)
        finally:
            self.failed = failed
