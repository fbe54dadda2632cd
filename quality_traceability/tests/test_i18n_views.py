# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from lxml import etree

from odoo.tests import TransactionCase, tagged

# Words that stay as they are in Chinese: codes, standards, units, names.
KEEP = {
    "AI",
    "API",
    # ISO 2859-1 and capability symbols, printed as they are in GB/T 2828.1 and
    # Chinese SPC practice.
    "AQL",
    "Ac",
    "Cp",
    "Cpk",
    "Pp",
    "Ppk",
    "Re",
    "CSV",
    "Code",
    "DataMatrix",
    "Debian",
    "Digital",
    "EAN",
    "FNC",
    "FSMA",
    "EPCIS",
    "GLN",
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
    "Odoo",
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
    "Ubuntu",
    "XLSX",
    "ZPL",
    "Zebra",
    "dpi",
    "mm",
    "pt",
    "wkhtmltopdf",
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
    left = _records_left(env, modules) + _fields_left(env, modules)
    return sorted(set(left))


def _records_left(env, modules):
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
        elif record.type != "qweb":
            left += _arch_left(where, record.arch_db)
    return left


def _arch_left(where, arch):
    left = []
    for node in etree.fromstring(arch).iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in TEXT_ATTRIBUTES:
            if english_words(node.get(attribute)):
                left.append((f"{where} @{attribute}", node.get(attribute)))
        for text in (node.text, node.tail):
            if english_words(text):
                left.append((where, text.strip()))
    return left


def _fields_left(env, modules):
    left = []
    for model_name in env.registry:
        for name, field in env[model_name]._fields.items():
            if field._module not in modules:
                continue
            where = f"{model_name}.{name}"
            texts = [
                (where, field._description_string(env)),
                (f"{where} help", field._description_help(env)),
            ]
            if field.type == "selection" and isinstance(field.selection, list):
                texts += [
                    (f"{where} selection", label)
                    for _value, label in field._description_selection(env)
                ]
            left += [(place, text) for place, text in texts if english_words(text)]
    return left


ADDONS = ("quality_traceability", "recall_management")
# The main screens of the traceability and recall apps.
MAIN_VIEWS = (
    "quality_traceability.res_config_settings_view_form",
    "quality_traceability.stock_lot_quality_view_form",
    "quality_traceability.stock_lot_quality_view_list",
    "quality_traceability.stock_lot_quality_view_search",
    "quality_traceability.stock_lot_view_form",
    "quality_traceability.stock_lot_view_form_trace",
    "quality_traceability.traceability_check_view_form",
    "quality_traceability.traceability_check_view_list",
    "quality_traceability.traceability_check_view_search",
    "quality_traceability.traceability_control_point_view_form",
    "quality_traceability.traceability_control_point_view_list",
    "quality_traceability.traceability_control_point_view_search",
    "quality_traceability.traceability_hold_view_form",
    "quality_traceability.traceability_hold_view_list",
    "quality_traceability.traceability_hold_view_search",
    "quality_traceability.traceability_hold_wizard_view_form",
    "quality_traceability.traceability_nonconformance_view_form",
    "quality_traceability.traceability_nonconformance_view_list",
    "quality_traceability.traceability_nonconformance_view_search",
    "quality_traceability.traceability_trace_view_form",
    "recall_management.recall_create_wizard_view_form",
    "recall_management.recall_customer_view_form",
    "recall_management.recall_customer_view_list",
    "recall_management.recall_lot_view_list",
    "recall_management.recall_notify_wizard_view_form",
    "recall_management.recall_recall_view_form",
    "recall_management.recall_recall_view_kanban",
    "recall_management.recall_recall_view_list",
    "recall_management.recall_recall_view_search",
)


def main_screens_left(env, lang="zh_CN"):
    """English left on the main screens in ``lang``: the text of their views
    and the labels of the fields of our addons they show without a label of
    their own (core fields are translated by Odoo)."""
    env = env(context=dict(env.context, lang=lang))
    left = []
    for xmlid in MAIN_VIEWS:
        view = env.ref(xmlid, raise_if_not_found=False)
        if not view:
            continue
        arch = view.arch_db
        left += _arch_left(xmlid, arch)
        fields = env[view.model]._fields
        for node in etree.fromstring(arch).iter("field"):
            field = fields.get(node.get("name"))
            if (
                field is None
                or field._module not in ADDONS
                or node.get("string")
                or node.get("widget") == "statinfo"
            ):
                continue
            label = field._description_string(env)
            if english_words(label):
                left.append((f"{xmlid} {view.model}.{field.name}", label))
    return sorted(set(left))


@tagged("post_install", "-at_install")
class TestChineseScreens(TransactionCase):
    """The main backend screens of the traceability and recall addons, in
    Chinese, leave no English behind. ``english_left`` scans every view,
    field, menu and action of the addons (for a full review)."""

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

    def test_no_english_left_on_the_main_screens(self):
        left = main_screens_left(self.env)
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
