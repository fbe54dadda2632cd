# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .fake_printer import FakePrinter


@tagged("post_install", "-at_install")
class TestLabelTour(HttpCase):
    def test_print_lot_label_from_the_wizard(self):
        fake = FakePrinter()
        self.addCleanup(fake.close)
        product = self.env["product.product"].create(
            {
                "name": "Tour Kettle",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "6901234560084",
            }
        )
        lot = self.env["stock.lot"].create(
            {"name": "TOUR-LOT-1", "product_id": product.id}
        )
        printer = self.env["label.printer"].create(
            {"name": "Tour Printer", "host": "127.0.0.1", "port": fake.port}
        )
        template = self.env.ref("label_printing.label_template_gs1_lot").copy(
            {"name": "Tour Label", "is_default": False, "printer_id": printer.id}
        )
        template.rule_ids = [(0, 0, {"product_id": product.id})]
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{lot.id}",
            "label_printing_print_lot_tour",
            login="admin",
        )
        (received,) = fake.wait(1)
        self.assertIn(b"TOUR-LOT-1", received)
        log = self.env["label.print.log"].search([("lot_ids", "=", lot.id)])
        self.assertEqual((log.state, log.template_id), ("done", template))

    def test_template_preview_leaves_the_record_saved(self):
        product = self.env["product.product"].create(
            {
                "name": "Preview Kettle",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "6901234560084",
            }
        )
        lot = self.env["stock.lot"].create(
            {"name": "PREVIEW-LOT-1", "product_id": product.id}
        )
        # No sample chosen: the preview shows the latest lot it can print.
        template = self.env.ref("label_printing.label_template_gs1_lot").copy(
            {"name": "Preview Label", "is_default": False}
        )
        self.assertFalse(template.preview_lot_id)
        self.assertEqual(template._preview_record(), lot)
        written = template.write_date
        self.start_tour(
            f"/odoo/action-label_printing.label_template_action/{template.id}",
            "label_printing_template_preview_tour",
            login="admin",
        )
        template.invalidate_recordset()
        self.assertEqual(template.write_date, written)
        self.assertFalse(template.preview_lot_id)

    def test_download_is_the_file_the_job_rendered(self):
        user = new_test_user(
            self.env,
            login="label_download",
            groups="quality_traceability.group_traceability_user",
        )
        product = self.env["product.product"].create(
            {
                "name": "Download Kettle",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "6901234560084",
            }
        )
        lot = self.env["stock.lot"].create(
            {"name": "DOWNLOAD-LOT-1", "product_id": product.id}
        )
        action = (
            self.env["label.print.wizard"]
            .with_user(user)
            .with_context(active_model="stock.lot", active_ids=lot.ids)
            .create({})
            .action_print()
        )
        self.assertTrue(action["close_on_report_download"])
        job = self.env["label.print.log"].browse(action["context"]["active_ids"])
        self.assertEqual(job.output, "bulk_pdf")
        self.authenticate("label_download", "label_download")
        url = f"/report/pdf/{action['report_name']}/{job.id}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, job.attachment_id.raw)
        # A file changed after rendering is not handed out.
        job.attachment_id.sudo().raw = b"%PDF-1.4 forged"
        response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"forged", response.content)
