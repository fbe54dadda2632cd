# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.quality_traceability.tests.common import QualityCommon, rpc


@tagged("post_install", "-at_install")
class TestExposureRecall(QualityCommon):
    """A failed check's exposure starts a recall of its suspect lots, linked to
    the check's nonconformance; only a recall manager may start it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("XR-V1", 10)])
        cls.v1 = cls.lot(cls.raw, "XR-V1")
        cls.check(cls.v1)
        cls.flows.produce(cls.semi, 2, "XR-S1", {cls.raw: [(cls.v1, 4)]})
        cls.s1 = cls.lot(cls.semi, "XR-S1")
        cls.serial = cls.flows.produce(
            cls.finished, 1, "XR-SN1", {cls.semi: [(cls.s1, 1)]}
        ).lot_producing_id
        cls.flows.deliver(cls.customer_a, [(cls.finished, [(cls.serial, 1)])])
        cls.failed = cls.check(cls.v1, width=12.5)
        cls.recall_manager = new_test_user(
            cls.env,
            "xr_recall_manager",
            groups="recall_management.group_recall_manager,stock.group_stock_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "xr_inspector",
            groups="quality_traceability.group_traceability_user",
        )

    def open_exposure(self, user):
        action = rpc(
            self.env,
            user,
            "traceability.check",
            "action_open_exposure",
            [self.failed.ids],
        )
        return self.env["traceability.exposure"].browse(action["res_id"])

    def test_recall_from_the_exposure(self):
        nonconformance = self.failed.nonconformance_ids
        self.assertEqual(len(nonconformance), 1)
        exposure = self.open_exposure(self.recall_manager)
        action = rpc(
            self.env,
            self.recall_manager,
            "traceability.exposure",
            "action_start_recall",
            [exposure.ids],
        )
        self.assertEqual(action["res_model"], "recall.create.wizard")
        wizard = (
            self.env["recall.create.wizard"]
            .with_user(self.recall_manager)
            .browse(action["res_id"])
        )
        self.assertIn(self.failed.name, wizard.reason)
        self.assertEqual((wizard.source, wizard.lot_ids), ("lots", self.v1))
        self.assertEqual(wizard.nonconformance_id, nonconformance)
        result = wizard.action_create_recall()
        recall = self.env["recall.recall"].browse(result["res_id"])
        self.assertEqual(recall.source_lot_ids, self.v1)
        self.assertEqual(recall.nonconformance_id, nonconformance)
        self.assertIn(self.serial, recall.lot_ids.lot_id)
        self.assertEqual(recall.customer_ids.partner_id, self.customer_a)
        # The nonconformance shows its recall.
        self.assertEqual(nonconformance.with_user(self.recall_manager).recall_count, 1)
        view = rpc(
            self.env,
            self.recall_manager,
            "traceability.nonconformance",
            "action_view_recalls",
            [nonconformance.ids],
        )
        self.assertEqual(self.env["recall.recall"].search(view["domain"]), recall)

    def test_inspector_sees_the_exposure_but_starts_no_recall(self):
        exposure = self.open_exposure(self.inspector)
        self.assertEqual(exposure.customer_count, 1)
        recalls = self.env["recall.recall"].search([])
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.inspector,
                "traceability.exposure",
                "action_start_recall",
                [exposure.ids],
            )
        self.assertEqual(self.env["recall.recall"].search([]), recalls)
