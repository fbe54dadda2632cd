# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recalls and holds: what a recall may hold and release, what a drill
touches, and what nobody may change afterwards; each tried as the user who
would, over the RPC path (``quality_traceability.tests.common.rpc``)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.quality_traceability.tests.common import rpc

from .test_recall import RecallCommon


@tagged("post_install", "-at_install")
class TestRecallHoldAttacks(RecallCommon):
    def _open_holds(self, lot, recall=None):
        holds = lot.traceability_hold_ids.filtered(lambda h: h.state == "open")
        if recall:
            holds = holds.filtered(
                lambda h: h.res_model == "recall.recall" and h.res_id == recall.id
            )
        return holds

    def _decide_and_close(self, recall, decision):
        recall.lot_ids.decision = decision
        recall.close_reason = "Closed in the test"
        rpc(self.env, self.manager, "recall.recall", "action_close", [recall.ids])

    def test_two_recalls_hold_the_same_lot(self):
        first = self._recall(self.rv1)
        second = self._recall(self.rs1)
        for recall in (first, second):
            rpc(
                self.env,
                self.manager,
                "recall.recall",
                "action_block_stock",
                [recall.ids],
            )
        self.assertEqual(len(self._open_holds(self.rs1)), 2)
        self._decide_and_close(first, "release")
        # Released by the first, still held by the second.
        self.assertEqual(self.rs1.quality_state, "blocked")
        self.assertEqual(self._open_holds(self.rs1).res_id, second.id)
        # rv1 is only in the first recall: released.
        self.assertEqual(self.rv1.quality_state, "released")
        self._decide_and_close(second, "release")
        self.assertEqual(self.rs1.quality_state, "released")

    def test_closing_is_done_once(self):
        recall = self._recall(self.rv1)
        rpc(self.env, self.manager, "recall.recall", "action_block_stock", [recall.ids])
        self._decide_and_close(recall, "release")
        # Held again by a manager after the close.
        self.rv1._traceability_hold("manual", note="Lab result pending")
        with self.refused(UserError, "once"):
            rpc(self.env, self.manager, "recall.recall", "action_close", [recall.ids])
        self.assertEqual(self.rv1.quality_state, "blocked")
        self.assertEqual(recall.state, "closed")

    def test_cancelled_recall_releases_its_holds(self):
        recall = self._recall(self.rv1)
        rpc(self.env, self.manager, "recall.recall", "action_block_stock", [recall.ids])
        self.assertEqual(self.rs1.quality_state, "blocked")
        rpc(self.env, self.manager, "recall.recall", "action_cancel", [recall.ids])
        self.assertEqual(recall.state, "cancel")
        for lot in recall.lot_ids.lot_id:
            self.assertEqual(lot.quality_state, "released", lot.name)
        holds = recall.hold_ids
        self.assertTrue(holds)
        self.assertEqual(set(holds.mapped("state")), {"released"})
        self.assertEqual(holds.released_by_id, self.manager)
        with self.refused(UserError, "already"):
            rpc(self.env, self.manager, "recall.recall", "action_cancel", [recall.ids])

    def test_drill_touches_no_hold_and_no_delivery(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_b.id,
                "order_line": [
                    Command.create({"product_id": self.semi.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        self.flows.set_move_lots(order.picking_ids.move_ids, [(self.rs1, 1)])
        order.picking_ids.move_ids.picked = False
        drill = self._recall(self.rv1, recall_type="drill")
        rpc(self.env, self.manager, "recall.recall", "action_block_stock", [drill.ids])
        rpc(
            self.env,
            self.manager,
            "recall.recall",
            "action_hold_deliveries",
            [drill.ids],
        )
        self.assertTrue(drill.date_blocked)
        self.assertEqual(drill.drill_lot_count, len(drill.lot_ids))
        self.assertEqual(drill.drill_delivery_count, 1)
        self.assertFalse(drill.hold_ids)
        for lot in drill.lot_ids.lot_id:
            self.assertEqual(lot.quality_state, "released", lot.name)
        self.assertNotEqual(order.picking_ids.state, "cancel")
        self.assertTrue(
            order.picking_ids.move_line_ids.filtered(
                lambda line: line.lot_id == self.rs1
            )
        )
        rpc(self.env, self.manager, "recall.recall", "action_close", [drill.ids])
        self.assertEqual(drill.state, "closed")
        self.assertFalse(drill.hold_ids)

    def test_recall_state_and_type_are_set_by_actions_only(self):
        recall = self._recall(self.rv1)
        rpc(self.env, self.manager, "recall.recall", "action_block_stock", [recall.ids])
        for vals in ({"state": "closed"}, {"state": "draft"}, {"recall_type": "drill"}):
            with self.assertRaises(UserError):
                rpc(
                    self.env, self.manager, "recall.recall", "write", [recall.ids, vals]
                )
        self.assertEqual((recall.state, recall.recall_type), ("in_progress", "recall"))
        # A drill created "in progress" starts as a draft all the same.
        drill_id = rpc(
            self.env,
            self.manager,
            "recall.recall",
            "create",
            [
                {
                    "reason": "x",
                    "recall_type": "drill",
                    "state": "in_progress",
                    "source_lot_ids": [Command.set(self.rv2.ids)],
                }
            ],
        )
        self.assertEqual(self.env["recall.recall"].browse(drill_id).state, "draft")
        self.assertEqual(self.rs1.quality_state, "blocked")

    def test_readers_and_stock_users_release_nothing(self):
        recall = self._recall(self.rv1)
        rpc(self.env, self.manager, "recall.recall", "action_block_stock", [recall.ids])
        stock_user = new_test_user(
            self.env, "recall_atk_stock", groups="stock.group_stock_user"
        )
        for user in (self.reader, stock_user):
            for method in ("action_close", "action_cancel"):
                with self.assertRaises(UserError):
                    rpc(self.env, user, "recall.recall", method, [recall.ids])
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "recall.lot",
                    "write",
                    [recall.lot_ids.ids, {"decision": "release"}],
                )
        self.assertEqual(recall.state, "in_progress")
        self.assertEqual(self.rs1.quality_state, "blocked")

    def test_scope_versions_are_kept_and_read_only(self):
        recall = self._recall(self.rv1)
        first = recall.scope_line_ids
        self.assertEqual(set(first.mapped("version")), {1})
        recall.with_user(self.manager).action_scope()
        second = recall.scope_line_ids
        self.assertEqual(set(second.mapped("version")), {2})
        self.assertFalse(first & second)
        archived = first.with_context(active_test=False).exists()
        self.assertEqual(archived, first)
        self.assertFalse(any(archived.mapped("active")))
        for user in (self.manager, self.reader):
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "recall.scope.line",
                    "write",
                    [second[:1].ids, {"quantity": 0}],
                )
            with self.assertRaises(UserError):
                rpc(self.env, user, "recall.scope.line", "unlink", [second.ids])
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "recall.scope.line",
                    "create",
                    [
                        {
                            "recall_id": recall.id,
                            "company_id": recall.company_id.id,
                            "kind": "stock",
                        }
                    ],
                )
        self.assertEqual(recall.scope_line_ids, second)
