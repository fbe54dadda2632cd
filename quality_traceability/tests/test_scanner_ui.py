# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from PIL import Image

from odoo.tests import HttpCase, new_test_user, tagged

from .common import QualityCommon


def image_bytes(color, image_format="PNG"):
    """A small real image: the scanner takes photos, nothing else."""
    output = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(output, format=image_format)
    return output.getvalue()


class TestScannerService(QualityCommon):
    def test_lookup_and_submit(self):
        self.receive([("SC-1", 5)])
        lot = self.lot(self.raw, "SC-1")
        Scan = self.env["traceability.scan"]
        self.assertIn("Unknown", Scan.scanner_lookup("NOPE")["error"])
        answer = Scan.scanner_lookup("SC-1")
        self.assertEqual(answer["lot"]["quality_state"], "quarantine")
        self.assertEqual([p["id"] for p in answer["points"]], self.incoming_point.ids)
        self.assertEqual(answer["points"][0]["specs"][0]["limits"], "[9 – 11]")
        result = Scan.scanner_submit(
            lot.id, self.incoming_point.id, {"Width": "10", "Visual": "pass"}, ""
        )
        self.assertEqual((result["status"], result["result"]), ("created", "pass"))
        self.assertEqual(lot.quality_state, "released")
        missing = Scan.scanner_submit(
            lot.id, self.incoming_point.id, {"Visual": "pass"}
        )
        self.assertIn("Width", missing["error"])
        check = self.env["traceability.check"].browse(result["id"])
        self.assertEqual(check.source, "screen")

    def test_failed_check_names_the_measurement(self):
        """The screen shows which measurement failed and by how much, and the
        lot's state after the check (not the state it had when scanned)."""
        self.receive([("SC-4", 5), ("SC-5", 5)])
        lot = self.lot(self.raw, "SC-4")
        Scan = self.env["traceability.scan"]
        self.assertEqual(
            Scan.scanner_lookup("SC-4")["lot"]["quality_state"], "quarantine"
        )
        result = Scan.scanner_submit(
            lot.id, self.incoming_point.id, {"Width": "12", "Visual": "fail"}
        )
        self.assertEqual((result["status"], result["result"]), ("created", "fail"))
        self.assertEqual(
            (result["lot_state"], result["lot_state_label"]), ("blocked", "Blocked")
        )
        self.assertEqual(lot.quality_state, "blocked")
        self.assertEqual(
            result["failures"],
            ["Width 12.0 mm: 1.0 mm above the maximum 11.0", "Visual: fail"],
        )
        # Below the minimum, with the decimals measured; a passing value is not
        # listed.
        other = self.lot(self.raw, "SC-5")
        result = Scan.scanner_submit(
            other.id, self.incoming_point.id, {"Width": "8.75", "Visual": "pass"}
        )
        self.assertEqual(
            result["failures"], ["Width 8.75 mm: 0.25 mm below the minimum 9.0"]
        )
        self.assertEqual(result["lot_state"], "blocked")
        # A passing incoming check releases the lot: the screen is told so.
        self.receive([("SC-6", 5)])
        passed = Scan.scanner_submit(
            self.lot(self.raw, "SC-6").id,
            self.incoming_point.id,
            {"Width": "10.5", "Visual": "pass"},
        )
        self.assertEqual(passed["failures"], [])
        self.assertEqual(
            (passed["lot_state"], passed["lot_state_label"]), ("released", "Released")
        )

    def test_failure_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["quality_traceability"], ["zh_CN"], overwrite=True
        )
        self.receive([("SC-7", 5)])
        lot = self.lot(self.raw, "SC-7")
        Scan = self.env["traceability.scan"].with_context(lang="zh_CN")
        result = Scan.scanner_submit(
            lot.id, self.incoming_point.id, {"Width": "11.25", "Visual": "fail"}
        )
        self.assertEqual(
            result["failures"],
            ["Width 11.25 mm：比上限 11.0 高 0.25 mm", "Visual：不合格"],
        )
        self.assertEqual(result["lot_state_label"], "已冻结")

    def test_lookup_offers_the_points_of_the_lots_company(self):
        """A user working in two companies is offered the control points of
        the scanned lot's company only: the lot's own company, else the
        company that holds it in stock."""
        self.receive([("SC-8", 5)])
        other_company = self.env["res.company"].create({"name": "Other Plant"})
        other_point = self.env["traceability.control.point"].create(
            {
                "name": "Other plant incoming",
                "company_id": other_company.id,
                "product_ids": [(6, 0, self.raw.ids)],
                "spec_ids": [(0, 0, {"name": "Length", "value_type": "numeric"})],
            }
        )
        user = new_test_user(
            self.env,
            "scanner_two_plants",
            groups="quality_traceability.group_traceability_user,stock.group_stock_user",
            company_id=self.env.company.id,
            company_ids=[(6, 0, (self.env.company | other_company).ids)],
        )
        Scan = (
            self.env["traceability.scan"]
            .with_user(user)
            .with_context(allowed_company_ids=[self.env.company.id, other_company.id])
        )
        points = Scan.scanner_lookup("SC-8")["points"]
        self.assertEqual([point["id"] for point in points], self.incoming_point.ids)
        # From the other company, the point is offered for its own lots.
        other_lot = self.env["stock.lot"].create(
            {"name": "SC-9", "product_id": self.raw.id, "company_id": other_company.id}
        )
        points = Scan.scanner_lookup(other_lot.name)["points"]
        self.assertEqual([point["id"] for point in points], other_point.ids)
        # A lot shared between the companies and held by none: the points of
        # both.
        shared = self.env["stock.lot"].create(
            {"name": "SC-11", "product_id": self.raw.id}
        )
        self.assertFalse(shared.company_id)
        points = Scan.scanner_lookup(shared.name)["points"]
        self.assertEqual(
            sorted(point["id"] for point in points),
            sorted((self.incoming_point | other_point).ids),
        )

    def test_lookup_without_manufacturing_rights(self):
        """An inspector who may not read work centers scans a lot: the points
        come without equipment to pick, instead of an access error."""
        self.receive([("SC-10", 5)])
        inspector = new_test_user(
            self.env,
            "scanner_inspector",
            groups="quality_traceability.group_traceability_user",
        )
        self.assertFalse(inspector.has_group("mrp.group_mrp_user"))
        answer = (
            self.env["traceability.scan"].with_user(inspector).scanner_lookup("SC-10")
        )
        self.assertEqual(
            [point["id"] for point in answer["points"]], self.incoming_point.ids
        )
        self.assertEqual(answer["points"][0]["workcenters"], [])

    def test_equipment_from_the_scanner(self):
        self.receive([("SC-2", 5)])
        lot = self.lot(self.raw, "SC-2")
        press = self.env["mrp.workcenter"].create({"name": "Press 7"})
        self.incoming_point.write(
            {"require_workcenter": True, "workcenter_ids": [(6, 0, press.ids)]}
        )
        Scan = self.env["traceability.scan"]
        point = Scan.scanner_lookup("SC-2")["points"][0]
        self.assertTrue(point["require_workcenter"])
        self.assertEqual(point["workcenters"], [{"id": press.id, "name": "Press 7"}])
        values = {"Width": "10", "Visual": "pass"}
        missing = Scan.scanner_submit(lot.id, self.incoming_point.id, values)
        self.assertEqual(missing["status"], "error")
        self.assertIn("equipment", missing["error"])
        result = Scan.scanner_submit(
            lot.id, self.incoming_point.id, values, workcenter_id=press.id
        )
        self.assertEqual(result["status"], "created")
        check = self.env["traceability.check"].browse(result["id"])
        self.assertEqual(check.workcenter_id, press)

    def test_photos_from_the_scanner(self):
        self.receive([("SC-3", 5)])
        lot = self.lot(self.raw, "SC-3")
        operator, reviewer = (
            new_test_user(
                self.env, login, groups="quality_traceability.group_traceability_user"
            )
            for login in ("photo_operator", "photo_reviewer")
        )
        Scan = self.env["traceability.scan"].with_user(operator)
        values = {"Width": "12", "Visual": "pass"}
        bad = Scan.scanner_submit(
            lot.id,
            self.incoming_point.id,
            values,
            photos=[{"name": "dent.jpg", "data": "not base64!"}],
        )
        self.assertEqual(bad["status"], "error")
        self.assertIn("Photo 1", bad["error"])
        self.assertFalse(
            self.env["traceability.check"].search([("lot_id", "=", lot.id)])
        )
        first, second = image_bytes("red", "JPEG"), image_bytes("blue")
        photos = [
            {"name": "dent.jpg", "data": base64.b64encode(first).decode()},
            base64.b64encode(second).decode(),
        ]
        result = Scan.scanner_submit(
            lot.id, self.incoming_point.id, values, "Dented", photos=photos
        )
        self.assertEqual((result["status"], result["result"]), ("created", "fail"))
        # Another quality user sees the operator's photos on the check.
        check = self.env["traceability.check"].with_user(reviewer).browse(result["id"])
        self.assertEqual(
            sorted(check.attachment_ids.mapped("name")), ["dent.jpg", "photo-2"]
        )
        self.assertEqual(
            sorted(check.attachment_ids.mapped("raw")),
            sorted([first, second]),
        )
        self.assertEqual(
            set(check.attachment_ids.mapped("res_model")), {"traceability.check"}
        )
        self.assertEqual(set(check.attachment_ids.mapped("res_id")), {check.id})


@tagged("post_install", "-at_install")
class TestScannerTour(HttpCase):
    # A phone held upright (412 x 915 CSS pixels), with a touch screen.
    browser_size = "412x915"
    touch_enabled = True

    def test_scanner_tour(self):
        product = self.env["product.product"].create(
            {
                "name": "Tour Resin",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "6901234560053",
            }
        )
        self.env["product.product"].search(
            [("barcode", "=", "6901234560053"), ("id", "!=", product.id)]
        ).barcode = False
        lot = self.env["stock.lot"].create({"name": "TOUR-1", "product_id": product.id})
        lot._traceability_hold("incoming", note="Waiting for the tour's check")
        self.env["traceability.control.point"].create(
            {
                "name": "Tour incoming",
                "product_ids": [(6, 0, product.ids)],
                "spec_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Width",
                            "unit": "mm",
                            "value_type": "numeric",
                            "has_min": True,
                            "min_value": 9,
                            "has_max": True,
                            "max_value": 11,
                        },
                    ),
                    (0, 0, {"name": "Visual", "value_type": "pass_fail"}),
                ],
            }
        )
        self.start_tour(
            "/odoo/action-quality_traceability.traceability_scanner_action",
            "quality_traceability_scanner_tour",
            login="admin",
        )
        self.assertEqual(lot.quality_state, "blocked")
        check = self.env["traceability.check"].search([("lot_id", "=", lot.id)])
        self.assertEqual((check.result, check.source), ("fail", "screen"))
        # The photo taken on the screen is kept on the check, under its file name.
        self.assertEqual(
            check.attachment_ids.mapped("name"),
            ["width-defect-seen-at-the-incoming-inspection-dock-3.png"],
        )
        self.assertEqual(check.attachment_ids.mimetype, "image/png")
        self.assertEqual(check.attachment_ids.raw[:8], b"\x89PNG\r\n\x1a\n")
