# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from odoo.addons.quality_traceability.tests.common import rpc
from odoo.addons.quality_traceability.tests.package_common import PackageCommon


class TestRecallPackage(PackageCommon):
    """A recall started from the SSCC of a shipped pallet (or a box on it) is
    scoped like a recall of its lots: same lots, same customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True))
        cls.manager = new_test_user(
            cls.env,
            "rp_recall_manager",
            groups="recall_management.group_recall_manager,stock.group_stock_manager",
        )
        cls.reader = new_test_user(
            cls.env,
            "rp_trace_user",
            groups="quality_traceability.group_traceability_user",
        )
        cls.portal = new_test_user(cls.env, "rp_portal", groups="base.group_portal")

    def _start(self, user=None, **values):
        Wizard = self.env["recall.create.wizard"].with_user(user or self.manager)
        wizard = Wizard.create(dict({"reason": "Cracked bottles"}, **values))
        action = wizard.action_create_recall()
        return self.env["recall.recall"].browse(action["res_id"])

    def _scope(self, recall):
        return (
            recall.lot_ids.lot_id,
            recall.customer_ids.partner_id,
            recall.scope_line_ids.lot_id,
        )

    def test_recall_from_sscc_equals_recall_from_lots(self):
        from_lots = self._start(
            source="lots", lot_ids=[Command.set(self.pallet_lots.ids)]
        )
        sscc = self.pallet.traceability_sscc
        for code in (f"(00){sscc}", f"]d800{sscc}", f"]C100{sscc}", sscc):
            recall = self._start(source="package", package_code=code)
            self.assertEqual(recall.source_lot_ids, self.pallet_lots, code)
            self.assertEqual(self._scope(recall), self._scope(from_lots), code)
        lots, customers, _lines = self._scope(from_lots)
        self.assertEqual(lots, self.pallet_lots)
        self.assertEqual(customers, self.customer_a)
        self.assertIn(
            sscc, " ".join(recall.message_ids.mapped("body")), "the chatter names it"
        )
        # Chosen rather than scanned.
        chosen = self._start(source="package", package_id=self.pallet.id)
        self.assertEqual(self._scope(chosen), self._scope(from_lots))

    def test_box_on_the_pallet(self):
        from_box = self._start(
            source="package", package_code=f"(00){self.box_2.traceability_sscc}"
        )
        from_lot = self._start(
            source="lots", lot_ids=[Command.set(self.serials[2].ids)]
        )
        self.assertEqual(self._scope(from_box), self._scope(from_lot))
        self.assertEqual(from_box.lot_ids.lot_id, self.serials[2])

    def test_form_from_the_package(self):
        """The package form's button opens the wizard on that package; its lots
        are shown before the recall starts."""
        action = self.env.ref("recall_management.recall_create_wizard_action_package")
        self.assertEqual(action.binding_model_id.model, "stock.quant.package")
        form = Form(
            self.env["recall.create.wizard"]
            .with_user(self.manager)
            .with_context(
                active_model="stock.quant.package",
                active_id=self.pallet.id,
                active_ids=self.pallet.ids,
            )
        )
        self.assertEqual(form.source, "package")
        self.assertEqual(form.package_id, self.pallet)
        self.assertEqual(
            {lot.id for lot in form.package_lot_ids}, set(self.pallet_lots.ids)
        )
        form.package_id = self.env["stock.quant.package"]
        form.package_code = f"]d200{self.box_1.traceability_sscc}"
        self.assertEqual(form.package_id, self.box_1)
        form.reason = "Cracked bottles"
        wizard = form.save()
        recall = self.env["recall.recall"].browse(
            wizard.action_create_recall()["res_id"]
        )
        self.assertEqual(recall.source_lot_ids, self.serials[0] | self.serials[1])
        view = self.env.ref("stock.view_quant_package_form")
        for user, shown in ((self.manager, True), (self.reader, False)):
            arch = etree.fromstring(
                self.env["stock.quant.package"]
                .with_user(user)
                .get_view(view.id, "form")["arch"]
            )
            self.assertEqual(
                bool(arch.xpath("//button[hasclass('o_recall_package_button')]")),
                shown,
                user.login,
            )

    def test_unknown_or_missing_package(self):
        count = self.env["recall.recall"].search_count([])
        with self.assertRaisesRegex(UserError, "No box or pallet has the code"):
            self._start(source="package", package_code="(00)106141410000000008")
        with self.assertRaisesRegex(UserError, "No box or pallet has the code"):
            self._start(source="package", package_code="NO-SUCH-PALLET")
        with self.assertRaisesRegex(UserError, "Scan or choose the box or pallet"):
            self._start(source="package")
        empty = self.env["stock.quant.package"].create({"name": "RP-EMPTY"})
        with self.assertRaisesRegex(UserError, "nothing to recall"):
            self._start(source="package", package_id=empty.id)
        self.assertEqual(self.env["recall.recall"].search_count([]), count)

    def test_other_company_package(self):
        _company_b, package_b, _user_a = self.foreign_package("RP")
        manager_a = new_test_user(
            self.env,
            "rp_manager_a",
            groups="recall_management.group_recall_manager",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )
        count = self.env["recall.recall"].search_count([])
        with self.assertRaisesRegex(UserError, "No box or pallet has the code"):
            self._start(
                user=manager_a,
                source="package",
                package_code=f"(00){package_b.traceability_sscc}",
            )
        # Chosen by id: its lots are out of reach, nothing to recall.
        with self.assertRaisesRegex(UserError, "nothing to recall"):
            self._start(user=manager_a, source="package", package_id=package_b.id)
        self.assertEqual(self.env["recall.recall"].search_count([]), count)

    def test_refused_to_others_over_rpc(self):
        count = self.env["recall.recall"].search_count([])
        values = {
            "reason": "Not allowed",
            "source": "package",
            "package_code": f"(00){self.pallet.traceability_sscc}",
        }
        wizard = self.env["recall.create.wizard"].with_user(self.manager).create(values)
        for user in (self.reader, self.portal):
            with self.assertRaises(AccessError, msg=user.login):
                rpc(self.env, user, "recall.create.wizard", "create", [values])
            with self.assertRaises(AccessError, msg=user.login):
                rpc(
                    self.env,
                    user,
                    "recall.create.wizard",
                    "action_create_recall",
                    [wizard.ids],
                )
        self.assertEqual(self.env["recall.recall"].search_count([]), count)
        self.assertEqual(set(self.pallet_lots.mapped("quality_state")), {"released"})
