# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

T1 = datetime(2026, 3, 2, 8, 0)  # boxes received and packed
T2 = datetime(2026, 3, 2, 10, 0)  # boxes put on the pallet
T3 = datetime(2026, 3, 3, 9, 0)  # the pallet shipped
T4 = datetime(2026, 3, 5, 9, 0)  # the pallet broken up, the box unpacked
T5 = datetime(2026, 3, 6, 9, 0)  # the box reused
T6 = datetime(2026, 3, 7, 9, 0)  # the box on another pallet


class PackageHistoryCommon(TransactionCase):
    """Receipts put in packs, boxes on pallets, deliveries: Odoo's own flows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.supplier = cls.env.ref("stock.stock_location_suppliers")
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.vendor, cls.customer = cls.env["res.partner"].create(
            [{"name": "PH Vendor"}, {"name": "PH Customer"}]
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "PH Kettle",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.untracked = cls.env["product.product"].create(
            {"name": "PH Manual", "type": "consu", "is_storable": True}
        )
        cls.Event = cls.env["traceability.package.event"]
        cls.Package = cls.env["stock.quant.package"]

    @classmethod
    def _picking(cls, picking_type, source, destination, lines, env=None):
        """A confirmed transfer of ``lines`` [(product, quantity, lot name)]:
        its move lines carry the given lot names (receipts) or are reserved
        by Odoo (other transfers)."""
        env = env or cls.env
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": cls.customer.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                    for product, quantity, _lot_name in lines
                ],
            }
        )
        picking.action_confirm()
        if source.usage == "supplier":
            for move, (product, quantity, lot_name) in zip(
                picking.move_ids, lines, strict=True
            ):
                move.move_line_ids = [
                    Command.delete(line.id) for line in move.move_line_ids
                ] + [
                    Command.create(
                        {
                            "picking_id": picking.id,
                            "product_id": product.id,
                            "quantity": quantity,
                            "lot_name": lot_name or False,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ]
        else:
            picking.action_assign()
        picking.move_ids.picked = True
        return picking

    @classmethod
    def _receive_in_pack(cls, lines, env=None):
        """Receive ``lines`` and put them in a new pack (Put in Pack)."""
        picking = cls._picking(
            cls.warehouse.in_type_id, cls.supplier, cls.stock, lines, env=env
        )
        package = picking.action_put_in_pack()
        cls._validate(picking)
        return picking, package

    @staticmethod
    def _validate(picking):
        if picking.button_validate() is not True:
            raise AssertionError(f"{picking.name} asked for a wizard")

    @classmethod
    def _ship(cls, lines):
        picking = cls._picking(
            cls.warehouse.out_type_id, cls.stock, cls.customers, lines
        )
        cls._validate(picking)
        return picking

    def _events(self, events=None):
        """Events as comparable tuples (move line events keep their date)."""
        events = self.Event.search([]) if events is None else events
        return sorted(
            (
                event.action,
                event.package_id.id,
                event.child_package_id.id,
                event.product_id.id,
                event.lot_id.id,
                event.quantity,
                event.move_line_id.id,
                str(event.date) if event.move_line_id else "",
            )
            for event in events
        )


@tagged("post_install", "-at_install")
class TestPackageHistory(PackageHistoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The history of what the database held before these flows.
        cls.Event._traceability_backfill_history()
        cls.before = cls.Event.search([]).ids
        with freeze_time(T1):
            cls.receipt_1, cls.box_1 = cls._receive_in_pack(
                [(cls.product, 10, "PH-LOT-A")]
            )
            cls.receipt_2, cls.box_2 = cls._receive_in_pack(
                [(cls.product, 5, "PH-LOT-B"), (cls.untracked, 3, False)]
            )
        cls.lot_a, cls.lot_b = (
            cls.receipt_1.move_line_ids.lot_id,
            (cls.receipt_2.move_line_ids.lot_id),
        )
        with freeze_time(T2):
            cls.pallet = cls.Package.create(
                {"name": "PH-PALLET", "traceability_level": "pallet"}
            )
            (cls.box_1 | cls.box_2).parent_package_id = cls.pallet
        with freeze_time(T3):
            cls.delivery = cls._ship(
                [(cls.product, 15, None), (cls.untracked, 3, None)]
            )

    def _new_events(self):
        return self.Event.search([("id", "not in", self.before)])

    def test_put_in_pack_records_the_content(self):
        events = self._new_events().filtered("product_id")
        self.assertEqual(
            sorted(
                (e.action, e.package_id.id, e.lot_id.name or "", e.quantity, e.source)
                for e in events
            ),
            sorted(
                [
                    ("pack", self.box_1.id, "PH-LOT-A", 10.0, "move"),
                    ("pack", self.box_2.id, "PH-LOT-B", 5.0, "move"),
                    ("pack", self.box_2.id, "", 3.0, "move"),
                ]
            ),
        )
        self.assertEqual(
            events.move_line_id.picking_id, self.receipt_1 | self.receipt_2
        )
        self.assertTrue(
            all(e.date == T1 and e.user_id == self.env.user for e in events)
        )
        self.assertEqual(events.company_id, self.env.company)

    def test_pallet_links_are_recorded(self):
        links = self._new_events().filtered("child_package_id")
        self.assertEqual(
            sorted((e.action, e.child_package_id.id, e.source) for e in links),
            [("pack", self.box_1.id, "link"), ("pack", self.box_2.id, "link")],
        )
        self.assertEqual(links.package_id, self.pallet)
        self.assertEqual(set(links.mapped("date")), {T2})

    def test_entire_packages_shipped_record_nothing(self):
        lines = self.delivery.move_line_ids
        self.assertEqual(lines.package_id, self.box_1 | self.box_2)
        self.assertTrue(
            all(line.package_id == line.result_package_id for line in lines)
        )
        self.assertFalse(self._new_events().filtered(lambda e: e.date == T3))
        self.assertEqual(self.box_1.location_id, self.customers)

    def test_content_at(self):
        empty = self.pallet._traceability_content_at(datetime(2026, 3, 2, 9, 0))
        self.assertFalse(empty["boxes"])
        self.assertFalse(empty["totals"])
        loaded = self.pallet._traceability_content_at(T2)
        self.assertEqual(loaded["boxes"], self.box_1 | self.box_2)
        self.assertEqual(
            loaded["totals"],
            {
                (self.product, self.lot_a): 10.0,
                (self.product, self.lot_b): 5.0,
                (self.untracked, self.env["stock.lot"]): 3.0,
            },
        )
        box = self.box_2._traceability_content_at(T1)
        self.assertFalse(box["boxes"])
        self.assertEqual(
            sorted((line["product"].name, line["quantity"]) for line in box["lines"]),
            [("PH Kettle", 5.0), ("PH Manual", 3.0)],
        )
        self.assertEqual(box["lines"][0]["package"], self.box_2)
        before = self.box_1._traceability_content_at("2026-03-01 00:00:00")
        self.assertFalse(before["lines"])

    def test_shipped_content_survives_the_break_up(self):
        with freeze_time(T4):
            # The customer's pallet is broken up and the box emptied (Odoo's
            # Unpack), then the box is reused for another receipt.
            (self.box_1 | self.box_2).parent_package_id = False
            self.box_1.unpack()
        with freeze_time(T5):
            picking = self._picking(
                self.warehouse.in_type_id,
                self.supplier,
                self.stock,
                [(self.product, 7, "PH-LOT-C")],
            )
            picking.move_line_ids.result_package_id = self.box_1
            self.assertTrue(picking.button_validate())
        lot_c = picking.move_line_ids.lot_id
        with freeze_time(T6):
            pallet_2 = self.Package.create(
                {"name": "PH-PALLET-2", "traceability_level": "pallet"}
            )
            self.box_1.parent_package_id = pallet_2

        shipped = self.pallet._traceability_shipped_content()
        self.assertEqual(shipped["move_line"].picking_id, self.delivery)
        self.assertEqual(shipped["boxes"], self.box_1 | self.box_2)
        self.assertEqual(
            shipped["totals"],
            {
                (self.product, self.lot_a): 10.0,
                (self.product, self.lot_b): 5.0,
                (self.untracked, self.env["stock.lot"]): 3.0,
            },
        )
        now = self.pallet._traceability_content_at(T6)
        self.assertFalse(now["boxes"] or now["lines"])
        # The unpacking at the customer: Odoo's own move lines.
        unpacked = self._new_events().filtered(lambda e: e.date == T4 and e.product_id)
        self.assertEqual(unpacked.mapped("action"), ["unpack"])
        self.assertEqual(unpacked.package_id, self.box_1)
        self.assertFalse(self.box_1._traceability_content_at(T4)["lines"])
        reused = self.box_1._traceability_content_at(T5)
        self.assertEqual(reused["totals"], {(self.product, lot_c): 7.0})
        self.assertEqual(self.pallet._traceability_lots(), self.lot_a | self.lot_b)
        self.assertEqual(self.box_1._traceability_lots(), self.lot_a | lot_c)
        self.assertEqual(pallet_2._traceability_lots(), lot_c)
        # The box never left with the second pallet: its content now.
        self.assertFalse(pallet_2._traceability_shipped_content()["move_line"])
        self.assertEqual(
            pallet_2._traceability_shipped_content()["totals"],
            {(self.product, lot_c): 7.0},
        )
        # The package form shows it.
        html = str(self.pallet.traceability_shipped_content_html)
        self.assertIn("PH-LOT-A", html)
        self.assertIn(self.delivery.name, html)
        self.assertNotIn("PH-LOT-C", html)

    def test_history_button(self):
        self.assertEqual(self.box_1.traceability_package_event_count, 2)
        action = self.box_1.action_view_traceability_package_events()
        self.assertEqual(action["res_model"], "traceability.package.event")
        events = self.Event.search(action["domain"])
        self.assertEqual(len(events), 2)
        self.assertEqual(self.pallet.traceability_package_event_count, 2)

    def test_entire_package_internal_move(self):
        with freeze_time(T4):
            (self.box_1 | self.box_2).parent_package_id = False
        shelf = self.env["stock.location"].create(
            {"name": "PH Shelf", "location_id": self.stock.id}
        )
        with freeze_time(T5):
            receipt, box = self._receive_in_pack([(self.product, 4, "PH-LOT-D")])
        count = self.Event.search_count([])
        with freeze_time(T6):
            picking = self._picking(
                self.warehouse.int_type_id, self.stock, shelf, [(self.product, 4, None)]
            )
            self.assertEqual(picking.move_line_ids.package_id, box)
            self.assertEqual(picking.move_line_ids.result_package_id, box)
            self.assertTrue(picking.button_validate())
        self.assertEqual(box.location_id, shelf)
        self.assertEqual(self.Event.search_count([]), count)
        self.assertEqual(
            box._traceability_content_at(T6)["totals"],
            {(self.product, receipt.move_line_ids.lot_id): 4.0},
        )

    def test_partial_pick_unpacks(self):
        with freeze_time(T4):
            receipt, box = self._receive_in_pack([(self.product, 6, "PH-LOT-E")])
        lot_e = receipt.move_line_ids.lot_id
        with freeze_time(T5):
            picking = self._picking(
                self.warehouse.out_type_id,
                self.stock,
                self.customers,
                [(self.product, 2, None)],
            )
            self.assertEqual(picking.move_line_ids.package_id, box)
            self.assertFalse(picking.move_line_ids.result_package_id)
            self.assertTrue(picking.button_validate())
        events = self.Event.search([("date", "=", T5)])
        self.assertEqual(
            [(e.action, e.package_id, e.lot_id, e.quantity) for e in events],
            [("unpack", box, lot_e, 2.0)],
        )
        self.assertEqual(
            box._traceability_content_at(T5)["totals"], {(self.product, lot_e): 4.0}
        )
        # Shipped content of a box that only lost part of its content: the
        # content just before it.
        self.assertEqual(
            box._traceability_shipped_content()["totals"],
            {(self.product, lot_e): 6.0},
        )

    def test_corrected_done_line(self):
        line = self.receipt_1.move_line_ids
        with freeze_time(T4):
            line.quantity = 8
        events = self.Event.search([("move_line_id", "=", line.id)])
        self.assertEqual(
            sorted((e.action, e.quantity) for e in events),
            [("pack", 8.0), ("pack", 10.0), ("unpack", 10.0)],
        )
        self.assertEqual(
            self.box_1._traceability_content_at(T1)["totals"],
            {(self.product, self.lot_a): 8.0},
        )

    def test_backfill_gives_the_live_history(self):
        live = self._events(self._new_events())
        # A database from before the history: the same flows, no events, the
        # packages made when the goods were received.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_quant_package SET create_date = %s WHERE id = ANY(%s)",
            [T1, (self.box_1 | self.box_2 | self.pallet).ids],
        )
        self.env.cr.execute(
            "DELETE FROM traceability_package_event WHERE id = ANY(%s)",
            [self._new_events().ids],
        )
        self.env.invalidate_all()
        created = self.Event._traceability_backfill_history()
        self.assertEqual(created, len(live))
        backfilled = self._new_events()
        self.assertEqual(set(backfilled.mapped("source")), {"migration"})
        self.assertEqual(self._events(backfilled), live)
        # The links are dated when both packages existed, before the shipment.
        links = backfilled.filtered("child_package_id")
        self.assertTrue(all(link.date <= T3 for link in links))
        shipped = self.pallet._traceability_shipped_content()
        self.assertEqual(shipped["boxes"], self.box_1 | self.box_2)
        self.assertEqual(len(shipped["totals"]), 3)
        # Never twice.
        self.assertEqual(self.Event._traceability_backfill_history(), 0)
        self.assertEqual(self._new_events(), backfilled)

    def test_backfill_closes_a_link_changed_without_history(self):
        # A box moved to another pallet by SQL (an import bypassing the ORM).
        pallet_2 = self.Package.create(
            {"name": "PH-P2", "traceability_level": "pallet"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_quant_package SET parent_package_id = %s WHERE id = %s",
            [pallet_2.id, self.box_1.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.Event._traceability_backfill_history(), 2)
        self.assertEqual(
            self.pallet._traceability_content_at(datetime.now())["boxes"], self.box_2
        )
        self.assertEqual(
            pallet_2._traceability_content_at(datetime.now())["boxes"], self.box_1
        )
        self.assertEqual(self.Event._traceability_backfill_history(), 0)


@tagged("post_install", "-at_install")
class TestPackageHistoryStockUser(PackageHistoryCommon):
    def test_stock_user_validates_a_receipt_into_a_package(self):
        user = new_test_user(self.env, "ph_stock_user", groups="stock.group_stock_user")
        self.assertFalse(user.has_group("quality_traceability.group_traceability_user"))
        env = self.env(user=user)
        picking, package = self._receive_in_pack(
            [(self.product, 2, "PH-USER-LOT")], env=env
        )
        self.assertEqual(picking.state, "done")
        events = self.Event.search([("package_id", "=", package.id)])
        self.assertEqual(len(events), 1)
        self.assertEqual(events.user_id, user)
        # The user sees the history of the package and puts it on a pallet.
        pallet = env["stock.quant.package"].create(
            {"name": "PH-USER-PALLET", "traceability_level": "pallet"}
        )
        package.with_env(env).parent_package_id = pallet
        self.assertEqual(
            env["stock.quant.package"]
            .browse(pallet.id)
            ._traceability_shipped_content()["boxes"],
            package,
        )
        self.assertEqual(
            env["traceability.package.event"].search_count(
                [("package_id", "in", (package | pallet).ids)]
            ),
            2,
        )
