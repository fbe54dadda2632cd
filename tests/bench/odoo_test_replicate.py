"""The SQL copies of the benchmark genealogy are genuine genealogies.

Run by setup/test.sh through pytest-odoo, as odoo_test_genealogy.py: a small
genealogy is built through Odoo's flows, copied twice by replicate.py in the same
transaction, and Odoo's own traceability report and ``stock.lot.delivery_ids``
must answer on each copy what they answer on the original.
"""

import re

from genealogy import generate_genealogy
from odoo_test_genealogy import BenchCase
from replicate import record_baseline, replicate

from odoo.addons.quality_traceability.tests.report_oracle import (
    lot_deliveries,
    report_backward,
    report_forward,
)

COPY_SUFFIX = re.compile(r"-C(\d+)$")
COPIES = 2


def original_name(name):
    return COPY_SUFFIX.sub("", name or "")


def copy_number(name):
    match = COPY_SUFFIX.search(name or "")
    return int(match.group(1)) if match else 0


class TestReplicatedGenealogy(BenchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        record_baseline(cls.env.cr)
        cls.result = generate_genealogy(
            cls.env,
            intermediates=2,
            finished=5,
            deliveries=8,
            customers=3,
            control_finished=2,
            prefix="TREP",
        )
        cls.env.flush_all()
        cls.counts = replicate(cls.env.cr, COPIES, log=lambda message: None)
        cls.env.invalidate_all()

    def _copy_of(self, lot, number):
        copied = self.env["stock.lot"].search(
            [
                ("product_id", "=", lot.product_id.id),
                ("name", "=", f"{lot.name}-C{number}"),
            ]
        )
        self.assertEqual(len(copied), 1, f"copy {number} of lot {lot.name}")
        return copied

    def _shape(self, lot_ids, picking_ids):
        """What a trace found, in the original's names, and the copy numbers
        of everything it found."""
        lots = self.env["stock.lot"].browse(lot_ids)
        pickings = self.env["stock.picking"].browse(picking_ids)
        shape = (
            {original_name(name) for name in lots.mapped("name")},
            {original_name(name) for name in pickings.mapped("name")},
            {original_name(name) for name in pickings.partner_id.mapped("name")},
        )
        numbers = {
            copy_number(name)
            for name in lots.mapped("name")
            + pickings.mapped("name")
            + pickings.partner_id.mapped("name")
        }
        return shape, numbers

    def test_rows_copied(self):
        for table in (
            "stock_lot",
            "stock_move",
            "stock_move_line",
            "stock_move_line_consume_rel",
            "stock_picking",
            "sale_order",
            "mrp_production",
            "res_partner",
            "stock_quant",
        ):
            self.assertGreater(self.counts.get(table, 0), 0, table)
        self.assertNotIn("product_product", self.counts)

    def test_forward_report_of_copies(self):
        raw = self.result["raw_lot"]
        original, numbers = self._shape(*report_forward(self.env, raw))
        self.assertEqual(numbers, {0})
        self.assertEqual(len(original[0]), 1 + 2 + 5)
        self.assertEqual(len(original[1]), 8)
        for number in range(1, COPIES + 1):
            copied = self._copy_of(raw, number)
            shape, numbers = self._shape(*report_forward(self.env, copied))
            self.assertEqual(shape, original)
            self.assertEqual(numbers, {number})
            # The trace engine agrees with Odoo's report on the copy.
            trace = self.env["traceability.genealogy"].trace(copied, "forward")
            self.assertEqual(
                (trace.lot_ids, trace.delivery_picking_ids),
                report_forward(self.env, copied),
            )

    def test_backward_report_and_deliveries_of_copies(self):
        finished = self.result["finished_lots"]
        last = finished[-1]
        original, _numbers = self._shape(*report_backward(self.env, last))
        deliveries, _numbers = self._shape([], lot_deliveries(finished))
        for number in range(1, COPIES + 1):
            copied = self._copy_of(last, number)
            shape, numbers = self._shape(*report_backward(self.env, copied))
            self.assertEqual(shape, original)
            self.assertEqual(numbers, {number})
            copied_finished = self.env["stock.lot"].browse(
                [self._copy_of(lot, number).id for lot in finished]
            )
            shape, numbers = self._shape([], lot_deliveries(copied_finished))
            self.assertEqual(shape, deliveries)
            self.assertEqual(numbers, {number})
            # Stock on hand is copied with the lots: one unit of each.
            self.assertEqual(set(copied_finished.mapped("product_qty")), {1.0})
