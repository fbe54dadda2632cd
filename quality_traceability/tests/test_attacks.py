# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The threat model of holds and quality records, as tests.

Each test acts as the user who would try it (a warehouse user, a traceability
user, a manager), over the path that user really has: a public method called
through ``odoo.api.call_kw`` in the user's own environment, with the context
the client sends (``common.rpc``). Each asserts the refusal and that nothing
changed.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import QualityCommon, rpc


@tagged("post_install", "-at_install")
class TestHoldAttacks(QualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, "atk_stock", groups="stock.group_stock_user"
        )
        cls.trace_user = new_test_user(
            cls.env, "atk_user", groups="quality_traceability.group_traceability_user"
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "atk_manager",
            groups="quality_traceability.group_traceability_manager,"
            "mrp.group_mrp_user",
        )
        cls.receive([("ATK-1", 10), ("ATK-2", 10)])
        cls.lot_1 = cls.lot(cls.raw, "ATK-1")
        cls.lot_2 = cls.lot(cls.raw, "ATK-2")
        # ATK-1 failed its inspection: blocked. ATK-2 passed: released.
        cls.failed = cls.check(cls.lot_1, width=30)
        cls.check(cls.lot_2)
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")

    def assertUnchanged(self, lot, state):
        lot.invalidate_recordset()
        self.assertEqual(lot.quality_state, state)

    # ------------------------------------------------------------ the lot
    def test_no_context_key_releases_a_lot(self):
        self.assertEqual(self.lot_1.quality_state, "blocked")
        for context in (
            {"traceability_quality_system": True},
            {"traceability_quality_system": True, "tracking_disable": True},
            {},
        ):
            for user in (self.stock_user, self.trace_user, self.trace_manager):
                with self.assertRaises(AccessError):
                    rpc(
                        self.env,
                        user,
                        "stock.lot",
                        "write",
                        [self.lot_1.ids, {"quality_state": "released"}],
                        context=context,
                    )
        self.assertUnchanged(self.lot_1, "blocked")
        self.assertEqual(len(self.lot_1.traceability_hold_ids.filtered("state")), 3)

    def test_new_lot_takes_no_state_and_no_code_from_the_client(self):
        other_code = self.lot_2.trace_code
        lot_id = rpc(
            self.env,
            self.stock_user,
            "stock.lot",
            "create",
            [
                {
                    "name": "ATK-NEW",
                    "product_id": self.raw.id,
                    "quality_state": "blocked",
                }
            ],
            context={"default_trace_code": "chosen-code"},
        )
        lot = self.env["stock.lot"].browse(lot_id)
        self.assertEqual(lot.quality_state, "released")
        self.assertNotEqual(lot.trace_code, "chosen-code")
        self.assertTrue(lot.trace_code)
        # Nor a code taken in its values.
        lot_id = rpc(
            self.env,
            self.stock_user,
            "stock.lot",
            "create",
            [{"name": "ATK-NEW2", "product_id": self.raw.id, "trace_code": "x" * 16}],
        )
        self.assertNotEqual(self.env["stock.lot"].browse(lot_id).trace_code, "x" * 16)
        self.assertEqual(self.lot_2.trace_code, other_code)

    def test_trace_code_cannot_be_set_or_swapped(self):
        code_1, code_2 = self.lot_1.trace_code, self.lot_2.trace_code
        for user in (self.stock_user, self.trace_manager):
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "stock.lot",
                    "write",
                    [self.lot_1.ids, {"trace_code": code_2 + "x"}],
                )
        self.assertEqual(self.lot_1.trace_code, code_1)
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.stock_user,
                "stock.lot",
                "action_traceability_regenerate_trace_code",
                [self.lot_1.ids],
            )
        self.assertEqual(self.lot_1.trace_code, code_1)
        # A manager regenerates it, logged on the lot.
        rpc(
            self.env,
            self.trace_manager,
            "stock.lot",
            "action_traceability_regenerate_trace_code",
            [self.lot_1.ids],
        )
        self.assertNotEqual(self.lot_1.trace_code, code_1)
        self.assertIn("regenerated", self.lot_1.message_ids[0].body)

    # ------------------------------------------------------------ holds
    def test_holds_are_append_only(self):
        hold = self.lot_1.traceability_hold_ids.filtered(lambda h: h.reason == "check")
        self.assertEqual(len(hold), 1)
        for user in (self.stock_user, self.trace_user, self.trace_manager):
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "traceability.hold",
                    "write",
                    [hold.ids, {"state": "released"}],
                )
            with self.assertRaises(UserError):
                rpc(self.env, user, "traceability.hold", "unlink", [hold.ids])
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "traceability.hold",
                    "create",
                    [
                        {
                            "lot_id": self.lot_2.id,
                            "reason": "recall",
                            "state": "released",
                        }
                    ],
                )
        self.assertEqual(hold.state, "open")
        self.assertUnchanged(self.lot_1, "blocked")

    def test_manual_release_by_manager_with_reason(self):
        holds = self.lot_1.traceability_hold_ids.filtered(lambda h: h.state == "open")
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                "traceability.hold",
                "action_release",
                [holds.ids, "I say so"],
            )
        with self.refused(UserError, "reason"):
            rpc(
                self.env,
                self.trace_manager,
                "traceability.hold",
                "action_release",
                [holds.ids, "  "],
            )
        self.assertUnchanged(self.lot_1, "blocked")
        # One hold released: the others still hold the lot.
        check_hold = holds.filtered(lambda h: h.reason == "check")
        rpc(
            self.env,
            self.trace_manager,
            "traceability.hold",
            "action_release",
            [check_hold.ids, "Gauge out of calibration"],
        )
        self.assertEqual(check_hold.released_by_id, self.trace_manager)
        self.assertEqual(check_hold.release_reason, "Gauge out of calibration")
        self.assertUnchanged(self.lot_1, "blocked")
        self.assertIn("Gauge out of calibration", self.lot_1.message_ids[0].body)
        rpc(
            self.env,
            self.trace_manager,
            "traceability.hold",
            "action_release",
            [(holds - check_hold).ids, "Retested at the lab"],
        )
        self.assertUnchanged(self.lot_1, "released")
        # Released twice: refused, the first release is kept.
        with self.refused(UserError, "already"):
            rpc(
                self.env,
                self.trace_manager,
                "traceability.hold",
                "action_release",
                [check_hold.ids, "again"],
            )
        self.assertEqual(check_hold.release_reason, "Gauge out of calibration")

    def test_users_place_manual_holds_through_the_wizard(self):
        wizard_id = rpc(
            self.env,
            self.trace_user,
            "traceability.hold.wizard",
            "create",
            [
                {
                    "mode": "place",
                    "lot_ids": [Command.set(self.lot_2.ids)],
                    "reason": "Smell",
                }
            ],
        )
        rpc(
            self.env,
            self.trace_user,
            "traceability.hold.wizard",
            "action_confirm",
            [[wizard_id]],
        )
        self.assertUnchanged(self.lot_2, "blocked")
        hold = self.lot_2.traceability_hold_ids.filtered(lambda h: h.state == "open")
        self.assertEqual((hold.reason, hold.placed_by_id), ("manual", self.trace_user))
        # The release mode needs a manager.
        wizard_id = rpc(
            self.env,
            self.trace_user,
            "traceability.hold.wizard",
            "create",
            [{"mode": "release", "hold_ids": [Command.set(hold.ids)], "reason": "x"}],
        )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                "traceability.hold.wizard",
                "action_confirm",
                [[wizard_id]],
            )
        self.assertUnchanged(self.lot_2, "blocked")

    # ------------------------------------------------------------ nonconformance
    def test_nonconformance_cannot_skip_its_approval(self):
        nc_id = rpc(
            self.env,
            self.trace_user,
            "traceability.nonconformance",
            "create",
            [
                {
                    "lot_id": self.lot_1.id,
                    "state": "approved",
                    "approved_by_id": self.trace_manager.id,
                    "disposition": "concession",
                }
            ],
            context={"default_state": "approved"},
        )
        nc = self.env["traceability.nonconformance"].browse(nc_id)
        self.assertEqual(nc.state, "open")
        self.assertFalse(nc.approved_by_id)
        with self.refused(UserError, "Approve"):
            rpc(
                self.env,
                self.trace_user,
                "traceability.nonconformance",
                "action_execute",
                [nc.ids],
            )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                "traceability.nonconformance",
                "write",
                [nc.ids, {"state": "approved"}],
            )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                "traceability.nonconformance",
                "action_approve",
                [nc.ids],
            )
        self.assertEqual(nc.state, "open")
        self.assertUnchanged(self.lot_1, "blocked")

    def test_approved_disposition_is_fixed(self):
        nc = self.env["traceability.nonconformance"].search(
            [("check_id", "=", self.failed.id)]
        )
        nc.disposition = "scrap"
        rpc(
            self.env,
            self.trace_manager,
            "traceability.nonconformance",
            "action_approve",
            [nc.ids],
        )
        for user in (self.trace_user, self.trace_manager):
            with self.assertRaises(UserError):
                rpc(
                    self.env,
                    user,
                    "traceability.nonconformance",
                    "write",
                    [nc.ids, {"disposition": "concession"}],
                )
        self.assertEqual(nc.disposition, "scrap")
        self.assertUnchanged(self.lot_1, "blocked")

    def test_concession_releases_only_its_own_holds(self):
        nc = self.env["traceability.nonconformance"].search(
            [("check_id", "=", self.failed.id)]
        )
        # A second, unrelated hold on the same lot.
        self.lot_1._traceability_hold("manual", note="Customer complaint")
        nc.disposition = "concession"
        rpc(
            self.env,
            self.trace_manager,
            "traceability.nonconformance",
            "action_approve",
            [nc.ids],
        )
        rpc(
            self.env,
            self.trace_user,
            "traceability.nonconformance",
            "action_execute",
            [nc.ids],
        )
        self.assertUnchanged(self.lot_1, "blocked")
        open_holds = self.lot_1.traceability_hold_ids.filtered(
            lambda h: h.state == "open"
        )
        self.assertEqual(open_holds.mapped("reason"), ["manual"])
        # Executed once only.
        with self.refused(UserError, "Approve"):
            rpc(
                self.env,
                self.trace_user,
                "traceability.nonconformance",
                "action_execute",
                [nc.ids],
            )

    def test_rework_link_is_not_writable(self):
        production = self.env["mrp.production"].create(
            {"product_id": self.semi.id, "product_qty": 1}
        )
        nc = self.env["traceability.nonconformance"].search(
            [("check_id", "=", self.failed.id)]
        )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_manager,
                "mrp.production",
                "write",
                [production.ids, {"traceability_nonconformance_id": nc.id}],
            )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_manager,
                "mrp.production",
                "create",
                [
                    {
                        "product_id": self.semi.id,
                        "product_qty": 1,
                        "traceability_nonconformance_id": nc.id,
                    }
                ],
            )
        self.assertFalse(production.traceability_nonconformance_id)

    def test_held_lot_is_not_consumed_by_an_unrelated_order(self):
        production = self.env["mrp.production"].create(
            {"product_id": self.semi.id, "product_qty": 1}
        )
        production.action_confirm()
        self.flows.set_move_lots(production.move_raw_ids, [(self.lot_1, 2)])
        production.qty_producing = 1
        production.lot_producing_id = self.env["stock.lot"].create(
            {"name": "ATK-SEMI", "product_id": self.semi.id}
        )
        with self.refused(UserError, "ATK-1"):
            production.with_user(self.trace_manager).button_mark_done()
        self.assertEqual(self.in_stock(self.lot_1), 10)

    # ------------------------------------------------------------ routes
    def test_quarantine_flag_is_managers_and_internal_only(self):
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.stock_user,
                "stock.location",
                "write",
                [self.customers.ids, {"traceability_quarantine": True}],
            )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.stock_user,
                "stock.location",
                "create",
                [{"name": "My quarantine", "usage": "internal"}],
                context={"default_traceability_quarantine": True},
            )
        with self.assertRaises(ValidationError):
            rpc(
                self.env,
                self.trace_manager,
                "stock.location",
                "write",
                [self.customers.ids, {"traceability_quarantine": True}],
            )
        self.assertFalse(self.customers.traceability_quarantine)
        self.assertFalse(
            self.env["stock.location"].search([("name", "=", "My quarantine")])
        )

    def _picking(self, source, destination, lot, quantity=1):
        picking_type = (
            self.warehouse.out_type_id
            if destination.usage == "customer"
            else self.warehouse.int_type_id
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": quantity,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self.flows.set_move_lots(picking.move_ids, [(lot, quantity)])
        return picking

    def test_held_lot_never_reaches_a_customer_whatever_the_source(self):
        inventory_loss = self.env["stock.location"].search(
            [("usage", "=", "inventory"), ("company_id", "=", self.env.company.id)],
            limit=1,
        )
        for source in (self.suppliers, inventory_loss, self.stock_location):
            picking = self._picking(source, self.customers, self.lot_1)
            with self.refused(UserError, "ATK-1"):
                picking.with_user(self.stock_user).button_validate()
            self.assertNotEqual(picking.state, "done")
        self.assertEqual(self.in_stock(self.lot_1), 10)

    def test_held_lot_goes_to_quarantine_vendor_or_scrap(self):
        picking = self._picking(
            self.stock_location, self.quarantine_location, self.lot_1
        )
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")
        returned = self._picking(self.quarantine_location, self.suppliers, self.lot_1)
        returned.with_user(self.stock_user).button_validate()
        self.assertEqual(returned.state, "done")

    def test_done_delivery_line_of_a_held_lot_cannot_be_edited(self):
        delivery = self._picking(self.stock_location, self.customers, self.lot_2, 2)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        line = delivery.move_line_ids
        # The lot is held after its delivery.
        self.lot_2._traceability_hold("manual", note="Complaint")
        with self.refused(UserError, "ATK-2"):
            rpc(
                self.env,
                self.stock_user,
                "stock.move.line",
                "write",
                [line.ids, {"quantity": 5}],
            )
        self.assertEqual(line.quantity, 2)
        self.assertEqual(self.in_stock(self.lot_2), 8)
        # Nor may a released lot's done line be switched to a held lot.
        self.receive([("ATK-3", 10)])
        lot_3 = self.lot(self.raw, "ATK-3")
        self.check(lot_3)
        delivery_3 = self._picking(self.stock_location, self.customers, lot_3, 1)
        delivery_3.button_validate()
        with self.refused(UserError, "ATK-1"):
            rpc(
                self.env,
                self.stock_user,
                "stock.move.line",
                "write",
                [delivery_3.move_line_ids.ids, {"lot_id": self.lot_1.id}],
            )
        self.assertEqual(delivery_3.move_line_ids.lot_id, lot_3)
        self.assertEqual(self.in_stock(self.lot_1), 10)

    def test_no_line_of_a_held_lot_added_to_a_done_transfer(self):
        delivery = self._picking(self.stock_location, self.customers, self.lot_2, 1)
        delivery.button_validate()
        with self.refused(UserError, "ATK-1"):
            rpc(
                self.env,
                self.stock_user,
                "stock.move.line",
                "create",
                [
                    {
                        "move_id": delivery.move_ids.id,
                        "picking_id": delivery.id,
                        "product_id": self.raw.id,
                        "product_uom_id": self.raw.uom_id.id,
                        "location_id": self.stock_location.id,
                        "location_dest_id": self.customers.id,
                        "lot_id": self.lot_1.id,
                        "quantity": 3,
                    }
                ],
            )
        self.assertEqual(self.in_stock(self.lot_1), 10)
        self.assertEqual(len(delivery.move_line_ids), 1)

    # ------------------------------------------------------------ checks
    def test_recorded_check_takes_no_new_value(self):
        result = self.failed.result
        for user in (self.trace_user, self.trace_manager):
            with self.assertRaises(UserError):
                rpc(
                    self.env,
                    user,
                    "traceability.check.value",
                    "create",
                    [
                        {
                            "check_id": self.failed.id,
                            "spec_id": self.remark_spec.id,
                            "value_text": "fine",
                        }
                    ],
                )
            with self.assertRaises(UserError):
                rpc(
                    self.env,
                    user,
                    "traceability.check",
                    "write",
                    [
                        self.failed.ids,
                        {
                            "value_ids": [
                                Command.create(
                                    {"spec_id": self.width_spec.id, "value_float": 10}
                                )
                            ]
                        },
                    ],
                )
        self.assertEqual(len(self.failed.value_ids), 2)
        self.assertEqual(self.failed.result, result)

    def test_no_context_key_rewrites_a_check(self):
        for context in ({"traceability_check_void": True}, {}):
            with self.assertRaises(UserError):
                rpc(
                    self.env,
                    self.trace_manager,
                    "traceability.check",
                    "write",
                    [self.failed.ids, {"notes": "rewritten", "lot_id": self.lot_2.id}],
                    context=context,
                )
        self.assertEqual(self.failed.lot_id, self.lot_1)
        self.assertFalse(self.failed.notes)

    def test_check_takes_the_values_of_no_other_check(self):
        other = self.check(self.lot_2)
        with self.assertRaises(UserError):
            rpc(
                self.env,
                self.trace_user,
                "traceability.check",
                "create",
                [
                    {
                        "control_point_id": self.incoming_point.id,
                        "lot_id": self.lot_2.id,
                        "value_ids": [Command.link(other.value_ids[0].id)],
                    }
                ],
            )
        self.assertEqual(len(other.value_ids), 2)


@tagged("post_install", "-at_install")
class TestCompanyAttacks(QualityCommon):
    """Checks, nonconformances and holds belong to the company of their lot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "ATK Second Company"})
        cls.lot_2 = cls.env["stock.lot"].create(
            {"name": "ATK-C2", "product_id": cls.raw.id, "company_id": cls.company_2.id}
        )
        cls.receive([("ATK-C1", 5)])
        cls.lot_1 = cls.lot(cls.raw, "ATK-C1")
        cls.manager = new_test_user(
            cls.env,
            "atk_company_manager",
            groups="quality_traceability.group_traceability_manager",
            company_ids=[Command.set((cls.env.company | cls.company_2).ids)],
        )

    def test_records_take_the_company_of_their_lot(self):
        check = self.check(self.lot_2, width=30, company_id=False)
        self.assertEqual(check.company_id, self.company_2)
        nonconformance = self.env["traceability.nonconformance"].search(
            [("check_id", "=", check.id)]
        )
        self.assertEqual(nonconformance.company_id, self.company_2)
        holds = self.lot_2.traceability_hold_ids
        self.assertTrue(holds)
        self.assertEqual(holds.company_id, self.company_2)

    def test_company_mismatch_is_refused(self):
        context = {"allowed_company_ids": (self.env.company | self.company_2).ids}
        for model, values in (
            (
                "traceability.nonconformance",
                {"lot_id": self.lot_2.id, "company_id": self.env.company.id},
            ),
            (
                "traceability.check",
                {
                    "control_point_id": self.incoming_point.id,
                    "lot_id": self.lot_2.id,
                    "company_id": self.env.company.id,
                    "value_ids": [
                        Command.create(
                            {"spec_id": self.width_spec.id, "value_float": 10}
                        ),
                        Command.create(
                            {"spec_id": self.visual_spec.id, "value_pass_fail": "pass"}
                        ),
                    ],
                },
            ),
        ):
            with self.assertRaises(UserError):
                rpc(self.env, self.manager, model, "create", [values], context=context)
        self.assertFalse(self.lot_2.traceability_hold_ids)
        self.assertFalse(self.lot_2.traceability_check_ids)

    def test_user_of_one_company_holds_nothing_of_the_other(self):
        user = new_test_user(
            self.env,
            "atk_company_user",
            groups="quality_traceability.group_traceability_user",
        )
        with self.assertRaises(AccessError):
            wizard_id = rpc(
                self.env,
                user,
                "traceability.hold.wizard",
                "create",
                [{"lot_ids": [Command.set(self.lot_2.ids)], "reason": "Not mine"}],
            )
            rpc(
                self.env,
                user,
                "traceability.hold.wizard",
                "action_confirm",
                [[wizard_id]],
            )
        self.assertFalse(self.lot_2.traceability_hold_ids)
        self.assertEqual(self.lot_2.quality_state, "released")
