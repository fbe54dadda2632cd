# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user


class TestRecallSecurity(TransactionCase):
    def test_recall_manager_is_a_traceability_user(self):
        group = self.env.ref("recall_management.group_recall_manager")
        self.assertEqual(
            group.category_id.parent_id,
            self.env.ref("quality_traceability.module_category_traceability"),
        )
        user = new_test_user(
            self.env, "recall_mgr", groups="recall_management.group_recall_manager"
        )
        self.assertTrue(user.has_group("quality_traceability.group_traceability_user"))
        self.assertFalse(
            user.has_group("quality_traceability.group_traceability_manager")
        )
        plain = new_test_user(
            self.env,
            "recall_plain",
            groups="quality_traceability.group_traceability_user",
        )
        self.assertFalse(plain.has_group("recall_management.group_recall_manager"))
