# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import Command
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
        # Where the server connects to is chosen by administrators only.
        with self.assertRaises(AccessError):
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


class TestLabelValues(LabelCommon):
    """The values labels print, read in bulk, against the ORM's own."""

    def test_lot_values_match_the_orm(self):
        color = self.env["product.attribute"].create(
            {
                "name": "Colour",
                "value_ids": [
                    Command.create({"name": "Red"}),
                    Command.create({"name": "Blue"}),
                ],
            }
        )
        mug = self.env["product.template"].create(
            {
                "name": "Mug",
                "is_storable": True,
                "tracking": "lot",
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": color.id,
                            "value_ids": [Command.set(color.value_ids.ids)],
                        }
                    )
                ],
            }
        )
        red_mug = mug.product_variant_ids[0]
        red_mug.barcode = "4006381333931"
        plain = self.env["product.product"].create(
            {"name": "Plain Bowl", "is_storable": True, "tracking": "lot"}
        )
        lots = self.serials[0] | self.env["stock.lot"].create(
            [
                {"name": "MUG-1", "product_id": red_mug.id},
                {"name": "BOWL-1", "product_id": plain.id},
            ]
        )
        template = self.env["label.template"].create(
            {
                "name": "Everything",
                "element_ids": [
                    Command.create(
                        {"kind": "text", "field": field, "x": 1, "y": 1, "width": 40}
                    )
                    for field in (
                        "product_name",
                        "default_code",
                        "lot",
                        "serial",
                        "production_date",
                        "company",
                        "quantity",
                    )
                ],
            }
        )
        values = template._label_values(lots)
        self.assertEqual(len(values), 3)
        for lot, lot_values in zip(lots, values, strict=True):
            product = lot.product_id
            self.assertEqual(lot_values["product_name"], product.display_name)
            self.assertEqual(lot_values["default_code"], product.default_code or "")
            self.assertEqual(lot_values["lot"], lot.name)
            self.assertEqual(
                lot_values["serial"], lot.name if product.tracking == "serial" else ""
            )
            self.assertEqual(lot_values["company"], self.env.company.name)
        self.assertIn("(Red)", values[1]["product_name"])  # the variant's values
        # Made by a manufacturing order: the day it was done; else the lot's
        # creation day.
        self.assertEqual(
            values[0]["production_date"],
            self.serials[0].traceability_produced_date.date().isoformat(),
        )
        self.assertEqual(
            self.serials[0].traceability_produced_date,
            self.serials[0].traceability_production_ids.date_finished,
        )
        self.assertEqual(
            values[2]["production_date"], lots[2].create_date.date().isoformat()
        )
        self.assertFalse(lots[2].traceability_produced_date)
        # In the user's language.
        self.env["res.lang"]._activate_lang("zh_CN")
        plain.with_context(lang="zh_CN").name = "素碗"
        template = template.with_context(lang="zh_CN")
        names = [value["product_name"] for value in template._label_values(lots)]
        self.assertEqual(names[2], "素碗")
        self.assertEqual(
            names,
            [lot.product_id.with_context(lang="zh_CN").display_name for lot in lots],
        )
        # Labels keep the order they were asked in, even repeated.
        again = template._label_values(lots[2] | lots[0])
        self.assertEqual([value["lot"] for value in again], ["BOWL-1", "SN-1"])
