# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import QualityCommon


class TestNonconformance(QualityCommon):
    """A failed check: activity for the responsible person, chatter, and a
    nonconformance whose approved disposition is executed before closing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            "nc_buyer",
            groups="purchase.group_purchase_user,stock.group_stock_user",
        )
        cls.trace_user = new_test_user(
            cls.env, "nc_user", groups="quality_traceability.group_traceability_user"
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "nc_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        order = cls.flows.receive(cls.vendor, cls.raw, [("NC-1", 10)])
        order.user_id = cls.buyer
        cls.receipt = order.picking_ids
        cls.nc_lot = cls.lot(cls.raw, "NC-1")
        cls.failed = cls.check(cls.nc_lot, width=30, notes="Too wide")
        cls.nc = cls.env["traceability.nonconformance"].search(
            [("check_id", "=", cls.failed.id)]
        )

    def test_failed_check_opens_nonconformance(self):
        self.assertEqual(len(self.nc), 1)
        self.assertTrue(self.nc.name.startswith("NC/"))
        self.assertEqual(self.nc.partner_id, self.vendor)
        self.assertEqual(self.nc.responsibility, "vendor")
        self.assertEqual(self.nc.picking_id, self.receipt)
        activity = self.nc.activity_ids
        self.assertEqual(activity.user_id, self.buyer)
        self.assertIn(self.failed.name, activity.summary)
        self.assertIn(self.nc.name, self.failed.message_ids[0].body)
        self.assertTrue(
            any(
                self.failed.name in body
                for body in self.nc_lot.message_ids.mapped("body")
            )
        )
        self.assertEqual(self.vendor.traceability_nonconformance_count, 1)
        action = self.vendor.action_view_traceability_nonconformances()
        self.assertEqual(
            self.env["traceability.nonconformance"].search(action["domain"]), self.nc
        )
        # A passing check opens none.
        self.receive([("NC-2", 5)])
        passed = self.check(self.lot(self.raw, "NC-2"))
        self.assertFalse(
            self.env["traceability.nonconformance"].search(
                [("check_id", "=", passed.id)]
            )
        )

    def test_in_process_failure_goes_to_production_responsible(self):
        production_user = new_test_user(
            self.env, "nc_planner", groups="mrp.group_mrp_user"
        )
        point = self.env["traceability.control.point"].create(
            {
                "name": "Shell press",
                "stage": "in_process",
                "spec_ids": [(0, 0, {"name": "Gap", "value_type": "pass_fail"})],
            }
        )
        production = self.env["mrp.production"].create(
            {
                "product_id": self.semi.id,
                "product_qty": 1,
                "user_id": production_user.id,
            }
        )
        lot = self.env["stock.lot"].create(
            {"name": "NC-S1", "product_id": self.semi.id}
        )
        check = self.env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": lot.id,
                "production_id": production.id,
                "value_ids": [
                    (0, 0, {"spec_id": point.spec_ids.id, "value_pass_fail": "fail"})
                ],
            }
        )
        nc = self.env["traceability.nonconformance"].search(
            [("check_id", "=", check.id)]
        )
        self.assertEqual(nc.responsibility, "internal")
        self.assertEqual(nc.activity_ids.user_id, production_user)
        self.assertIn(check.name, production.message_ids[0].body)

    def test_approval_by_manager_and_close_needs_execution(self):
        self.nc.disposition = "scrap"
        with self.assertRaises(AccessError):
            self.nc.with_user(self.trace_user).action_approve()
        with self.assertRaisesRegex(UserError, "Approve"):
            self.nc.action_execute()
        with self.assertRaisesRegex(UserError, "execute"):
            self.nc.action_close()
        self.nc.with_user(self.trace_manager).action_approve()
        self.assertEqual(self.nc.approved_by_id, self.trace_manager)
        self.nc.with_user(self.trace_user).action_execute()
        self.assertEqual(self.nc.scrap_id.state, "done")
        self.assertEqual(self.on_hand(self.nc_lot), 0)
        self.nc.action_close()
        self.assertEqual(self.nc.state, "closed")

    def test_return_to_vendor(self):
        self.nc.write({"disposition": "return", "quantity": 4})
        self.nc.action_approve()
        self.nc.action_execute()
        picking = self.nc.return_picking_id
        self.assertEqual(picking.partner_id, self.vendor)
        self.assertEqual(picking.location_dest_id.usage, "supplier")
        self.assertEqual(picking.move_line_ids.lot_id, self.nc_lot)
        with self.assertRaisesRegex(UserError, "execute"):
            self.nc.action_close()
        self.flows.validate_picking(picking)
        self.assertEqual(self.on_hand(self.nc_lot), 6)
        self.nc.action_close()
        self.assertEqual(self.nc.state, "closed")

    def test_rework_order_consumes_the_blocked_lot(self):
        self.nc.write({"disposition": "rework", "quantity": 10})
        self.nc.action_approve()
        self.nc.action_execute()
        production = self.nc.rework_production_id
        self.assertEqual(production.move_raw_ids.move_line_ids.lot_id, self.nc_lot)
        production.write({"lot_producing_id": self.nc_lot.id, "qty_producing": 10})
        production.move_raw_ids.picked = True
        self.assertIs(production.button_mark_done(), True)
        self.assertEqual(production.state, "done")
        self.nc.action_close()
        self.assertEqual(self.nc.state, "closed")

    def test_concession_releases(self):
        self.nc.disposition = "concession"
        self.nc.action_approve()
        self.nc.action_execute()
        self.assertEqual(self.nc_lot.quality_state, "released")
        self.nc.action_close()
        self.assertEqual(self.nc.state, "closed")

    def test_access_rights(self):
        stock_user = new_test_user(
            self.env, "nc_stock_only", groups="stock.group_stock_user"
        )
        portal = new_test_user(self.env, "nc_portal", groups="base.group_portal")
        for model in (
            "traceability.nonconformance",
            "traceability.quality.report",
            "traceability.spc.point",
            "traceability.check",
            "traceability.control.point",
        ):
            self.assertTrue(
                self.env[model].with_user(self.trace_user).has_access("read")
            )
            self.assertFalse(self.env[model].with_user(stock_user).has_access("read"))
            self.assertFalse(self.env[model].with_user(portal).has_access("read"))
        NC = self.env["traceability.nonconformance"]
        self.assertIn(self.nc, NC.with_user(self.trace_user).search([]))
        self.assertFalse(NC.with_user(self.trace_user).has_access("unlink"))
        self.assertTrue(NC.with_user(self.trace_manager).has_access("unlink"))
        self.assertFalse(
            self.env["traceability.check"]
            .with_user(self.trace_manager)
            .has_access("unlink")
        )
