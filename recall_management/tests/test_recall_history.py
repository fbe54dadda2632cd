# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from .test_recall import RecallCommon


class TestRecallHistory(RecallCommon):
    """A recall of a lot made before go-live reaches the customers known only
    from the imported history.

    History: resin lot OLD-RV made shell OLD-RS (work order WO-OLD-1), shipped
    to Legacy Customer (DN-OLD-1) before go-live. At go-live 1 of OLD-RS was
    counted in stock and made into serial NEW-RSN in Odoo, delivered to
    customer A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legacy = cls.env["res.partner"].create(
            {
                "name": "Legacy Customer",
                "is_company": True,
                "email": "legacy@example.com",
                "street": "3 Old Road",
                "city": "Namur",
            }
        )
        Lot = cls.env["stock.lot"]
        cls.old_rv = Lot.create({"name": "OLD-RV", "product_id": cls.raw.id})
        cls.old_rs = Lot.create({"name": "OLD-RS", "product_id": cls.semi.id})
        cls.link = cls.env["traceability.history.link"].create(
            {
                "parent_lot_id": cls.old_rv.id,
                "child_lot_id": cls.old_rs.id,
                "quantity": 4.0,
                "date": datetime(2019, 3, 1, 8, 0),
                "reference": "WO-OLD-1",
            }
        )
        cls.shipment = cls.env["traceability.history.shipment"].create(
            {
                "lot_id": cls.old_rs.id,
                "partner_id": cls.legacy.id,
                "quantity": 2.0,
                "date": datetime(2019, 4, 1, 8, 0),
                "reference": "DN-OLD-1",
            }
        )
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": cls.semi.id,
                "lot_id": cls.old_rs.id,
                "location_id": cls.stock_location.id,
                "inventory_quantity": 1.0,
            }
        ).action_apply_inventory()
        cls.new_rsn = cls.flows.produce(
            cls.finished, 1, "NEW-RSN", {cls.semi: [(cls.old_rs, 1)]}
        ).lot_producing_id
        cls.order_new = cls.flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.new_rsn, 1)])]
        )

    def test_recall_of_a_pre_go_live_lot_reaches_the_imported_customer(self):
        recall = self._recall(self.old_rv, consumer_instructions="Stop using it.")
        self.assertEqual(
            recall.lot_ids.lot_id, self.old_rv | self.old_rs | self.new_rsn
        )
        path = recall.lot_ids.filtered(lambda lot: lot.lot_id == self.new_rsn).path
        self.assertEqual(path, "OLD-RV → OLD-RS → NEW-RSN")
        delivered = recall.scope_line_ids.filtered(
            lambda line: line.kind == "delivered"
        )
        imported = delivered.filtered("imported")
        self.assertEqual(imported.partner_id, self.legacy)
        self.assertEqual(imported.lot_id, self.old_rs)
        self.assertEqual(imported.reference, "DN-OLD-1")
        self.assertEqual(imported.quantity, 2.0)
        self.assertEqual(imported.date, datetime(2019, 4, 1, 8, 0))
        self.assertFalse(imported.picking_id)
        real = delivered - imported
        self.assertEqual(real.partner_id, self.customer_a)
        self.assertEqual(real.picking_id, self.order_new.picking_ids)
        self.assertFalse(real.reference)
        # Both customers get a notice; the legacy one is notified by e-mail.
        self.assertEqual(recall.customer_ids.partner_id, self.legacy | self.customer_a)
        notice = recall.customer_ids.filtered(lambda c: c.partner_id == self.legacy)
        self.assertEqual(notice.delivered_qty, 2.0)
        self.assertEqual(notice.scope_line_ids, imported)
        self.assertTrue(notice.imported)
        notice_a = recall.customer_ids - notice
        self.assertFalse(notice_a.imported)
        recall.with_user(self.manager).action_notify_customers()
        self.assertTrue(notice.date_notified)
        message = notice.message_ids.filtered(
            lambda m: m.subject and recall.name in m.subject
        )
        self.assertIn("OLD-RS", message.body)
        self.assertIn(self.legacy, message.partner_ids)

    def test_exports_mark_imported(self):
        recall = self._recall(self.old_rv)
        header, rows = self.env["recall.report.scope"]._report_table(recall)
        by_kind = {row[header.index("Kind")]: row for row in rows}
        row = by_kind["Delivered (imported)"]
        self.assertEqual(row[header.index("Lot/Serial Number")], "OLD-RS")
        self.assertEqual(row[header.index("Transfer")], "DN-OLD-1")
        self.assertEqual(row[header.index("Partner")], "Legacy Customer")
        self.assertEqual(
            by_kind["Delivered"][header.index("Transfer")],
            self.order_new.picking_ids.name,
        )
        # FSMA 204: the imported transformation and shipping, marked.
        header, rows = self.env["recall.report.fsma204"]._report_table(recall)
        events = {row[0]: row for row in rows}
        shipping = events["Shipping (imported)"]
        self.assertEqual(shipping[header.index("Traceability Lot Code")], "OLD-RS")
        self.assertEqual(
            shipping[header.index("Ship-To / Location")],
            "Legacy Customer, 3 Old Road, Namur",
        )
        self.assertEqual(
            shipping[header.index("Reference Document Number")], "DN-OLD-1"
        )
        made = events["Transformation (imported)"]
        self.assertEqual(made[header.index("Traceability Lot Code")], "OLD-RS")
        self.assertEqual(made[header.index("Input Lots")], "OLD-RV")
        self.assertEqual(made[header.index("Reference Document Number")], "WO-OLD-1")
        self.assertIn("Transformation", events)
        self.assertIn("Shipping", events)
        # One step back, one step forward: the customer with its reference.
        header, rows = self.env["recall.report.one_up_one_down"]._report_table(recall)
        documents = {
            row[header.index("Supplier or Customer")]: row[header.index("Document")]
            for row in rows
        }
        self.assertEqual(documents["Legacy Customer"], "DN-OLD-1 (imported)")
        self.assertEqual(documents["Test Customer A"], self.order_new.picking_ids.name)
        # The downloaded file holds the same mark.
        action = recall.with_user(self.manager).action_export_scope_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        self.assertIn(b"Delivered (imported)", attachment.raw)
        self.assertIn(b"DN-OLD-1", attachment.raw)

    def test_history_of_another_company_stays_out(self):
        company_b = self.env["res.company"].create({"name": "Recall History B"})
        shared_p, shared_c = self.env["stock.lot"].create(
            [
                {"name": "SHARED-P", "product_id": self.raw.id, "company_id": False},
                {"name": "SHARED-C", "product_id": self.semi.id, "company_id": False},
            ]
        )
        other = self.env["res.partner"].create({"name": "B Customer"})
        self.env["traceability.history.link"].create(
            {
                "company_id": company_b.id,
                "parent_lot_id": shared_p.id,
                "child_lot_id": shared_c.id,
                "reference": "B-WO",
            }
        )
        self.env["traceability.history.shipment"].create(
            {
                "company_id": company_b.id,
                "lot_id": shared_c.id,
                "partner_id": other.id,
                "reference": "B-DN",
            }
        )
        recall = self._recall(shared_p)
        self.assertEqual(recall.lot_ids.lot_id, shared_p)
        self.assertFalse(recall.customer_ids)
        self.assertFalse(recall.scope_line_ids.filtered("imported"))
