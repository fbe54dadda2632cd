# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase


class TestGenealogyGenerator(TransactionCase):
    """The scale generator builds the benchmark genealogy through real flows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result = cls.env["traceability.flow.builder"]._generate_genealogy(
            intermediates=2,
            finished=5,
            deliveries=8,
            customers=3,
            control_finished=2,
            prefix="TGEN",
        )

    def test_shape(self):
        result = self.result
        raw, intermediate, finished = result["products"]
        productions = self.env["mrp.production"].search(
            [("product_id", "in", (intermediate | finished).ids)]
        )
        # 2 + 5 in the traced chain, 2 + 2 in the control chain.
        self.assertEqual(len(productions), 11)
        self.assertEqual(set(productions.mapped("state")), {"done"})
        self.assertEqual(len(result["intermediate_lots"]), 2)
        self.assertEqual(len(result["finished_lots"]), 5)
        deliveries = result["sale_orders"].picking_ids
        self.assertEqual(len(deliveries), 8)
        self.assertEqual(set(deliveries.mapped("state")), {"done"})
        self.assertEqual(len(deliveries.partner_id), 3)
        self.assertEqual(deliveries.move_line_ids.lot_id, result["finished_lots"])
        # Every finished lot keeps one unit in stock.
        self.assertEqual(set(result["finished_lots"].mapped("product_qty")), {1.0})
        self.assertEqual(result["raw_lot"].product_qty, 0)

    def test_links_and_control_chain(self):
        result = self.result
        raw_lot = result["raw_lot"]
        inter_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", result["intermediate_lots"].ids),
                ("move_id.production_id", "!=", False),
            ]
        )
        self.assertEqual(inter_lines.consume_line_ids.lot_id, raw_lot)
        fin_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", result["finished_lots"].ids),
                ("move_id.production_id", "!=", False),
            ]
        )
        self.assertEqual(fin_lines.consume_line_ids.lot_id, result["intermediate_lots"])
        # The control chain starts from another lot of the same raw product.
        control_raw = result["control_raw_lot"]
        self.assertEqual(control_raw.product_id, raw_lot.product_id)
        self.assertNotEqual(control_raw, raw_lot)
        control_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", result["control_lots"].ids),
                ("move_id.production_id", "!=", False),
            ]
        )
        self.assertNotIn(raw_lot, control_lines.consume_line_ids.lot_id)
        self.assertEqual(len(result["control_sale_orders"].picking_ids), 2)
        # Shared customers: control deliveries go to customers of the traced chain.
        self.assertLessEqual(
            result["control_sale_orders"].partner_id, result["sale_orders"].partner_id
        )

    def test_bad_shape_is_refused(self):
        with self.assertRaises(UserError):
            self.env["traceability.flow.builder"]._generate_genealogy(
                intermediates=5, finished=2, deliveries=8, customers=1
            )
