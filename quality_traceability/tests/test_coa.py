# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import rate_limiter
from .common import TraceabilityCommon, rpc

GTIN13 = "6901234560077"
NOT_FOUND = "o_traceability_not_found"
COA_LINK = "o_traceability_coa"


@tagged("post_install", "-at_install")
class TestCertificateOfAnalysis(TraceabilityCommon, HttpCase):
    """The certificate of analysis of a lot: its final inspection's specs and
    values in English and Chinese, printed from the lot and the delivery, and
    reachable without login from the lot's page and its GS1 Digital Link
    (link type gs1:certificationInfo, GS1 Digital Link standard 1.2 section 7)
    once a manager publishes it; never before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.finished.barcode = GTIN13
        cls.flows.receive(cls.vendor, cls.raw, [("COA-V1", 10)])
        vendor_lot = cls.lot(cls.raw, "COA-V1")
        shell = cls.flows.produce(
            cls.semi, 2, "COA-S1", {cls.raw: [(vendor_lot, 4)]}
        ).lot_producing_id
        cls.serial = cls.flows.produce(
            cls.finished, 1, "COA-SN1", {cls.semi: [(shell, 1)]}
        ).lot_producing_id
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "Bottle final inspection",
                "stage": "final",
                "spec_ids": [
                    Command.create(
                        {
                            "name": "Leak Pressure",
                            "unit": "kPa",
                            "value_type": "numeric",
                            "has_min": True,
                            "min_value": 40,
                            "has_max": True,
                            "max_value": 60,
                        }
                    )
                ],
            }
        )
        spec = cls.point.spec_ids
        spec.with_context(lang="zh_CN").name = "泄漏压力"
        cls.env["traceability.check"].create(
            {
                "control_point_id": cls.point.id,
                "lot_id": cls.serial.id,
                "value_ids": [
                    Command.create(
                        {"spec_id": spec.id, "value_float": 51.5, "value_is_set": True}
                    )
                ],
            }
        )
        cls.delivery = cls.flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.serial, 1)])]
        ).picking_ids
        cls.manager = new_test_user(
            cls.env,
            "coa_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "coa_inspector",
            groups="quality_traceability.group_traceability_user",
        )

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    def urls(self):
        return {
            "page": f"/trace/{self.serial.trace_code}",
            "coa": f"/trace/{self.serial.trace_code}/coa",
            "link": f"/01/0{GTIN13}/21/COA-SN1",
            "link_coa": f"/01/0{GTIN13}/21/COA-SN1?linkType=gs1:certificationInfo",
        }

    def test_report_in_both_languages(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("quality_traceability.report_coa", self.serial.ids)[0]
            .decode()
        )
        for text in (
            "Certificate of Analysis / 分析证书",
            "COA-SN1",
            "Leak Pressure",
            "泄漏压力",
            "51.5",
            "Pass / 合格",
            "Conforms / 合格",
            "Recorded by / 记录人",
        ):
            self.assertIn(text, html)
        # The delivery prints the certificates of its lots.
        picking_html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "quality_traceability.report_coa_picking", self.delivery.ids
            )[0]
            .decode()
        )
        self.assertIn("COA-SN1", picking_html)
        self.assertIn("泄漏压力", picking_html)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("quality_traceability.report_coa", self.serial.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_public_only_once_published(self):
        urls = self.urls()
        for name in ("coa", "link_coa"):
            response = self.url_open(urls[name])
            self.assertEqual(response.status_code, 404, name)
            self.assertIn(NOT_FOUND, response.text)
        for name in ("page", "link"):
            self.assertNotIn(COA_LINK, self.url_open(urls[name]).text, name)
        rpc(
            self.env,
            self.manager,
            "stock.lot",
            "action_traceability_publish_coa",
            [self.serial.ids],
        )
        self.assertTrue(self.serial.traceability_coa_published)
        self.assertIn("published", self.serial.message_ids[0].body)
        for name in ("coa", "link_coa"):
            response = self.url_open(urls[name])
            self.assertEqual(response.status_code, 200, name)
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            # Odoo renders reports as HTML under test (the PDF itself: see
            # test_report_in_both_languages).
            self.assertIn(b"COA-SN1", response.content, name)
        page = self.url_open(urls["page"]).text
        self.assertIn(COA_LINK, page)
        self.assertIn(urls["coa"], page)
        # The Digital Link page links by the Digital Link, never by the trace code.
        link_page = self.url_open(urls["link"]).text
        self.assertIn("linkType=gs1:certificationInfo", link_page)
        self.assertNotIn(self.serial.trace_code, link_page)
        rpc(
            self.env,
            self.manager,
            "stock.lot",
            "action_traceability_withdraw_coa",
            [self.serial.ids],
        )
        self.assertEqual(self.url_open(urls["coa"]).status_code, 404)

    def test_only_a_manager_publishes(self):
        for method in ("action_traceability_publish_coa", "write"):
            args = [self.serial.ids]
            if method == "write":
                args.append({"traceability_coa_published": True})
            with self.assertRaises(AccessError, msg=method):
                rpc(self.env, self.inspector, "stock.lot", method, args)
        # Nor a new lot, whatever its values or context say.
        stock_user = new_test_user(
            self.env,
            "coa_stock_user",
            groups="stock.group_stock_user,quality_traceability.group_traceability_user",
        )
        lot_id = rpc(
            self.env,
            stock_user,
            "stock.lot",
            "create",
            [
                {
                    "name": "COA-NEW",
                    "product_id": self.finished.id,
                    "traceability_coa_published": True,
                }
            ],
            context={"default_traceability_coa_published": True},
        )
        self.assertFalse(
            self.env["stock.lot"].browse(lot_id).traceability_coa_published
        )
        self.assertFalse(self.serial.traceability_coa_published)
        self.assertEqual(self.url_open(self.urls()["coa"]).status_code, 404)

    def test_no_final_inspection_no_certificate(self):
        shell = self.lot(self.semi, "COA-S1")
        with self.assertRaisesRegex(UserError, "no final inspection"):
            rpc(
                self.env,
                self.manager,
                "stock.lot",
                "action_traceability_publish_coa",
                [shell.ids],
            )
        self.assertFalse(shell.traceability_coa_published)
