# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on the recall started from the exposure of a failed check
(``traceability.exposure.action_start_recall``), over the RPC path of each user
(README "Trust model": *Recalls*)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.quality_traceability.tests.common import QualityCommon, rpc


@tagged("post_install", "-at_install")
class TestExposureRecallAttacks(QualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive([("ATK-XR-V1", 10)])
        cls.v1 = cls.lot(cls.raw, "ATK-XR-V1")
        cls.failed = cls.check(cls.v1, width=12.5)
        cls.company_2 = cls.env["res.company"].create({"name": "ATK Recall Co 2"})
        cls.lot_2 = cls.env["stock.lot"].create(
            {
                "name": "ATK-XR-OTHER",
                "product_id": cls.raw.id,
                "company_id": cls.company_2.id,
            }
        )
        cls.recall_manager = new_test_user(
            cls.env,
            "atk_xr_recall_manager",
            groups="recall_management.group_recall_manager,stock.group_stock_manager",
        )
        cls.inspector = new_test_user(
            cls.env,
            "atk_xr_inspector",
            groups="quality_traceability.group_traceability_user",
        )
        cls.portal = new_test_user(cls.env, "atk_xr_portal", groups="base.group_portal")

    def recalls(self):
        return self.env["recall.recall"].search_count([])

    def test_inspector_cannot_start_a_recall(self):
        """Guard. A check user opens the exposure but may not start the recall
        from it; a portal user reaches neither."""
        before = self.recalls()
        action = rpc(
            self.env,
            self.inspector,
            "traceability.check",
            "action_open_exposure",
            [self.failed.ids],
        )
        for user in (self.inspector, self.portal):
            with self.assertRaises(UserError, msg=user.login):
                rpc(
                    self.env,
                    user,
                    "traceability.exposure",
                    "action_start_recall",
                    [[action["res_id"]]],
                )
        self.assertEqual(self.recalls(), before)
        self.assertFalse(self.env["recall.create.wizard"].search([]))

    def test_manager_cannot_be_handed_a_forged_exposure(self):
        """Guard. A check user creates an exposure himself with forged suspect
        lots and figures; a recall manager who is given its id cannot start a
        recall from it (a wizard is its creator's only)."""
        forged = {
            "check_id": self.failed.id,
            "suspect_lot_ids": [Command.set(self.v1.ids)],
            "lot_count": 9999,
            "customer_count": 9999,
        }
        # Users do not create exposures: action_open_exposure makes them.
        with self.assertRaises(AccessError):
            rpc(self.env, self.inspector, "traceability.exposure", "create", [forged])
        # One made for the inspector all the same stays the inspector's.
        forged_id = (
            self.env["traceability.exposure"]
            .with_user(self.inspector)
            .sudo()
            .create(forged)
            .id
        )
        before = self.recalls()
        with self.assertRaises(UserError):
            rpc(
                self.env,
                self.recall_manager,
                "traceability.exposure",
                "action_start_recall",
                [[forged_id]],
            )
        self.assertEqual(self.recalls(), before)

    def test_exposure_cannot_reach_another_company(self):
        """A recall manager of the first company puts the second company's lot
        among the suspects of an exposure he creates: the recall form it opens
        must not hold that lot (refused, or the lot left out)."""
        exposure_id = (
            self.env["traceability.exposure"]
            .with_user(self.recall_manager)
            .sudo()
            .create(
                {
                    "check_id": self.failed.id,
                    "suspect_lot_ids": [Command.set((self.v1 | self.lot_2).ids)],
                }
            )
            .id
        )
        try:
            action = rpc(
                self.env,
                self.recall_manager,
                "traceability.exposure",
                "action_start_recall",
                [[exposure_id]],
            )
        except UserError:
            return
        wizard = self.env["recall.create.wizard"].browse(action["res_id"])
        self.assertNotIn(self.lot_2, wizard.lot_ids)
