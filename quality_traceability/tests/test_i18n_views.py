# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from lxml import etree

from odoo.tests import TransactionCase, tagged

# Words that stay as they are in Chinese: codes, standards, units, names.
KEEP = {
    "AI",
    "API",
    "CSV",
    "Code",
    "DataMatrix",
    "Digital",
    "EAN",
    "FNC",
    "FSMA",
    "GS",
    "GTIN",
    "HTTP",
    "HTTPS",
    "ID",
    "II",
    "III",
    "IP",
    "JSON",
    "Link",
    "MO",
    "PDF",
    "PPM",
    "QR",
    "QWeb",
    "SHA",
    "SN",
    "SPC",
    "SSCC",
    "Sigma",
    "TCP",
    "UPC",
    "URL",
    "UTC",
    "XLSX",
    "ZPL",
    "dpi",
    "mm",
    "pt",
}
WORD = re.compile(r"[A-Za-z]{2,}")
# Not words: placeholders (<lot>), URLs, paths and dotted technical names.
NOT_WORDS = re.compile(r"<[^<>]*>|\S+://\S*|\w+(?:\.\w+)+|/\w+|\?\w+=")
# Attributes of view nodes that the user reads.
TEXT_ATTRIBUTES = ("string", "help", "placeholder", "confirm", "title", "sum")


def english_words(text):
    text = NOT_WORDS.sub(" ", text or "")
    return [word for word in WORD.findall(text) if word not in KEEP]


def english_left(env, modules, lang="zh_CN"):
    """What the backend screens of ``modules`` still show in English in
    ``lang``: ``(where, text)`` pairs from the views' text (user-facing
    attributes and text nodes; QWeb pages aside), the labels, help and
    selection values of the fields these modules define, and their menus and
    window actions. Technical names (field names, expressions) are not read."""
    env = env(context=dict(env.context, lang=lang))
    left = []
    data = env["ir.model.data"].search(
        [
            ("module", "in", list(modules)),
            ("model", "in", ("ir.ui.view", "ir.ui.menu", "ir.actions.act_window")),
        ]
    )
    for entry in data:
        record = env[entry.model].browse(entry.res_id).exists()
        where = f"{entry.module}.{entry.name}"
        if not record:
            continue
        if entry.model != "ir.ui.view":
            if english_words(record.name):
                left.append((where, record.name))
            continue
        if record.type == "qweb":
            continue
        for node in etree.fromstring(record.arch_db).iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in TEXT_ATTRIBUTES:
                if english_words(node.get(attribute)):
                    left.append((f"{where} @{attribute}", node.get(attribute)))
            for text in (node.text, node.tail):
                if english_words(text):
                    left.append((where, text.strip()))
    for model_name in env.registry:
        model = env[model_name]
        for name, definition in model._fields.items():
            if definition._module not in modules:
                continue
            where = f"{model_name}.{name}"
            description = definition._description_string(env)
            if english_words(description):
                left.append((where, description))
            if english_words(definition._description_help(env)):
                left.append((f"{where} help", definition._description_help(env)))
            if definition.type == "selection" and isinstance(
                definition.selection, list
            ):
                for _value, label in definition._description_selection(env):
                    if english_words(label):
                        left.append((f"{where} selection", label))
    return sorted(set(left))


@tagged("post_install", "-at_install")
class TestChineseScreens(TransactionCase):
    """The backend screens of the traceability and recall addons, in Chinese:
    their views, field labels, menus and actions leave no English behind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.modules = [
            name
            for name in ("quality_traceability", "recall_management")
            if cls.env["ir.module.module"]._get(name).state == "installed"
        ]
        cls.env["ir.module.module"]._load_module_terms(
            cls.modules, ["zh_CN"], overwrite=True
        )

    def test_no_english_left(self):
        left = english_left(self.env, self.modules)
        self.assertFalse(left, "\n" + "\n".join(f"{w}: {t}" for w, t in left))

    def test_scan_sees_english(self):
        """The scan finds English text where it is left."""
        view = self.env["ir.ui.view"].create(
            {
                "name": "stock.lot.form.untranslated",
                "model": "stock.lot",
                "inherit_id": self.env.ref("stock.view_production_lot_form").id,
                "arch": '<field name="name" position="after">'
                '<span string="Left Behind">Plain Words</span></field>',
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "quality_traceability",
                "name": "untranslated_view",
                "model": "ir.ui.view",
                "res_id": view.id,
            }
        )
        where = "quality_traceability.untranslated_view"
        self.assertLessEqual(
            {(f"{where} @string", "Left Behind"), (where, "Plain Words")},
            set(english_left(self.env, self.modules)),
        )

    def test_recall_states_differ_from_their_dates(self):
        if "recall.recall" not in self.env:
            self.skipTest("recall_management is not installed")
        Recall = self.env["recall.recall"].with_context(lang="zh_CN")
        states = dict(Recall._fields["state"]._description_selection(Recall.env))
        labels = {
            name: Recall._fields[name]._description_string(Recall.env)
            for name in Recall._fields
            if name.startswith("date_")
        }
        self.assertNotIn(states["scoped"], labels.values())
