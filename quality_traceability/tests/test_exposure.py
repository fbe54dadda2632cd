# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import QualityCommon, rpc


class TestExposure(QualityCommon):
    """From a failed check to its exposure in one step: the suspect lots, and
    how much of everything made from them is in stock, in open orders and at
    customers (the genealogy engine's forward trace)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("EX-V1", 10), ("EX-V2", 20)])
        cls.v1, cls.v2 = cls.lot(cls.raw, "EX-V1"), cls.lot(cls.raw, "EX-V2")
        # Both vendor lots pass their incoming inspection and go to production.
        cls.check(cls.v1)
        cls.check(cls.v2)
        cls.flows.produce(cls.semi, 3, "EX-S1", {cls.raw: [(cls.v1, 6)]})
        cls.flows.produce(cls.semi, 3, "EX-S2", {cls.raw: [(cls.v2, 6)]})
        cls.s1, cls.s2 = cls.lot(cls.semi, "EX-S1"), cls.lot(cls.semi, "EX-S2")
        cls.sn1, cls.sn2 = (
            cls.flows.produce(
                cls.finished, 1, name, {cls.semi: [(cls.s1, 1)]}
            ).lot_producing_id
            for name in ("EX-SN1", "EX-SN2")
        )
        cls.flows.deliver(cls.customer_a, [(cls.finished, [(cls.sn1, 1)])])
        # SN2 is sold, reserved, not shipped yet.
        cls.open_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_b.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.finished.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        cls.open_order.action_confirm()
        cls.inspector = new_test_user(
            cls.env,
            "exposure_inspector",
            groups="quality_traceability.group_traceability_user",
        )

    def exposure(self, check, user=None):
        action = rpc(
            self.env,
            user or self.inspector,
            check._name,
            "action_open_exposure",
            [check.ids],
        )
        self.assertEqual(action["res_model"], "traceability.exposure")
        return self.env["traceability.exposure"].browse(action["res_id"])

    def test_failed_incoming_check(self):
        self.assertEqual(self.open_order.picking_ids.move_line_ids.lot_id, self.sn2)
        failed = self.check(self.v1, width=12.5)
        self.assertEqual(failed.result, "fail")
        exposure = self.exposure(failed)
        self.assertEqual(exposure.suspect_lot_ids, self.v1)
        lines = {line.lot_id: line for line in exposure.line_ids}
        # Everything made from EX-V1, nothing made from EX-V2.
        self.assertEqual(set(lines), {self.v1, self.s1, self.sn1, self.sn2})
        self.assertEqual(
            [(lines[lot].level, lines[lot].qty_on_hand) for lot in (self.v1, self.s1)],
            [(0, 4.0), (1, 1.0)],
        )
        self.assertEqual(
            (lines[self.sn1].qty_delivered, lines[self.sn1].customer_count), (1.0, 1)
        )
        self.assertEqual(
            (lines[self.sn2].qty_on_hand, lines[self.sn2].qty_in_orders), (1.0, 1.0)
        )
        self.assertEqual(
            (
                exposure.lot_count,
                exposure.qty_on_hand,
                exposure.qty_in_orders,
                exposure.qty_delivered,
                exposure.customer_count,
            ),
            (4, 6.0, 1.0, 1.0, 1),
        )

    def test_lots_made_on_the_work_center_since_the_last_pass(self):
        press = self.env["mrp.workcenter"].create({"name": "Exposure Press"})
        bom = self.env["mrp.bom"].search(
            [("product_tmpl_id", "=", self.semi.product_tmpl_id.id)]
        )
        bom.operation_ids = [
            Command.create({"name": "Press", "workcenter_id": press.id})
        ]
        point = self.env["traceability.control.point"].create(
            {
                "name": "Shell visual",
                "stage": "in_process",
                "workcenter_ids": [Command.link(press.id)],
                "spec_ids": [
                    Command.create({"name": "Look", "value_type": "pass_fail"})
                ],
            }
        )
        spec = point.spec_ids
        now = fields.Datetime.now()

        def shell_check(lot, result, date):
            return self.env["traceability.check"].create(
                {
                    "control_point_id": point.id,
                    "lot_id": lot.id,
                    "workcenter_id": press.id,
                    "date": date,
                    "value_ids": [
                        Command.create({"spec_id": spec.id, "value_pass_fail": result})
                    ],
                }
            )

        before = self.flows.produce(
            self.semi,
            1,
            "EX-P0",
            {self.raw: [(self.v2, 2)]},
            date=now - timedelta(days=3),
        ).lot_producing_id
        shell_check(before, "pass", now - timedelta(days=2))
        after = [
            self.flows.produce(
                self.semi, 1, name, {self.raw: [(self.v2, 2)]}
            ).lot_producing_id
            for name in ("EX-P1", "EX-P2")
        ]
        failed = shell_check(after[1], "fail", now)
        exposure = self.exposure(failed)
        self.assertEqual(exposure.suspect_lot_ids, after[0] | after[1])
        self.assertEqual(exposure.since, now - timedelta(days=2))
        self.assertNotIn(before, exposure.line_ids.lot_id)
        self.assertNotIn(self.v2, exposure.line_ids.lot_id)

    def test_only_users_who_read_the_check(self):
        failed = self.check(self.v1, width=12.5)
        portal = new_test_user(self.env, "exposure_portal", groups="base.group_portal")
        stock_user = new_test_user(
            self.env, "exposure_stock", groups="stock.group_stock_user"
        )
        exposures = self.env["traceability.exposure"].search([])
        for user in (portal, stock_user):
            with self.assertRaises(AccessError, msg=user.login):
                rpc(self.env, user, failed._name, "action_open_exposure", [failed.ids])
        self.assertEqual(self.env["traceability.exposure"].search([]), exposures)
