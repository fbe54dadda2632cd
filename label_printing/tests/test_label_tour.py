# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import FakePrinter


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
