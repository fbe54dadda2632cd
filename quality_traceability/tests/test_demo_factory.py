# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged
from odoo.tools.barcode import check_barcode_encoding


@tagged("post_install", "-at_install")
class TestDemoFactory(TransactionCase):
    """The demo data is a small factory on which every feature shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cup = cls.env.ref("quality_traceability.product_thermos_cup", False)
        if not cls.cup:
            cls.skipTest(cls, "installed without demo data")
        cls.steel = cls.env.ref("quality_traceability.product_steel_sheet")
        cls.body = cls.env.ref("quality_traceability.product_body_assembly")
        cls.kettle = cls.env.ref("quality_traceability.product_electric_kettle")
        cls.customers = (
            cls.env.ref("quality_traceability.partner_customer_hangzhou")
            | cls.env.ref("quality_traceability.partner_customer_shanghai")
            | cls.env.ref("quality_traceability.partner_customer_beijing")
        )

    def _lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)])

    def test_products_and_boms(self):
        self.assertTrue(check_barcode_encoding(self.steel.barcode, "ean13"))
        self.assertEqual(self.steel.tracking, "lot")
        self.assertEqual(self.body.tracking, "lot")
        self.assertEqual(self.cup.tracking, "lot")
        self.assertEqual(self.kettle.tracking, "serial")
        # Two levels: finished <- body assembly <- steel sheet.
        bom = self.env["mrp.bom"]._bom_find(self.cup)[self.cup]
        self.assertEqual(bom.bom_line_ids.product_id, self.body)
        body_bom = self.env["mrp.bom"]._bom_find(self.body)[self.body]
        self.assertEqual(body_bom.bom_line_ids.product_id, self.steel)

    def test_receipts_carry_vendor_lots(self):
        receipts = self.env["purchase.order"].search(
            [
                (
                    "partner_id",
                    "=",
                    self.env.ref("quality_traceability.partner_vendor_steel").id,
                )
            ]
        )
        self.assertEqual(receipts.picking_ids.mapped("state"), ["done"])
        self.assertEqual(
            set(receipts.picking_ids.move_line_ids.lot_id.mapped("name")),
            {"NBS-240301", "NBS-240302"},
        )

    def test_manufacturing_orders_done_with_consumed_lots(self):
        productions = self.env["mrp.production"].search(
            [("product_id", "in", (self.body | self.cup | self.kettle).ids)]
        )
        self.assertEqual(len(productions), 7)
        self.assertEqual(set(productions.mapped("state")), {"done"})
        cup2 = productions.filtered(lambda p: p.lot_producing_id.name == "CUP-0002")
        self.assertEqual(
            set(cup2.move_raw_ids.move_line_ids.lot_id.mapped("name")),
            {"BA-0001", "BA-0002"},
        )
        ba2 = productions.filtered(lambda p: p.lot_producing_id.name == "BA-0002")
        self.assertEqual(
            set(ba2.move_raw_ids.move_line_ids.lot_id.mapped("name")),
            {"NBS-240301", "NBS-240302"},
        )

    def test_deliveries_to_several_customers(self):
        deliveries = self.env["stock.picking"].search(
            [
                ("picking_type_code", "=", "outgoing"),
                ("partner_id", "in", self.customers.ids),
                ("state", "=", "done"),
            ]
        )
        self.assertEqual(deliveries.partner_id, self.customers)
        self.assertTrue(all(deliveries.mapped("sale_id")))
        # One lot split across two customers.
        cup1 = self._lot("CUP-0001")
        self.assertEqual(len(cup1.delivery_ids.partner_id), 2)
        self.assertEqual(cup1.product_qty, 0)
        # One lot still (partly) in stock, one serial never shipped.
        self.assertEqual(self._lot("CUP-0002").product_qty, 7)
        self.assertEqual(self._lot("KT17-00003").product_qty, 1)
        self.assertFalse(self._lot("KT17-00003").delivery_ids)

    def test_quality_depth_shows(self):
        """The demo shows a vendor on tightened inspection, a partial rejection,
        an 8D in progress, an overdue gauge and a published certificate."""
        ref = self.env.ref
        heating = ref("quality_traceability.product_heating_element")
        vendor = ref("quality_traceability.partner_vendor_heating")
        Check = self.env["traceability.check"]
        self.assertEqual(
            Check._sampling_severity(vendor, heating, self.env.company), "tightened"
        )
        rejected = self._lot("SZH-2404-B")
        quarantine = ref("quality_traceability.stock_location_quarantine")
        self.assertEqual(rejected.quality_state, "released")
        held = rejected.traceability_hold_ids.filtered(lambda h: h.state == "open")
        self.assertEqual(held.location_id, quarantine)
        on_hold = sum(
            rejected._traceability_internal_quants()
            .filtered(lambda quant: quant.location_id == quarantine)
            .mapped("quantity")
        )
        self.assertEqual(on_hold, 10)
        nonconformance = self.env["traceability.nonconformance"].search(
            [("lot_id", "=", self._lot("SZH-2404-A").id)]
        )
        self.assertEqual(nonconformance.severity, "major")
        self.assertEqual(len(nonconformance.why_ids), 3)
        self.assertEqual(len(nonconformance.action_ids.activity_id), 2)
        self.assertFalse(nonconformance.effectiveness_verified_by_id)
        self.assertTrue(ref("quality_traceability.gauge_caliper").overdue)
        self.assertFalse(ref("quality_traceability.gauge_micrometer").overdue)
        kettle = self._lot("KT17-00003")
        self.assertTrue(kettle.traceability_coa_published)
        self.assertEqual(len(kettle._traceability_coa_checks()), 1)
