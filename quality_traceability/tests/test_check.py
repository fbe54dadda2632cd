# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from .common import QualityCommon


class TestCheck(QualityCommon):
    """Checks: results from the specifications, required values, immutability,
    void by a manager, access rights per group and company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("CK-1", 10), ("CK-2", 10)])
        cls.lot_1 = cls.lot(cls.raw, "CK-1")
        cls.lot_2 = cls.lot(cls.raw, "CK-2")
        cls.trace_user = new_test_user(
            cls.env, "check_user", groups="quality_traceability.group_traceability_user"
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "check_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.stock_user = new_test_user(
            cls.env, "check_stock_user", groups="stock.group_stock_user"
        )

    def test_name_and_result(self):
        check = self.check(self.lot_1)
        self.assertTrue(check.name.startswith("KCP/"))
        self.assertEqual(check.state, "done")
        self.assertEqual(check.product_id, self.raw)
        self.assertEqual(check.stage, "incoming")
        self.assertIn(self.lot_1.name, check.display_name)
        self.assertEqual(self.lot_1.traceability_check_count, 1)

    def test_required_values(self):
        with self.assertRaisesRegex(ValidationError, "Width"):
            self.check(self.lot_1, width=None)
        with self.assertRaisesRegex(ValidationError, "Visual"):
            self.check(self.lot_1, visual=False)
        with self.assertRaises(ValidationError):
            self.check(self.env["stock.lot"])
        self.incoming_point.write({"require_workcenter": True, "require_notes": True})
        with self.assertRaisesRegex(ValidationError, "equipment.*notes"):
            self.check(self.lot_1)
        workcenter = self.env["mrp.workcenter"].create({"name": "Gauge bench"})
        check = self.check(self.lot_1, workcenter_id=workcenter.id, notes="Calibrated")
        self.assertEqual(check.workcenter_id, workcenter)

    def test_values_of_another_point_refused(self):
        other = self.env["traceability.control.point"].create(
            {
                "name": "Other",
                "spec_ids": [Command.create({"name": "Other", "value_type": "text"})],
            }
        )
        with self.assertRaisesRegex(ValidationError, "do not belong"):
            self.check(
                self.lot_1,
                value_ids=[
                    Command.create(
                        {
                            "spec_id": self.width_spec.id,
                            "value_float": 10,
                            "value_is_set": True,
                        }
                    ),
                    Command.create({"spec_id": other.spec_ids.id, "value_text": "x"}),
                ],
                point=other,
            )

    def test_immutable(self):
        check = self.check(self.lot_1)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            check.with_user(self.trace_manager).notes = "changed"
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            check.value_ids[0].with_user(self.trace_manager).value_float = 42
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            check.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            check.value_ids.unlink()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            check.with_user(self.trace_manager).write({"result": "pass"})
        # Messages may still be posted on a check.
        check.message_post(body="Seen")

    def test_void_by_manager(self):
        check = self.check(self.lot_1, width=30)
        self.assertEqual(self.lot_1.quality_state, "blocked")
        with self.assertRaises(AccessError):
            check.with_user(self.trace_user).action_void("Wrong gauge")
        with self.assertRaisesRegex(UserError, "reason"):
            check.with_user(self.trace_manager).action_void(" ")
        wizard = Form(
            self.env["traceability.check.void"]
            .with_user(self.trace_manager)
            .with_context(default_check_id=check.id)
        )
        wizard.reason = "Wrong gauge"
        wizard.save().action_void()
        self.assertEqual(check.state, "void")
        self.assertEqual(check.void_reason, "Wrong gauge")
        self.assertEqual(check.void_user_id, self.trace_manager)
        self.assertEqual(check.result, "fail")  # the original is kept
        self.assertTrue(check.exists())
        self.assertIn("Wrong gauge", self.lot_1.message_ids[0].body)
        self.assertIn("Wrong gauge", check.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already"):
            check.with_user(self.trace_manager).action_void("again")

    def test_lot_state_by_managers_only(self):
        lot = self.lot_1.with_user(self.trace_user)
        with self.assertRaises(AccessError):
            lot.action_traceability_release()
        action = self.lot_1.with_user(self.trace_manager).action_traceability_release()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.trace_manager)
            .with_context(**action["context"])
            .create({"reason": "Inspected at the vendor"})
        )
        wizard.action_confirm()
        self.assertEqual(self.lot_1.quality_state, "released")
        action = self.lot_1.with_user(self.trace_user).action_traceability_place_hold()
        self.env[action["res_model"]].with_user(self.trace_user).with_context(
            **action["context"]
        ).create({"reason": "Smells odd"}).action_confirm()
        self.assertEqual(self.lot_1.quality_state, "blocked")
        # Users still record checks, which block the lot.
        self.check(self.lot_2)  # released first
        self.env["traceability.check"].with_user(self.trace_user).create(
            {
                "control_point_id": self.incoming_point.id,
                "lot_id": self.lot_2.id,
                "value_ids": [
                    Command.create(
                        {"spec_id": self.visual_spec.id, "value_pass_fail": "fail"}
                    ),
                    Command.create(
                        {
                            "spec_id": self.width_spec.id,
                            "value_float": 10,
                            "value_is_set": True,
                        }
                    ),
                ],
            }
        )
        self.assertEqual(self.lot_2.quality_state, "blocked")

    def test_access_rights(self):
        Point = self.env["traceability.control.point"]
        Check = self.env["traceability.check"]
        self.assertTrue(Point.with_user(self.trace_user).search([]))
        with self.assertRaises(AccessError):
            Point.with_user(self.trace_user).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.incoming_point.with_user(self.trace_user).name = "Renamed"
        Point.with_user(self.trace_manager).create({"name": "Managed"})
        self.check(self.lot_1)
        self.assertTrue(Check.with_user(self.trace_user).search([]))
        with self.assertRaises(AccessError):
            Check.with_user(self.stock_user).search([])
        with self.assertRaises(AccessError):
            Point.with_user(self.stock_user).search([])

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Quality Company B"})
        point_b = self.env["traceability.control.point"].create(
            {"name": "B point", "company_id": company_b.id}
        )
        lot_b = self.env["stock.lot"].create(
            {"name": "CK-B", "product_id": self.semi.id, "company_id": company_b.id}
        )
        check_b = self.env["traceability.check"].create(
            {
                "control_point_id": point_b.id,
                "lot_id": lot_b.id,
                "company_id": company_b.id,
            }
        )
        Check = self.env["traceability.check"].with_user(self.trace_user)
        self.assertNotIn(check_b, Check.search([]))
        self.assertNotIn(
            point_b,
            self.env["traceability.control.point"]
            .with_user(self.trace_user)
            .search([]),
        )
        self.trace_user.company_ids |= company_b
        both = Check.with_context(
            allowed_company_ids=[self.env.company.id, company_b.id]
        )
        self.assertIn(check_b, both.search([]))

    def test_applicable_points(self):
        Point = self.env["traceability.control.point"]
        category = self.env["product.category"].create({"name": "Plastics"})
        child = self.env["product.category"].create(
            {"name": "Resins", "parent_id": category.id}
        )
        self.semi.categ_id = child
        by_category = Point.create(
            {"name": "Plastics", "product_categ_ids": [Command.link(category.id)]}
        )
        workcenter = self.env["mrp.workcenter"].create({"name": "Press"})
        by_workcenter = Point.create(
            {
                "name": "Press",
                "stage": "in_process",
                "workcenter_ids": [Command.link(workcenter.id)],
            }
        )
        found = Point._find_applicable(self.semi)
        self.assertIn(by_category, found)
        self.assertNotIn(self.incoming_point, found)
        self.assertIn(self.incoming_point, Point._find_applicable(self.raw))
        other_wc = self.env["mrp.workcenter"].create({"name": "Lathe"})
        self.assertNotIn(
            by_workcenter, Point._find_applicable(self.semi, workcenter=other_wc)
        )
        self.assertIn(
            by_workcenter, Point._find_applicable(self.semi, workcenter=workcenter)
        )
        self.assertEqual(
            Point._find_applicable(self.semi, stages=["in_process"]), by_workcenter
        )

    def test_public_page_shows_no_quality_state(self):
        for lot in (self.lot_1, self.lot_2):
            self.assertNotIn("quality_state", lot._traceability_public_values())
        self.check(self.lot_2, width=30)
        self.assertEqual(self.lot_2.quality_state, "blocked")
        self.assertNotIn("quality_state", self.lot_2._traceability_public_values())

    def test_life_record_shows_checks_and_voids(self):
        check = self.check(self.lot_1, width=30)
        check.with_user(self.trace_manager).action_void("Gauge out of calibration")
        self.env.flush_all()
        events = self.env["traceability.lot.event"].search(
            [("lot_id", "=", self.lot_1.id), ("res_model", "=", "traceability.check")],
            order="id desc",
        )
        self.assertEqual(events.mapped("event_type"), ["quality_check", "quality_void"])
        self.assertEqual(events[0].note, "Resin incoming: Fail")
        self.assertEqual(events[1].note, "Gauge out of calibration")
        self.assertEqual(set(events.mapped("reference")), {check.name})
        self.assertEqual(events[1].user_id, self.trace_manager)
        self.assertEqual(events[0].action_open_document()["res_id"], check.id)
