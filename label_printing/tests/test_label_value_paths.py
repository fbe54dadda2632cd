# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lot labels read in bulk (one query for the lots, one for their products, GS1
data built once per product and expiry) against the same values read lot by lot
through the ORM (``display_name``, ``_traceability_gs1_elements``,
``_traceability_digital_link``), on generated data."""

import base64
import contextlib
import datetime
import io

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.barcode import check_barcode_encoding

from odoo.addons.quality_traceability.tools import gs1

from ..tools import layout, zpl

GS1_CHARACTERS = "".join(sorted(gs1.CHARSET_82))
# Characters a lot name may hold that GS1 cannot encode, and characters that
# ZPL, URIs or SQL treat apart.
OTHER_CHARACTERS = " #$@[]^`{|}~\\\u00e9\u4e2d"
LOT_FIELDS = [
    "product_name",
    "default_code",
    "lot",
    "serial",
    "production_date",
    "expiry_date",
    "quantity",
    "company",
    "trace_code",
    "ean13",
    "free",
]
SYMBOLOGIES = ["qr", "gs1_datamatrix", "gs1_128", "ean13", "code128"]
BARCODE_KINDS = [
    None,
    "ean8",
    "upca",
    "ean13",
    "upca_as_ean13",
    "gtin14",
    "wrong_check_digit",
    "letters",
]


def check_digit(body):
    """GS1 mod-10 check digit of ``body``."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1)
        for index, digit in enumerate(reversed(body))
    )
    return str((10 - total % 10) % 10)


def make_barcode(kind, digits):
    """A product barcode of ``kind`` (see BARCODE_KINDS) from 13 random digits."""
    if kind is None:
        return False
    if kind == "letters":
        return "SKU-" + digits[:6]
    if kind == "wrong_check_digit":
        body = "5" + digits[:11]
        return body + str((int(check_digit(body)) + 1) % 10)
    body = {
        "ean8": digits[:7],
        "upca": "1" + digits[:10],
        "ean13": "5" + digits[:11],
        "upca_as_ean13": "01" + digits[:10],
        "gtin14": "1" + digits[:12],
    }[kind]
    return body + check_digit(body)


def outcome(function):
    """``("ok", result)`` or ``("error", class name, message)``."""
    try:
        return ("ok", function())
    except (UserError, layout.LayoutError) as error:
        return ("error", type(error).__name__, str(error))


def summary(result):
    """An outcome without the values: errors in full."""
    return result if result[0] == "error" else ("ok",)


def orm_values(template, lot):
    """One lot's label values, read record by record through the ORM."""
    env = template.env
    lot = lot.with_env(env)
    product = lot.product_id
    company = lot.company_id or env.company
    produced = lot.traceability_produced_date or lot.create_date
    barcode = product.barcode or ""
    values = {
        "product_name": product.display_name,
        "default_code": product.default_code or "",
        "lot": lot.name,
        "serial": lot.name if product.tracking == "serial" else "",
        "production_date": produced.date().isoformat(),
        "expiry_date": lot.expiration_date.date().isoformat()
        if lot.expiration_date
        else "",
        "quantity": f"{lot.product_qty:g} {lot.product_uom_id.name}",
        "company": company.name,
        "trace_code": lot.trace_code or "",
        "ean13": barcode
        if barcode and check_barcode_encoding(barcode, "ean13")
        else "",
        "logo": template._logo(company),
    }
    if template._needs_gs1():
        elements = lot._traceability_gs1_elements()
        values["gs1_data"] = gs1.barcode_data(elements)
        values["gs1_hri"] = gs1.element_string(elements)
        values["digital_link"] = lot._traceability_digital_link(elements) or ""
    return values


GTIN_KINDS = ["ean8", "upca", "ean13", "upca_as_ean13", "gtin14"]
datetimes = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime.datetime(2000, 1, 1),
        max_value=datetime.datetime(2099, 12, 31, 23, 59, 59),
    ).map(lambda value: value.replace(microsecond=0)),
)


def label_data(barcode_kinds, name_characters, name_size):
    """Products (``barcode_kinds``: their barcodes) and lots (names of 1 to
    ``name_size`` characters of ``name_characters``)."""
    products = st.lists(
        st.fixed_dictionaries(
            {
                "tracking": st.sampled_from(["lot", "serial"]),
                "default_code": st.one_of(
                    st.none(),
                    st.text(
                        alphabet=GS1_CHARACTERS + OTHER_CHARACTERS,
                        min_size=1,
                        max_size=8,
                    ),
                ),
                "barcode": st.sampled_from(barcode_kinds),
                "digits": st.text(alphabet="0123456789", min_size=13, max_size=13),
                "company": st.sampled_from([None, "main", "other"]),
                "variant": st.booleans(),
                "chinese_name": st.one_of(
                    st.none(),
                    st.text(
                        alphabet="\u4e2d\u6587\u7897\u676f", min_size=1, max_size=4
                    ),
                ),
                "seller": st.sampled_from([None, "name", "name_code"]),
            }
        ),
        min_size=1,
        max_size=4,
        # Odoo refuses two products with one barcode.
        unique_by=lambda spec: make_barcode(spec["barcode"], spec["digits"])
        or id(spec),
    )
    lots = st.lists(
        st.fixed_dictionaries(
            {
                "name": st.text(
                    alphabet=name_characters, min_size=1, max_size=name_size
                ),
                "product": st.integers(min_value=0, max_value=3),
                "company": st.sampled_from([None, "main", "other"]),
                "expiry": datetimes,
                "produced": datetimes,
            }
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda lot: lot["name"],
    )
    return st.tuples(products, lots)


# Each example takes one kind of barcodes and one kind of lot names: many can
# then be encoded in GS1 (GTINs, names of character set 82 up to 20
# characters), others fail on one point only.
ASCII_OUTSIDE_GS1 = "".join(char for char in OTHER_CHARACTERS if char.isascii())
data_strategy = st.one_of(
    [
        label_data(barcode_kinds, characters, size)
        for barcode_kinds in (GTIN_KINDS, BARCODE_KINDS)
        for characters, size in (
            (GS1_CHARACTERS, 20),
            (GS1_CHARACTERS, 24),
            (GS1_CHARACTERS + ASCII_OUTSIDE_GS1, 20),
            (GS1_CHARACTERS + OTHER_CHARACTERS, 24),
        )
    ]
)

contexts = st.fixed_dictionaries(
    {
        "lang": st.sampled_from(["en_US", "zh_CN"]),
        "display_default_code": st.sampled_from([None, True, False]),
        "partner": st.booleans(),
    }
)


@tagged("post_install", "-at_install")
class TestLabelValuePaths(TransactionCase):
    """Every label field and element, in bulk and lot by lot, on generated lots."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from PIL import Image

        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.main = cls.env.company
        cls.other = cls.env["res.company"].create({"name": "Label Paths Other Co"})
        cls.main.traceability_resolver_url = "https://id.example.com"
        image = io.BytesIO()
        Image.new("1", (8, 8), 0).save(image, format="PNG")
        cls.other.logo = base64.b64encode(image.getvalue())
        cls.env = cls.env(
            context=dict(
                cls.env.context, allowed_company_ids=[cls.main.id, cls.other.id]
            )
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Label Paths Vendor"})
        cls.colour = cls.env["product.attribute"].create(
            {
                "name": "Colour",
                "value_ids": [
                    Command.create({"name": "Red"}),
                    Command.create({"name": "Blue"}),
                ],
            }
        )
        cls.colour.value_ids[0].with_context(lang="zh_CN").name = "\u7ea2"
        cls.gs1_template = cls._template(
            "Every field",
            [*LOT_FIELDS, "gs1_hri", "digital_link"],
            SYMBOLOGIES,
        )
        cls.plain_template = cls._template("No GS1", LOT_FIELDS, ["ean13", "code128"])

    @classmethod
    def _template(cls, name, fields, symbologies):
        elements = [
            Command.create(
                {
                    "kind": "text",
                    "field": field,
                    "text": "Free \u6587",
                    "prefix": f"{field}: ",
                    "x": 1,
                    "y": 1 + 6 * index,
                    "width": 90,
                    "height": 5,
                }
            )
            for index, field in enumerate(fields)
        ]
        elements += [
            Command.create(
                {
                    "kind": "barcode",
                    "symbology": symbology,
                    "human_readable": True,
                    "x": 100,
                    "y": 1 + 28 * index,
                    "width": 95,
                    "height": 26,
                }
            )
            for index, symbology in enumerate(symbologies)
        ]
        elements.append(
            Command.create(
                {"kind": "logo", "x": 1, "y": 120, "width": 20, "height": 20}
            )
        )
        return cls.env["label.template"].create(
            {
                "name": name,
                "width": 200,
                "height": 150,
                "element_ids": elements,
            }
        )

    def _products(self, specs):
        companies = {None: False, "main": self.main.id, "other": self.other.id}
        products = self.env["product.product"]
        for index, spec in enumerate(specs):
            values = {
                "name": f"Paths Product {index}",
                "is_storable": True,
                "tracking": spec["tracking"],
                "company_id": companies[spec["company"]],
            }
            if spec["variant"]:
                values["attribute_line_ids"] = [
                    Command.create(
                        {
                            "attribute_id": self.colour.id,
                            "value_ids": [Command.set(self.colour.value_ids.ids)],
                        }
                    )
                ]
            product = self.env["product.template"].create(values).product_variant_ids[0]
            product.write(
                {
                    "default_code": spec["default_code"] or False,
                    "barcode": make_barcode(spec["barcode"], spec["digits"]),
                }
            )
            if spec["chinese_name"]:
                product.product_tmpl_id.with_context(lang="zh_CN").name = spec[
                    "chinese_name"
                ]
            if spec["seller"]:
                self.env["product.supplierinfo"].create(
                    {
                        "partner_id": self.vendor.id,
                        "company_id": product.company_id.id,
                        "product_tmpl_id": product.product_tmpl_id.id,
                        "product_name": f"Vendor name {index}",
                        "product_code": f"V{index}"
                        if spec["seller"] == "name_code"
                        else False,
                    }
                )
            products |= product
        return products

    def _lots(self, products, specs):
        companies = {"main": self.main, "other": self.other}
        vals_list = []
        for spec in specs:
            product = products[spec["product"] % len(products)]
            company = product.company_id or companies.get(spec["company"])
            vals_list.append(
                {
                    "name": spec["name"],
                    "product_id": product.id,
                    "company_id": company.id if company else False,
                    "expiration_date": spec["expiry"] or False,
                }
            )
        lots = self.env["stock.lot"].create(vals_list)
        for lot, spec in zip(lots, specs, strict=True):
            if spec["produced"]:
                lot.traceability_produced_date = spec["produced"]
        return lots

    def _assert_same_labels(self, template, lots):
        """Values, element contents, ZPL and QWeb pages of ``lots`` on
        ``template``: in bulk and lot by lot."""
        spec = template._render_spec()
        bulk = outcome(lambda: template._label_values(lots))
        reference = outcome(lambda: [orm_values(template, lot) for lot in lots])
        self.assertEqual(summary(bulk), summary(reference))
        if bulk[0] == "error":
            # The same message: the first lot without GS1 code, and why.
            self.assertEqual(bulk, reference)
            self.assertEqual(outcome(lambda: template._render(lots, "zpl")), reference)
            return
        bulk, reference = bulk[1], reference[1]
        self.assertEqual(len(bulk), len(lots))
        used = template._used_fields() - {"free"}
        for bulk_values, values in zip(bulk, reference, strict=True):
            for field in sorted(used):
                self.assertEqual(bulk_values[field], values[field], field)
            for element in spec["elements"]:
                if element["kind"] == "text":
                    self.assertEqual(
                        layout.element_text(element, bulk_values),
                        layout.element_text(element, values),
                    )
                elif element["kind"] == "barcode":
                    for read in (layout.barcode_value, layout.human_readable):
                        self.assertEqual(
                            read(element, bulk_values), read(element, values)
                        )
        # ZPL: lots as columns against one label at a time (the template's
        # name comes before the renderer's errors).
        text = outcome(lambda: template._render(lots, "zpl")[0].decode())
        expected = outcome(lambda: zpl.render(spec, reference))
        if expected[0] == "error":
            message = template.env._(
                "Template %(name)s: %(error)s", name=template.name, error=expected[2]
            )
            expected = ("error", "UserError", message)
        self.assertEqual(text, expected)
        # QWeb PDF pages.
        self.assertEqual(
            outcome(lambda: template._qweb_pages(lots)),
            outcome(
                lambda: [
                    [
                        part
                        for part in (
                            template._qweb_part(element, values)
                            for element in spec["elements"]
                        )
                        if part
                    ]
                    for values in reference
                ]
            ),
        )

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        # Each example builds products and lots: shrinking a failure would take
        # minutes. The failing example is printed as generated.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=data_strategy, context=contexts)
    def test_bulk_values_equal_orm_values(self, data, context):
        product_specs, lot_specs = data
        with contextlib.closing(self.env.cr.savepoint()):
            try:
                products = self._products(product_specs)
                lots = self._lots(products, lot_specs)
                values = {"lang": context["lang"]}
                if context["display_default_code"] is not None:
                    values["display_default_code"] = context["display_default_code"]
                if context["partner"]:
                    values["partner_id"] = self.vendor.id
                for template in (self.gs1_template, self.plain_template):
                    self._assert_same_labels(template.with_context(**values), lots)
            finally:
                self.env.invalidate_all(flush=False)
