# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from .common import TraceabilityCommon


class TestFlows(TraceabilityCommon):
    def test_receive_creates_vendor_lots(self):
        order = self.flows.receive(self.vendor, self.raw, [("V-1", 4), ("V-2", 6)])
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.partner_ref, "V-1, V-2")
        self.assertEqual(self.on_hand(self.lot(self.raw, "V-1")), 4)
        self.assertEqual(self.on_hand(self.lot(self.raw, "V-2")), 6)

    def test_produce_links_components_to_finished_lot(self):
        self.flows.receive(self.vendor, self.raw, [("V-1", 4), ("V-2", 6)])
        v1, v2 = self.lot(self.raw, "V-1"), self.lot(self.raw, "V-2")
        production = self.flows.produce(
            self.semi, 3, "S-1", {self.raw: [(v1, 4), (v2, 2)]}
        )
        self.assertEqual(production.state, "done")
        shell_lot = production.lot_producing_id
        self.assertEqual(shell_lot.name, "S-1")
        self.assertEqual(self.on_hand(shell_lot), 3)
        self.assertEqual(self.on_hand(v1), 0)
        self.assertEqual(self.on_hand(v2), 4)
        finished_line = production.move_finished_ids.move_line_ids
        self.assertEqual(finished_line.lot_id, shell_lot)
        # Odoo's own manufacturing link from the finished line to the consumed lots.
        self.assertEqual(finished_line.consume_line_ids.lot_id, v1 | v2)

    def test_deliver_chosen_lots(self):
        self.flows.receive(self.vendor, self.raw, [("V-1", 10)])
        v1 = self.lot(self.raw, "V-1")
        self.flows.produce(self.semi, 2, "S-1", {self.raw: [(v1, 4)]})
        shell = self.lot(self.semi, "S-1")
        serials = [
            self.flows.produce(
                self.finished, 1, f"SN-{i}", {self.semi: [(shell, 1)]}
            ).lot_producing_id
            for i in (1, 2)
        ]
        order = self.flows.deliver(
            self.customer_a, [(self.finished, [(serials[1], 1)])]
        )
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, serials[1])
        self.assertEqual(self.on_hand(serials[0]), 1)
        self.assertEqual(self.on_hand(serials[1]), 0)
        self.assertEqual(serials[1].delivery_ids, order.picking_ids)

    def test_missing_component_lot_is_refused(self):
        self.flows.receive(self.vendor, self.raw, [("V-1", 10)])
        with self.assertRaisesRegex(AssertionError, "No lot given for component"):
            self.flows.produce(self.semi, 1, "S-9", {})

    def test_no_bom_is_refused(self):
        with self.assertRaisesRegex(AssertionError, "No bill of materials"):
            self.flows.produce(self.raw, 1, "R-9", {})
