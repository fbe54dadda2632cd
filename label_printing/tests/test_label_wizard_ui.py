# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import Form

from .common import LabelCommon, decode_pdf
from .fake_printer import FakePrinter

# Models whose Print menu opens the print wizard, with the action it opens.
PRINT_MENU = {
    "stock.lot": "label_printing.label_print_wizard_action",
    "mrp.production": "label_printing.label_print_wizard_action_production",
    "stock.picking": "label_printing.label_print_wizard_action_picking",
    "stock.quant.package": "label_printing.label_print_wizard_action_package",
    "product.product": "label_printing.label_print_wizard_action_product",
    "product.template": "label_printing.label_print_wizard_action_template",
}
# Forms with a header button opening the print wizard.
HEADER_BUTTONS = {
    "stock.lot": "label_printing.label_print_wizard_action",
    "mrp.production": "label_printing.label_print_wizard_action_production",
    "stock.picking": "label_printing.label_print_wizard_action_picking",
}


class TestLabelWizardUi(LabelCommon):
    def open_wizard(self, action_ref, records):
        """The wizard as the web client opens it from the Print menu or a header
        button of ``records`` (action by XML id or id), with those records
        active."""
        if isinstance(action_ref, int):
            action = (
                self.env["ir.actions.act_window"].browse(action_ref)._get_action_dict()
            )
        else:
            action = self.env["ir.actions.actions"]._for_xml_id(action_ref)
        self.assertEqual(
            (action["res_model"], action["target"]), ("label.print.wizard", "new")
        )
        return Form(
            self.env[action["res_model"]].with_context(
                active_model=records._name,
                active_id=records[:1].id,
                active_ids=records.ids,
            )
        )

    def test_default_output_prints_right_everywhere(self):
        for model in ("label.print.wizard", "label.serial.wizard"):
            field = self.env[model]._fields["output"]
            self.assertEqual(field.default(self.env[model]), "bulk_pdf", model)
            self.assertIn("wkhtmltopdf", field.help, model)
            self.assertIn("clip", field.help, model)
        wizard = self.open_wizard(
            "label_printing.label_print_wizard_action", self.serials
        )
        self.assertEqual(wizard.output, "bulk_pdf")
        action = wizard.save().action_print()
        pages = decode_pdf(self.attachment_of(action).raw)
        self.assertEqual(
            [{result.text for result in page} for page in pages],
            [{self.gs1_data(lot)} for lot in self.serials],
        )

    def test_print_labels_in_the_print_menu(self):
        for model, xmlid in PRINT_MENU.items():
            action = self.env.ref(xmlid)
            bindings = self.env["ir.actions.actions"].get_bindings(model)
            self.assertIn(
                action.id,
                [binding["id"] for binding in bindings.get("report", [])],
                model,
            )
            self.assertIn("Print", action.name)

    def test_header_buttons_open_the_wizard_with_their_records(self):
        receipt = self.env["stock.picking"].search(
            [("move_ids.product_id", "=", self.raw.id)], limit=1
        )
        cases = [
            (self.serials, self.serials),
            (self.shell_production, self.shell_lot),
            (receipt, self.lot(self.raw, "V-1")),
        ]
        for records, lots in cases:
            arch = etree.fromstring(
                self.env[records._name].get_view(view_type="form")["arch"]
            )
            action = self.env.ref(HEADER_BUTTONS[records._name])
            buttons = arch.xpath(
                f"//header/button[@type='action'][@name='{action.id}']"
            )
            self.assertEqual(len(buttons), 1, records._name)
            self.assertIn("Print", buttons[0].get("string"))
            wizard = self.open_wizard(action.id, records)
            self.assertEqual(wizard.label_type, "lot")
            self.assertEqual(wizard.save().lot_ids, lots, records._name)

    def test_printing_closes_the_wizard(self):
        for output in ("bulk_pdf", "pdf", "zpl"):
            wizard = self.wizard(self.serials, output=output)
            action = wizard.with_context(force_report_rendering=True).action_print()
            self.assertEqual(action["type"], "ir.actions.report", output)
            self.assertTrue(action["close_on_report_download"], output)
            job = self.env["label.print.log"].browse(action["context"]["active_ids"])
            self.assertEqual(job.output, output)
            # The download is the file the job rendered, not a new rendering.
            content, _kind = self.env["ir.actions.report"]._render(
                action["report_name"], job.ids
            )
            self.assertEqual(content, job.attachment_id.raw, output)
        fake = FakePrinter()
        self.addCleanup(fake.close)
        printer = self.env["label.printer"].create(
            {"name": "Closing Zebra", "host": "127.0.0.1", "port": fake.port}
        )
        action = self.wizard(
            self.serials, output="printer", printer_id=printer.id
        ).action_print()
        self.assertEqual(
            action["params"]["next"], {"type": "ir.actions.act_window_close"}
        )
        fake.wait(1)
        serial_wizard = Form(self.env["label.serial.wizard"])
        serial_wizard.product_id = self.finished
        serial_wizard.quantity = 1
        action = serial_wizard.save().action_generate_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertTrue(action["close_on_report_download"])

    def test_no_qweb_in_the_interface(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "label_printing"), ("model", "=", "ir.ui.view")]
        )
        views = self.env["ir.ui.view"].browse(data.mapped("res_id"))
        ui_views = views.filtered(lambda view: view.type != "qweb")
        self.assertGreater(len(ui_views), 5)
        for view in ui_views:
            self.assertNotIn("qweb", view.arch.lower(), view.xml_id)
        fields = self.env["ir.model.fields"].browse(
            self.env["ir.model.data"]
            .search(
                [("module", "=", "label_printing"), ("model", "=", "ir.model.fields")]
            )
            .mapped("res_id")
        )
        self.assertIn("label.print.wizard", fields.mapped("model"))
        for field in fields:
            texts = [field.field_description, field.help or ""]
            texts += field.selection_ids.mapped("name")
            for text in texts:
                self.assertNotIn("qweb", text.lower(), f"{field.model}.{field.name}")
        actions = self.env["ir.model.data"].search(
            [
                ("module", "=", "label_printing"),
                ("model", "in", ("ir.actions.act_window", "ir.actions.report")),
            ]
        )
        for xmlid in actions:
            name = self.env[xmlid.model].browse(xmlid.res_id).name
            self.assertNotIn("qweb", name.lower())
        wizard = self.env["label.print.wizard"]
        labels = dict(wizard._fields["output"]._description_selection(self.env))
        self.assertEqual(labels["pdf"], "PDF (browser layout)")

    def test_margins_are_labelled_in_mm(self):
        arch = etree.fromstring(
            self.env["label.template"].get_view(view_type="form")["arch"]
        )
        for name in ("margin_top", "margin_right", "margin_bottom", "margin_left"):
            (node,) = arch.xpath(f"//field[@name='{name}']")
            self.assertNotEqual(node.get("nolabel"), "1", name)
            self.assertIn("(mm)", self.env["label.template"]._fields[name].string, name)
        self.assertIn("(mm)", self.env["label.template"]._fields["width"].string)
