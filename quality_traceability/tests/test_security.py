# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user


class TestSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group_user = cls.env.ref("quality_traceability.group_traceability_user")
        cls.group_manager = cls.env.ref(
            "quality_traceability.group_traceability_manager"
        )
        cls.trace_user = new_test_user(
            cls.env, "trace_user", groups="quality_traceability.group_traceability_user"
        )
        cls.trace_manager = new_test_user(
            cls.env,
            "trace_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        cls.employee = new_test_user(
            cls.env, "trace_employee", groups="base.group_user"
        )
        cls.root_menu = cls.env.ref("quality_traceability.traceability_root_menu")
        cls.config_menu = cls.env.ref(
            "quality_traceability.traceability_configuration_menu"
        )

    def _visible(self, user, menu):
        return menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_groups_chain(self):
        category = self.env.ref("quality_traceability.module_category_traceability")
        self.assertEqual(self.group_user.category_id, category)
        self.assertEqual(self.group_manager.category_id, category)
        self.assertIn(self.group_user, self.group_manager.implied_ids)
        self.assertTrue(
            self.trace_manager.has_group("quality_traceability.group_traceability_user")
        )
        self.assertTrue(self.trace_user.has_group("stock.group_stock_user"))
        self.assertFalse(
            self.trace_user.has_group("quality_traceability.group_traceability_manager")
        )
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "quality_traceability.group_traceability_manager"
            )
        )

    def test_menus_follow_groups(self):
        self.assertFalse(self._visible(self.employee, self.root_menu))
        self.assertTrue(self._visible(self.trace_user, self.root_menu))
        self.assertFalse(self._visible(self.trace_user, self.config_menu))
        self.assertTrue(self._visible(self.trace_manager, self.config_menu))

    def test_traceability_user_reads_lots(self):
        product = self.env["product.product"].create(
            {"name": "Secured Product", "is_storable": True, "tracking": "lot"}
        )
        lot = self.env["stock.lot"].create({"name": "SEC-1", "product_id": product.id})
        self.assertEqual(
            lot.with_user(self.trace_user).read(["name"])[0]["name"], "SEC-1"
        )
