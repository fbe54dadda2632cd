# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form

from odoo.addons.quality_traceability.tools import gs1

from .common import LabelCommon, decode_pdf, decode_png
from .fake_printer import FakePrinter


class TestLabelSerialsPackages(LabelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakePrinter()
        cls.addClassCleanup(cls.fake.close)
        cls.printer = cls.env["label.printer"].create(
            {"name": "Line Printer", "host": "127.0.0.1", "port": cls.fake.port}
        )
        cls.env.company.label_gs1_company_prefix = "0614141"

    def test_bulk_serials_from_the_product_sequence(self):
        sequence = self.env["ir.sequence"].create(
            {"name": "Bottles", "prefix": "BT-", "padding": 4}
        )
        self.finished.product_tmpl_id.traceability_lot_sequence_id = sequence
        wizard = Form(self.env["label.serial.wizard"])
        wizard.product_id = self.finished
        wizard.quantity = 5
        self.assertEqual(wizard.template_id, self.template)
        wizard.output = "bulk_pdf"
        wizard = wizard.save()
        action = wizard.action_generate_print()
        self.assertEqual(
            wizard.lot_ids.mapped("name"), [f"BT-{n:04d}" for n in range(1, 6)]
        )
        pages = decode_pdf(self.attachment_of(action).raw, resolution=300)
        self.assertEqual(
            [page[0].text for page in pages],
            [self.gs1_data(lot) for lot in wizard.lot_ids],
        )

    def test_bulk_serials_of_a_production_to_the_printer(self):
        production = self.env["mrp.production"].create(
            {"product_id": self.finished.id, "product_qty": 3}
        )
        wizard = (
            self.env["label.serial.wizard"]
            .with_context(active_model="mrp.production", active_id=production.id)
            .create({"output": "printer", "printer_id": self.printer.id})
        )
        self.assertEqual((wizard.product_id, wizard.quantity), (self.finished, 3))
        before = len(self.fake.received)
        wizard.action_generate_print()
        self.assertEqual(len(wizard.lot_ids), 3)
        received = self.fake.wait(before + 1)[before].decode()
        self.assertEqual(received.count("^XA"), 3)

    def test_lot_tracked_product_has_no_serials(self):
        wizard = self.env["label.serial.wizard"].create(
            {"product_id": self.semi.id, "quantity": 2}
        )
        with self.assertRaisesRegex(UserError, "not tracked by serial"):
            wizard.action_generate_print()

    def test_auto_print_when_production_is_done(self):
        self.template.printer_id = self.printer
        self.env.company.label_auto_print_production = True
        production = self.flows.produce(
            self.finished, 1, "SN-9", {self.semi: [(self.shell_lot, 1)]}
        )
        log = self.env["label.print.log"].search([("state", "=", "queued")])
        self.assertEqual(log.lot_ids, production.lot_producing_id)
        self.assertEqual(log.printer_id, self.printer)
        before = len(self.fake.received)
        self.env["label.print.log"]._cron_send_queued()
        self.assertEqual(log.state, "done")
        self.assertIn(b"SN-9", self.fake.wait(before + 1)[before])

    def test_auto_print_when_final_inspection_passes(self):
        self.template.printer_id = self.printer
        self.env.company.label_auto_print_final_inspection = True
        point = self.env["traceability.control.point"].create(
            {"name": "Final inspection", "stage": "final"}
        )
        Check = self.env["traceability.check"]
        Check.create({"control_point_id": point.id, "lot_id": self.shell_lot.id})
        log = self.env["label.print.log"].search([("state", "=", "queued")])
        self.assertEqual(log.lot_ids, self.shell_lot)
        # Other stages print nothing.
        log.unlink()
        incoming = self.env["traceability.control.point"].create(
            {"name": "Incoming", "stage": "incoming"}
        )
        Check.create({"control_point_id": incoming.id, "lot_id": self.shell_lot.id})
        self.assertFalse(self.env["label.print.log"].search([("state", "=", "queued")]))

    def test_no_auto_print_unless_configured(self):
        self.template.printer_id = self.printer
        self.flows.produce(self.finished, 1, "SN-8", {self.semi: [(self.shell_lot, 1)]})
        self.assertFalse(self.env["label.print.log"].search([]))

    def make_box(self, lot, quantity):
        box = self.env["stock.quant.package"].create({})
        self.env["stock.quant"]._update_available_quantity(
            lot.product_id, self.stock_location, -quantity, lot_id=lot
        )
        self.env["stock.quant"]._update_available_quantity(
            lot.product_id, self.stock_location, quantity, lot_id=lot, package_id=box
        )
        return box

    def test_live_preview_of_a_pallet(self):
        """A pallet template previews a sample package; a package without SSCC
        shows the company's sample SSCC and is given none."""
        box = self.make_box(self.serials[0], 1)
        pallet = self.env["stock.quant.package"].create(
            {
                "traceability_level": "pallet",
                "child_package_ids": [Command.link(box.id)],
            }
        )
        template = self.env.ref("label_printing.label_template_sscc")
        with Form(template) as form:
            self.assertFalse(form.preview_image)
            form.preview_package_id = pallet
            image = base64.b64decode(form.preview_image)
        self.assertTrue(image.startswith(b"\x89PNG"))
        self.assertFalse(pallet.traceability_sscc or box.traceability_sscc)
        sample = gs1.sscc("0614141", 0)
        self.assertIn("00" + sample, decode_png(image))
        pallet.action_assign_sscc()
        template.invalidate_recordset(["preview_image"])
        image = base64.b64decode(template.preview_image)
        self.assertIn("00" + pallet.traceability_sscc, decode_png(image))
        self.env.company.label_gs1_company_prefix = False
        template.invalidate_recordset(["preview_image", "preview_error"])
        pallet_2 = self.env["stock.quant.package"].create(
            {"traceability_level": "pallet"}
        )
        template.preview_package_id = pallet_2
        self.assertFalse(template.preview_image)
        self.assertIn("GS1 company prefix", template.preview_error)

    def test_live_preview_of_a_product_label(self):
        template = self.env["label.template"].create(
            {
                "name": "Shelf label",
                "label_type": "product",
                "width": 50,
                "height": 30,
                "element_ids": [
                    Command.create(
                        {
                            "kind": "text",
                            "field": "product_name",
                            "x": 2,
                            "y": 2,
                            "width": 46,
                            "height": 6,
                        }
                    ),
                    Command.create(
                        {
                            "kind": "barcode",
                            "symbology": "ean13",
                            "x": 2,
                            "y": 10,
                            "width": 46,
                            "height": 18,
                        }
                    ),
                ],
            }
        )
        # Without sample, the preview shows the latest product with a barcode.
        self.assertTrue(template._preview_record().barcode)
        with Form(template) as form:
            form.preview_product_id = self.finished
            image = base64.b64decode(form.preview_image)
        self.assertEqual(decode_png(image), [self.finished.barcode])

    def test_sscc_boxes_on_a_pallet(self):
        box_1 = self.make_box(self.serials[0], 1)
        box_2 = self.make_box(self.shell_lot, 1)
        pallet = self.env["stock.quant.package"].create(
            {
                "traceability_level": "pallet",
                "child_package_ids": [Command.link(box_1.id), Command.link(box_2.id)],
            }
        )
        (box_1 | box_2 | pallet).action_assign_sscc()
        for package in box_1 | box_2 | pallet:
            self.assertEqual(len(package.traceability_sscc), 18)
            self.assertTrue(package.traceability_sscc.startswith("00614141"))
            self.assertEqual(
                gs1.validate("00", package.traceability_sscc), package.traceability_sscc
            )
        self.assertEqual(
            len(set((box_1 | box_2 | pallet).mapped("traceability_sscc"))), 3
        )
        summary = pallet._label_content_summary()
        self.assertEqual(summary, "2 boxes; 1 Units Test Bottle; 1 Units Test Shell")
        with self.assertRaises(ValidationError):
            box_1.child_package_ids = pallet
        # Scanning the pallet's code (GS1-128, symbology identifier) opens its content.
        find = self.env["stock.quant.package"]._traceability_find_by_code
        self.assertEqual(find("]C100" + pallet.traceability_sscc), pallet)
        self.assertEqual(find(f"(00){box_1.traceability_sscc}"), box_1)
        self.assertEqual(find(box_2.traceability_sscc), box_2)
        scan = self.env["label.package.scan"].create(
            {"code": "00" + pallet.traceability_sscc}
        )
        action = scan.action_open()
        quants = self.env["stock.quant"].search(action["domain"])
        self.assertEqual(quants.lot_id, self.serials[0] | self.shell_lot)
        with self.assertRaisesRegex(UserError, "No box or pallet"):
            self.env["label.package.scan"].create({"code": "nothing"}).action_open()

        wizard = self.wizard(pallet)
        self.assertEqual(wizard.label_type, "pallet")
        self.assertEqual(
            wizard.template_id, self.env.ref("label_printing.label_template_sscc")
        )
        wizard.output = "bulk_pdf"
        (page,) = decode_pdf(
            self.attachment_of(wizard.action_print()).raw, resolution=300
        )
        self.assertEqual([r.text for r in page], ["00" + pallet.traceability_sscc])
        self.assertEqual(page[0].symbology_identifier, "]C1")
        wizard = self.wizard(box_1 | box_2, output="zpl")
        self.assertEqual(wizard.label_type, "box")
        text = self.attachment_of(wizard.action_print()).raw.decode()
        self.assertIn(f"^FD>;>800{box_1.traceability_sscc}^FS", text)

    def test_sscc_needs_the_company_prefix(self):
        self.env.company.label_gs1_company_prefix = False
        box = self.env["stock.quant.package"].create({})
        with self.assertRaisesRegex(UserError, "GS1 company prefix"):
            box.action_assign_sscc()
        with self.assertRaises(ValidationError):
            self.env.company.label_gs1_company_prefix = "12AB"
