# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from odoo.addons.quality_traceability.tests.common import TraceabilityCommon
from odoo.addons.quality_traceability.tests.flows import Flows


class RecallCommon(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True))
        cls.flows = Flows(cls.env)
        cls.customer_a.email = "a@example.com"
        cls.customer_b.email = "b@example.com"
        cls.flows.receive(cls.vendor, cls.raw, [("RV-1", 10), ("RV-2", 10)])
        cls.rv1, cls.rv2 = cls.lot(cls.raw, "RV-1"), cls.lot(cls.raw, "RV-2")
        cls.flows.produce(cls.semi, 3, "RS-1", {cls.raw: [(cls.rv1, 6)]})
        cls.flows.produce(cls.semi, 2, "RS-2", {cls.raw: [(cls.rv2, 4)]})
        cls.rs1, cls.rs2 = cls.lot(cls.semi, "RS-1"), cls.lot(cls.semi, "RS-2")
        cls.serials = [
            cls.flows.produce(
                cls.finished, 1, f"RSN-{i}", {cls.semi: [(cls.rs1, 1)]}
            ).lot_producing_id
            for i in (1, 2)
        ]
        cls.order_a = cls.flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.serials[0], 1)])]
        )
        cls.order_b = cls.flows.deliver(
            cls.customer_b, [(cls.finished, [(cls.serials[1], 1)])]
        )
        cls.manager = new_test_user(
            cls.env,
            "recall_manager_test",
            groups="recall_management.group_recall_manager,stock.group_stock_manager",
        )
        cls.reader = new_test_user(
            cls.env,
            "recall_reader_test",
            groups="quality_traceability.group_traceability_user",
        )

    def _recall(self, lots, **values):
        recall = (
            self.env["recall.recall"]
            .with_user(self.manager)
            .create(
                dict(
                    {
                        "reason": "Contaminated resin",
                        "source_lot_ids": [(6, 0, lots.ids)],
                    },
                    **values,
                )
            )
        )
        recall.action_scope()
        return recall


class TestRecallScope(RecallCommon):
    def test_scope_from_vendor_lot(self):
        recall = self._recall(self.rv1)
        self.assertEqual(recall.state, "scoped")
        self.assertTrue(recall.name.startswith("RC/"))
        self.assertEqual(
            recall.lot_ids.lot_id,
            self.rv1 | self.rs1 | self.serials[0] | self.serials[1],
        )
        path = recall.lot_ids.filtered(lambda lot: lot.lot_id == self.serials[0]).path
        self.assertEqual(path, "RV-1 → RS-1 → RSN-1")
        delivered = recall.scope_line_ids.filtered(
            lambda line: line.kind == "delivered"
        )
        self.assertEqual(delivered.partner_id, self.customer_a | self.customer_b)
        self.assertEqual(delivered.sale_order_id, self.order_a | self.order_b)
        stock = recall.scope_line_ids.filtered(lambda line: line.kind == "stock")
        self.assertEqual(
            {(line.lot_id, line.quantity) for line in stock},
            {(self.rv1, 4), (self.rs1, 1)},
        )
        self.assertEqual(stock.warehouse_id, self.env.ref("stock.warehouse0"))
        self.assertEqual(
            recall.customer_ids.partner_id, self.customer_a | self.customer_b
        )
        self.assertTrue(recall.date_scoped)
        # RV-2 is another vendor lot: not in scope.
        self.assertNotIn(self.rs2, recall.lot_ids.lot_id)

    def test_open_sales_orders_in_scope(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_b.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.finished.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        order.action_confirm()
        recall = self._recall(self.rv1)
        open_lines = recall.scope_line_ids.filtered(
            lambda line: line.kind == "open_sale"
        )
        self.assertIn(order, open_lines.sale_order_id)
        self.assertEqual(
            open_lines.filtered(lambda line: line.sale_order_id == order).quantity, 1
        )
        # Orders delivered in full stay confirmed, but nothing of them can be
        # stopped: they are not open sales.
        delivered_orders = recall.scope_line_ids.filtered(
            lambda line: line.kind == "delivered"
        ).sale_order_id
        self.assertTrue(delivered_orders)
        self.assertEqual(set(delivered_orders.mapped("state")), {"sale"})
        self.assertFalse(delivered_orders & open_lines.sale_order_id)

    def test_rescope_shows_changes(self):
        recall = self._recall(self.rs1)
        self.assertEqual(len(recall.customer_ids), 2)
        self.flows.receive(self.vendor, self.raw, [("RV-3", 2)])
        # A new serial made from RS-1 after the first scope, delivered to A.
        serial = self.flows.produce(
            self.finished, 1, "RSN-9", {self.semi: [(self.rs1, 1)]}
        ).lot_producing_id
        recall.action_scope()
        self.assertIn(serial, recall.lot_ids.lot_id)
        self.assertIn("RSN-9", recall.scope_changes)

    def test_wizard_from_sale_order(self):
        wizard = Form(
            self.env["recall.create.wizard"]
            .with_user(self.manager)
            .with_context(active_model="sale.order", active_ids=self.order_a.ids)
        )
        self.assertEqual(wizard.source, "sale_order")
        self.assertEqual(wizard.lot_ids[:], self.serials[0])
        wizard.reason = "Customer complaint"
        action = wizard.save().action_create_recall()
        recall = self.env["recall.recall"].browse(action["res_id"])
        self.assertEqual(recall.source_lot_ids, self.serials[0])
        self.assertEqual(recall.state, "scoped")
        self.assertEqual(recall.customer_ids.partner_id, self.customer_a)

    def test_wizard_from_vendor_lot_and_dates(self):
        wizard = (
            self.env["recall.create.wizard"]
            .with_user(self.manager)
            .create(
                {"source": "vendor_lot", "vendor_lot": "RV-2", "reason": "Bad resin"}
            )
        )
        recall = self.env["recall.recall"].browse(
            wizard.action_create_recall()["res_id"]
        )
        self.assertEqual(recall.source_lot_ids, self.rv2)
        self.assertEqual(recall.lot_ids.lot_id, self.rv2 | self.rs2)
        today = fields.Date.today()
        wizard = self.env["recall.create.wizard"].create(
            {
                "source": "product_dates",
                "product_id": self.finished.id,
                "date_from": today,
                "date_to": today,
                "reason": "Assembly fault",
            }
        )
        recall = self.env["recall.recall"].browse(
            wizard.action_create_recall()["res_id"]
        )
        self.assertEqual(recall.source_lot_ids, self.serials[0] | self.serials[1])
        wizard = self.env["recall.create.wizard"].create(
            {"source": "vendor_lot", "vendor_lot": "NO-SUCH", "reason": "x"}
        )
        with self.assertRaisesRegex(UserError, "nothing to recall"):
            wizard.action_create_recall()

    def test_wizard_warns_about_blocked_and_recalled_lots(self):
        self._recall(self.rs1)
        self.rs2._traceability_hold("manual", note="Complaint")
        wizard = self.env["recall.create.wizard"].create(
            {"lot_ids": [(6, 0, (self.rs1 | self.rs2).ids)], "reason": "x"}
        )
        self.assertIn("RS-2", wizard.warning)
        self.assertIn("RC/", wizard.warning)


class TestRecallActions(RecallCommon):
    def test_block_stock_releases_reservations(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_b.id,
                "order_line": [
                    Command.create({"product_id": self.semi.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        move = order.picking_ids.move_ids
        self.flows.set_move_lots(move, [(self.rs1, 1)])
        move.picked = False
        recall = self._recall(self.rv1)
        self.assertIn(
            order.picking_ids,
            recall.scope_line_ids.filtered(
                lambda line: line.kind == "reserved"
            ).picking_id,
        )
        recall.with_user(self.manager).action_block_stock()
        self.assertEqual(recall.state, "in_progress")
        self.assertTrue(recall.date_blocked)
        self.assertEqual(
            set(recall.lot_ids.lot_id.mapped("quality_state")), {"blocked"}
        )
        self.assertFalse(
            move.move_line_ids.filtered(lambda line: line.lot_id == self.rs1)
        )
        recall.with_user(self.manager).action_hold_deliveries()
        self.assertEqual(order.picking_ids.state, "cancel")

    def test_notify_customers(self):
        recall = self._recall(self.rv1, consumer_instructions="Stop using it.")
        recall.with_user(self.manager).action_notify_customers()
        notice_a = recall.customer_ids.filtered(
            lambda c: c.partner_id == self.customer_a
        )
        self.assertTrue(notice_a.date_notified)
        self.assertTrue(notice_a.access_token)
        message = notice_a.message_ids.filtered(
            lambda m: m.subject and recall.name in m.subject
        )
        self.assertIn("RSN-1", message.body)
        self.assertNotIn("RSN-2", message.body)
        self.assertIn(notice_a.get_portal_url(), message.body)
        self.assertIn(self.customer_a, message.partner_ids)
        drill = self._recall(self.rv1, recall_type="drill")
        with self.assertRaisesRegex(UserError, "drill"):
            drill.with_user(self.manager).action_notify_customers()

    def test_close_needs_decisions_and_effectiveness(self):
        recall = self._recall(self.rv1)
        recall.with_user(self.manager).action_block_stock()
        with self.assertRaisesRegex(UserError, "RSN-1"):
            recall.with_user(self.manager).action_close()
        recall.lot_ids.decision = "keep_blocked"
        recall.lot_ids.filtered(lambda lot: lot.lot_id == self.rv1).decision = "release"
        with self.assertRaisesRegex(UserError, "threshold"):
            recall.with_user(self.manager).action_close()
        notice_a, notice_b = recall.customer_ids.sorted(lambda c: c.partner_id.name)
        notice_a._portal_report(on_hand=0, destroyed=1)
        notice_b._portal_report(on_hand=1, destroyed=0)
        self.assertEqual(recall.effectiveness, 1.0)
        recall.with_user(self.manager).action_close()
        self.assertEqual(recall.state, "closed")
        self.assertEqual(self.rv1.quality_state, "released")
        self.assertEqual(self.rs1.quality_state, "blocked")
        with self.assertRaises(UserError):
            notice_a._portal_report(on_hand=5, destroyed=5)

    def test_close_below_threshold_with_reason(self):
        recall = self._recall(self.rs2)
        recall.lot_ids.decision = "scrap"
        recall.close_reason = "Nothing was delivered"
        recall.with_user(self.manager).action_close()
        self.assertEqual(self.rs2.product_qty, 0)

    def test_return_request(self):
        recall = self._recall(self.rv1)
        notice = recall.customer_ids.filtered(lambda c: c.partner_id == self.customer_a)
        notice.action_request_return()
        picking = notice.return_picking_id
        self.assertEqual(picking.partner_id, self.customer_a)
        self.assertEqual(picking.location_id.usage, "customer")
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.serials[0])
        self.assertEqual(picking.state, "assigned")
        # Received and validated in the warehouse: the customer's return counts.
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(notice.returned_qty, 1)
        self.assertEqual(notice.effectiveness, 1)
        with self.assertRaises(UserError):
            notice.action_request_return()

    def test_access(self):
        recall = self._recall(self.rv1)
        self.assertEqual(
            recall.with_user(self.reader).read(["name"])[0]["name"], recall.name
        )
        with self.assertRaises(AccessError):
            recall.with_user(self.reader).write({"reason": "x"})
        with self.assertRaises(UserError):
            recall.with_user(self.reader).action_block_stock()
        with self.assertRaises(AccessError):
            self.env["recall.recall"].with_user(self.reader).create(
                {"reason": "x", "source_lot_ids": [(6, 0, self.rv1.ids)]}
            )

    def test_portal_customers_see_their_own_notices(self):
        recall = self._recall(self.rv1, consumer_instructions="Stop using it.")
        portal_a = new_test_user(
            self.env, "recall_portal_a", groups="base.group_portal"
        )
        portal_a.partner_id.parent_id = self.customer_a
        portal_b = new_test_user(
            self.env, "recall_portal_b", groups="base.group_portal"
        )
        portal_b.partner_id.parent_id = self.customer_b
        Notice = self.env["recall.customer"]
        self.assertFalse(Notice.with_user(portal_a).search([]))
        recall.with_user(self.manager).action_notify_customers()
        self.assertEqual(
            Notice.with_user(portal_a).search([]).partner_id, self.customer_a
        )
        self.assertEqual(
            Notice.with_user(portal_b).search([]).partner_id, self.customer_b
        )

    def test_public_page_says_under_recall(self):
        values = self.serials[0]._traceability_public_values()
        self.assertNotIn("recall", values)
        recall = self._recall(
            self.rv1, consumer_instructions="Bring it back to the shop."
        )
        # Scoped only: nothing public until the customers are notified.
        self.assertNotIn("recall", self.serials[0]._traceability_public_values())
        recall.with_user(self.manager).action_notify_customers()
        values = self.serials[0]._traceability_public_values()
        self.assertEqual(values["recall"]["message"], "Bring it back to the shop.")
        self.assertNotIn("recall", self.rs2._traceability_public_values())

    def test_exports_and_report(self):
        recall = self._recall(self.rv1)
        result = recall.action_export_scope_csv()
        attachment = self.env["ir.attachment"].browse(
            int(result["url"].split("/")[3].split("?")[0])
        )
        rows = list(
            csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode()))
        )
        self.assertEqual(rows[0][0], "Kind")
        self.assertEqual(len(rows) - 1, len(recall.scope_line_ids))
        header, rows = recall.env["recall.report.fsma204"]._report_table(recall)
        self.assertIn("Traceability Lot Code", header)
        events = {(row[0], row[1]) for row in rows}
        self.assertIn(("Receiving", "RV-1"), events)
        self.assertIn(("Transformation", "RS-1"), events)
        self.assertIn(("Shipping", "RSN-1"), events)
        transformation = next(
            row for row in rows if row[:2] == ["Transformation", "RS-1"]
        )
        self.assertEqual(transformation[10], "RV-1")
        header, rows = recall.env["recall.report.one_up_one_down"]._report_table(recall)
        self.assertIn(
            ("One step back (supplier)", "RV-1"), {(r[0], r[2]) for r in rows}
        )
        forward = [r for r in rows if r[0] == "One step forward (customer)"]
        self.assertEqual(
            {r[5] for r in forward}, {"Test Customer A", "Test Customer B"}
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recall_management.report_recall", recall.ids)[0]
            .decode()
        )
        self.assertIn("RSN-1", html)
        self.assertIn(recall.name, html)

    def test_drill(self):
        recall = self._recall(self.rv1, recall_type="drill")
        recall.with_user(self.manager).action_block_stock()
        steps = recall._drill_steps()
        self.assertEqual(len(steps), 3)
        self.assertTrue(all(seconds >= 0 for _label, seconds in steps))
        # RV-1: 10 received, 6 consumed, 4 in stock: all accounted for.
        self.assertEqual(recall._source_accounted_share(), 1.0)
        recall.with_user(self.manager).action_close()
        self.assertEqual(recall.state, "closed")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recall_management.report_recall", recall.ids)[0]
            .decode()
        )
        self.assertIn("Customer list ready", html)
