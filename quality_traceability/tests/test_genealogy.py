# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from odoo import Command
from odoo.tests import Form, tagged

from ..models.traceability_genealogy import _FACT_PARTS
from ..tools.trace_graph import FACT_KEYS, TRACE_PARTS
from .common import TraceabilityCommon
from .report_oracle import lot_deliveries, report_backward, report_forward


class TestGenealogy(TraceabilityCommon):
    """The engine against Odoo's own traceability report and delivery_ids."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.genealogy = cls.env["traceability.genealogy"]
        # Diamond: two vendor lots feed two shells; both shells feed serial SN-2.
        cls.flows.receive(cls.vendor, cls.raw, [("V-A", 20), ("V-B", 20), ("V-X", 10)])
        va, vb = cls.lot(cls.raw, "V-A"), cls.lot(cls.raw, "V-B")
        cls.flows.produce(cls.semi, 4, "S-1", {cls.raw: [(va, 4), (vb, 4)]})
        cls.flows.produce(cls.semi, 4, "S-2", {cls.raw: [(vb, 8)]})
        s1, s2 = cls.lot(cls.semi, "S-1"), cls.lot(cls.semi, "S-2")
        cls.flows.produce(cls.finished, 1, "SN-1", {cls.semi: [(s1, 1)]})
        cls.flows.produce(cls.finished, 1, "SN-2", {cls.semi: [(s1, 1)]})
        cls.flows.produce(cls.finished, 1, "SN-3", {cls.semi: [(s2, 1)]})
        cls.sn = [cls.lot(cls.finished, f"SN-{i}") for i in (1, 2, 3)]
        cls.order_a = cls.flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.sn[0], 1)])]
        )
        cls.order_b = cls.flows.deliver(
            cls.customer_b, [(cls.finished, [(cls.sn[1], 1)])]
        )
        # A shell lot split over many deliveries to both customers.
        cls.shell_orders = cls.env["sale.order"]
        for index in range(4):
            customer = (cls.customer_a, cls.customer_b)[index % 2]
            cls.shell_orders |= cls.flows.deliver(customer, [(cls.semi, [(s2, 0.5)])])
        cls.va, cls.vb, cls.vx, cls.s1, cls.s2 = va, vb, cls.lot(cls.raw, "V-X"), s1, s2

    def assertSameAsReport(self, lots):
        forward = self.genealogy.trace(lots, "forward")
        oracle_lots, oracle_deliveries = report_forward(self.env, lots)
        self.assertEqual(forward.lot_ids, oracle_lots)
        self.assertEqual(forward.delivery_picking_ids, oracle_deliveries)
        reached = self.env["stock.lot"].browse(list(forward.lot_ids))
        self.assertEqual(forward.delivery_picking_ids, lot_deliveries(reached))
        backward = self.genealogy.trace(lots, "backward")
        oracle_lots, oracle_receipts = report_backward(self.env, lots)
        self.assertEqual(backward.lot_ids, oracle_lots)
        self.assertEqual(backward.receipt_picking_ids, oracle_receipts)
        return forward, backward

    def test_diamond_forward_and_backward(self):
        forward, _backward = self.assertSameAsReport(self.vb)
        self.assertEqual(
            forward.lot_ids,
            {self.vb.id, self.s1.id, self.s2.id} | {s.id for s in self.sn},
        )
        self.assertEqual(forward.lots[self.vb.id]["level"], 0)
        self.assertEqual(forward.lots[self.s1.id]["level"], 1)
        self.assertEqual(forward.lots[self.sn[1].id]["level"], 2)
        self.assertEqual(forward.customer_ids, {self.customer_a.id, self.customer_b.id})
        # V-X was received but never used: its trace is itself.
        self.assertEqual(self.genealogy.trace(self.vx, "forward").lot_ids, {self.vx.id})
        # The engine's edges carry the manufacturing order and the quantity.
        edge = next(
            e
            for e in forward.edges
            if e["src"] == self.vb.id and e["dst"] == self.s1.id
        )
        self.assertEqual(edge["quantity"], 4)
        production = self.env["mrp.production"].browse(edge["production_id"])
        self.assertEqual(production.lot_producing_id, self.s1)

    def test_serial_backward_to_vendor(self):
        _forward, backward = self.assertSameAsReport(self.sn[0])
        self.assertEqual(
            backward.lot_ids, {self.sn[0].id, self.s1.id, self.va.id, self.vb.id}
        )
        self.assertEqual(backward.vendor_ids, {self.vendor.id})
        receipt = backward.facts["receipt"][0]
        order = self.env["purchase.order"].browse(receipt["order_id"])
        self.assertEqual(order.partner_id, self.vendor)
        self.assertEqual(order.picking_ids.id, receipt["picking_id"])

    def test_where_quantities_are_now(self):
        forward = self.genealogy.trace(self.s2, "forward")
        deliveries = [f for f in forward.deliveries if f["lot_id"] == self.s2.id]
        self.assertEqual(len(deliveries), 4)
        self.assertEqual(sum(f["quantity"] for f in deliveries), 2)
        self.assertEqual(
            {f["order_id"] for f in deliveries}, set(self.shell_orders.ids)
        )
        stock = {
            (f["lot_id"], f["location_id"]): f["quantity"]
            for f in forward.facts["stock"]
        }
        self.assertEqual(stock[(self.s2.id, self.stock_location.id)], 1)
        self.assertEqual(stock[(self.sn[2].id, self.stock_location.id)], 1)
        consumed = [f for f in forward.facts["consumed"] if f["lot_id"] == self.s2.id]
        self.assertEqual(sum(f["quantity"] for f in consumed), 1)

    def test_reserved_and_wip(self):
        # An open delivery reserves S-2, an open MO reserves S-1.
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [
                    Command.create({"product_id": self.semi.id, "product_uom_qty": 0.5})
                ],
            }
        )
        order.action_confirm()
        move = order.picking_ids.move_ids
        self.flows.set_move_lots(move, [(self.s2, 0.5)])
        move.picked = False
        production = Form(self.env["mrp.production"])
        production.product_id = self.finished
        production = production.save()
        production.action_confirm()
        self.flows.set_move_lots(production.move_raw_ids, [(self.s1, 1)])
        result = self.genealogy.trace(self.s1 | self.s2, "forward")
        reserved = [f for f in result.facts["reserved"] if f["lot_id"] == self.s2.id]
        self.assertEqual([f["picking_id"] for f in reserved], order.picking_ids.ids)
        wip = [f for f in result.facts["wip"] if f["lot_id"] == self.s1.id]
        self.assertEqual([f["production_id"] for f in wip], production.ids)

    def test_unbuild_and_cycle(self):
        self.flows.receive(self.vendor, self.raw, [("V-U", 4)])
        vu = self.lot(self.raw, "V-U")
        production = self.flows.produce(self.semi, 2, "S-U", {self.raw: [(vu, 4)]})
        shell = production.lot_producing_id
        # Traced before any unbuild order exists: the walk leaves their step out,
        # and follows it as soon as the unbuild below is done.
        self.assertFalse(
            self.genealogy._database_facts()["unbuilds"],
            "this test needs a database without unbuild orders",
        )
        self.assertEqual(self.genealogy.trace(shell, "forward").lot_ids, {shell.id})
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.semi.id,
                "mo_id": production.id,
                "lot_id": shell.id,
                "product_qty": 1,
            }
        )
        unbuild.action_unbuild()
        # The recovered raw lot is V-U again: raw -> shell -> raw is a cycle.
        forward = self.genealogy.trace(shell, "forward")
        self.assertEqual(forward.lot_ids, {shell.id, vu.id})
        unbuild_edges = [e for e in forward.edges if e["unbuild_id"] == unbuild.id]
        self.assertEqual(
            [(e["src"], e["dst"]) for e in unbuild_edges], [(shell.id, vu.id)]
        )
        self.assertTrue(self.genealogy._database_facts()["unbuilds"])
        self.assertEqual(self.genealogy.trace(vu, "forward").lot_ids, {shell.id, vu.id})
        self.assertEqual(
            self.genealogy.trace(vu, "backward").lot_ids, {shell.id, vu.id}
        )
        self.assertEqual(self.on_hand(vu), 2)

    def test_move_given_to_an_unbuild_order_is_seen_at_once(self):
        production = self.flows.produce(self.semi, 1, "S-W", {self.raw: [(self.va, 2)]})
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.semi.id,
                "mo_id": production.id,
                "lot_id": production.lot_producing_id.id,
                "product_qty": 1,
            }
        )
        self.assertFalse(
            self.genealogy._database_facts()["unbuilds"],
            "this test needs a database without unbuild orders",
        )
        production.move_raw_ids.write({"unbuild_id": unbuild.id})
        self.assertTrue(self.genealogy._database_facts()["unbuilds"])

    def test_every_part_has_a_source(self):
        # Each kind of fact comes from one part of the statement, which selects
        # the columns of FACT_KEYS by name.
        kinds = [kind for part in _FACT_PARTS.values() for kind in part["kinds"]]
        self.assertEqual(set(kinds), set(TRACE_PARTS))
        for name, part in _FACT_PARTS.items():
            self.assertLessEqual(set(part["columns"]), set(FACT_KEYS), name)
        result = self.genealogy.trace(self.vb, "forward")
        self.assertEqual(
            {edge["src"] for edge in result.edges}, {self.vb.id, self.s1.id, self.s2.id}
        )
        for kind, facts in result.facts.items():
            for fact in facts:
                self.assertEqual(tuple(fact), FACT_KEYS)
                self.assertEqual(fact["kind"], kind)

    def test_return_of_a_return(self):
        serial = self.sn[0]
        delivery = self.order_a.picking_ids
        returned = self._return(delivery)
        self.assertEqual(returned.location_dest_id.usage, "internal")
        shipped_again = self._return(returned)
        forward = self.genealogy.trace(serial, "forward")
        self.assertEqual(forward.delivery_picking_ids, {delivery.id, shipped_again.id})
        self.assertEqual(
            [f["picking_id"] for f in forward.facts["return"]], returned.ids
        )
        self.assertEqual(forward.lot_ids, {serial.id})
        self.assertSameAsReport(serial)

    def test_border_facts_asked_alone_are_those_of_the_full_trace(self):
        # Asked without edges or other facts, receipts, returns and deliveries
        # are read by the partners' location ids instead of the locations: on
        # these flows they are the same as in the full trace.
        self._return(self.order_a.picking_ids)
        receipt = self.flows.receive(self.vendor, self.raw, [("V-R", 3)])
        self._return(receipt.picking_ids)
        vr = self.lot(self.raw, "V-R")
        border = ("receipt", "vendor_return", "return", "delivery")
        found = set()
        for lots, direction in (
            (self.vb | self.vx | vr, "forward"),
            (self.sn[0] | self.s2, "backward"),
            (self.sn[0] | self.s2, "forward"),
        ):
            full = self.genealogy.trace(lots, direction)
            for parts in [(kind,) for kind in border] + [border, ("delivery", "stock")]:
                alone = self.genealogy.trace(lots, direction, parts=parts)
                self.assertEqual(alone.lot_ids, full.lot_ids)
                for kind in parts:
                    key = self._fact_key
                    self.assertEqual(
                        Counter(map(key, alone.facts[kind])),
                        Counter(map(key, full.facts[kind])),
                        f"{kind} of {lots.mapped('name')} {direction} by {parts}",
                    )
                    found.update(kind for _fact in alone.facts[kind])
        self.assertEqual(found, {*border, "stock"})

    @staticmethod
    def _fact_key(fact):
        return tuple(fact.items())

    def test_new_partner_location_is_a_border(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.genealogy.trace(self.s2, "forward", parts=("delivery",))
        shop = self.env["stock.location"].create(
            {"name": "Consignment Shop", "usage": "customer"}
        )
        depot = self.env["stock.location"].create(
            {
                "name": "Depot",
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
            }
        )
        self.genealogy.trace(self.s2, "forward", parts=("delivery",))
        depot.usage = "customer"
        pickings = self._ship(warehouse, self.s2, shop) | self._ship(
            warehouse, self.s2, depot
        )
        result = self.genealogy.trace(self.s2, "forward", parts=("delivery",))
        self.assertLessEqual(set(pickings.ids), result.delivery_picking_ids)

    def _ship(self, warehouse, lot, destination):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": self.customer_a.id,
                "location_id": self.stock_location.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": 0.5,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self.flows.set_move_lots(picking.move_ids, [(lot, 0.5)])
        self.flows.validate_picking(picking)
        return picking

    def _return(self, picking):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = line.move_id.quantity
        returned = wizard._create_return()
        for move in returned.move_ids:
            self.flows.set_move_lots(
                move, [(picking.move_line_ids.lot_id, move.product_uom_qty)]
            )
        self.flows.validate_picking(returned)
        return returned

    def test_start_points(self):
        genealogy = self.genealogy
        self.assertEqual(genealogy._start_lots(self.order_a), self.sn[0])
        production = self.env["mrp.production"].search(
            [("lot_producing_id", "=", self.s1.id)]
        )
        self.assertEqual(genealogy._start_lots(production), self.s1)
        self.assertEqual(genealogy._default_direction(production), "backward")
        purchase = self.env["purchase.order"].search(
            [("partner_id", "=", self.vendor.id)]
        )
        self.assertEqual(genealogy._start_lots(purchase), self.va | self.vb | self.vx)
        self.assertEqual(genealogy._default_direction(purchase), "forward")
        self.assertEqual(genealogy._start_lots(self.customer_b), self.sn[1] | self.s2)
        self.assertEqual(
            genealogy._start_lots(self.vendor), self.va | self.vb | self.vx
        )
        self.assertEqual(genealogy._vendor_lots("V-B"), self.vb)
        self.assertEqual(
            genealogy._vendor_lots("V-B", vendor=self.customer_a), self.env["stock.lot"]
        )


@tagged("post_install", "-at_install")
class TestGenealogyDemoFactory(TraceabilityCommon):
    """Every lot of the demo factory, both directions, against Odoo's report."""

    def test_demo_factory_matches_report(self):
        cup = self.env.ref("quality_traceability.product_thermos_cup", False)
        if not cup:
            self.skipTest("installed without demo data")
        genealogy = self.env["traceability.genealogy"]
        steel = self.env.ref("quality_traceability.product_steel_sheet")
        lots = self.env["stock.lot"].search(
            [("product_id.categ_id", "=", cup.categ_id.id)]
        )
        self.assertGreaterEqual(len(lots), 10)
        for lot in lots:
            forward = genealogy.trace(lot, "forward")
            self.assertEqual(
                (forward.lot_ids, forward.delivery_picking_ids),
                report_forward(self.env, lot),
                lot.name,
            )
            backward = genealogy.trace(lot, "backward")
            self.assertEqual(
                backward.lot_ids, report_backward(self.env, lot)[0], lot.name
            )
        first_steel_lot = lots.filtered(lambda lot: lot.name == "NBS-240301")
        self.assertEqual(first_steel_lot.product_id, steel)
        forward = genealogy.trace(first_steel_lot, "forward")
        self.assertEqual(len(forward.customer_ids), 3)
