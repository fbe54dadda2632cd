"""The benchmark genealogy generator, on a database where the addons are installed.

Run by setup/test.sh through pytest-odoo on the database of the Odoo suite:
    setup/pytest-odoo.sh DB tests/bench/odoo_test_genealogy.py
(not named test_*.py: the plain ``pytest tests`` run, without Odoo, leaves it alone).
"""

from genealogy import generate_genealogy

from odoo.tests import TransactionCase

from odoo.addons.quality_traceability.tests.report_oracle import (
    lot_deliveries,
    report_backward,
    report_forward,
)


class BenchCase(TransactionCase):
    """A test case outside any addon: the tags Odoo's loader gives addon tests."""

    test_tags = {"standard", "post_install"}
    test_module = "quality_traceability"


class TestGenealogyGenerator(BenchCase):
    """The scale generator builds the benchmark genealogy through real flows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result = generate_genealogy(
            cls.env,
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
        with self.assertRaises(ValueError):
            generate_genealogy(
                self.env, intermediates=5, finished=2, deliveries=8, customers=1
            )


class TestGenealogyGenerated(BenchCase):
    """A generated genealogy with its control chain."""

    def test_generated_matches_report(self):
        result = generate_genealogy(
            self.env,
            intermediates=3,
            finished=7,
            deliveries=11,
            customers=4,
            control_finished=3,
            prefix="TGG",
        )
        genealogy = self.env["traceability.genealogy"]
        forward = genealogy.trace(result["raw_lot"], "forward")
        expected = (
            result["raw_lot"] | result["intermediate_lots"] | result["finished_lots"]
        )
        self.assertEqual(forward.lot_ids, set(expected.ids))
        self.assertFalse(forward.lot_ids & set(result["control_lots"].ids))
        self.assertEqual(
            forward.delivery_picking_ids, set(result["sale_orders"].picking_ids.ids)
        )
        self.assertEqual(forward.customer_ids, set(result["customers"].ids))
        self.assertEqual(
            (forward.lot_ids, forward.delivery_picking_ids),
            report_forward(self.env, result["raw_lot"]),
        )
        self.assertEqual(
            forward.delivery_picking_ids, lot_deliveries(result["finished_lots"])
        )
        last = result["finished_lots"][-1]
        backward = genealogy.trace(last, "backward")
        self.assertEqual(backward.lot_ids, report_backward(self.env, last)[0])
        self.assertIn(result["raw_lot"].id, backward.lot_ids)
