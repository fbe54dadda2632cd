# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase


class TestTranslations(TransactionCase):
    def test_zh_cn_terms_load(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["quality_traceability"], ["zh_CN"]
        )
        menu = self.env.ref("quality_traceability.traceability_root_menu")
        self.assertEqual(menu.with_context(lang="zh_CN").name, "追溯")
        group = self.env.ref("quality_traceability.group_traceability_manager")
        self.assertEqual(group.with_context(lang="zh_CN").name, "管理员")
        self.assertEqual(menu.with_context(lang="en_US").name, "Traceability")
