# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError

from .common import QualityCommon


class TestDocumentQuality(QualityCommon):
    """The Quality smart button of receipts and manufacturing orders, and the
    required key control points at validation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("DQ-RAW", 20)])
        cls.raw_lot = cls.lot(cls.raw, "DQ-RAW")
        cls.check(cls.raw_lot)  # released

    def _receipt_with_lot(self, name):
        lot = self.env["stock.lot"].create({"name": name, "product_id": self.raw.id})
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create({"product_id": self.raw.id, "product_qty": 5})
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        self.flows.set_move_lots(picking.move_ids, [(lot, 5)])
        return picking, lot

    def status(self, document, point):
        return point.with_context(
            traceability_res_model=document._name, traceability_res_id=document.id
        ).document_status

    def test_receipt_blocked_until_check_passes(self):
        picking, lot = self._receipt_with_lot("DQ-1")
        self.assertEqual(picking.traceability_control_point_count, 1)
        action = picking.action_view_traceability_control_points()
        self.assertEqual(action["domain"], [("id", "in", self.incoming_point.ids)])
        self.assertEqual(self.status(picking, self.incoming_point), "todo")
        with self.assertRaisesRegex(UserError, "Resin incoming"):
            picking.button_validate()
        self.check(lot, width=30)
        self.assertEqual(self.status(picking, self.incoming_point), "failed")
        with self.assertRaisesRegex(UserError, "Failed"):
            picking.button_validate()
        self.check(lot)
        self.assertEqual(self.status(picking, self.incoming_point), "passed")
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")

    def test_receipt_warns(self):
        self.incoming_point.on_missing = "warn"
        picking, _lot = self._receipt_with_lot("DQ-2")
        self.assertIs(picking.button_validate(), True)
        self.assertIn("Resin incoming", picking.message_ids[0].body)

    def test_not_required_does_not_block(self):
        self.incoming_point.required = False
        picking, _lot = self._receipt_with_lot("DQ-3")
        self.assertIs(picking.button_validate(), True)

    def test_every_nth_and_first_article(self):
        self.incoming_point.frequency = "first_article"
        picking, lot = self._receipt_with_lot("DQ-4")
        other = self.env["stock.lot"].create(
            {"name": "DQ-5", "product_id": self.raw.id}
        )
        self.flows.set_move_lots(picking.move_ids, [(lot, 2), (other, 3)])
        self.assertEqual(self.status(picking, self.incoming_point), "todo")
        self.check(other)
        self.assertEqual(self.status(picking, self.incoming_point), "passed")
        self.incoming_point.write({"frequency": "every_nth", "frequency_n": 2})
        self.assertEqual(self.status(picking, self.incoming_point), "passed")
        self.incoming_point.write({"frequency": "every_lot"})
        self.assertEqual(self.status(picking, self.incoming_point), "todo")

    def test_production_blocked_until_first_article(self):
        point = self.env["traceability.control.point"].create(
            {
                "name": "Shell first article",
                "stage": "first_article",
                "frequency": "first_article",
                "product_ids": [Command.link(self.semi.id)],
                "required": True,
                "spec_ids": [
                    Command.create({"name": "Look", "value_type": "pass_fail"})
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "Shell first article"):
            self.flows.produce(self.semi, 1, "DQ-S1", {self.raw: [(self.raw_lot, 2)]})
        production = self.env["mrp.production"].search(
            [("product_id", "=", self.semi.id), ("state", "!=", "done")], limit=1
        )
        self.assertEqual(production.traceability_control_point_count, 1)
        self.assertEqual(self.status(production, point), "todo")
        self.env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": production.lot_producing_id.id,
                "production_id": production.id,
                "value_ids": [
                    Command.create(
                        {"spec_id": point.spec_ids.id, "value_pass_fail": "pass"}
                    )
                ],
            }
        )
        self.assertEqual(self.status(production, point), "passed")
        self.assertIs(production.button_mark_done(), True)
        self.assertEqual(production.state, "done")
        # Points of other stages and products are not offered.
        self.assertNotIn(self.incoming_point, production._traceability_control_points())
