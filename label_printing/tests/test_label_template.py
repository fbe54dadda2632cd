# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user

from .common import LabelCommon


class TestLabelTemplate(LabelCommon):
    def test_report_and_paperformat_per_template(self):
        template = self.env["label.template"].create(
            {"name": "Small", "width": 40.4, "height": 25}
        )
        report = template.report_id
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(report.model, "stock.lot")
        self.assertEqual(report.binding_model_id.model, "stock.lot")
        paper = template.paperformat_id
        self.assertEqual(report.paperformat_id, paper)
        self.assertEqual(
            (paper.format, paper.page_width, paper.page_height), ("custom", 40, 25)
        )
        self.assertEqual((paper.margin_top, paper.margin_left), (0, 0))
        template.write({"width": 60, "label_type": "pallet"})
        self.assertEqual(paper.page_width, 60)
        self.assertEqual(report.model, "stock.quant.package")
        view = self.env["ir.ui.view"].search([("key", "=", report.report_name)])
        self.assertEqual(len(view), 1)
        template.unlink()
        self.assertFalse(report.exists() or paper.exists() or view.exists())

    def test_template_choice_rules(self):
        category = self.env["product.category"].create({"name": "Line A"})
        subcategory = self.env["product.category"].create(
            {"name": "Line A1", "parent_id": category.id}
        )
        self.finished.categ_id = subcategory
        default = self.template
        by_category, by_product = self.env["label.template"].create(
            [
                {
                    "name": "Line A",
                    "rule_ids": [(0, 0, {"categ_id": category.id, "sequence": 20})],
                },
                {
                    "name": "Bottle",
                    "rule_ids": [
                        (0, 0, {"product_id": self.finished.id, "sequence": 30})
                    ],
                },
            ]
        )
        find = self.env["label.template"]._find_for
        self.assertEqual(find(self.finished, "lot"), by_category)
        by_product.rule_ids.sequence = 5
        self.assertEqual(find(self.finished, "lot"), by_product)
        self.assertEqual(find(self.semi, "lot"), default)
        wizard = self.wizard(self.serials)
        self.assertEqual(wizard.template_id, by_product)
        with self.assertRaises(ValidationError):
            self.env["label.template.rule"].create({"template_id": default.id})

    def test_element_outside_the_label_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "outside the printable area"):
            self.template.element_ids[0].width = 60
        with self.assertRaisesRegex(ValidationError, "outside the printable area"):
            self.template.write({"width": 20})

    def test_live_preview(self):
        with Form(self.template) as form:
            form.preview_lot_id = self.serials[0]
            image = base64.b64decode(form.preview_image)
            self.assertTrue(image.startswith(b"\x89PNG"))
            with form.element_ids.edit(0) as element:
                element.prefix = "Product: "
            self.assertNotEqual(base64.b64decode(form.preview_image), image)
        product = self.env["product.product"].create(
            {"name": "No GTIN", "is_storable": True, "tracking": "lot"}
        )
        self.template.preview_lot_id = self.env["stock.lot"].create(
            {"name": "NO-GTIN", "product_id": product.id}
        )
        self.assertFalse(self.template.preview_image)
        self.assertIn("no barcode", self.template.preview_error)

    def test_access_rights(self):
        template = self.template.with_user(self.trace_user)
        self.assertTrue(template.name)
        with self.assertRaises(AccessError):
            template.name = "Changed"
        with self.assertRaises(AccessError):
            self.env["label.printer"].with_user(self.trace_user).create(
                {"name": "P", "host": "127.0.0.1"}
            )
        self.template.with_user(self.trace_manager).name = "Changed"
        self.env["label.printer"].with_user(self.trace_manager).create(
            {"name": "P", "host": "127.0.0.1"}
        )
        employee = new_test_user(
            self.env, login="label_employee", groups="base.group_user"
        )
        portal = new_test_user(
            self.env, login="label_portal", groups="base.group_portal"
        )
        public = self.env.ref("base.public_user")
        for user in (employee, portal, public):
            for model in ("label.template", "label.printer", "label.print.log"):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["label.print.wizard"].with_user(portal).create({})
