# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re

from psycopg2 import IntegrityError

from odoo.tests import Form, new_test_user
from odoo.tools import mute_logger, sql

from .common import TraceabilityCommon

TRACE_CODE = re.compile(r"[A-Za-z0-9_-]{16}")


def code_bits(code):
    """The random number behind a trace code (URL-safe base64 of 12 bytes)."""
    raw = base64.urlsafe_b64decode(code)
    return len(raw) * 8, int.from_bytes(raw, "big")


class TestTraceCode(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lot = cls.env["stock.lot"]

    def test_code_made_on_creation(self):
        lot = self.Lot.create({"name": "TC-0001", "product_id": self.raw.id})
        self.assertRegex(lot.trace_code, TRACE_CODE)
        bits, _number = code_bits(lot.trace_code)
        self.assertGreaterEqual(bits, 64)
        self.assertEqual(bits, 96)
        self.assertEqual(self.Lot._traceability_find_by_code(lot.trace_code), lot)

    def test_codes_distinct_in_one_create(self):
        lots = self.Lot.create(
            [
                {"name": f"TC-B{index:03d}", "product_id": self.raw.id}
                for index in range(60)
            ]
        )
        codes = lots.mapped("trace_code")
        self.assertEqual(len(set(codes)), 60)
        self.assertTrue(all(TRACE_CODE.fullmatch(code) for code in codes))

    def test_not_derived_from_name_or_id(self):
        lot_raw, lot_semi = self.Lot.create(
            [
                {"name": "SAME-NAME", "product_id": self.raw.id},
                {"name": "SAME-NAME", "product_id": self.semi.id},
            ]
        )
        self.assertNotEqual(lot_raw.trace_code, lot_semi.trace_code)
        for lot in lot_raw | lot_semi:
            self.assertNotIn(lot.name, lot.trace_code)
            self.assertNotEqual(lot.trace_code, str(lot.id))

    def test_codes_not_sequential(self):
        lots = self.Lot.create(
            [
                {"name": f"TC-S{index:03d}", "product_id": self.raw.id}
                for index in range(20)
            ]
        )
        numbers = [code_bits(lot.trace_code)[1] for lot in lots.sorted("id")]
        steps = {
            after - before for before, after in zip(numbers, numbers[1:], strict=False)
        }
        # Consecutive lots neither count up by a constant step nor keep an order.
        self.assertGreater(len(steps), 1)
        self.assertNotEqual(numbers, sorted(numbers))
        self.assertNotEqual(numbers, sorted(numbers, reverse=True))
        codes = [lot.trace_code for lot in lots.sorted("id")]
        self.assertNotEqual(codes, sorted(codes))

    def test_not_copied(self):
        self.assertFalse(self.Lot._fields["trace_code"].copy)
        lot = self.Lot.create({"name": "TC-COPY", "product_id": self.raw.id})
        duplicate = lot.copy()
        self.assertTrue(duplicate.trace_code)
        self.assertNotEqual(duplicate.trace_code, lot.trace_code)

    def test_unique(self):
        first, second = self.Lot.create(
            [
                {"name": "TC-U1", "product_id": self.raw.id},
                {"name": "TC-U2", "product_id": self.raw.id},
            ]
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            second.write({"trace_code": first.trace_code})
            second.flush_recordset()

    def test_readonly_shown_and_searchable(self):
        lot = self.Lot.create({"name": "TC-VIEW", "product_id": self.raw.id})
        user = new_test_user(
            self.env,
            "tc_trace_user",
            groups="quality_traceability.group_traceability_user",
        )
        form = Form(lot.with_user(user))
        self.assertEqual(form.trace_code, lot.trace_code)
        with self.assertRaises(AssertionError):
            form.trace_code = "changed"
        found = self.Lot.with_user(user).search([("trace_code", "=", lot.trace_code)])
        self.assertEqual(found, lot)
        search_arch = self.Lot.get_view(view_type="search")["arch"]
        self.assertIn('name="trace_code"', search_arch)
        list_arch = self.Lot.get_view(view_type="list")["arch"]
        self.assertRegex(list_arch, r'name="trace_code"[^>]*optional="hide"')

    def test_backfill_on_auto_init(self):
        """Lots without a code or sharing one (a new column's default) each get a
        code of their own when the module is updated."""
        lots = self.Lot.create(
            [{"name": f"TC-F{index}", "product_id": self.raw.id} for index in range(5)]
        )
        kept = lots[4].trace_code
        self.env.flush_all()
        cr = self.env.cr
        # Without the unique constraint (as before the module, or before a failed
        # update), lots can share a code. The test's rollback restores it all.
        cr.execute("ALTER TABLE stock_lot DROP CONSTRAINT stock_lot_trace_code_unique")
        cr.execute(
            "UPDATE stock_lot SET trace_code = NULL WHERE id IN %s",
            [tuple(lots[:2].ids)],
        )
        cr.execute(
            "UPDATE stock_lot SET trace_code = 'same-shared-code' WHERE id IN %s",
            [tuple(lots[2:4].ids)],
        )
        self.env.invalidate_all()

        # As an update of the module does: init_models() calls _auto_init() (and
        # gives it the registry state that it needs).
        self.registry.init_models(
            cr, ["stock.lot"], {"module": "quality_traceability"}, install=False
        )

        # The constraint is back.
        self.assertEqual(
            sql.constraint_definition(cr, "stock_lot", "stock_lot_trace_code_unique"),
            "unique(trace_code)",
        )
        cr.execute(
            "SELECT count(*), count(trace_code), count(DISTINCT trace_code) "
            "FROM stock_lot"
        )
        total, with_code, distinct = cr.fetchone()
        self.assertEqual(total, with_code)
        self.assertEqual(total, distinct)
        self.env.invalidate_all()
        codes = lots.mapped("trace_code")
        self.assertEqual(len(set(codes)), 5)
        self.assertTrue(all(codes))
        # The first lot sharing the value keeps it, the others get new codes;
        # lots that had their own code keep it.
        self.assertEqual(codes.count("same-shared-code"), 1)
        self.assertEqual(lots[2].trace_code, "same-shared-code")
        self.assertRegex(lots[3].trace_code, TRACE_CODE)
        self.assertTrue(all(TRACE_CODE.fullmatch(code) for code in codes[:2]))
        self.assertEqual(lots[4].trace_code, kept)
