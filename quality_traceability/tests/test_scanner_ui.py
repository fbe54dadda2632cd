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
        self.assertEqual(check.attachment_ids.mapped("name"), ["width-defect.png"])
        self.assertEqual(check.attachment_ids.mimetype, "image/png")
        self.assertEqual(check.attachment_ids.raw[:8], b"\x89PNG\r\n\x1a\n")
