# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.exceptions import UserError

from odoo.addons.quality_traceability.tools import gs1

from .common import LabelCommon, decode_pdf
from .fake_printer import FakePrinter, free_port


class TestLabelPrint(LabelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakePrinter()
        cls.addClassCleanup(cls.fake.close)
        cls.printer = cls.env["label.printer"].create(
            {
                "name": "Fake Zebra",
                "host": "127.0.0.1",
                "port": cls.fake.port,
                "timeout": 2,
            }
        )

    def print_lots(self, lots, output, **values):
        wizard = self.wizard(lots, output=output, **values)
        # Odoo returns HTML instead of PDF under tests unless told otherwise.
        return wizard.with_context(force_report_rendering=True).action_print()

    def assert_gs1_pages(self, content, lots, formats=("]d2",)):
        pages = decode_pdf(content)
        self.assertEqual(len(pages), len(lots))
        for page, lot in zip(pages, lots, strict=True):
            found = {result.symbology_identifier: result.text for result in page}
            for identifier in formats:
                # zxing gives GS1 data with GS separators, without the leading FNC1,
                # and the symbology identifier of GS1 DataMatrix (]d2).
                self.assertEqual(found.get(identifier), self.gs1_data(lot), lot.name)

    def test_bulk_pdf_decodes_to_the_gs1_data(self):
        lots = self.serials | self.shell_lot
        action = self.print_lots(lots, "bulk_pdf")
        attachment = self.attachment_of(action)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assert_gs1_pages(attachment.raw, lots)
        self.assertEqual(self.gs1_data(self.serials[0]), "0106901234560077" + "21SN-1")

    def test_qweb_pdf_decodes_to_the_same_gs1_data(self):
        lots = self.serials
        action = self.print_lots(lots, "pdf")
        content = self.attachment_of(action).raw
        self.assertTrue(content.startswith(b"%PDF"))
        self.assert_gs1_pages(content, lots)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(self.template.report_id, lots.ids)[0]
            .decode()
        )
        self.assertIn("LOT SN-1", html)
        self.assertIn("(01)06901234560077(21)SN-1", html)

    def test_qweb_pdf_from_the_print_menu_with_copies(self):
        report = self.template.report_id
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(label_copies=2, force_report_rendering=True)
            ._render_qweb_pdf(report, self.serials[:1].ids)
        )
        self.assertEqual(len(decode_pdf(content, resolution=300)), 2)

    def test_zpl_file(self):
        self.finished.name = "Bottle ^XZ~JA_"
        action = self.print_lots(self.serials, "zpl", copies=2)
        attachment = self.attachment_of(action)
        self.assertTrue(attachment.name.endswith(".zpl"))
        text = attachment.raw.decode()
        blocks = re.findall(r"\^XA.*?\^XZ", text)
        self.assertEqual(len(blocks), 2)
        for block, lot in zip(blocks, self.serials, strict=True):
            self.assertTrue(block.startswith("^XA^CI28^PW400^LL240"))
            self.assertIn("^PQ2^XZ", block)
            self.assertIn("Bottle _5EXZ_7EJA_5F", block)
            data = re.search(r"\^BXN,\d+,200,\d+,\d+,,~\^FH_\^FD([^\^]*)\^FS", block)
            self.assertEqual(
                data.group(1).replace("~1", "\x1d"), "\x1d" + self.gs1_data(lot)
            )
        log = self.env["label.print.log"].search([], limit=1)
        self.assertEqual((log.output, log.copies, log.label_count), ("zpl", 2, 4))
        self.assertEqual(log.lot_ids, self.serials)
        self.assertEqual(log.user_id, self.env.user)

    def test_print_to_network_printer(self):
        before = len(self.fake.received)
        action = self.print_lots(self.serials, "printer", printer_id=self.printer.id)
        self.assertEqual(action["params"]["type"], "success")
        received = self.fake.wait(before + 1)[before].decode()
        self.assertEqual(received.count("^XA"), 2)
        self.assertIn("SN-2", received)
        log = self.env["label.print.log"].search([], limit=1)
        self.assertEqual((log.state, log.printer_id), ("done", self.printer))

    def test_unreachable_printer_fails_and_retries(self):
        port = free_port()
        printer = self.env["label.printer"].create(
            {"name": "Off", "host": "127.0.0.1", "port": port, "timeout": 1}
        )
        action = self.print_lots(self.serials[:1], "printer", printer_id=printer.id)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Printer Off (127.0.0.1:", action["params"]["message"])
        log = self.env["label.print.log"].search([], limit=1)
        self.assertEqual(log.state, "failed")
        self.assertIn("cannot be reached", log.error)
        before = len(self.fake.received)
        printer.port = self.fake.port
        log.action_retry()
        self.assertEqual(log.state, "done")
        self.assertFalse(log.error)
        self.assertIn(b"SN-1", self.fake.wait(before + 1)[before])

    def test_reprint_of_a_serial_is_marked(self):
        self.print_lots(self.serials[:1], "zpl")
        self.print_lots(self.shell_lot, "zpl")
        self.print_lots(self.shell_lot, "zpl")
        self.print_lots(self.serials, "zpl")
        logs = self.env["label.print.log"].search([], order="id")
        self.assertEqual(logs.mapped("is_reprint"), [False, False, False, True])

    def test_lot_without_gtin_or_bad_name_is_refused(self):
        self.finished.barcode = False
        with self.assertRaisesRegex(UserError, "has no barcode"):
            self.print_lots(self.serials, "bulk_pdf")
        self.finished.barcode = "6901234560077"
        bad = self.env["stock.lot"].create(
            {"name": "SN 3 é", "product_id": self.finished.id}
        )
        with self.assertRaisesRegex(UserError, "character set 82"):
            self.print_lots(bad, "zpl")
        self.assertFalse(self.env["label.print.log"].search([]))

    def test_long_text_is_fitted(self):
        self.finished.name = "Bottle " * 30
        values = self.template._label_values(self.serials[:1])
        text = self.template._render(self.serials[:1], "zpl")[0].decode()
        self.assertIn("...", text)
        self.assertTrue(values[0]["product_name"].startswith("Bottle Bottle"))
        pages = self.template._qweb_pages(self.serials[:1])
        product_part = pages[0][0]
        self.assertTrue(product_part["text"].endswith("\u2026"))

    def test_template_wider_than_printer(self):
        self.printer.max_width = 40
        with self.assertRaisesRegex(UserError, "prints at most 40"):
            self.print_lots(self.serials, "printer", printer_id=self.printer.id)

    def test_wizard_sources(self):
        wizard = self.wizard(self.shell_production)
        self.assertEqual(wizard.lot_ids, self.shell_lot)
        receipt = self.env["stock.picking"].search(
            [("move_ids.product_id", "=", self.raw.id)], limit=1
        )
        self.assertEqual(self.wizard(receipt).lot_ids, self.lot(self.raw, "V-1"))
        wizard = self.wizard(self.finished)
        self.assertEqual(
            (wizard.label_type, wizard.product_ids), ("product", self.finished)
        )
        action = (
            wizard.write(
                {
                    "template_id": self.env["label.template"]
                    .create(
                        {
                            "name": "Product",
                            "label_type": "product",
                            "element_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "kind": "barcode",
                                        "symbology": "ean13",
                                        "x": 2,
                                        "y": 2,
                                        "width": 40,
                                        "height": 20,
                                        "human_readable": True,
                                    },
                                ),
                                (
                                    0,
                                    0,
                                    {
                                        "kind": "barcode",
                                        "symbology": "gs1_128",
                                        "x": 2,
                                        "y": 22,
                                        "width": 46,
                                        "height": 7,
                                    },
                                ),
                            ],
                        }
                    )
                    .id,
                    "output": "bulk_pdf",
                }
            )
            and wizard.action_print()
        )
        (page,) = decode_pdf(self.attachment_of(action).raw)
        found = {result.symbology_identifier: result.text for result in page}
        self.assertEqual(found["]E0"], GTIN_BOTTLE_13)
        self.assertEqual(found["]C1"], gs1.barcode_data([("01", "0" + GTIN_BOTTLE_13)]))

    def test_user_prints_but_cannot_configure(self):
        wizard = (
            self.env["label.print.wizard"]
            .with_user(self.trace_user)
            .with_context(active_model="stock.lot", active_ids=self.serials.ids)
            .create({"output": "zpl"})
        )
        wizard.action_print()
        log = self.env["label.print.log"].search([], limit=1)
        self.assertEqual(log.user_id, self.trace_user)


GTIN_BOTTLE_13 = "6901234560077"
