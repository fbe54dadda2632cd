# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form

from .common import TraceabilityCommon


class TestLotSequence(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Sequence = cls.env["ir.sequence"]
        cls.category_sequence = Sequence.create(
            {"name": "Category lots", "prefix": "CAT-", "padding": 4}
        )
        cls.product_sequence = Sequence.create(
            {"name": "Product serials", "prefix": "SN-%(year)s-", "padding": 5}
        )
        cls.parent_category = cls.env["product.category"].create(
            {
                "name": "Traced Goods",
                "traceability_lot_sequence_id": cls.category_sequence.id,
            }
        )
        cls.child_category = cls.env["product.category"].create(
            {"name": "Traced Parts", "parent_id": cls.parent_category.id}
        )
        product_vals = {"type": "consu", "is_storable": True, "tracking": "lot"}
        cls.part = cls.env["product.product"].create(
            dict(product_vals, name="Sequenced Part", categ_id=cls.child_category.id)
        )
        cls.device = cls.env["product.product"].create(
            dict(
                product_vals,
                name="Sequenced Device",
                tracking="serial",
                categ_id=cls.child_category.id,
                traceability_lot_sequence_id=cls.product_sequence.id,
            )
        )
        cls.Lot = cls.env["stock.lot"]

    def peek(self, sequence):
        """The next name of ``sequence``, without using it."""
        return sequence.get_next_char(sequence.number_next_actual)

    def test_effective_sequence(self):
        self.assertEqual(
            self.child_category.traceability_effective_lot_sequence_id,
            self.category_sequence,
        )
        self.assertEqual(
            self.part.traceability_effective_lot_sequence_id, self.category_sequence
        )
        self.assertEqual(
            self.device.traceability_effective_lot_sequence_id, self.product_sequence
        )
        self.assertFalse(self.raw.traceability_effective_lot_sequence_id)
        # A sequence on the child category wins over the parent's.
        own = self.env["ir.sequence"].create({"name": "Parts", "prefix": "PRT-"})
        self.child_category.traceability_lot_sequence_id = own
        self.assertEqual(self.part.traceability_effective_lot_sequence_id, own)
        self.assertEqual(
            self.device.traceability_effective_lot_sequence_id, self.product_sequence
        )
        self.child_category.traceability_lot_sequence_id = False
        self.parent_category.traceability_lot_sequence_id = False
        self.assertFalse(self.part.traceability_effective_lot_sequence_id)

    def test_lot_named_from_category_sequence(self):
        expected = self.peek(self.category_sequence)
        lot = self.Lot.create({"product_id": self.part.id})
        self.assertEqual(lot.name, expected)
        self.assertTrue(lot.name.startswith("CAT-"))

    def test_serial_named_from_product_sequence(self):
        expected = self.peek(self.product_sequence)
        serial = self.Lot.create({"product_id": self.device.id})
        self.assertEqual(serial.name, expected)
        self.assertRegex(serial.name, r"^SN-\d{4}-\d{5}$")

    def test_batch_create(self):
        lots = self.Lot.create(
            [{"product_id": self.part.id} for _index in range(3)]
            + [{"product_id": self.device.id}, {"product_id": self.raw.id}]
        )
        names = lots.mapped("name")
        self.assertEqual(len(set(names)), 5)
        self.assertTrue(all(name.startswith("CAT-") for name in names[:3]))
        self.assertTrue(names[3].startswith("SN-"))
        # Without a sequence of its own, Odoo's default serial sequence.
        self.assertFalse(names[4].startswith(("CAT-", "SN-")))
        self.assertTrue(names[4])

    def test_given_name_is_kept(self):
        expected = self.peek(self.category_sequence)
        lot = self.Lot.create({"product_id": self.part.id, "name": "VENDOR-42"})
        self.assertEqual(lot.name, "VENDOR-42")
        # The sequence was not used.
        self.assertEqual(self.peek(self.category_sequence), expected)

    def test_form_default_from_product_context(self):
        expected = self.peek(self.product_sequence)
        form = Form(self.Lot.with_context(default_product_id=self.device.id))
        self.assertEqual(form.name, expected)
        lot = form.save()
        self.assertEqual(lot.name, expected)
        self.assertEqual(lot.product_id, self.device)

    def test_receipt_keeps_vendor_lot_names(self):
        self.flows.receive(self.vendor, self.part, [("VND-7", 5)])
        self.assertTrue(self.lot(self.part, "VND-7"))

    def test_next_serial(self):
        company = self.env.company
        expected = self.peek(self.product_sequence)
        self.assertEqual(self.Lot._get_next_serial(company, self.device), expected)
        self.assertNotEqual(self.Lot._get_next_serial(company, self.device), expected)
        # Without a sequence: Odoo's own rule (the last serial, plus one).
        self.Lot.create({"product_id": self.finished.id, "name": "BTL-0041"})
        self.assertEqual(self.Lot._get_next_serial(company, self.finished), "BTL-0042")
        untracked = self.env["product.product"].create(
            {
                "name": "Untracked",
                "is_storable": True,
                "categ_id": self.child_category.id,
            }
        )
        self.assertFalse(self.Lot._get_next_serial(company, untracked))

    def test_manufacturing_batch_serials(self):
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.device.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [(0, 0, {"product_id": self.raw.id, "product_qty": 1})],
            }
        )
        production = self.env["mrp.production"].create(
            {"product_id": self.device.id, "product_qty": 3, "bom_id": bom.id}
        )
        production.action_confirm()
        expected = self.peek(self.product_sequence)
        wizard = self.env["mrp.batch.produce"].create({"production_id": production.id})
        self.assertEqual(wizard.lot_name, expected)

    def test_manufacturing_generate_serial(self):
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.device.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [(0, 0, {"product_id": self.raw.id, "product_qty": 1})],
            }
        )
        production = self.env["mrp.production"].create(
            {"product_id": self.device.id, "product_qty": 1, "bom_id": bom.id}
        )
        production.action_confirm()
        expected = self.peek(self.product_sequence)
        production.action_generate_serial()
        self.assertEqual(production.lot_producing_id.name, expected)

    def test_views(self):
        template_arch = self.env["product.template"].get_view(view_type="form")["arch"]
        self.assertIn('name="traceability_lot_sequence_id"', template_arch)
        category_arch = self.env["product.category"].get_view(view_type="form")["arch"]
        self.assertIn('name="traceability_lot_sequence_id"', category_arch)
