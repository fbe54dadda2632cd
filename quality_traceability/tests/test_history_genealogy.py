# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from datetime import datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.trace_graph import TRACE_PARTS, TraceResult
from .common import TraceabilityCommon, rpc

TRACE = "quality_traceability.group_traceability_"


class HistoryCommon(TraceabilityCommon):
    """The small factory, with a history imported from before go-live.

    Before go-live (history only, no move in Odoo): resin lot OLD-R made shells
    OLD-S1 and OLD-S2 (work orders WO-2019-1 and WO-2019-2); OLD-S1 was shipped
    to Old Customer (DN-2019-7). At go-live OLD-S2 was counted in stock (an
    inventory adjustment) and a manufacturing order in Odoo made serial NEW-SN1
    of it, delivered to customer A: an imported link, then a real one.

    After go-live, the reverse: vendor lot V-NEW received and made into shell
    NEW-S1 in Odoo, which the previous system (still running at a subcontractor)
    made into serial EXT-SN1 and shipped to customer B: a real link, then an
    imported one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old_customer = cls.env["res.partner"].create(
            {"name": "Old Customer", "is_company": True}
        )
        cls.old_contact = cls.env["res.partner"].create(
            {"name": "Old Buyer", "parent_id": cls.old_customer.id}
        )
        Lot = cls.env["stock.lot"]
        cls.old_r = Lot.create(
            {"name": "OLD-R", "product_id": cls.raw.id, "ref": "VENDOR-77"}
        )
        cls.old_s1, cls.old_s2 = Lot.create(
            [
                {"name": "OLD-S1", "product_id": cls.semi.id},
                {"name": "OLD-S2", "product_id": cls.semi.id},
            ]
        )
        Link = cls.env["traceability.history.link"]
        cls.link_1, cls.link_2 = Link.create(
            [
                {
                    "parent_lot_id": cls.old_r.id,
                    "child_lot_id": cls.old_s1.id,
                    "quantity": 6.0,
                    "date": datetime(2019, 5, 2, 8, 0),
                    "reference": "WO-2019-1",
                    "import_file": "history-2019.xlsx",
                },
                {
                    "parent_lot_id": cls.old_r.id,
                    "child_lot_id": cls.old_s2.id,
                    "quantity": 4.0,
                    "date": datetime(2019, 5, 3, 8, 0),
                    "reference": "WO-2019-2",
                },
            ]
        )
        cls.shipment = cls.env["traceability.history.shipment"].create(
            {
                "lot_id": cls.old_s1.id,
                "partner_id": cls.old_contact.id,
                "quantity": 3.0,
                "date": datetime(2019, 6, 1, 9, 0),
                "reference": "DN-2019-7",
            }
        )
        # Go-live: OLD-S2 counted in stock, then made into NEW-SN1 in Odoo.
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": cls.semi.id,
                "lot_id": cls.old_s2.id,
                "location_id": cls.stock_location.id,
                "inventory_quantity": 2.0,
            }
        ).action_apply_inventory()
        cls.new_sn1 = cls.flows.produce(
            cls.finished, 1, "NEW-SN1", {cls.semi: [(cls.old_s2, 1)]}
        ).lot_producing_id
        cls.order_a = cls.flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.new_sn1, 1)])]
        )
        # The reverse: made in Odoo, then by the previous system.
        cls.flows.receive(cls.vendor, cls.raw, [("V-NEW", 10)])
        cls.v_new = cls.lot(cls.raw, "V-NEW")
        cls.new_s1 = cls.flows.produce(
            cls.semi, 2, "NEW-S1", {cls.raw: [(cls.v_new, 4)]}
        ).lot_producing_id
        cls.ext_sn1 = Lot.create({"name": "EXT-SN1", "product_id": cls.finished.id})
        cls.link_3 = Link.create(
            {
                "parent_lot_id": cls.new_s1.id,
                "child_lot_id": cls.ext_sn1.id,
                "quantity": 1.0,
                "reference": "SUB-1",
            }
        )
        cls.ext_shipment = cls.env["traceability.history.shipment"].create(
            {
                "lot_id": cls.ext_sn1.id,
                "partner_id": cls.customer_b.id,
                "quantity": 1.0,
                "reference": "SUB-DN-1",
            }
        )
        cls.genealogy = cls.env["traceability.genealogy"]


class TestHistoryGenealogy(HistoryCommon):
    def test_forward_through_history_then_a_real_order(self):
        forward = self.genealogy.trace(self.old_r, "forward")
        self.assertEqual(
            forward.lot_ids,
            {self.old_r.id, self.old_s1.id, self.old_s2.id, self.new_sn1.id},
        )
        levels = {lot_id: lot["level"] for lot_id, lot in forward.lots.items()}
        self.assertEqual(levels[self.old_s1.id], 1)
        self.assertEqual(levels[self.new_sn1.id], 2)
        # Customers: the one known only from the history, and the real one.
        self.assertEqual(
            forward.customer_ids, {self.old_customer.id, self.customer_a.id}
        )
        self.assertEqual(forward.imported_customer_ids, {self.old_customer.id})
        self.assertEqual(
            forward.delivery_picking_ids, set(self.order_a.picking_ids.ids)
        )
        imported = [fact for fact in forward.deliveries if fact["imported"]]
        self.assertEqual(len(imported), 1)
        self.assertEqual(imported[0]["lot_id"], self.old_s1.id)
        self.assertEqual(imported[0]["partner_id"], self.old_contact.id)
        self.assertEqual(imported[0]["commercial_partner_id"], self.old_customer.id)
        self.assertEqual(imported[0]["reference"], "DN-2019-7")
        self.assertEqual(imported[0]["history_id"], self.shipment.id)
        self.assertEqual(imported[0]["quantity"], 3.0)
        self.assertFalse(imported[0]["picking_id"])
        real = [fact for fact in forward.deliveries if not fact["imported"]]
        self.assertEqual([fact["imported"] for fact in real], [False])
        # Edges: two imported links, one manufacturing order.
        edges = {(edge["src"], edge["dst"]): edge for edge in forward.edges}
        self.assertEqual(
            set(edges),
            {
                (self.old_r.id, self.old_s1.id),
                (self.old_r.id, self.old_s2.id),
                (self.old_s2.id, self.new_sn1.id),
            },
        )
        imported_edge = edges[(self.old_r.id, self.old_s1.id)]
        self.assertTrue(imported_edge["imported"])
        self.assertEqual(imported_edge["reference"], "WO-2019-1")
        self.assertEqual(imported_edge["history_id"], self.link_1.id)
        self.assertEqual(imported_edge["quantity"], 6.0)
        self.assertFalse(imported_edge["production_id"])
        real_edge = edges[(self.old_s2.id, self.new_sn1.id)]
        self.assertFalse(real_edge["imported"])
        self.assertTrue(real_edge["production_id"])

    def test_history_with_the_unbuild_step(self):
        # A database with unbuild orders walks both extra steps in one closure.
        for direction, root, expected in (
            ("forward", self.old_r, {self.old_s1, self.old_s2, self.new_sn1}),
            ("backward", self.ext_sn1, {self.new_s1, self.v_new}),
        ):
            self.env.cr.execute(
                self.genealogy._closure_query((root.id,), direction, True, history=True)
            )
            self.assertEqual(
                {row[0] for row in self.env.cr.fetchall()},
                {lot.id for lot in expected} | {root.id},
            )

    def test_backward_through_a_real_order_then_history(self):
        backward = self.genealogy.trace(self.new_sn1, "backward")
        self.assertEqual(
            backward.lot_ids, {self.new_sn1.id, self.old_s2.id, self.old_r.id}
        )
        self.assertEqual(backward.lots[self.old_r.id]["level"], 2)
        # A link's sibling is not reached backward.
        self.assertNotIn(self.old_s1.id, backward.lot_ids)

    def test_reverse_mix_real_then_imported(self):
        forward = self.genealogy.trace(self.v_new, "forward")
        self.assertEqual(
            forward.lot_ids, {self.v_new.id, self.new_s1.id, self.ext_sn1.id}
        )
        self.assertEqual(forward.customer_ids, {self.customer_b.id})
        self.assertEqual(forward.imported_customer_ids, {self.customer_b.id})
        backward = self.genealogy.trace(self.ext_sn1, "backward")
        self.assertEqual(
            backward.lot_ids, {self.ext_sn1.id, self.new_s1.id, self.v_new.id}
        )
        self.assertEqual(backward.vendor_ids, {self.vendor.id})
        # The same with only the border facts asked (the lightest statement).
        deliveries = self.genealogy.trace(self.v_new, "forward", parts=("delivery",))
        self.assertEqual(deliveries.customer_ids, {self.customer_b.id})
        self.assertEqual(
            [fact["reference"] for fact in deliveries.deliveries], ["SUB-DN-1"]
        )

    def test_cycle_through_history_ends(self):
        self.env["traceability.history.link"].create(
            {
                "parent_lot_id": self.old_s1.id,
                "child_lot_id": self.old_r.id,
                "reference": "REWORK-1",
            }
        )
        forward = self.genealogy.trace(self.old_s1, "forward")
        self.assertEqual(
            forward.lot_ids,
            {self.old_r.id, self.old_s1.id, self.old_s2.id, self.new_sn1.id},
        )

    def test_start_lots_of_a_customer_known_from_history(self):
        self.assertEqual(self.genealogy._start_lots(self.old_customer), self.old_s1)
        self.assertEqual(self.genealogy._start_lots(self.customer_b), self.ext_sn1)
        # A user who may not read the history starts from Odoo's records only.
        stock_user = new_test_user(
            self.env, "hist_start_stock", groups="stock.group_stock_user"
        )
        self.assertFalse(
            self.genealogy.with_user(stock_user)._start_lots(self.old_customer)
        )

    def test_without_history_the_statements_are_unchanged(self):
        # No history: the flags are off and the statements never name the
        # history tables (the benchmarked statements, as before).
        self.env.cr.execute("DELETE FROM traceability_history_shipment")
        self.env.cr.execute("DELETE FROM traceability_history_link")
        self.env.invalidate_all()
        database = self.genealogy._database_facts()
        self.assertFalse(database["history_links"])
        self.assertFalse(database["history_shipments"])
        for unbuilds in (False, True):
            closure = self.genealogy._closure_query(
                (self.v_new.id,), "forward", unbuilds
            )
            self.assertNotIn("traceability_history", closure.code)
        facts = self.genealogy._facts_query(
            [self.v_new.id], {"edges", "delivery", "stock"}, database["locations"]
        )
        self.assertNotIn("traceability_history", facts.code)
        forward = self.genealogy.trace(self.v_new, "forward")
        self.assertEqual(forward.lot_ids, {self.v_new.id, self.new_s1.id})
        self.assertFalse(forward.customer_ids)
        self.assertTrue(all(edge["imported"] is False for edge in forward.edges))

    def test_history_leaves_the_rest_of_the_genealogy_alone(self):
        # Traces of lots the history does not touch are the same whether the
        # walk follows history links or not: lots, levels, edges and facts.
        database = self.genealogy._database_facts()
        self.assertTrue(database["history_links"])
        self.assertTrue(database["history_shipments"])
        without = dict(database, history_links=False, history_shipments=False)
        receipt = self.flows.receive(self.vendor, self.raw, [("V-OTHER", 6)])
        other = self.lot(self.raw, "V-OTHER")
        shell = self.flows.produce(
            self.semi, 2, "S-OTHER", {self.raw: [(other, 4)]}
        ).lot_producing_id
        self.flows.deliver(self.customer_a, [(self.semi, [(shell, 1)])])
        self.assertTrue(receipt.picking_ids)
        for lots, direction in ((other, "forward"), (shell, "backward")):
            for parts in (None, ("delivery",), ("edges", "stock", "receipt")):
                with_history = self.genealogy.trace(lots, direction, parts=parts)
                expected = self._trace_without_history(lots, direction, parts, without)
                self.assertEqual(with_history.lots, expected.lots)
                self.assertEqual(
                    Counter(map(self._key, with_history.edges)),
                    Counter(map(self._key, expected.edges)),
                )
                for kind in expected.facts:
                    self.assertEqual(
                        Counter(map(self._key, with_history.facts[kind])),
                        Counter(map(self._key, expected.facts[kind])),
                        kind,
                    )

    def _trace_without_history(self, lots, direction, parts, database):
        result = TraceResult(direction=direction, root_ids=tuple(sorted(lots.ids)))
        self.env.flush_all()
        self.genealogy._trace_rows(
            result,
            result.root_ids,
            set(TRACE_PARTS if parts is None else parts),
            database,
        )
        return result

    @staticmethod
    def _key(values):
        return tuple(sorted(values.items()))

    def test_imported_lines_on_the_trace_screen(self):
        user = new_test_user(self.env, "hist_trace_user", groups=TRACE + "user")
        Trace = self.env["traceability.trace"].with_user(user)
        action = Trace._action_open(self.old_r.with_user(user), "forward")
        trace = Trace.browse(action["res_id"])
        lines = trace.line_ids
        links = lines.filtered(lambda line: line.kind == "imported_link")
        self.assertEqual(sorted(links.mapped("reference")), ["WO-2019-1", "WO-2019-2"])
        self.assertTrue(all(links.mapped("imported")))
        link_1 = links.filtered(lambda line: line.reference == "WO-2019-1")
        self.assertEqual(link_1.lot_id, self.old_s1)
        self.assertEqual(link_1.document, self.link_1)
        self.assertIn("Made from OLD-R (imported)", link_1.label)
        self.assertEqual(link_1.quantity, 6.0)
        self.assertEqual(link_1.date, datetime(2019, 5, 2, 8, 0))
        shipped = lines.filtered(lambda line: line.kind == "imported_delivery")
        self.assertEqual(len(shipped), 1)
        self.assertTrue(shipped.imported)
        self.assertEqual(shipped.reference, "DN-2019-7")
        self.assertEqual(shipped.partner_id, self.old_customer)
        self.assertEqual(shipped.document, self.shipment)
        self.assertEqual(shipped.quantity, -3.0)
        self.assertEqual(shipped.date, datetime(2019, 6, 1, 9, 0))
        delivered = lines.filtered(lambda line: line.kind == "delivery")
        self.assertEqual(delivered.document, self.order_a.picking_ids)
        self.assertFalse(delivered.imported)
        self.assertEqual(trace.customer_ids, self.old_customer | self.customer_a)
        self.assertEqual(trace.delivery_count, 1)
        # The imported line opens its history record.
        self.assertEqual(
            shipped.action_open_document()["res_model"],
            "traceability.history.shipment",
        )
        # The diagram marks the customer known only from the history.
        customers = trace.diagram_data["columns"][-1]
        details = {node["name"]: node["detail"] for node in customers["nodes"]}
        self.assertEqual(details[self.old_customer.display_name], "imported")
        self.assertEqual(details[self.customer_a.display_name], "")
        # The export shows the kind "(imported)" and the reference.
        rows = self.env["traceability.report.trace"]._report_table(trace)
        self.assertIn("Delivered (imported)", str(rows))
        self.assertIn("DN-2019-7", str(rows))


class TestHistoryCompanies(HistoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "History Company B"})
        # Lots shared by both companies, linked in company B only.
        Lot = cls.env["stock.lot"]
        cls.shared_parent, cls.shared_child = Lot.create(
            [
                {"name": "SHARED-P", "product_id": cls.raw.id, "company_id": False},
                {"name": "SHARED-C", "product_id": cls.semi.id, "company_id": False},
            ]
        )
        cls.link_b = (
            cls.env["traceability.history.link"]
            .with_company(cls.company_b)
            .create(
                {
                    "company_id": cls.company_b.id,
                    "parent_lot_id": cls.shared_parent.id,
                    "child_lot_id": cls.shared_child.id,
                    "reference": "B-WO-1",
                }
            )
        )
        cls.shipment_b = (
            cls.env["traceability.history.shipment"]
            .with_company(cls.company_b)
            .create(
                {
                    "company_id": cls.company_b.id,
                    "lot_id": cls.shared_parent.id,
                    "partner_id": cls.customer_b.id,
                    "reference": "B-DN-1",
                }
            )
        )
        cls.user_a = new_test_user(
            cls.env,
            "hist_user_a",
            groups=TRACE + "user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.user_ab = new_test_user(
            cls.env,
            "hist_user_ab",
            groups=TRACE + "user",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )

    def test_lot_or_customer_of_another_company_is_refused(self):
        """History of company B cannot name a lot or a customer of company A
        (as Odoo's check_company fields refuse): nothing is stored; shared
        lots and customers (no company) are accepted, as in setUpClass."""
        lot_a = self.env["stock.lot"].create(
            {
                "name": "ONLY-A",
                "product_id": self.raw.id,
                "company_id": self.company_a.id,
            }
        )
        customer_a = self.env["res.partner"].create(
            {"name": "Customer of A only", "company_id": self.company_a.id}
        )
        Link = self.env["traceability.history.link"].with_company(self.company_b)
        Shipment = self.env["traceability.history.shipment"].with_company(
            self.company_b
        )
        links, shipments = Link.search_count([]), Shipment.search_count([])
        good_link = {
            "parent_lot_id": self.shared_parent.id,
            "child_lot_id": self.shared_child.id,
        }
        good_shipment = {
            "lot_id": self.shared_parent.id,
            "partner_id": self.customer_b.id,
        }
        cases = [
            (Link, good_link, {"parent_lot_id": lot_a.id}),
            (Link, good_link, {"child_lot_id": lot_a.id}),
            (Shipment, good_shipment, {"lot_id": lot_a.id}),
            (Shipment, good_shipment, {"partner_id": customer_a.id}),
        ]
        company = {"company_id": self.company_b.id}
        for model, good, bad in cases:
            with self.subTest(bad=bad), self.assertRaises(UserError):
                # A good row first: the batch is refused whole.
                model.create(
                    [
                        good | company | {"reference": "B-OK"},
                        good | company | bad | {"reference": "B-BAD"},
                    ]
                )
        # A stored link cannot be moved to company A's lot either.
        with self.assertRaises(UserError):
            self.link_b.write({"parent_lot_id": lot_a.id})
        self.assertEqual(Link.search_count([]), links)
        self.assertEqual(Shipment.search_count([]), shipments)
        self.assertEqual(self.link_b.parent_lot_id, self.shared_parent)

    def test_link_of_another_company_is_not_walked(self):
        genealogy = self.env["traceability.genealogy"].with_user(self.user_a)
        forward = genealogy.trace(self.shared_parent, "forward")
        self.assertEqual(forward.lot_ids, {self.shared_parent.id})
        self.assertFalse(forward.edges)
        self.assertFalse(forward.customer_ids)
        backward = genealogy.trace(self.shared_child, "backward")
        self.assertEqual(backward.lot_ids, {self.shared_child.id})
        # Neither is it read through the ORM.
        History = self.env["traceability.history.link"].with_user(self.user_a)
        self.assertFalse(History.search([("id", "=", self.link_b.id)]))
        with self.assertRaises(AccessError):
            self.link_b.with_user(self.user_a).read(["reference"])
        with self.assertRaises(AccessError):
            self.shipment_b.with_user(self.user_a).read(["reference"])

    def test_link_of_an_allowed_company_is_walked(self):
        both = (self.company_a | self.company_b).ids
        genealogy = (
            self.env["traceability.genealogy"]
            .with_user(self.user_ab)
            .with_context(allowed_company_ids=both)
        )
        forward = genealogy.trace(self.shared_parent, "forward")
        self.assertEqual(forward.lot_ids, {self.shared_parent.id, self.shared_child.id})
        self.assertEqual(forward.customer_ids, {self.customer_b.id})
        # Company A alone selected: company B's history is left out.
        only_a = genealogy.with_context(allowed_company_ids=self.company_a.ids)
        self.assertEqual(
            only_a.trace(self.shared_parent, "forward").lot_ids,
            {self.shared_parent.id},
        )

    def test_lots_of_another_company_are_refused(self):
        lot_a = self.env["stock.lot"].create(
            {
                "name": "A-ONLY",
                "product_id": self.raw.id,
                "company_id": self.company_a.id,
            }
        )
        with self.assertRaises(UserError):
            self.env["traceability.history.link"].create(
                {
                    "company_id": self.company_b.id,
                    "parent_lot_id": lot_a.id,
                    "child_lot_id": self.shared_child.id,
                    "reference": "B-WO-2",
                }
            )


@tagged("post_install", "-at_install")
class TestHistoryAccess(HistoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trace_user = new_test_user(cls.env, "hist_acc_user", groups=TRACE + "user")
        cls.manager = new_test_user(
            cls.env, "hist_acc_manager", groups=TRACE + "manager"
        )
        cls.stock_user = new_test_user(
            cls.env, "hist_acc_stock", groups="stock.group_stock_user"
        )
        cls.portal = new_test_user(
            cls.env,
            "hist_acc_portal",
            groups="base.group_portal",
            partner_id=cls.old_contact.id,
        )

    def _snapshot(self):
        self.env.invalidate_all()
        return (
            self.link_1.read(LINK_FIELDS)[0],
            self.shipment.read(SHIPMENT_FIELDS)[0],
        )

    def test_user_reads_but_never_writes(self):
        before = self._snapshot()
        link = self.link_1.with_user(self.trace_user)
        self.assertEqual(link.reference, "WO-2019-1")
        self.assertEqual(
            self.env["traceability.history.shipment"]
            .with_user(self.trace_user)
            .search([("lot_id", "=", self.old_s1.id)]),
            self.shipment,
        )
        for record in (link, self.shipment.with_user(self.trace_user)):
            with self.assertRaises(AccessError):
                record.write({"quantity": 99.0})
            with self.assertRaises(AccessError):
                record.unlink()
        with self.assertRaises(AccessError):
            self.env["traceability.history.link"].with_user(self.trace_user).create(
                {
                    "parent_lot_id": self.old_s1.id,
                    "child_lot_id": self.old_s2.id,
                    "reference": "FORGED",
                }
            )
        with self.assertRaises(AccessError):
            self.env["traceability.history.shipment"].with_user(self.trace_user).create(
                {
                    "lot_id": self.old_s1.id,
                    "partner_id": self.customer_a.id,
                    "reference": "FORGED",
                }
            )
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(
            self.env["traceability.history.link"].search([("reference", "=", "FORGED")])
        )

    def test_manager_corrects_quantity_and_date_tracked(self):
        link = self.link_1.with_context(tracking_disable=False).with_user(self.manager)
        link.write({"quantity": 5.5, "date": datetime(2019, 5, 2, 10, 0)})
        # Tracking values are written when the transaction commits.
        self.env.cr.precommit.run()
        tracked = self.link_1.message_ids.tracking_value_ids
        self.assertEqual(set(tracked.field_id.mapped("name")), {"quantity", "date"})
        quantity = tracked.filtered(lambda value: value.field_id.name == "quantity")
        self.assertEqual(
            (quantity.old_value_float, quantity.new_value_float), (6.0, 5.5)
        )
        # Writing the key fields' own values again (an import updating a known
        # row) is accepted.
        link.write({"reference": "WO-2019-1", "parent_lot_id": self.old_r.id})
        shipment = self.shipment.with_user(self.manager)
        shipment.quantity = 2.0
        self.assertEqual(self.shipment.quantity, 2.0)

    def test_manager_never_changes_keys_nor_deletes(self):
        before = self._snapshot()
        link = self.link_1.with_user(self.manager)
        shipment = self.shipment.with_user(self.manager)
        for record, values in (
            (link, {"reference": "WO-EDITED"}),
            (link, {"parent_lot_id": self.v_new.id}),
            (link, {"child_lot_id": self.new_s1.id}),
            (link, {"company_id": False}),
            (shipment, {"partner_id": self.customer_a.id}),
            (shipment, {"lot_id": self.old_s2.id}),
            (shipment, {"reference": "DN-EDITED"}),
        ):
            with self.refused(UserError, "cannot be changed"):
                record.write(values)
        for record in (link, shipment):
            with self.assertRaises(AccessError):
                record.unlink()
        # Not even in superuser mode: history is evidence.
        for record in (self.link_1, self.shipment):
            with self.refused(UserError, "kept as evidence"):
                record.sudo().unlink()
        self.assertEqual(self._snapshot(), before)

    def test_manager_creates_and_the_key_is_unique(self):
        Link = self.env["traceability.history.link"].with_user(self.manager)
        link = Link.create(
            {
                "parent_lot_id": self.old_s1.id,
                "child_lot_id": self.old_s2.id,
                "reference": "WO-NEW",
            }
        )
        self.assertEqual(link.company_id, self.env.company)
        # No reference: stored empty, and part of the key all the same.
        unnamed = Link.create(
            {
                "parent_lot_id": self.old_s2.id,
                "child_lot_id": self.old_s1.id,
                "reference": False,
            }
        )
        self.assertEqual(unnamed.reference, "")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Link.create(
                    {"parent_lot_id": self.old_s2.id, "child_lot_id": self.old_s1.id}
                )
                self.env.flush_all()
        with self.refused(ValidationError, "made from itself"):
            Link.create(
                {
                    "parent_lot_id": self.old_s1.id,
                    "child_lot_id": self.old_s1.id,
                    "reference": "SELF",
                }
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Link.create(
                    {
                        "parent_lot_id": self.old_s1.id,
                        "child_lot_id": self.old_s2.id,
                        "reference": "WO-NEW",
                    }
                )
                self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["traceability.history.shipment"].with_user(
                    self.manager
                ).create(
                    {
                        "lot_id": self.old_s1.id,
                        "partner_id": self.old_contact.id,
                        "reference": "DN-2019-7",
                    }
                )
                self.env.flush_all()

    def test_portal_and_stock_users_read_nothing(self):
        for user in (self.portal, self.stock_user):
            for record in (self.link_1, self.shipment):
                with self.assertRaises(AccessError):
                    record.with_user(user).read(["reference"])
                with self.assertRaises(AccessError):
                    record.with_user(user).search([])
                with self.assertRaises(AccessError):
                    record.with_user(user).write({"quantity": 0.0})
            with self.assertRaises(AccessError):
                self.env["traceability.history.link"].with_user(user).create(
                    {
                        "parent_lot_id": self.old_s1.id,
                        "child_lot_id": self.old_s2.id,
                        "reference": "PORTAL",
                    }
                )
        self.assertEqual(self.link_1.quantity, 6.0)

    def test_rpc_of_a_trace_user(self):
        rows = rpc(
            self.env,
            self.trace_user,
            "traceability.history.link",
            "search_read",
            [[("child_lot_id", "=", self.old_s1.id)]],
            {"fields": ["reference", "quantity"]},
        )
        self.assertEqual([row["reference"] for row in rows], ["WO-2019-1"])
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_user,
                "traceability.history.link",
                "write",
                [self.link_1.ids, {"quantity": 0.0}],
            )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.stock_user,
                "traceability.history.shipment",
                "search_read",
                [[]],
                {"fields": ["partner_id"]},
            )
        self.assertEqual(self.link_1.quantity, 6.0)


LINK_FIELDS = [
    "company_id",
    "parent_lot_id",
    "child_lot_id",
    "quantity",
    "date",
    "reference",
    "import_file",
]
SHIPMENT_FIELDS = [
    "company_id",
    "lot_id",
    "partner_id",
    "quantity",
    "date",
    "reference",
    "import_file",
]
