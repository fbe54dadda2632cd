# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on the features of ISO 2859-1 sampling, frozen control limits, the
exposure of a failed check and the certificate of analysis (README "Trust
model": *Measurements and sampling*, *Append-only*), each as the user who would
break it, over the RPC path that user really has (``common.rpc``).

References: ISO 2859-1:1999 clause 9.3 (switching rules: "two out of five or
fewer consecutive lots", "five consecutive lots" -- consecutive in the order
the lots were inspected); NIST/SEMATECH e-Handbook 6.3.2 (control limits frozen
from a baseline, phase I / phase II); GS1 Digital Link 1.2 section 7 (link
type gs1:certificationInfo)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import QualityCommon, rpc


class SamplingCommon(QualityCommon):
    """The raw material inspected by ISO 2859-1 sampling (AQL 0.65, level II)
    at receipt, a check user, a manager and a second vendor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sampling_point = cls.env["traceability.control.point"].create(
            {
                "name": "ATK resin AQL sampling",
                "stage": "incoming",
                "product_ids": [Command.link(cls.raw.id)],
                "sampling": "iso2859",
                "aql": "0.65",
                "inspection_level": "II",
            }
        )
        cls.trace_user = new_test_user(
            cls.env,
            "atk_new_sampling_user",
            groups="quality_traceability.group_traceability_user",
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "atk_new_sampling_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.vendor_2 = cls.env["res.partner"].create(
            {"name": "ATK Lenient Vendor", "is_company": True}
        )
        cls.lot_count = 0

    def receive_lot(self, quantity=100, vendor=None):
        type(self).lot_count += 1
        name = f"ATK-SMP-{self.lot_count}"
        self.flows.receive(vendor or self.vendor, self.raw, [(name, quantity)])
        return self.lot(self.raw, name)

    def inspect(self, defects, quantity=100, vendor=None):
        lot = self.receive_lot(quantity, vendor)
        return self.env["traceability.check"].create(
            {
                "control_point_id": self.sampling_point.id,
                "lot_id": lot.id,
                "defect_count": defects,
            }
        )

    def severity(self, vendor=None):
        return self.env["traceability.check"]._sampling_severity(
            vendor or self.vendor, self.raw, self.env.company
        )

    def user_check(self, lot, defects, user=None, **extra):
        vals = {
            "control_point_id": self.sampling_point.id,
            "lot_id": lot.id,
            "defect_count": defects,
            **extra,
        }
        check_id = rpc(
            self.env, user or self.trace_user, "traceability.check", "create", [vals]
        )
        return self.env["traceability.check"].browse(check_id)


@tagged("post_install", "-at_install")
class TestSamplingAttacks(SamplingCommon):
    def test_backdated_failures_do_not_hide_tightened(self):
        """HOLE. Two rejected lots out of five move the vendor to tightened
        inspection (ISO 2859-1 9.3.1). A check user who records the two
        rejections with a date in the past (``date`` is taken from the client)
        puts them before five earlier acceptances in the switching history, which
        is ordered by that date: the vendor reads "normal" again at once."""
        for _index in range(5):
            self.assertEqual(self.inspect(0).result, "pass")
        self.assertEqual(self.severity(), "normal")
        for _index in range(2):
            lot = self.receive_lot()
            plan = self.sampling_point._sampling_instruction(lot)
            check = self.user_check(lot, plan["re"], date="2001-01-01 00:00:00")
            self.assertEqual(check.result, "fail")
        # Two of the last five lots inspected were rejected: tightened.
        self.assertEqual(self.severity(), "tightened")

    def test_receipt_of_another_vendor_is_not_borrowed(self):
        """HOLE. The vendor and the plan of a check come from the ``picking_id``
        the client sends, never checked against the lot: a check user records
        the inspection of a tightened vendor's lot "on" a receipt of another
        vendor. The check gets the other vendor's looser plan and the rejection
        is charged to the other vendor."""
        self.inspect(1)
        self.inspect(1)
        self.assertEqual(self.severity(), "tightened")
        lot = self.receive_lot()
        other = self.flows.receive(self.vendor_2, self.raw, [("ATK-OTHER", 100)])
        tightened = self.sampling_point._sampling_instruction(lot)
        self.assertEqual(tightened["severity"], "tightened")
        try:
            check = self.user_check(
                lot, tightened["re"], picking_id=other.picking_ids.id
            )
        except (UserError, ValidationError):
            # Refused: the transfer does not hold the lot. Nothing recorded.
            self.assertFalse(lot.traceability_check_ids)
            return
        self.assertEqual(check.partner_id, self.vendor)
        self.assertEqual(check.inspection_severity, "tightened")
        self.assertEqual(check.result, "fail")
        self.assertEqual(self.severity(self.vendor_2), "normal")

    def test_package_check_keeps_the_sampling_plan(self):
        """HOLE. A check of a package at a sampling point gets no plan (the plan
        needs ``lot_id``): its nonconforming items are ignored, the check passes
        and releases the incoming-inspection hold of the lot in the package."""
        lot = self.receive_lot(100)
        self.assertEqual(lot.quality_state, "quarantine")
        package = self.env["stock.quant.package"].create({"name": "ATK-PACK"})
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(
            self.raw, self.stock_location, -100, lot_id=lot
        )
        Quant._update_available_quantity(
            self.raw, self.stock_location, 100, lot_id=lot, package_id=package
        )
        self.assertEqual(package.quant_ids.lot_id, lot)
        try:
            check_id = rpc(
                self.env,
                self.trace_user,
                "traceability.check",
                "create",
                [
                    {
                        "control_point_id": self.sampling_point.id,
                        "package_id": package.id,
                        "defect_count": 20,
                    }
                ],
            )
        except (UserError, ValidationError):
            self.assertEqual(lot.quality_state, "quarantine")
            return
        check = self.env["traceability.check"].browse(check_id)
        self.assertTrue(check.sample_code_letter, "a sampling check without a plan")
        self.assertEqual(check.result, "fail")
        self.assertNotEqual(lot.quality_state, "released")

    def test_device_api_counts_the_nonconforming_items(self):
        """Guard. A scan sent through the device API (``record_scans``) at a
        sampling point records the nonconforming items it reports (or is
        refused for want of them): never a pass with 0 that releases the
        lot."""
        lot = self.receive_lot(100)
        plan = self.sampling_point._sampling_instruction(lot)
        [answer] = rpc(
            self.env,
            self.trace_user,
            "traceability.scan",
            "record_scans",
            [
                [
                    {
                        "client_uid": "atk-sampling-1",
                        "lot_id": lot.id,
                        "control_point": self.sampling_point.id,
                        "values": {},
                        "defect_count": plan["re"],
                    }
                ]
            ],
            {"device_id": "ATK-HANDHELD"},
        )
        if answer["status"] == "error":
            self.assertEqual(lot.quality_state, "quarantine")
            return
        self.assertEqual(answer["result"], "fail")
        self.assertNotEqual(lot.quality_state, "released")

    def test_device_api_drops_a_forged_plan(self):
        """Guard. A scan carrying plan keys (sample size, Ac/Re, severity) gets
        the plan computed for the lot, whatever it sent."""
        lot = self.receive_lot(2000)
        plan = self.sampling_point._sampling_instruction(lot)
        [answer] = rpc(
            self.env,
            self.trace_user,
            "traceability.scan",
            "record_scans",
            [
                [
                    {
                        "client_uid": "atk-sampling-2",
                        "lot_id": lot.id,
                        "control_point": self.sampling_point.id,
                        "values": {},
                        "defect_count": 0,
                        "sample_size": 1,
                        "sample_ac": 99,
                        "sample_re": 100,
                        "inspection_severity": "reduced",
                        "sample_code_letter": "A",
                    }
                ]
            ],
            {"device_id": "ATK-HANDHELD"},
        )
        self.assertEqual(answer["status"], "created")
        check = self.env["traceability.check"].browse(answer["id"])
        self.assertEqual(
            (check.sample_size, check.sample_ac, check.sample_re),
            (plan["sample_size"], plan["ac"], plan["re"]),
        )
        self.assertEqual(check.inspection_severity, "normal")

    def test_scanner_submits_the_nonconforming_items(self):
        """Guard. The scanner screen sends ``defect_count`` to
        ``scanner_submit`` for a sampling point (static/src/scanner/scanner.js):
        the count is recorded and decides the result."""
        lot = self.receive_lot(100)
        plan = self.sampling_point._sampling_instruction(lot)
        answer = rpc(
            self.env,
            self.trace_user,
            "traceability.scan",
            "scanner_submit",
            [lot.id, self.sampling_point.id, {}, "", False, False, []],
            {"defect_count": plan["re"]},
        )
        self.assertEqual(answer["status"], "created")
        self.assertEqual(answer["result"], "fail")

    def test_defect_count_bounds_and_immutability(self):
        """Guard. Negative counts, counts above the sample and any change of the
        count after recording are refused; nothing changes."""
        lot = self.receive_lot(100)
        plan = self.sampling_point._sampling_instruction(lot)
        for defects in (-1, plan["sample_size"] + 1, 2**31 - 1):
            with self.assertRaises(UserError, msg=defects):
                self.user_check(lot, defects)
        self.assertFalse(lot.traceability_check_ids)
        check = self.user_check(lot, plan["re"])
        self.assertEqual(check.result, "fail")
        for user in (self.trace_user, self.trace_manager):
            for vals in (
                {"defect_count": 0},
                {"sample_re": 10**6},
                {"state": "void"},
                {"date": "2001-01-01 00:00:00"},
            ):
                with self.refused(UserError, "cannot be changed"):
                    rpc(
                        self.env,
                        user,
                        "traceability.check",
                        "write",
                        [check.ids, vals],
                    )
        self.assertEqual((check.defect_count, check.result), (plan["re"], "fail"))
        self.assertEqual(check.state, "done")

    def test_user_cannot_void_to_move_the_severity(self):
        """Guard. Voiding a rejection would take it out of the switching history:
        only a manager voids, a check user is refused."""
        self.inspect(1)
        second = self.inspect(1)
        self.assertEqual(self.severity(), "tightened")
        with self.refused(AccessError, "manager"):
            rpc(
                self.env,
                self.trace_user,
                "traceability.check",
                "action_void",
                [second.ids, "Not my vendor"],
            )
        self.assertEqual(second.state, "done")
        self.assertEqual(self.severity(), "tightened")

    def test_operator_named_keeps_who_recorded(self):
        """A check names the operator who inspected (a shared device names its
        operators); whoever that is, the check keeps who recorded it, and the
        certificate of analysis names that user, not the operator given."""
        lot = self.receive_lot(100)
        check = self.user_check(lot, 0, operator_id=self.trace_manager.id)
        self.assertEqual(check.create_uid, self.trace_user)


@tagged("post_install", "-at_install")
class TestSamplingCompanyAttacks(SamplingCommon):
    def test_other_company_user_cannot_move_the_severity(self):
        """Guard. A check user of a second company cannot record checks at the
        first company's control point (nor, so, move its vendor's severity
        there)."""
        company_2 = self.env["res.company"].create({"name": "ATK New Company 2"})
        user_2 = new_test_user(
            self.env,
            "atk_new_company_2_user",
            groups="quality_traceability.group_traceability_user",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        self.inspect(0)
        lot = self.receive_lot(100)
        with self.assertRaises(UserError):
            self.user_check(lot, 20, user=user_2, company_id=company_2.id)
        with self.assertRaises(UserError):
            self.user_check(lot, 20, user=user_2)
        self.assertFalse(lot.traceability_check_ids)
        self.assertEqual(self.severity(), "normal")

    def test_other_company_rejections_do_not_move_our_severity(self):
        """HOLE. Lots received of a product shared by the companies have no
        company (Odoo 18 gives a lot its product's company), and the plan of a
        check is computed with ``lot.company_id``: empty, so the switching
        history is every company's (a superuser search). A check user of the
        second company, who sees nothing of the first, records two rejections
        of the shared vendor: the first company's next check of that vendor is
        tightened, and its vendor page (``traceability_sampling_html``, which
        passes no company at all) shows the second company's severity."""
        company_2 = self.env["res.company"].create({"name": "ATK Severity Co 2"})
        user_2 = new_test_user(
            self.env,
            "atk_new_severity_user_2",
            groups="quality_traceability.group_traceability_user",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        point_2 = self.env["traceability.control.point"].create(
            {
                "name": "ATK resin AQL sampling (company 2)",
                "stage": "incoming",
                "company_id": company_2.id,
                "product_ids": [Command.link(self.raw.id)],
                "sampling": "iso2859",
                "aql": "0.65",
            }
        )
        self.inspect(0)
        self.assertEqual(self.receive_lot().company_id, self.env.company.browse())
        flows_2 = self.flows.with_company(company_2)
        for index in range(2):
            name = f"ATK-SEV2-{index}"
            flows_2.receive(self.vendor, self.raw, [(name, 100)])
            lot = self.lot(self.raw, name)
            plan = point_2._sampling_instruction(lot)
            rpc(
                self.env,
                user_2,
                "traceability.check",
                "create",
                [
                    {
                        "control_point_id": point_2.id,
                        "lot_id": lot.id,
                        "defect_count": plan["re"],
                    }
                ],
            )
        self.assertEqual(self.severity(), "normal")
        lot = self.receive_lot()
        check = self.user_check(lot, 0)
        self.assertEqual(check.company_id, self.env.company)
        self.assertEqual(check.inspection_severity, "normal")
        [vendor] = rpc(
            self.env,
            self.trace_user,
            "res.partner",
            "read",
            [self.vendor.ids, ["traceability_sampling_html"]],
        )
        html = vendor["traceability_sampling_html"]
        self.assertIn("Normal", html)
        self.assertNotIn("Tightened", html)


@tagged("post_install", "-at_install")
class TestFrozenLimitsAttacks(QualityCommon):
    """Frozen control limits (NIST/SEMATECH e-Handbook 6.3.2): set and lifted
    only by a manager's Freeze Limits from Baseline / Unfreeze Limits."""

    FROZEN = {
        "limits_frozen": True,
        "frozen_center": 10.0,
        "frozen_ucl": 1000.0,
        "frozen_lcl": -1000.0,
        "frozen_range_mean": 0.0,
        "frozen_subgroup_size": 1,
        "frozen_count": 25,
        "frozen_user_id": 1,
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trace_user = new_test_user(
            cls.env,
            "atk_new_spc_user",
            groups="quality_traceability.group_traceability_user",
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "atk_new_spc_manager",
            groups="quality_traceability.group_traceability_manager",
        )

    def test_frozen_fields_refused_on_write_and_create(self):
        """Guard. Neither a user nor a manager writes a frozen field, nor
        creates a measurement with one."""
        for user in (self.trace_user, self.trace_manager):
            for name, value in self.FROZEN.items():
                with self.assertRaises(AccessError, msg=(user.login, name)):
                    rpc(
                        self.env,
                        user,
                        "traceability.control.spec",
                        "write",
                        [self.width_spec.ids, {name: value}],
                    )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.trace_manager,
                "traceability.control.spec",
                "create",
                [
                    {
                        "control_point_id": self.incoming_point.id,
                        "name": "ATK forged",
                        "value_type": "numeric",
                        **self.FROZEN,
                    }
                ],
            )
        self.assertFalse(self.width_spec.limits_frozen)
        self.assertFalse(self.width_spec.frozen_ucl)

    def test_context_defaults_do_not_freeze(self):
        """HOLE. The frozen fields are refused when they are in the values, but
        ``create`` checks the values before Odoo adds the context's defaults: a
        manager creating a measurement (or a control point with its
        measurements) with ``default_limits_frozen`` and ``default_frozen_*`` in
        the context gets limits frozen to any figures, never logged, without
        Freeze Limits from Baseline."""
        context = {f"default_{name}": value for name, value in self.FROZEN.items()}
        try:
            spec_id = rpc(
                self.env,
                self.trace_manager,
                "traceability.control.spec",
                "create",
                [
                    {
                        "control_point_id": self.incoming_point.id,
                        "name": "ATK defaults",
                        "value_type": "numeric",
                    }
                ],
                context=context,
            )
        except AccessError:
            return
        spec = self.env["traceability.control.spec"].browse(spec_id)
        self.assertFalse(spec.limits_frozen)
        self.assertEqual((spec.frozen_ucl, spec.frozen_lcl), (0.0, 0.0))

    def test_subgroup_size_cannot_escape_frozen_limits(self):
        """Guard. Frozen limits are for one subgroup size: changing the size
        while frozen is refused; the freeze needs a baseline with values."""
        spec = self.width_spec
        with self.assertRaises(UserError):
            rpc(
                self.env,
                self.trace_manager,
                "traceability.control.spec",
                "action_freeze_limits",
                [spec.ids],
            )
        spec.write(
            {
                "baseline_start": "2000-01-01 00:00:00",
                "baseline_end": "2000-01-02 00:00:00",
            }
        )
        with self.assertRaises(UserError):
            rpc(
                self.env,
                self.trace_manager,
                "traceability.control.spec",
                "action_freeze_limits",
                [spec.ids],
            )
        self.assertFalse(spec.limits_frozen)
        lots = []
        for index in range(4):
            name = f"ATK-SPC-{index}"
            self.receive([(name, 1)])
            lots.append(self.lot(self.raw, name))
        for lot, width in zip(lots, (9.8, 10.0, 10.2, 10.1), strict=True):
            self.check(lot, width=width)
        spec.write(
            {
                "baseline_start": "2000-01-01 00:00:00",
                "baseline_end": "2100-01-01 00:00:00",
            }
        )
        with self.refused(AccessError, "manager"):
            rpc(
                self.env,
                self.trace_user,
                "traceability.control.spec",
                "action_freeze_limits",
                [spec.ids],
            )
        self.assertFalse(spec.limits_frozen)
        rpc(
            self.env,
            self.trace_manager,
            "traceability.control.spec",
            "action_freeze_limits",
            [spec.ids],
        )
        self.assertTrue(spec.limits_frozen)
        ucl = spec.frozen_ucl
        with self.assertRaises(ValidationError):
            rpc(
                self.env,
                self.trace_manager,
                "traceability.control.spec",
                "write",
                [spec.ids, {"subgroup_size": 2}],
            )
        with self.refused(AccessError, "manager"):
            rpc(
                self.env,
                self.trace_user,
                "traceability.control.spec",
                "action_unfreeze_limits",
                [spec.ids],
            )
        self.assertEqual((spec.limits_frozen, spec.frozen_ucl), (True, ucl))
        self.assertEqual(spec.subgroup_size, 1)


@tagged("post_install", "-at_install")
class TestExposureAttacks(QualityCommon):
    """The exposure of a failed check shows the user only lots of their
    companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "ATK Exposure Co 2"})
        product_vals = {"type": "consu", "is_storable": True, "tracking": "lot"}
        cls.part_2 = cls.env["product.product"].create(
            dict(product_vals, name="ATK Secret Part")
        )
        cls.product_2 = cls.env["product.product"].create(
            dict(product_vals, name="ATK Secret Product")
        )
        cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.product_2.product_tmpl_id.id,
                "product_qty": 1,
                "company_id": cls.company_2.id,
                "bom_line_ids": [
                    Command.create({"product_id": cls.part_2.id, "product_qty": 1})
                ],
            }
        )
        flows_2 = cls.flows.with_company(cls.company_2)
        flows_2.receive(cls.vendor, cls.part_2, [("ATK-SECRET-PART", 5)])
        part_lot = cls.lot(cls.part_2, "ATK-SECRET-PART")
        cls.production_2 = flows_2.produce(
            cls.product_2, 2, "ATK-SECRET-LOT", {cls.part_2: [(part_lot, 2)]}
        )
        cls.secret_lot = cls.production_2.lot_producing_id
        assert cls.secret_lot.company_id == cls.company_2
        flows_2.deliver(cls.customer_b, [(cls.product_2, [(cls.secret_lot, 1)])])
        cls.inspector = new_test_user(
            cls.env,
            "atk_new_exposure_inspector",
            groups="quality_traceability.group_traceability_user",
        )
        cls.receive([("ATK-EXP-1", 5)])
        cls.lot_1 = cls.lot(cls.raw, "ATK-EXP-1")

    def test_foreign_production_gives_no_foreign_lots(self):
        """HOLE. ``production_id`` of a check is taken from the client without a
        company check; the exposure reads the order's finished lots in superuser
        mode: an inspector of the first company records a failed check "of" the
        second company's manufacturing order and reads that company's lots,
        products, stock and customer counts in the exposure."""
        try:
            check_id = rpc(
                self.env,
                self.inspector,
                "traceability.check",
                "create",
                [
                    {
                        "control_point_id": self.incoming_point.id,
                        "lot_id": self.lot_1.id,
                        "production_id": self.production_2.id,
                        "value_ids": [
                            Command.create(
                                {
                                    "spec_id": self.width_spec.id,
                                    "value_float": 30,
                                    "value_is_set": True,
                                }
                            ),
                            Command.create(
                                {
                                    "spec_id": self.visual_spec.id,
                                    "value_pass_fail": "pass",
                                }
                            ),
                        ],
                    }
                ],
            )
        except (UserError, ValidationError, AccessError):
            self.assertFalse(self.lot_1.traceability_check_ids.production_id)
            return
        try:
            action = rpc(
                self.env,
                self.inspector,
                "traceability.check",
                "action_open_exposure",
                [[check_id]],
            )
        except AccessError:
            return
        exposure = self.env["traceability.exposure"].browse(action["res_id"])
        reached = exposure.suspect_lot_ids | exposure.line_ids.lot_id
        self.assertNotIn(self.secret_lot, reached)
        self.assertFalse(reached.filtered(lambda lot: lot.company_id == self.company_2))

    def test_exposure_of_another_user_is_out_of_reach(self):
        """HOLE. ``traceability.exposure`` and its lines have no record rule: a
        wizard is readable by every Traceability User (Odoo 18 adds no implicit
        "own records" rule to transient models). The exposure a manager of both
        companies opened, with the second company's lots, quantities and
        customer counts, is read by an inspector of the first company alone,
        by its id (sequential)."""
        manager = new_test_user(
            self.env,
            "atk_new_exposure_manager",
            groups="quality_traceability.group_traceability_manager",
            company_ids=[Command.set((self.env.company | self.company_2).ids)],
        )
        failed = self.check(self.lot_1, width=30)
        # The manager's own exposure (made by the system path, as
        # action_open_exposure makes it: create_uid is the manager).
        exposure = (
            self.env["traceability.exposure"]
            .with_user(manager)
            .with_context(allowed_company_ids=(self.env.company | self.company_2).ids)
            .sudo()
            .create(
                {
                    "check_id": failed.id,
                    "suspect_lot_ids": [Command.set(self.secret_lot.ids)],
                    "line_ids": [
                        Command.create(
                            {
                                "lot_id": self.secret_lot.id,
                                "qty_delivered": 1.0,
                                "customer_count": 1,
                            }
                        )
                    ],
                }
            )
        )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.inspector,
                "traceability.exposure.line",
                "read",
                [exposure.line_ids.ids, ["lot_id", "product_id", "qty_delivered"]],
            )
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.inspector,
                "traceability.exposure",
                "read",
                [exposure.ids, ["suspect_lot_ids", "qty_delivered"]],
            )

    def test_portal_and_outsiders_get_no_exposure(self):
        """Guard. A portal user and an internal user outside the traceability
        groups neither open an exposure nor create one."""
        failed = self.check(self.lot_1, width=30)
        portal = new_test_user(
            self.env, "atk_new_exposure_portal", groups="base.group_portal"
        )
        outsider = new_test_user(
            self.env, "atk_new_exposure_outsider", groups="base.group_user"
        )
        for user in (portal, outsider):
            with self.assertRaises(AccessError, msg=user.login):
                rpc(
                    self.env,
                    user,
                    "traceability.check",
                    "action_open_exposure",
                    [failed.ids],
                )
            with self.assertRaises(AccessError, msg=user.login):
                rpc(
                    self.env,
                    user,
                    "traceability.exposure",
                    "create",
                    [
                        {
                            "check_id": failed.id,
                            "suspect_lot_ids": [Command.set(self.secret_lot.ids)],
                        }
                    ],
                )


class CertificateCommon(QualityCommon):
    """A serial with a final inspection, a manager and a check user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.final_point = cls.env["traceability.control.point"].create(
            {
                "name": "ATK final inspection",
                "stage": "final",
                "spec_ids": [
                    Command.create(
                        {
                            "name": "ATK Leak Pressure",
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
        cls.pressure = cls.final_point.spec_ids
        cls.serial = cls.env["stock.lot"].create(
            {"name": "ATK-COA-SN", "product_id": cls.finished.id}
        )
        cls.first = cls.final_check(51.5)
        cls.manager = new_test_user(
            cls.env,
            "atk_new_coa_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "atk_new_coa_inspector",
            groups="quality_traceability.group_traceability_user",
        )

    @classmethod
    def final_check(cls, pressure, env=None):
        return (env or cls.env)["traceability.check"].create(
            {
                "control_point_id": cls.final_point.id,
                "lot_id": cls.serial.id,
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": cls.pressure.id,
                            "value_float": pressure,
                            "value_is_set": True,
                        }
                    )
                ],
            }
        )

    def certificate(self):
        return self.serial._traceability_coa_values()


@tagged("post_install", "-at_install")
class TestCertificateAttacks(CertificateCommon):
    """The public certificate of analysis is what a manager published."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")

    def test_published_certificate_does_not_change_without_a_manager(self):
        """HOLE. A manager publishes the certificate of what was inspected; a
        check user then records another final check (here with a made-up value
        and a forged operator): it appears at once on the public certificate,
        published by nobody."""
        rpc(
            self.env,
            self.manager,
            "stock.lot",
            "action_traceability_publish_coa",
            [self.serial.ids],
        )
        published = [
            [row["value"] for row in check["rows"]]
            for check in self.certificate()["checks"]
        ]
        rpc(
            self.env,
            self.inspector,
            "traceability.check",
            "create",
            [
                {
                    "control_point_id": self.final_point.id,
                    "lot_id": self.serial.id,
                    "operator_id": self.manager.id,
                    "value_ids": [
                        Command.create(
                            {
                                "spec_id": self.pressure.id,
                                "value_float": 50.0,
                                "value_is_set": True,
                            }
                        )
                    ],
                }
            ],
        )
        now = [
            [row["value"] for row in check["rows"]]
            for check in self.certificate()["checks"]
        ]
        self.assertTrue(
            now == published or not self.serial.traceability_coa_published,
            "the public certificate changed without a manager",
        )

    def test_manager_of_another_company_cannot_publish(self):
        """HOLE. A lot of a product shared by the companies has no company, so
        ``check_access("write")`` lets a traceability manager of any company
        publish (or withdraw) its certificate: the second company's manager
        makes public the first company's final inspection."""
        company_2 = self.env["res.company"].create({"name": "ATK CoA Co 2"})
        manager_2 = new_test_user(
            self.env,
            "atk_new_coa_manager_2",
            groups="quality_traceability.group_traceability_manager",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        self.assertEqual(self.first.company_id, self.env.company)
        try:
            rpc(
                self.env,
                manager_2,
                "stock.lot",
                "action_traceability_publish_coa",
                [self.serial.ids],
            )
        except UserError as error:
            self.assertRegex(str(error), "manager|access|company|not allowed")
        self.assertFalse(self.serial.traceability_coa_published)

    def test_voided_check_leaves_the_certificate(self):
        """Guard. A voided final check is not on the certificate."""
        second = self.final_check(55.0)
        self.assertEqual(len(self.certificate()["checks"]), 2)
        second.with_user(self.manager).action_void("Wrong gauge")
        self.assertEqual(
            [check["check"] for check in self.certificate()["checks"]], [self.first]
        )

    def test_certificate_shows_nothing_else(self):
        """Guard. The rendered certificate holds no price, partner or internal
        note of the lot."""
        self.serial.sudo().note = "<p>ATK internal note</p>"
        self.finished.standard_price = 987.65
        self.env["traceability.check"].create(
            {
                "control_point_id": self.final_point.id,
                "lot_id": self.serial.id,
                "notes": "ATK operator remark",
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": self.pressure.id,
                            "value_float": 50.0,
                            "value_is_set": True,
                        }
                    )
                ],
            }
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "quality_traceability.report_traceability_coa", self.serial.ids
        )
        html = html.decode()
        self.assertIn("ATK-COA-SN", html)
        self.assertIn("ATK Leak Pressure", html)
        for secret in (
            "ATK internal note",
            "ATK operator remark",
            "987.65",
            self.vendor.name,
            self.customer_a.name,
        ):
            self.assertNotIn(secret, html)


@tagged("post_install", "-at_install")
class TestCertificateWithoutChinese(CertificateCommon):
    """The certificate on a database where Simplified Chinese is not active
    (the addons ship its translation; activating it is the administrator's
    choice)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chinese = (
            cls.env["res.lang"]
            .with_context(active_test=False)
            .search([("code", "=", "zh_CN")])
        )
        cls.env["res.users"].with_context(active_test=False).search(
            [("lang", "=", "zh_CN")]
        ).write({"lang": "en_US"})
        chinese.active = False

    def test_certificate_without_chinese(self):
        """BUG. ``_traceability_coa_values`` and the report read the spec names
        with ``lang="zh_CN"``: without that language active they raise
        "Invalid language code: zh_CN", and the published certificate
        (``/trace/<code>/coa``) answers a server error."""
        values = self.certificate()
        self.assertEqual(
            [row["name_en"] for row in values["checks"][0]["rows"]],
            ["ATK Leak Pressure"],
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "quality_traceability.report_traceability_coa", self.serial.ids
        )
        self.assertIn("ATK Leak Pressure", html.decode())
