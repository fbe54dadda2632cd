# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re
from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TraceabilityCommon

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"|csrf_token: "([^"]+)"')
COUNTERS = ("supplier_order_count", "supplier_nonconformance_count")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class SupplierPortalCommon(TraceabilityCommon):
    """Vendor A (with a portal user) and its open order of a lot-tracked
    resin, a serial-tracked part and an untracked product; vendor B (with a
    portal user) and its order; a customer's portal user. Our incoming
    control point of the resin asks a melt index (9-11 g/10 min), an
    appearance (pass/fail) and an optional remark."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.vendor_a = Partner.create({"name": "SP Vendor Alpha", "is_company": True})
        cls.vendor_b = Partner.create({"name": "SP Vendor Bravo", "is_company": True})
        contact_a, contact_b, contact_c = Partner.create(
            [
                {"name": "SP Vera", "parent_id": cls.vendor_a.id},
                {"name": "SP Boris", "parent_id": cls.vendor_b.id},
                {"name": "SP Carla", "parent_id": cls.customer_a.id},
            ]
        )
        cls.vendor_user, cls.vendor_b_user, cls.customer_user = (
            new_test_user(
                cls.env, login, groups="base.group_portal", partner_id=partner.id
            )
            for login, partner in (
                ("sp_vendor", contact_a),
                ("sp_vendor_b", contact_b),
                ("sp_customer", contact_c),
            )
        )
        cls.trace_user = new_test_user(
            cls.env, "sp_trace", groups="quality_traceability.group_traceability_user"
        )
        cls.resin = cls.env["product.product"].create(
            {
                "name": "SP Resin",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
            }
        )
        cls.part = cls.env["product.product"].create(
            {
                "name": "SP Part",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        cls.bulk = cls.env["product.product"].create(
            {"name": "SP Bulk", "type": "consu", "is_storable": True}
        )
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "SP Resin incoming",
                "stage": "incoming",
                "product_ids": [Command.link(cls.resin.id)],
                "spec_ids": [
                    Command.create(
                        {
                            "name": "SP Melt Index",
                            "unit": "g/10 min",
                            "value_type": "numeric",
                            "has_min": True,
                            "min_value": 9.0,
                            "has_max": True,
                            "max_value": 11.0,
                        }
                    ),
                    Command.create(
                        {"name": "SP Appearance", "value_type": "pass_fail"}
                    ),
                    Command.create(
                        {
                            "name": "SP Remark",
                            "value_type": "text",
                            "required": False,
                        }
                    ),
                ],
            }
        )
        cls.melt, cls.appearance, cls.remark = cls.point.spec_ids
        cls.order_a = cls._order(
            cls.vendor_a, [(cls.resin, 10), (cls.part, 2), (cls.bulk, 5)]
        )
        cls.resin_line, cls.part_line, cls.bulk_line = cls.order_a.order_line
        cls.order_b = cls._order(cls.vendor_b, [(cls.resin, 4)])

    @classmethod
    def _order(cls, vendor, lines):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": qty})
                    for product, qty in lines
                ],
            }
        )
        order.button_confirm()
        return order

    def _values(self, melt="10.4", appearance="pass", remark=""):
        return {
            str(self.melt.id): melt,
            str(self.appearance.id): appearance,
            str(self.remark.id): remark,
        }

    def _declare(self, order, user, line, lot_name, quantity, **kwargs):
        """Declare as ``user`` through the model method the portal calls."""
        env = self.env(user=user)
        found, author = (
            env["purchase.order"].browse(order.id)._traceability_portal_access()
        )
        kwargs.setdefault("values", self._values())
        return env["traceability.declared.lot"]._portal_declare(
            found, author, line.id, lot_name, quantity, **kwargs
        )

    def _declared(self):
        return self.env["traceability.declared.lot"].search([])


@tagged("post_install", "-at_install")
class TestSupplierPortalModel(SupplierPortalCommon):
    """Declaring, receiving and comparing, through the models the portal
    calls."""

    def test_receipt_takes_the_declared_lots(self):
        """The receipt's move line becomes the vendor's lot (name, quantity,
        expiry): the warehouse validates without typing."""
        declared = self._declare(
            self.order_a,
            self.vendor_user,
            self.resin_line,
            "SP-R-1",
            "6",
            production_date="2026-01-05",
            expiration_date="2027-01-05",
        )
        declared |= self._declare(
            self.order_a, self.vendor_user, self.resin_line, "SP-R-2", "4"
        )
        self.assertEqual(declared.mapped("source"), ["portal", "portal"])
        move = self.resin_line.move_ids
        lines = move.move_line_ids
        self.assertEqual(
            sorted((line.lot_name, line.quantity) for line in lines),
            [("SP-R-1", 6.0), ("SP-R-2", 4.0)],
        )
        self.assertEqual(lines.traceability_declared_lot_id, declared)
        first = lines.filtered(lambda line: line.lot_name == "SP-R-1")
        self.assertEqual(first.expiration_date, datetime(2027, 1, 5))
        picking = move.picking_id
        # The other moves of the receipt: the serials and the bulk product.
        for other in picking.move_ids - move:
            if other.product_id == self.part:
                self.flows.set_move_lots(
                    other, [("SP-SN-1", 1), ("SP-SN-2", 1)], "lot_name"
                )
            else:
                other.write({"quantity": other.product_uom_qty, "picked": True})
        move.picked = True
        self.flows.validate_picking(picking)
        self.assertTrue(all(declared.mapped("received")))
        lot = self.lot(self.resin, "SP-R-1")
        self.assertEqual(lot.product_qty, 6.0)

    def test_validation_fills_a_receipt_left_empty(self):
        """A declaration made while the receipt's lines were typed over is
        still taken by Fill Declared Lots and by validation of empty moves."""
        picking = self.resin_line.move_ids.picking_id
        self._declare(self.order_a, self.vendor_user, self.resin_line, "SP-F-1", "10")
        move = self.resin_line.move_ids
        move.move_line_ids.unlink()
        self.assertFalse(move.move_line_ids)
        picking.action_traceability_fill_declared_lots()
        self.assertEqual(move.move_line_ids.lot_name, "SP-F-1")

    def test_refusals_change_nothing(self):
        """Bad declarations are refused with a message, and leave nothing."""
        self._declare(self.order_a, self.vendor_user, self.resin_line, "SP-DUP", "1")
        before = self._declared()
        attachments = self.env["ir.attachment"].search_count([])
        line, user = self.resin_line, self.vendor_user
        cases = [
            (line, "SP-X", "0", {}, "above zero"),
            (line, "SP-X", "-3", {}, "above zero"),
            (line, "SP-X", "abc", {}, "must be a number"),
            (line, "SP-X", "nan", {}, "must be a number"),
            (line, "", "1", {}, "Give the lot"),
            (line, "SP\nX", "1", {}, "printable"),
            (line, "SP-DUP", "1", {}, "already declared"),
            (
                line,
                "SP-X",
                "1",
                {"production_date": "2026-05-01", "expiration_date": "2026-04-30"},
                "before the production",
            ),
            (line, "SP-X", "1", {"production_date": "2026-13-01"}, "must be a date"),
            (self.part_line, "SP-SN-X", "2", {}, "quantity of 1"),
            (self.part_line, "SP-SN-X", "0.5", {}, "quantity of 1"),
            (self.bulk_line, "SP-B", "1", {}, "not tracked"),
            (
                line,
                "SP-X",
                "1",
                {"values": self._values(melt="")},
                "Missing required",
            ),
            (line, "SP-X", "1", {"values": self._values(melt="ten")}, "number"),
            (
                line,
                "SP-X",
                "1",
                {"values": self._values(appearance="maybe")},
                "'pass' or 'fail'",
            ),
            (
                line,
                "SP-X",
                "1",
                {"values": dict(self._values(), **{str(10**9): "1"})},
                "do not check",
            ),
            (
                line,
                "SP-X",
                "1",
                {"certificate": ("coa.pdf", b"<html>not a pdf</html>")},
                "must be a PDF",
            ),
            # A line of vendor B's order, posted on vendor A's.
            (self.order_b.order_line, "SP-X", "1", {}, "no such line"),
        ]
        for case_line, lot_name, quantity, kwargs, message in cases:
            with self.subTest(lot=lot_name, quantity=quantity, message=message):
                with self.assertRaisesRegex(UserError, re.escape(message)):
                    self._declare(
                        self.order_a, user, case_line, lot_name, quantity, **kwargs
                    )
        self.assertEqual(self._declared(), before)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_concurrent_duplicate_is_refused_by_the_database(self):
        """Two requests declaring the same lot at once: the second insert
        hits the unique index (the search of the first saw nothing)."""
        declared = self._declare(
            self.order_a, self.vendor_user, self.resin_line, "SP-RACE", "1"
        )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["traceability.declared.lot"].create(
                {
                    "company_id": declared.company_id.id,
                    "product_id": self.resin.id,
                    "purchase_line_id": self.resin_line.id,
                    "lot_name": "SP-RACE",
                    "source": "portal",
                }
            ).flush_recordset()

    def test_closed_orders_are_refused(self):
        locked = self._order(self.vendor_a, [(self.resin, 3)])
        locked.button_done()
        cancelled = self._order(self.vendor_a, [(self.resin, 3)])
        cancelled.button_cancel()
        received = self._order(self.vendor_a, [(self.resin, 3)])
        self.flows.set_move_lots(
            received.picking_ids.move_ids, [("SP-RC", 3)], "lot_name"
        )
        self.flows.validate_picking(received.picking_ids)
        before = self._declared()
        for order, message in (
            (locked, "not an open purchase order"),
            (cancelled, "not an open purchase order"),
            (received, "fully received"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self._declare(order, self.vendor_user, order.order_line, "SP-CL", "1")
        self.assertEqual(self._declared(), before)

    def test_others_cannot_declare(self):
        """Vendor B, a customer's portal user and an internal user get no
        author on vendor A's order (or no access at all)."""
        for user in (self.vendor_b_user, self.customer_user):
            with self.assertRaises(AccessError):
                self.env["purchase.order"].with_user(user).browse(
                    self.order_a.id
                )._traceability_portal_access()
        # An internal user may look at most, never declares for the vendor.
        try:
            _order, author = (
                self.env["purchase.order"]
                .with_user(self.trace_user)
                .browse(self.order_a.id)
                ._traceability_portal_access()
            )
        except AccessError:
            author = False
        self.assertFalse(author)
        # The model method refuses an author of another vendor too.
        with self.assertRaisesRegex(UserError, "Only the vendor"):
            self.env["traceability.declared.lot"]._portal_declare(
                self.order_a.sudo(),
                self.vendor_b_user.partner_id,
                self.resin_line.id,
                "SP-B-1",
                "1",
            )
        # And nobody creates declarations or their values directly.
        for user in (self.vendor_user, self.trace_user):
            with self.assertRaises(UserError):
                self.env["traceability.declared.lot.value"].with_user(user).create(
                    {
                        "declared_lot_id": False,
                        "spec_id": self.melt.id,
                        "value_float": 1.0,
                    }
                )

    def test_vendor_reads_only_its_declarations(self):
        mine = self._declare(
            self.order_a, self.vendor_user, self.resin_line, "SP-OWN-1", "2"
        )
        theirs = self._declare(
            self.order_b, self.vendor_b_user, self.order_b.order_line, "SP-B-1", "2"
        )
        Declared = self.env["traceability.declared.lot"]
        Value = self.env["traceability.declared.lot.value"]
        self.assertEqual(Declared.with_user(self.vendor_user).search([]), mine)
        self.assertEqual(
            Value.with_user(self.vendor_user).search([]).declared_lot_id, mine
        )
        self.assertEqual(Declared.with_user(self.vendor_b_user).search([]), theirs)
        self.assertFalse(Declared.with_user(self.customer_user).search([]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.vendor_user).read(["lot_name"])
        with self.assertRaises(UserError):
            mine.value_ids.with_user(self.trace_user).write({"value_float": 1.0})
        with self.assertRaises(UserError):
            mine.with_user(self.trace_user).value_ids.unlink()

    def test_certificate_is_stored_on_the_declared_lot(self):
        declared = self._declare(
            self.order_a,
            self.vendor_user,
            self.resin_line,
            "SP-COA-1",
            "3",
            values=self._values(melt="12.5", remark="Batch 7"),
            certificate=("coa-7.pdf", PDF),
        )
        attachment = declared.sudo().certificate_id
        self.assertEqual(
            (attachment.res_model, attachment.res_id, attachment.raw),
            ("traceability.declared.lot", declared.id, PDF),
        )
        values = {value.spec_id: value for value in declared.sudo().value_ids}
        self.assertEqual(values[self.melt].value_float, 12.5)
        # Judged against our limits as our own checks are.
        self.assertEqual(values[self.melt].result, "fail")
        self.assertEqual(values[self.appearance].value_pass_fail, "pass")
        self.assertEqual(values[self.remark].value_text, "Batch 7")

    def test_exceeding_the_order_is_flagged(self):
        first = self._declare(
            self.order_a, self.vendor_user, self.resin_line, "SP-E-1", "8"
        )
        second = self._declare(
            self.order_a, self.vendor_user, self.resin_line, "SP-E-2", "3"
        )
        self.assertEqual((first.exceeds_order, second.exceeds_order), (False, True))

    # ------------------------------------------------------------------
    # Declared against measured
    # ------------------------------------------------------------------
    def _receive_declared(self, lot_name, melt, appearance="pass"):
        order = self._order(self.vendor_a, [(self.resin, 5)])
        self._declare(
            order,
            self.vendor_user,
            order.order_line,
            lot_name,
            "5",
            values=self._values(melt=melt, appearance=appearance),
        )
        picking = order.picking_ids
        picking.move_ids.picked = True
        self.flows.validate_picking(picking)
        return self.lot(self.resin, lot_name)

    def _check(self, lot, melt, appearance="pass"):
        return (
            self.env["traceability.check"]
            .with_user(self.trace_user)
            .create(
                {
                    "control_point_id": self.point.id,
                    "lot_id": lot.id,
                    "value_ids": [
                        Command.create(
                            {
                                "spec_id": self.melt.id,
                                "value_float": melt,
                                "value_is_set": True,
                            }
                        ),
                        Command.create(
                            {
                                "spec_id": self.appearance.id,
                                "value_pass_fail": appearance,
                            }
                        ),
                    ],
                }
            )
        )

    def test_declared_against_measured(self):
        """Default tolerance: 10% of the range 9-11, 0.2 g/10 min."""
        lot = self._receive_declared("SP-DM-1", "10.4")
        inside = self._check(lot, 10.55)
        melt = inside.value_ids.filtered(lambda value: value.spec_id == self.melt)
        self.assertEqual(inside.declared_lot_id.lot_name, "SP-DM-1")
        self.assertEqual(melt.declared_value_display, "10.40 g/10 min")
        self.assertFalse(melt.declared_disagrees)
        self.assertFalse(inside.declared_disagreement)
        edge = self._check(lot, 10.6)
        self.assertFalse(edge.declared_disagreement)
        beyond = self._check(lot, 10.7)
        self.assertTrue(beyond.declared_disagreement)
        self.assertTrue(
            beyond.value_ids.filtered(
                lambda value: value.spec_id == self.melt
            ).declared_disagrees
        )
        # Another verdict on a pass/fail parameter disagrees whatever the
        # tolerance.
        verdict = self._check(lot, 10.4, appearance="fail")
        self.assertTrue(verdict.declared_disagreement)
        # The tolerance of the parameter, when set, replaces the default.
        self.melt.declared_tolerance = 0.5
        self.env.invalidate_all()
        self.assertFalse(beyond.declared_disagreement)

    def test_check_form_shows_the_declared_value(self):
        arch = self.env["traceability.check"].get_view(view_type="form")["arch"]
        for field in ("declared_lot_id", "declared_disagreement"):
            self.assertIn(f'name="{field}"', arch)
        values = self.env["traceability.check"].get_views([(False, "form")])["models"][
            "traceability.check.value"
        ]["fields"]
        self.assertIn("declared_value_display", values)
        self.assertIn("declared_disagrees", values)

    def test_undeclared_lot_has_no_flag(self):
        self.flows.receive(self.vendor_a, self.resin, [("SP-ND-1", 5)])
        check = self._check(self.lot(self.resin, "SP-ND-1"), 12.0)
        self.assertFalse(check.declared_lot_id)
        self.assertFalse(check.declared_disagreement)
        self.assertFalse(check.value_ids.mapped("declared_value_display")[0])


class SupplierScorecardCommon(SupplierPortalCommon):
    """Incoming checks and nonconformances of vendors A and B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pellets = cls.env["product.product"].create(
            {
                "name": "SP Pellets",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.sampling_point = cls.env["traceability.control.point"].create(
            {
                "name": "SP Pellets sampling",
                "stage": "incoming",
                "product_ids": [Command.link(cls.pellets.id)],
                "sampling": "iso2859",
                "aql": "0.65",
                "inspection_level": "II",
            }
        )
        Check = cls.env["traceability.check"]
        # Vendor A: resin lots of 1000 (pass) and 5 (fail); two pellet lots
        # of 100, each with a nonconforming item in its sample of 20 (Ac 0,
        # Re 1): rejected, and two rejections in a row tighten the inspection.
        for name, quantity, melt in (("SC-1", 1000, 10.0), ("SC-2", 5, 12.0)):
            cls.flows.receive(cls.vendor_a, cls.resin, [(name, quantity)])
            Check.create(
                {
                    "control_point_id": cls.point.id,
                    "lot_id": cls.lot(cls.resin, name).id,
                    "value_ids": [
                        Command.create(
                            {
                                "spec_id": cls.melt.id,
                                "value_float": melt,
                                "value_is_set": True,
                            }
                        ),
                        Command.create(
                            {"spec_id": cls.appearance.id, "value_pass_fail": "pass"}
                        ),
                    ],
                }
            )
        for name in ("SC-3", "SC-4"):
            cls.flows.receive(cls.vendor_a, cls.pellets, [(name, 100)])
            Check.create(
                {
                    "control_point_id": cls.sampling_point.id,
                    "lot_id": cls.lot(cls.pellets, name).id,
                    "defect_count": 1,
                }
            )
        # Vendor B: one passing lot, not on vendor A's card.
        cls.flows.receive(cls.vendor_b, cls.resin, [("SC-B-1", 7)])
        Check.create(
            {
                "control_point_id": cls.point.id,
                "lot_id": cls.lot(cls.resin, "SC-B-1").id,
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": cls.melt.id,
                            "value_float": 10.0,
                            "value_is_set": True,
                        }
                    ),
                    Command.create(
                        {"spec_id": cls.appearance.id, "value_pass_fail": "pass"}
                    ),
                ],
            }
        )
        NC = cls.env["traceability.nonconformance"]
        cls.nc_a = NC.create(
            {
                "lot_id": cls.lot(cls.resin, "SC-2").id,
                "partner_id": cls.vendor_a.id,
                "responsibility": "vendor",
            }
        )
        cls.nc_a_quiet = NC.create(
            {
                "lot_id": cls.lot(cls.pellets, "SC-3").id,
                "partner_id": cls.vendor_a.id,
                "responsibility": "vendor",
            }
        )
        cls.nc_b = NC.create(
            {
                "lot_id": cls.lot(cls.resin, "SC-B-1").id,
                "partner_id": cls.vendor_b.id,
                "responsibility": "vendor",
            }
        )
        (cls.nc_a | cls.nc_b).action_ask_vendor_root_cause()


@tagged("post_install", "-at_install")
class TestSupplierScorecard(SupplierScorecardCommon):
    """Nonconformances a vendor sees, and its scorecard."""

    def test_scorecard_by_hand(self):
        """4 incoming checks, 1 passed: 25 %. Received 1000 + 5 + 100 + 100 =
        1205, rejected 5 + 100 + 100 = 205: 205 / 1205 * 10^6 PPM."""
        card = self.vendor_user.partner_id._traceability_supplier_scorecard()
        self.assertEqual((card["checks"], card["passed"]), (4, 1))
        self.assertAlmostEqual(card["pass_rate"], 25.0)
        self.assertAlmostEqual(card["received_qty"], 1205.0)
        self.assertAlmostEqual(card["rejected_qty"], 205.0)
        self.assertAlmostEqual(card["ppm"], 205 / 1205 * 1e6, places=3)
        self.assertEqual(
            [(product, label) for product, label in card["severities"]],
            [(self.pellets, "Tightened")],
        )
        card_b = self.vendor_b_user.partner_id._traceability_supplier_scorecard()
        self.assertEqual((card_b["checks"], card_b["pass_rate"]), (1, 100.0))
        self.assertEqual(card_b["ppm"], 0.0)

    def test_vendor_lists_only_its_nonconformances(self):
        partner = self.vendor_user.partner_id
        self.assertEqual(partner._traceability_portal_nonconformances(), self.nc_a)
        self.assertEqual(
            self.vendor_b_user.partner_id._traceability_portal_nonconformances(),
            self.nc_b,
        )
        self.assertFalse(
            self.customer_user.partner_id._traceability_portal_nonconformances()
        )


@tagged("post_install", "-at_install")
class TestSupplierPortalHttp(SupplierScorecardCommon, HttpCase):
    """The portal over HTTP: sessions, CSRF tokens, access tokens."""

    def _login(self, user):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _url(self, order, token=None):
        url = f"/my/supplier/orders/{order.id}"
        return f"{url}?access_token={token}" if token else url

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        match = CSRF_RE.search(response.text)
        return match.group(1) or match.group(2)

    def _post(self, order, csrf, line=None, token=None, files=None, **fields):
        data = {
            "csrf_token": csrf,
            "line_id": str((line or self.resin_line).id),
            "lot_name": "SP-H-1",
            "quantity": "6",
            "production_date": "2026-01-05",
            "expiration_date": "2027-01-05",
            f"spec_{self.melt.id}": "10.4",
            f"spec_{self.appearance.id}": "pass",
        }
        data.update(fields)
        if token:
            data["access_token"] = token
        return self.url_open(
            self._url(order), data=data, files=files, allow_redirects=False
        )

    def _state(self):
        self.env.invalidate_all()
        return (
            self._declared().ids,
            self.env["traceability.declared.lot.value"].search([]).ids,
            self.order_a.message_ids.ids,
            self.order_a.picking_ids.move_line_ids.ids,
        )

    def test_vendor_declares_over_http(self):
        self._login(self.vendor_user)
        csrf = self._csrf(self._url(self.order_a))
        response = self._post(
            self.order_a,
            csrf,
            files={"certificate": ("coa.pdf", PDF, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertIn("o_supplier_declared", response.text)
        declared = self._declared()
        self.assertEqual(len(declared), 1)
        self.assertEqual(
            (
                declared.lot_name,
                declared.quantity,
                declared.source,
                declared.partner_id,
                declared.production_date,
                declared.purchase_line_id,
            ),
            (
                "SP-H-1",
                6.0,
                "portal",
                self.vendor_a,
                date(2026, 1, 5),
                self.resin_line,
            ),
        )
        self.assertEqual(len(declared.value_ids), 2)
        self.assertEqual(declared.certificate_id.raw, PDF)
        # The receipt took it; the order's chatter says who declared it.
        self.assertEqual(
            self.resin_line.move_ids.move_line_ids.traceability_declared_lot_id,
            declared,
        )
        self.assertEqual(
            self.order_a.message_ids[:1].author_id, self.vendor_user.partner_id
        )
        # The page lists it.
        page = self.url_open(self._url(self.order_a))
        self.assertIn("SP-H-1", page.text)

    def test_without_csrf_nothing_is_declared(self):
        self._login(self.vendor_user)
        before = self._state()
        response = self._post(self.order_a, "not-a-token")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._state(), before)

    def test_bad_input_is_refused_over_http(self):
        self._login(self.vendor_user)
        csrf = self._csrf(self._url(self.order_a))
        before = self._state()
        for fields, message in (
            ({"quantity": "0"}, "above zero"),
            ({"expiration_date": "2025-01-01"}, "before the production"),
            ({"line_id": str(self.bulk_line.id)}, "not tracked"),
            ({"line_id": str(self.order_b.order_line.id)}, "no such line"),
            ({"line_id": str(self.part_line.id), "quantity": "2"}, "quantity of 1"),
            ({f"spec_{self.melt.id}": ""}, "Missing required"),
        ):
            with self.subTest(fields=fields):
                response = self._post(self.order_a, csrf, **fields)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_supplier_error", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(self._state(), before)
        # A duplicate: the first goes through, the second is refused.
        self.assertEqual(self._post(self.order_a, csrf).status_code, 200)
        after_first = self._state()
        response = self._post(self.order_a, csrf)
        self.assertEqual(response.status_code, 400)
        self.assertIn("already declared", response.text)
        self.assertEqual(self._state(), after_first)

    def test_others_are_refused_and_change_nothing(self):
        before = self._state()
        for user in (self.vendor_b_user, self.customer_user, None):
            with self.subTest(user=user and user.login):
                self._login(user)
                # The page: back to /my; a declaration: not found.
                response = self.url_open(self._url(self.order_a), allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                self.assertNotIn("SP Resin", response.text)
                csrf = self._csrf("/web/login" if not user else "/my")
                self.assertEqual(self._post(self.order_a, csrf).status_code, 404)
                # A wrong token opens nothing either.
                self.assertEqual(
                    self._post(
                        self.order_a, csrf, token=self.order_b._portal_ensure_token()
                    ).status_code,
                    404,
                )
        self.assertEqual(self._state(), before)
        # Vendor B holding vendor A's link sees the order, declares nothing.
        self._login(self.vendor_b_user)
        token = self.order_a._portal_ensure_token()
        csrf = self._csrf(self._url(self.order_a, token))
        response = self._post(self.order_a, csrf, token=token)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._state(), before)
        # Vendor B posting vendor A's line on its own order.
        csrf = self._csrf(self._url(self.order_b))
        response = self._post(self.order_b, csrf, line=self.resin_line)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._state(), before)

    def test_access_token_link(self):
        """The e-mailed link: a visitor who is not logged in declares with the
        right token, gets nothing with a wrong one."""
        token = self.order_a._portal_ensure_token()
        self._login(None)
        response = self.url_open(
            self._url(self.order_a, "wrong" + token), allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        csrf = self._csrf(self._url(self.order_a, token))
        before = self._state()
        self.assertEqual(
            self._post(self.order_a, csrf, token="wrong" + token).status_code, 404
        )
        self.assertEqual(self._state(), before)
        response = self._post(self.order_a, csrf, token=token)
        self.assertEqual(response.status_code, 200, response.text[:2000])
        declared = self._declared()
        self.assertEqual((declared.lot_name, declared.source), ("SP-H-1", "portal"))
        self.assertEqual(self.order_a.message_ids[:1].author_id, self.vendor_a)

    def test_purchase_order_page_links_to_the_declaration(self):
        """The link of Odoo's purchase order e-mail leads to the declaration,
        with the order's token."""
        token = self.order_a._portal_ensure_token()
        self._login(None)
        page = self.url_open(f"/my/purchase/{self.order_a.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(
            f"/my/supplier/orders/{self.order_a.id}?access_token={token}", page.text
        )

    def test_order_list_shows_own_open_orders(self):
        self._login(self.vendor_user)
        page = self.url_open("/my/supplier/orders").text
        self.assertIn(self.order_a.name, page)
        self.assertNotIn(self.order_b.name, page)
        self._login(self.customer_user)
        page = self.url_open("/my/supplier/orders").text
        self.assertNotIn(self.order_a.name, page)
        self.assertIn("o_supplier_no_orders", page)

    def test_nonconformance_list_and_scorecard(self):
        self._login(self.vendor_user)
        page = self.url_open("/my/supplier/nonconformances").text
        self.assertIn(self.nc_a.name, page)
        self.assertNotIn(self.nc_b.name, page)
        self.assertNotIn(self.nc_a_quiet.name, page)
        self.assertIn('class="o_supplier_pass_rate">25.0<', page)
        self.assertIn(f'class="fs-4 o_supplier_ppm">{205 / 1205 * 1e6:.0f}<', page)
        self.assertIn("Tightened", page)
        # The vendor answers from the list's link (the 8D page), which leads
        # back to the list.
        self.assertIn(f"/my/nonconformances/{self.nc_a.id}", page)
        answer_page = self.url_open(f"/my/nonconformances/{self.nc_a.id}").text
        self.assertIn('href="/my/supplier/nonconformances"', answer_page)
        self._login(self.vendor_b_user)
        page = self.url_open("/my/supplier/nonconformances").text
        self.assertIn(self.nc_b.name, page)
        self.assertNotIn(self.nc_a.name, page)
        self._login(self.customer_user)
        page = self.url_open("/my/supplier/nonconformances").text
        self.assertNotIn(self.nc_a.name, page)
        self.assertNotIn("o_supplier_scorecard", page)

    def _counters(self):
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": list(COUNTERS)}}),
            headers={"Content-Type": "application/json"},
        )
        result = response.json()["result"]
        return {key: result.get(key) for key in COUNTERS}

    def test_home_counters_for_vendors_only(self):
        self._login(self.vendor_user)
        self.assertEqual(
            self._counters(),
            {"supplier_order_count": 1, "supplier_nonconformance_count": 1},
        )
        self._login(self.customer_user)
        self.assertEqual(
            self._counters(),
            {"supplier_order_count": 0, "supplier_nonconformance_count": 0},
        )

    def test_declaration_tour(self):
        """The vendor's portal user declares a lot in Chromium."""
        self.resin.name = "Tour Resin"
        self.melt.name = "Tour Melt Index"
        self.start_tour(
            "/my/supplier/orders",
            "quality_traceability_supplier_declaration_tour",
            login=self.vendor_user.login,
        )
        declared = self._declared()
        self.assertEqual(
            (declared.lot_name, declared.quantity, declared.source),
            ("TOUR-VENDOR-LOT-1", 6.0, "portal"),
        )
        self.assertEqual(declared.production_date, date(2026, 1, 5))
        self.assertEqual(
            declared.value_ids.filtered(
                lambda value: value.spec_id == self.melt
            ).value_float,
            10.4,
        )
