# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from ..models.traceability_scan import ScanError
from ..tools import gs1
from .package_common import PackageCommon


class TestTracePackage(PackageCommon):
    """A trace started from a box or a pallet (its SSCC) reaches what a trace
    of its lots reaches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "pt_trace_user",
            groups="quality_traceability.group_traceability_user",
        )

    def _open(self, records, direction=None, user=None):
        user = user or self.user
        Trace = self.env["traceability.trace"].with_user(user)
        action = Trace._action_open(records.with_user(user), direction=direction)
        return Trace.browse(action["res_id"])

    def _reached(self, trace):
        return (
            trace.line_ids.filtered(lambda line: line.kind == "lot").lot_id,
            trace.customer_ids,
            trace.delivery_ids,
            trace.vendor_ids,
        )

    def _scanned(self, code, user=None):
        env = self.env(user=(user or self.user).id)
        return env["traceability.scan"]._resolve_code(code)

    def test_start_lots_of_pallet_and_box(self):
        genealogy = self.env["traceability.genealogy"]
        self.assertEqual(genealogy._start_lots(self.pallet), self.pallet_lots)
        self.assertEqual(
            genealogy._start_lots(self.box_1), self.serials[0] | self.serials[1]
        )
        self.assertEqual(genealogy._start_lots(self.box_2), self.serials[2])
        # Shipped whole: the quants went with the boxes to the customer.
        self.assertEqual(
            set((self.box_1 | self.box_2).quant_ids.location_id.mapped("usage")),
            {"customer"},
        )

    def test_default_direction_is_forward(self):
        genealogy = self.env["traceability.genealogy"]
        self.assertEqual(genealogy._default_direction(self.pallet), "forward")
        trace = self._open(self.pallet)
        self.assertEqual(trace.direction, "forward")
        self.assertEqual(trace.res_model, "stock.quant.package")
        self.assertIn(self.pallet.traceability_sscc, trace.name)

    def test_pallet_reaches_what_its_lots_reach(self):
        """From the SSCC of the shipped pallet, scanned in every form, the same
        lots, customers, deliveries and vendors as from the lots themselves,
        forward and backward."""
        sscc = self.pallet.traceability_sscc
        codes = [
            f"(00){sscc}",
            "]d200" + sscc,
            "]d800" + sscc,
            "]C100" + sscc,
            sscc,
            f"https://id.example.com/00/{sscc}",
        ]
        for code in codes:
            self.assertEqual(self._scanned(code), self.pallet, code)
        pallet = self._scanned(codes[0])
        for direction in ("forward", "backward"):
            from_pallet = self._open(pallet, direction)
            from_lots = self._open(self.pallet_lots, direction)
            self.assertEqual(
                self._reached(from_pallet), self._reached(from_lots), direction
            )
        forward = self._open(pallet)
        lots, customers, deliveries, _vendors = self._reached(forward)
        self.assertEqual(lots, self.pallet_lots)
        self.assertEqual(customers, self.customer_a)
        self.assertEqual(deliveries, self.order_a.picking_ids)
        backward = self._open(pallet, "backward")
        lots, customers, _deliveries, vendors = self._reached(backward)
        self.assertEqual(lots, self.pallet_lots | self.ps1 | self.pv1)
        self.assertEqual(vendors, self.vendor)
        # Switching the direction of the pallet's trace gives the backward one.
        forward.action_switch_direction()
        self.assertEqual(self._reached(forward), self._reached(backward))

    def test_box_on_the_pallet(self):
        box = self._scanned(f"(00){self.box_2.traceability_sscc}")
        self.assertEqual(box, self.box_2)
        for direction in ("forward", "backward"):
            self.assertEqual(
                self._reached(self._open(box, direction)),
                self._reached(self._open(self.serials[2], direction)),
            )
        trace = self._open(box)
        self.assertEqual(
            trace.line_ids.filtered(lambda line: line.kind == "lot").lot_id,
            self.serials[2],
        )
        self.assertEqual(trace.customer_ids, self.customer_a)

    def test_smart_button(self):
        action = self.env.ref("quality_traceability.traceability_trace_open_action")
        result = (
            action.with_user(self.user)
            .with_context(
                active_model="stock.quant.package",
                active_id=self.pallet.id,
                active_ids=self.pallet.ids,
            )
            .run()
        )
        trace = self.env["traceability.trace"].browse(result["res_id"])
        self.assertEqual(trace.lot_count, 3)
        self.assertEqual(trace.customer_ids, self.customer_a)
        arch = etree.fromstring(
            self.env["stock.quant.package"]
            .with_user(self.user)
            .get_view(self.env.ref("stock.view_quant_package_form").id, "form")["arch"]
        )
        first = arch.xpath("//div[@name='button_box']/*[1]")[0]
        self.assertEqual(first.get("name"), str(action.id))

    def test_unknown_sscc(self):
        sscc = gs1.sscc("0614141", 799999)
        Package = self.env["stock.quant.package"]
        self.assertEqual(Package._traceability_sscc_of_code(f"(00){sscc}"), sscc)
        for code in (
            f"(00){sscc}",
            f"]d800{sscc}",
            f"https://id.example.com/00/{sscc}",
        ):
            with self.assertRaisesRegex(ScanError, "Unknown box or pallet"):
                self._scanned(code)
        # 18 digits naming no package may be a lot's name: looked up as one.
        with self.assertRaisesRegex(ScanError, "Unknown lot or serial number"):
            self._scanned(sscc)
        # A wrong check digit is no SSCC at all.
        wrong = self.pallet.traceability_sscc[:-1] + str(
            (int(self.pallet.traceability_sscc[-1]) + 1) % 10
        )
        self.assertFalse(Package._traceability_sscc_of_code(f"(00){wrong}"))

    def test_other_company_package_is_invisible(self):
        _company_b, package_b, user_a = self.foreign_package("PT")
        code = f"(00){package_b.traceability_sscc}"
        self.assertFalse(
            self.env["stock.quant.package"]
            .with_user(user_a)
            ._traceability_find_by_code(code)
        )
        with self.assertRaisesRegex(ScanError, "Unknown box or pallet"):
            self._scanned(code, user=user_a)
        with self.assertRaises(AccessError):
            self._open(package_b, user=user_a)
        count = self.env["traceability.trace"].search_count([])
        with self.assertRaises(AccessError):
            self.env.ref(
                "quality_traceability.traceability_trace_open_action"
            ).with_user(user_a).with_context(
                active_model="stock.quant.package",
                active_id=package_b.id,
                active_ids=package_b.ids,
            ).run()
        self.assertEqual(self.env["traceability.trace"].search_count([]), count)
        # Its lots are not followed either: the user's own pallet still traces.
        self.assertEqual(self._open(self.pallet, user=user_a).lot_count, 3)

    def test_user_without_traceability_rights_is_refused(self):
        count = self.env["traceability.trace"].search_count([])
        for groups in (
            "stock.group_stock_user",
            "base.group_user",
            "base.group_portal",
        ):
            user = new_test_user(self.env, f"pt_{groups.split('.')[1]}", groups=groups)
            with self.assertRaises(AccessError, msg=groups):
                self.env.ref(
                    "quality_traceability.traceability_trace_open_action"
                ).with_user(user).with_context(
                    active_model="stock.quant.package",
                    active_id=self.pallet.id,
                    active_ids=self.pallet.ids,
                ).run()
            with self.assertRaises(AccessError, msg=groups):
                self.env["traceability.trace"].with_user(user)._action_open(
                    self.pallet.with_user(user)
                )
        self.assertEqual(self.env["traceability.trace"].search_count([]), count)
