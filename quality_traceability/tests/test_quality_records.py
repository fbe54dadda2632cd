# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user

from .common import QualityCommon

CHART_URL = (
    "/odoo/{}/action-quality_traceability.traceability_control_chart_spec_action"
)


class TestQualityRecords(QualityCommon):
    """What a user reads on the quality records: values and limits with the
    precision of their measurement, limits typed as minimum, target and
    maximum, nonconformances that say what failed and reach a person, and the
    lots on hold with why, since when, by whom and where."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            "qr_buyer",
            groups="purchase.group_purchase_user,stock.group_stock_user",
        )
        cls.quality_manager = new_test_user(
            cls.env,
            "qr_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "qr_inspector",
            groups="quality_traceability.group_traceability_user",
        )
        order = cls.flows.receive(cls.vendor, cls.raw, [("QR-1", 10)])
        order.user_id = cls.buyer
        cls.receipt = order.picking_ids
        cls.qr_lot = cls.lot(cls.raw, "QR-1")

    def form_arch(self, model, view=None):
        view_id = self.env.ref(view).id if view else False
        arch = self.env[model].get_views([(view_id, "form")])["views"]["form"]["arch"]
        return etree.fromstring(arch)

    # ------------------------------------------------------------ precision

    def test_values_and_limits_show_the_precision_of_their_measurement(self):
        self.assertEqual(self.width_spec.decimals, 2)
        self.assertEqual(self.width_spec.min_text, "9.00")
        self.assertEqual(self.width_spec.target_text, "10.00")
        self.assertEqual(self.width_spec.max_text, "11.00")
        check = self.check(self.qr_lot, width=10.5)
        width = check.value_ids.filtered(lambda v: v.spec_id == self.width_spec)
        visual = check.value_ids.filtered(lambda v: v.spec_id == self.visual_spec)
        self.assertEqual(width.value_display, "10.50 mm")
        self.assertEqual(width.limits_display, "9.00 – 11.00 mm (target 10.00)")
        self.assertEqual(visual.value_display, "Pass")
        self.assertFalse(visual.limits_display)
        self.width_spec.decimals = 3
        width.invalidate_recordset(["value_display", "limits_display"])
        self.assertEqual(width.value_display, "10.500 mm")
        self.assertEqual(self.width_spec.max_text, "11.000")
        # In a language with a decimal comma.
        self.env["res.lang"]._activate_lang("fr_FR")
        french = width.with_context(lang="fr_FR")
        self.assertEqual(french.value_display, "10,500 mm")
        with self.assertRaisesRegex(ValidationError, "decimals go from 0 to 6"):
            self.width_spec.decimals = 7

    def test_check_form_shows_the_value_and_its_limits(self):
        arch = self.form_arch("traceability.check")
        columns = [
            field.get("name")
            for field in arch.xpath("//field[@name='value_ids']/list/field")
        ]
        for name in ("value_display", "limits_display", "result"):
            self.assertIn(name, columns)
        # The stored six-decimal number is only an input of new checks.
        [value_float] = arch.xpath(
            "//field[@name='value_ids']/list/field[@name='value_float']"
        )
        self.assertEqual(value_float.get("column_invisible"), "parent.id")

    # ------------------------------------------------------------ limits

    def test_minimum_alone_is_typed_and_evaluated(self):
        with Form(self.env["traceability.control.point"]) as form:
            form.name = "Film thickness"
            form.stage = "final"
            with form.spec_ids.new() as spec:
                spec.name = "Thickness"
                spec.unit = "mm"
                spec.min_text = "0.8"
        point = form.save()
        spec = point.spec_ids
        self.assertTrue(spec.has_min)
        self.assertEqual(spec.min_value, 0.8)
        self.assertFalse(spec.has_max)
        self.assertFalse(spec.max_text)
        self.assertFalse(spec.target_text)
        self.assertEqual(spec.min_text, "0.80")
        self.assertEqual(spec.limits_text, "≥ 0.80 mm")
        self.assertEqual(spec._evaluate(number=25.0), "pass")
        self.assertEqual(spec._evaluate(number=0.8), "pass")
        self.assertEqual(spec._evaluate(number=0.79), "fail")
        # A maximum alone, then no limit at all.
        with Form(point) as form:
            with form.spec_ids.edit(0) as line:
                line.min_text = ""
                line.max_text = "1,2"
                line.target_text = "1"
        self.assertFalse(spec.has_min)
        self.assertTrue(spec.has_max)
        self.assertEqual(spec.max_value, 1.2)
        self.assertEqual(spec.target, 1.0)
        self.assertEqual(spec.limits_text, "≤ 1.20 mm (target 1.00)")
        self.assertEqual(spec._evaluate(number=-5.0), "pass")
        self.assertEqual(spec._evaluate(number=1.3), "fail")
        # A limit is never rounded to the decimals shown.
        spec.decimals = 0
        spec.max_text = "1.25"
        self.assertEqual(spec.max_text, "1.25")
        self.assertEqual(spec.target_text, "1")
        spec.max_text = spec.max_text
        self.assertEqual(spec.max_value, 1.25)
        spec.decimals = 2
        # A minimum of zero is a limit, not an empty one.
        spec.min_text = "0"
        self.assertTrue(spec.has_min)
        self.assertEqual(spec._evaluate(number=-0.1), "fail")
        with self.assertRaisesRegex(ValidationError, "is not a number"):
            spec.max_text = "about one"
        with self.assertRaisesRegex(ValidationError, "minimum is above the maximum"):
            spec.min_text = "2"
        # No technical toggle in the form.
        arch = self.form_arch("traceability.control.point")
        for name in ("has_min", "has_max", "min_value", "max_value", "target"):
            [field] = arch.xpath(
                f"//field[@name='spec_ids']/list/field[@name='{name}']"
            )
            self.assertEqual(field.get("column_invisible"), "1")
        for name in ("min_text", "target_text", "max_text", "decimals"):
            self.assertTrue(
                arch.xpath(f"//field[@name='spec_ids']/list/field[@name='{name}']")
            )

    # ------------------------------------------------------------ nonconformance

    def test_nonconformance_names_the_failure_and_the_quantity(self):
        check = self.check(self.qr_lot, width=12, visual="fail", notes="Edge burr")
        nonconformance = check.nonconformance_ids
        self.assertEqual(len(nonconformance), 1)
        description = str(nonconformance.description)
        self.assertIn("Width 12.00 mm: above the maximum 11.00 mm", description)
        self.assertIn("Visual: fail", description)
        self.assertIn("Edge burr", description)
        self.assertEqual(nonconformance.quantity, 10)
        self.assertEqual(nonconformance.location_id, self.stock_location)
        self.assertEqual(nonconformance.product_uom_id, self.raw.uom_id)
        self.assertEqual(
            self.width_spec._failure_label(8.5),
            "Width 8.50 mm: below the minimum 9.00 mm",
        )

    def test_nonconformance_of_a_lot_in_two_locations(self):
        self.receive([("QR-2", 10)])
        lot = self.lot(self.raw, "QR-2")
        self.move(lot, 4, self.quarantine_location)
        nonconformance = self.check(lot, width=30).nonconformance_ids
        self.assertEqual(nonconformance.quantity, 10)
        self.assertFalse(nonconformance.location_id)
        nonconformance.disposition = "scrap"
        nonconformance.action_approve()
        with self.assertRaisesRegex(UserError, "several locations"):
            nonconformance.action_execute()
        self.assertFalse(nonconformance.scrap_id)

    def test_activity_goes_to_the_control_point_responsible_then_the_buyer(self):
        nonconformance = self.check(self.qr_lot, width=30).nonconformance_ids
        self.assertEqual(nonconformance.activity_ids.user_id, self.buyer)
        self.incoming_point.user_id = self.quality_manager
        nonconformance = self.check(self.qr_lot, width=31).nonconformance_ids
        self.assertEqual(nonconformance.activity_ids.user_id, self.quality_manager)

    def test_activity_never_goes_to_the_superuser(self):
        # A receipt bought by the system (OdooBot), no responsible on the point:
        # a traceability manager of the company gets it.
        order = self.flows.receive(self.vendor, self.raw, [("QR-3", 5)])
        self.assertTrue(order.user_id._is_superuser())
        lot = self.lot(self.raw, "QR-3")
        # Recorded by an inspector, as from the scanner screen.
        check = (
            self.env["traceability.check"]
            .with_user(self.inspector)
            .create(
                {
                    "control_point_id": self.incoming_point.id,
                    "lot_id": lot.id,
                    "value_ids": [
                        Command.create(
                            {
                                "spec_id": self.width_spec.id,
                                "value_float": 30,
                                "value_is_set": True,
                            }
                        ),
                        Command.create(
                            {"spec_id": self.visual_spec.id, "value_pass_fail": "pass"}
                        ),
                    ],
                }
            )
        )
        nonconformance = check.sudo().nonconformance_ids
        self.assertEqual(nonconformance.quantity, 5)
        user = nonconformance.activity_ids.user_id
        self.assertTrue(user)
        self.assertFalse(user._is_superuser())
        self.assertTrue(
            user.has_group("quality_traceability.group_traceability_manager")
        )
        self.assertIn(self.env.company, user.company_ids)

    def test_check_smart_button_opens_its_nonconformance(self):
        failed = self.check(self.qr_lot, width=30)
        nonconformance = failed.nonconformance_ids
        self.assertEqual(failed.nonconformance_count, 1)
        action = failed.with_user(self.inspector).action_view_nonconformances()
        self.assertEqual(action["res_model"], "traceability.nonconformance")
        self.assertEqual(action["res_id"], nonconformance.id)
        self.assertEqual(action["views"], [(False, "form")])
        self.receive([("QR-4", 5)])
        passed = self.check(self.lot(self.raw, "QR-4"))
        self.assertEqual(passed.nonconformance_count, 0)
        arch = self.form_arch("traceability.check")
        [button] = arch.xpath("//button[@name='action_view_nonconformances']")
        self.assertEqual(button.get("invisible"), "not nonconformance_count")

    # ------------------------------------------------------------ alarm

    def test_alarm_note_links_to_the_control_chart(self):
        self.incoming_point.user_id = self.quality_manager
        for width in (10.0, 10.1, 9.9, 10.05, 9.95, 10.1, 9.9, 10.0, 10.02):
            self.check(self.qr_lot, width=width)
        self.check(self.qr_lot, width=10.9)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "traceability.control.point"),
                ("res_id", "=", self.incoming_point.id),
            ]
        )
        self.assertEqual(activity.user_id, self.quality_manager)
        note = etree.fromstring(f"<div>{activity.note}</div>")
        [link] = note.xpath("//a")
        self.assertEqual(link.get("href"), CHART_URL.format(self.width_spec.id))
        self.assertEqual(link.text, "Open the control chart")
        self.assertIn("control limits", activity.note)

    # ------------------------------------------------------------ lots on hold

    def test_lots_on_hold_list_columns(self):
        self.receive([("QR-5", 10)])
        lot = self.lot(self.raw, "QR-5")
        self.move(lot, 4, self.quarantine_location)
        self.env["traceability.hold"].with_user(self.quality_manager)._place(
            lot, "manual", note="Smell"
        )
        self.check(lot, width=30)
        holds = lot.traceability_hold_ids.filtered(lambda hold: hold.state == "open")
        # The incoming inspection, the manual hold, the failed check and its
        # nonconformance.
        self.assertEqual(len(holds), 4)
        lot.invalidate_recordset()
        self.assertEqual(
            lot.traceability_hold_reasons,
            "Incoming Inspection, Manual, Failed Check, Nonconformance",
        )
        self.assertEqual(lot.traceability_hold_since, min(holds.mapped("date_placed")))
        self.assertIn(self.quality_manager, lot.traceability_hold_user_ids)
        self.assertEqual(lot.product_qty, 10)
        self.assertEqual(
            lot.traceability_location_ids,
            self.stock_location | self.quarantine_location,
        )
        # The same for a traceability user.
        as_inspector = lot.with_user(self.inspector)
        self.assertEqual(
            as_inspector.traceability_hold_reasons, lot.traceability_hold_reasons
        )
        self.assertEqual(
            as_inspector.traceability_location_ids, lot.traceability_location_ids
        )
        # The menu opens these columns on the lots on hold.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.stock_lot_quarantine_action"
        )
        self.assertEqual(action["res_model"], "stock.lot")
        self.assertIn(lot, self.env["stock.lot"].search(literal_eval(action["domain"])))
        view = self.env.ref("quality_traceability.stock_lot_quarantine_view_list")
        self.assertEqual(action["view_id"][0], view.id)
        arch = self.env["stock.lot"].get_views([(view.id, "list")])["views"]["list"]
        columns = etree.fromstring(arch["arch"]).xpath("//list/field/@name")
        for name in (
            "name",
            "traceability_hold_reasons",
            "traceability_hold_since",
            "traceability_hold_user_ids",
            "product_qty",
            "traceability_location_ids",
        ):
            self.assertIn(name, columns)
        menu = self.env.ref("quality_traceability.stock_lot_quarantine_menu")
        self.assertEqual(menu.action.id, action["id"])
