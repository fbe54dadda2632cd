# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import TransactionCase


class TraceabilityCommon(TransactionCase):
    """A small two-level factory of its own, independent of the demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.builder = cls.env["traceability.flow.builder"]
        cls.stock_location = cls.env.ref("stock.stock_location_stock")
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Test Vendor", "is_company": True}
        )
        cls.customer_a, cls.customer_b = cls.env["res.partner"].create(
            [
                {"name": "Test Customer A", "is_company": True},
                {"name": "Test Customer B", "is_company": True},
            ]
        )
        product_vals = {"type": "consu", "is_storable": True, "tracking": "lot"}
        cls.raw = cls.env["product.product"].create(
            dict(product_vals, name="Test Resin", barcode="6901234560053")
        )
        cls.semi = cls.env["product.product"].create(
            dict(product_vals, name="Test Shell")
        )
        cls.finished = cls.env["product.product"].create(
            dict(product_vals, name="Test Bottle", tracking="serial")
        )
        cls.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": cls.semi.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": cls.raw.id, "product_qty": 2})
                    ],
                },
                {
                    "product_tmpl_id": cls.finished.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": cls.semi.id, "product_qty": 1})
                    ],
                },
            ]
        )

    @classmethod
    def lot(cls, product, name):
        return cls.env["stock.lot"].search(
            [("product_id", "=", product.id), ("name", "=", name)]
        )

    def on_hand(self, lot):
        return self.env["stock.quant"]._get_available_quantity(
            lot.product_id, self.stock_location, lot_id=lot, strict=True
        )
