# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.barcode import check_barcode_encoding

from odoo.addons.quality_traceability.tools import gs1
from odoo.addons.quality_traceability.tools.sql_ids import int_array_literal

from ..tools import layout, pdf, svg, zpl

LABEL_MODELS = {
    "lot": "stock.lot",
    "box": "stock.quant.package",
    "pallet": "stock.quant.package",
    "product": "product.product",
}
GS1_FIELDS = {"gs1_hri", "digital_link"}
# Most copies of one label in a print job (wizard, Print menu, automatic prints).
MAX_COPIES = 1000
# GS1 character set 82, as bytes to delete with bytes.translate.
_GS1_CHARSET_82 = "".join(sorted(gs1.CHARSET_82)).encode()


def _ean13(barcode):
    """The barcode when it is a valid EAN-13, else ''."""
    return barcode if barcode and check_barcode_encoding(barcode, "ean13") else ""


class LabelTemplate(models.Model):
    _name = "label.template"
    _description = "Label Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(comodel_name="res.company")
    label_type = fields.Selection(
        selection=[
            ("lot", "Lot/Serial Number"),
            ("box", "Box"),
            ("pallet", "Pallet"),
            ("product", "Product"),
        ],
        string="Labels",
        default="lot",
        required=True,
    )
    is_default = fields.Boolean(
        string="Default",
        help="Used for its kind of label when no rule chooses another template.",
    )
    width = fields.Float(string="Width (mm)", default=50, required=True)
    height = fields.Float(string="Height (mm)", default=30, required=True)
    dpi = fields.Selection(
        selection=[("203", "203 dpi"), ("300", "300 dpi"), ("600", "600 dpi")],
        string="Printer Resolution",
        default="203",
        required=True,
    )
    orientation = fields.Selection(
        selection=[("normal", "Normal"), ("inverted", "Upside Down")],
        default="normal",
        required=True,
        help="Upside down turns the label by 180 degrees on the media.",
    )
    margin_top = fields.Float(string="Top Margin (mm)", default=1)
    margin_right = fields.Float(string="Right Margin (mm)", default=1)
    margin_bottom = fields.Float(string="Bottom Margin (mm)", default=1)
    margin_left = fields.Float(string="Left Margin (mm)", default=1)
    element_ids = fields.One2many(
        comodel_name="label.template.element",
        inverse_name="template_id",
        string="Elements",
        copy=True,
    )
    rule_ids = fields.One2many(
        comodel_name="label.template.rule",
        inverse_name="template_id",
        string="Rules",
    )
    printer_id = fields.Many2one(
        comodel_name="label.printer",
        string="Printer",
        help="Printer of automatic prints and default of the print wizard.",
    )
    report_id = fields.Many2one(
        comodel_name="ir.actions.report",
        string="PDF Report",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    paperformat_id = fields.Many2one(
        comodel_name="report.paperformat",
        string="Paper Format",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    preview_lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Sample Lot",
        help="Lot or serial number shown in the preview; empty: the latest lot "
        "whose product has a barcode.",
    )
    preview_package_id = fields.Many2one(
        comodel_name="stock.quant.package",
        string="Sample Package",
        help="Box or pallet shown in the preview; empty: the latest one with "
        "content.",
    )
    preview_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Sample Product",
        help="Product shown in the preview; empty: the latest product with a "
        "barcode.",
    )
    preview_image = fields.Binary(compute="_compute_preview_image")
    preview_error = fields.Char(compute="_compute_preview_image")

    @api.constrains(
        "width",
        "height",
        "margin_top",
        "margin_right",
        "margin_bottom",
        "margin_left",
        "element_ids",
    )
    def _check_layout(self):
        for template in self:
            # Compiled here, not from the cache: the constraint checks new values.
            problems = layout.check_template(template._render_spec())
            if problems:
                raise ValidationError("\n".join(problems))

    # ------------------------------------------------------------------
    # Choice of a template
    # ------------------------------------------------------------------
    @api.model
    def _find_for(self, product, label_type="lot"):
        """Template for ``product``'s labels of ``label_type``: the first rule (by
        priority) naming the product or one of its categories, else the default
        template of that type, else any template of that type."""
        templates = self.search([("label_type", "=", label_type)])
        if not templates:
            return self
        if product:
            rules = self.env["label.template.rule"].search(
                [
                    ("template_id", "in", templates.ids),
                    "|",
                    ("product_id", "=", product.id),
                    ("categ_id", "parent_of", product.categ_id.id),
                ]
            )
            if rules:
                return rules[0].template_id
        return templates.filtered("is_default")[:1] or templates[:1]

    # ------------------------------------------------------------------
    # What the renderers print
    # ------------------------------------------------------------------
    def _render_spec(self):
        """The template as the plain renderers take it (see ``tools/layout``),
        compiled once per print job, without a cache: the default lot template
        compiles in 0.85 ms from an empty ORM cache, against 7.1 ms for its
        1,000 ZPL labels in tests/bench/bench_labels.py (ratio 6.9 to Odoo's);
        a cache would save at most that 0.85 ms per job."""
        self.ensure_one()
        return {
            "width": self.width,
            "height": self.height,
            "dpi": int(self.dpi),
            "orientation": self.orientation,
            "margin_top": self.margin_top,
            "margin_right": self.margin_right,
            "margin_bottom": self.margin_bottom,
            "margin_left": self.margin_left,
            "elements": [element._spec() for element in self.element_ids],
        }

    def _needs_gs1(self):
        self.ensure_one()
        return any(
            (element.kind == "barcode" and element.symbology in layout.GS1_SYMBOLOGIES)
            or (
                element.kind == "barcode"
                and element.symbology == "qr"
                and not element.field
            )
            or element.field in GS1_FIELDS
            for element in self.element_ids
        )

    def _logo(self, company):
        if "logo" not in self.element_ids.mapped("kind") or not company.logo:
            return None
        return base64.b64decode(company.logo)

    def _label_values(self, records):
        """One dict of label values per record (lots, packages or products)."""
        self.ensure_one()
        if records._name == "stock.lot":
            return self._lot_values(records)
        if records._name == "stock.quant.package":
            return records._label_values(self)
        if records._name == "product.template":
            records = records.product_variant_id
        return [self._product_values(product) for product in records]

    def _product_values(self, product):
        company = product.company_id or self.env.company
        barcode = product.barcode or ""
        values = {
            "product_name": product.display_name,
            "default_code": product.default_code or "",
            "company": company.name,
            "ean13": _ean13(barcode),
            "logo": self._logo(company),
        }
        gtin = self.env["stock.lot"]._traceability_gtin_of(barcode)
        if gtin:
            values["gs1_data"] = gs1.barcode_data([("01", gtin)])
            values["gs1_hri"] = gs1.element_string([("01", gtin)])
        elif self._needs_gs1():
            raise UserError(
                self.env._(
                    "Product %(product)s has no GS1 code: its barcode is no valid "
                    "GTIN.",
                    product=product.display_name,
                )
            )
        return values

    def _used_fields(self, spec=None):
        """Label values the template's elements print (``spec``: the template
        compiled by the caller, else compiled here)."""
        self.ensure_one()
        used = set()
        for element in (spec or self._render_spec())["elements"]:
            if element["kind"] == "logo":
                used.add("logo")
            elif element["kind"] == "barcode":
                symbology = element["symbology"]
                used.add(element["field"] or layout.DEFAULT_BARCODE_FIELDS[symbology])
                if element["human_readable"] and symbology in layout.GS1_SYMBOLOGIES:
                    used.add("gs1_hri")
            elif element["field"]:
                used.add(element["field"])
        return used

    def _lot_rows(self, lots, used):
        """Lot data of the labels in one query, in the order of ``lots``: id,
        name, product, company, expiry as YYYY-MM-DD and as GS1 YYMMDD ('' when
        none), trace code, production date (``traceability_produced_date``, else
        the lot's creation), company name (None without company). Dates are UTC
        days, as Odoo stores them. Values that no field of ``used`` prints are
        not read (None)."""
        needs_gs1 = bool(used & {"gs1_data", "gs1_hri", "digital_link"})

        def read_if(needed, expression):
            return SQL(expression) if needed else SQL("NULL")

        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT lot.id, lot.name, lot.product_id, lot.company_id,
                       %(expiry)s, %(expiry_code)s, %(trace_code)s, %(made)s,
                       %(company)s
                  FROM stock_lot lot
                  LEFT JOIN res_company company ON company.id = lot.company_id
                 WHERE lot.id = ANY(%(ids)s::int[])
                """,
                expiry=read_if(
                    "expiry_date" in used,
                    "COALESCE(to_char(lot.expiration_date, 'YYYY-MM-DD'), '')",
                ),
                expiry_code=read_if(
                    needs_gs1, "COALESCE(to_char(lot.expiration_date, 'YYMMDD'), '')"
                ),
                trace_code=read_if(
                    "trace_code" in used, "COALESCE(lot.trace_code, '')"
                ),
                made=read_if(
                    "production_date" in used,
                    "to_char(COALESCE(lot.traceability_produced_date, "
                    "lot.create_date), 'YYYY-MM-DD')",
                ),
                company=read_if("company" in used, "company.name"),
                ids=int_array_literal(lots.ids),
            )
        )
        rows = {row[0]: row for row in self.env.cr.fetchall()}
        return [rows[lot_id] for lot_id in lots.ids if lot_id in rows]

    def _lot_products(self, product_ids, needs_gs1):
        """Label values of products by id, in one query.

        The name is Odoo's display name, ``[code] name``, in the user's language;
        variants (and contexts that change names: a partner's own product names)
        take it from the ORM. Read through the ORM for every product, the
        benchmark's 1,000 ZPL lot labels of one product took 6.2 ms instead of
        4.5 ms (medians of 41 runs). ``tests/test_label_value_paths.py`` checks
        these values against the ORM's on generated products, lots and contexts.
        """
        products = self.env["product.product"].browse(product_ids)
        products.check_access("read")
        lang = self.env.lang or "en_US"
        self.env.cr.execute(
            """
            SELECT product.id, product.default_code, product.barcode,
                   template.tracking,
                   COALESCE(template.name->>%s, template.name->>'en_US'),
                   EXISTS(SELECT 1 FROM product_variant_combination combination
                           WHERE combination.product_product_id = product.id)
              FROM product_product product
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE product.id = ANY(%s)
            """,
            [lang, list(product_ids)],
        )
        context = self.env.context
        plain_names = context.get("display_default_code", True) and not (
            context.get("partner_id") or context.get("seller_id")
        )
        result = {}
        for (
            product_id,
            code,
            barcode,
            tracking,
            name,
            variant,
        ) in self.env.cr.fetchall():
            if variant or not plain_names:
                name = (
                    products.browse(product_id)
                    .with_context(prefetch_fields=False)
                    .display_name
                )
            elif code:
                name = f"[{code}] {name}"
            serial = tracking == "serial"
            result[product_id] = {
                "product_name": name,
                "default_code": code or "",
                "serial": serial,
                "ai": "21" if serial else "10",
                "ean13": _ean13(barcode),
                "gtin": self.env["stock.lot"]._traceability_gtin_of(barcode)
                if needs_gs1
                else False,
            }
        return result

    def _lot_columns(self, lots, spec=None):
        """Label values of lots as columns, ``{field: [value per lot]}``, read
        in bulk: only what the template prints."""
        used = self._used_fields(spec)
        needs_gs1 = bool(used & {"gs1_data", "gs1_hri", "digital_link"})
        rows = self._lot_rows(lots, used)
        if not rows:
            return {}
        (
            lot_ids,
            names,
            product_ids,
            company_ids,
            expiries,
            expiry_codes,
            trace_codes,
            made,
            company_names,
        ) = zip(*rows, strict=True)
        products = self._lot_products(set(product_ids), needs_gs1)
        # Lots without company print the current one.
        names_by_company = {
            company_id: (name or self.env.company.name) if "company" in used else None
            for company_id, name in zip(company_ids, company_names, strict=True)
        }
        logos = dict.fromkeys(names_by_company)
        if "logo" in used:
            for company_id in logos:
                company = self.env["res.company"].browse(company_id) or self.env.company
                logos[company_id] = self._logo(company)
        count = len(rows)

        def per_lot(values, keys):
            """A column of values by product or company: one list when all lots
            share it, as they mostly do."""
            if len(values) == 1:
                return list(values.values()) * count
            return [values[key] for key in keys]

        columns = {
            "lot": list(names),
            "production_date": list(made),
            "expiry_date": list(expiries),
            "trace_code": list(trace_codes),
            "company": per_lot(names_by_company, company_ids),
            "logo": per_lot(logos, company_ids),
        }
        for key in ("product_name", "default_code", "ean13", "serial"):
            columns[key] = per_lot(
                {product_id: product[key] for product_id, product in products.items()},
                product_ids,
            )
        columns["serial"] = [
            name if serial else ""
            for name, serial in zip(names, columns["serial"], strict=True)
        ]
        if "quantity" in used:
            columns["quantity"] = [
                f"{lot.product_qty:g} {lot.product_uom_id.name}"
                for lot in self.env["stock.lot"].browse(lot_ids)
            ]
        if needs_gs1:
            columns.update(
                self._lot_gs1_columns(
                    lot_ids, names, product_ids, expiry_codes, products, used
                )
            )
        return columns

    def _lot_gs1_columns(
        self, lot_ids, names, product_ids, expiry_codes, products, used
    ):
        """GS1 data of lots: their GTIN (01), expiry (17) and lot (10) or serial
        (21), as in ``stock.lot._traceability_gs1_elements()``. Fixed-length
        elements come first: no separator is needed before the lot, the only
        variable-length one, which ends the data."""
        lots = self.env["stock.lot"].browse(lot_ids)
        joined = "".join(names)
        lengths = list(map(len, names))
        if (
            not all(product["gtin"] for product in products.values())
            or not joined.isascii()
            # Characters outside GS1's character set 82 are left.
            or joined.encode().translate(None, _GS1_CHARSET_82)
            or min(lengths) < 1
            or max(lengths) > 20
        ):
            # Lot by lot: raises the UserError that names the first lot and its
            # problem.
            elements = [lot._traceability_gs1_elements() for lot in lots]
            heads = [(tuple(lot[:-1]), lot[-1][0]) for lot in elements]
            return self._gs1_columns(
                lots, heads, [lot[-1][1] for lot in elements], used
            )
        # What comes before the lot name is the same for the lots of a product
        # and expiry.
        heads = {}
        for product_id, expiry in set(zip(product_ids, expiry_codes, strict=True)):
            product = products[product_id]
            head = (("01", product["gtin"]),) + ((("17", expiry),) if expiry else ())
            heads[product_id, expiry] = (head, product["ai"])
        lot_heads = [heads[key] for key in zip(product_ids, expiry_codes, strict=True)]
        return self._gs1_columns(lots, lot_heads, names, used)

    def _gs1_columns(self, lots, heads, values, used):
        """GS1 columns of lots from their GS1 elements, given per lot as a head,
        ``(elements before the last one, AI of the last one)``, and the value of
        the last element (the lot or serial number). Lots share heads: each
        distinct head is written once."""
        prefixes = {}
        for head in set(heads):
            elements, last_ai = head
            prefixes[head] = (
                "".join(ai + value for ai, value in elements) + last_ai,
                "".join(f"({ai}){value}" for ai, value in elements) + f"({last_ai})",
            )
        columns = {}
        for index, field in enumerate(("gs1_data", "gs1_hri")):
            if len(prefixes) == 1:
                prefix = next(iter(prefixes.values()))[index]
                columns[field] = [prefix + value for value in values]
            else:
                columns[field] = [
                    prefixes[head][index] + value
                    for head, value in zip(heads, values, strict=True)
                ]
        if "digital_link" in used:
            columns["digital_link"] = [
                lot._traceability_digital_link([*elements, (last_ai, value)]) or ""
                for lot, (elements, last_ai), value in zip(
                    lots, heads, values, strict=True
                )
            ]
        return columns

    def _lot_values(self, lots):
        """Label values of lots, one dict per lot (see :meth:`_lot_columns`)."""
        columns = self._lot_columns(lots)
        keys = list(columns)
        return [
            dict(zip(keys, row, strict=True))
            for row in zip(*columns.values(), strict=True)
        ]

    # ------------------------------------------------------------------
    # Outputs
    # ------------------------------------------------------------------
    def _render(self, records, output, copies=1):
        """Labels of ``records`` as ``(bytes, file extension)``.

        ``output``: "pdf" (QWeb report), "bulk_pdf" (reportlab) or "zpl".
        """
        self.ensure_one()
        self._check_copies(copies)
        if output == "pdf":
            report = self._ensure_report()
            content, _kind = (
                self.env["ir.actions.report"]
                .with_context(label_copies=copies)
                ._render_qweb_pdf(report, records.ids)
            )
            return content, "pdf"
        # Compiled once per job.
        spec = self._render_spec()
        try:
            if output == "bulk_pdf":
                values = self._label_values(records)
                return pdf.render(spec, values, copies), "pdf"
            if records._name == "stock.lot":
                # Lots are read as columns, as the ZPL renderer draws them.
                columns = self._lot_columns(records, spec)
                text = zpl.render_columns(
                    spec, columns, len(columns.get("lot", ())), copies
                )
            else:
                text = zpl.render(spec, self._label_values(records), copies)
            return text.encode(), "zpl"
        except layout.LayoutError as error:
            raise UserError(
                self.env._("Template %(name)s: %(error)s", name=self.name, error=error)
            ) from error

    @api.model
    def _check_copies(self, copies):
        if not 0 < copies <= MAX_COPIES:
            raise UserError(
                self.env._(
                    "Print between 1 and %(max)s copies of each label.", max=MAX_COPIES
                )
            )

    def _qweb_pages(self, records):
        """Pages of the QWeb PDF report: per label, the elements as boxes with
        fitted text or a barcode image (the same content as the bulk PDF)."""
        self.ensure_one()
        copies = max(int(self.env.context.get("label_copies") or 1), 1)
        self._check_copies(copies)
        spec = self._render_spec()
        pages = []
        for values in self._label_values(records):
            parts = [self._qweb_part(element, values) for element in spec["elements"]]
            pages.extend([[part for part in parts if part]] * copies)
        return pages

    def _qweb_part(self, element, values):
        box = (
            f"position:absolute;overflow:hidden;white-space:nowrap;"
            f"left:{element['x']}mm;top:{element['y']}mm;"
            f"width:{element['width']}mm;height:{element['height']}mm;"
        )
        points = layout.mm_to_points
        if element["kind"] == "text":
            text, size = layout.fit_text(
                layout.element_text(element, values),
                points(element["width"]),
                element["font_size"],
                points(element["height"]),
            )
            return text and {
                "style": box + f"font-size:{size:.1f}pt;line-height:1.2;",
                "text": text,
            }
        if element["kind"] == "logo":
            logo = values.get("logo")
            return logo and {
                "style": box,
                "src": "data:image/png;base64," + base64.b64encode(logo).decode(),
            }
        value = layout.barcode_value(element, values)
        if not value:
            return False
        hri = layout.human_readable(element, values)
        text_size, text_height = 0, 0
        if hri:
            text_height = min(
                element["font_size"] * layout.LINE_HEIGHT, points(element["height"]) / 3
            )
            hri, text_size = layout.fit_text(
                hri, points(element["width"]), element["font_size"], text_height
            )
        try:
            image = svg.barcode_svg(element["symbology"], value)
        except layout.LayoutError as error:
            raise UserError(str(error)) from error
        return {
            "style": box,
            "src": "data:image/svg+xml;base64,"
            + base64.b64encode(image.encode()).decode(),
            "image_style": "display:block;width:100%;"
            f"height:calc(100% - {text_height:.2f}pt);",
            "hri": hri,
            "hri_style": f"font-size:{text_size:.1f}pt;line-height:1.2;",
        }

    # ------------------------------------------------------------------
    # One QWeb PDF report per template
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._sync_report()
        return templates

    def write(self, vals):
        result = super().write(vals)
        if {"name", "width", "height", "label_type", "active"} & set(vals):
            self._sync_report()
        return result

    def unlink(self):
        reports = self.sudo().report_id
        paperformats = self.sudo().paperformat_id
        views = (
            self.env["ir.ui.view"]
            .sudo()
            .search([("key", "in", [template._report_key() for template in self])])
        )
        result = super().unlink()
        reports.unlink()
        paperformats.unlink()
        views.unlink()
        return result

    def _report_key(self):
        return f"label_printing.report_label_{self.id}"

    def _ensure_report(self):
        self.ensure_one()
        if not self.report_id:
            self._sync_report()
        return self.report_id

    def _sync_report(self):
        """Create or update this template's paper format, QWeb view and report
        action (bound to the Print menu of its records)."""
        env = self.sudo().env
        for template in self.sudo():
            paper_vals = {
                "name": env._("Label %(name)s", name=template.name),
                "format": "custom",
                "page_width": max(round(template.width), 1),
                "page_height": max(round(template.height), 1),
                "orientation": "Portrait",
                "margin_top": 0,
                "margin_bottom": 0,
                "margin_left": 0,
                "margin_right": 0,
                "header_spacing": 0,
                "header_line": False,
                "disable_shrinking": True,
                "dpi": 96,
            }
            if template.paperformat_id:
                template.paperformat_id.write(paper_vals)
            else:
                template.paperformat_id = env["report.paperformat"].create(paper_vals)
            key = template._report_key()
            arch = (
                f'<t t-name="{key}"><t t-call="label_printing.report_label_document">'
                f'<t t-set="label_template_id" t-value="{template.id}"/></t></t>'
            )
            view = env["ir.ui.view"].search([("key", "=", key)], limit=1)
            if not view:
                env["ir.ui.view"].create(
                    {"name": key, "key": key, "type": "qweb", "arch": arch}
                )
            model = env["ir.model"]._get(LABEL_MODELS[template.label_type])
            report_vals = {
                "name": self.env._("Label: %(name)s", name=template.name),
                "model": model.model,
                "report_type": "qweb-pdf",
                "report_name": key,
                "report_file": key,
                "paperformat_id": template.paperformat_id.id,
                "print_report_name": "'Label - %s' % (object.display_name)",
                "binding_model_id": model.id if template.active else False,
                "binding_type": "report",
            }
            if template.report_id:
                template.report_id.write(report_vals)
            else:
                template.report_id = env["ir.actions.report"].create(report_vals)

    # ------------------------------------------------------------------
    # Live preview
    # ------------------------------------------------------------------
    def _preview_record(self):
        """The sample record of the preview, for the template's kind of label:
        the one chosen on the template, else the latest one it can print (a lot
        or product with a barcode, a box or pallet with content). The preview
        needs no change to the template: opening it leaves it saved."""
        self.ensure_one()
        if self.label_type == "lot":
            return self.preview_lot_id or self.env["stock.lot"].search(
                [("product_id.barcode", "!=", False)], order="id desc", limit=1
            )
        if self.label_type == "product":
            return self.preview_product_id or self.env["product.product"].search(
                [("barcode", "!=", False)], order="id desc", limit=1
            )
        levels = ["pallet"] if self.label_type == "pallet" else ["box", False]
        return self.preview_package_id or self.env["stock.quant.package"].search(
            [("traceability_level", "in", levels), ("quant_ids", "!=", False)],
            order="id desc",
            limit=1,
        )

    @api.depends(
        "label_type",
        "preview_lot_id",
        "preview_package_id",
        "preview_product_id",
        "width",
        "height",
        "orientation",
        "element_ids",
        "element_ids.kind",
        "element_ids.field",
        "element_ids.symbology",
        "element_ids.text",
        "element_ids.prefix",
        "element_ids.x",
        "element_ids.y",
        "element_ids.width",
        "element_ids.height",
        "element_ids.font_size",
        "element_ids.human_readable",
    )
    def _compute_preview_image(self):
        for template in self:
            template.preview_image = False
            template.preview_error = False
            sample = template._preview_record()
            if not sample:
                continue
            try:
                # A preview has no side effect: a package without SSCC is shown
                # with a sample one, and keeps none.
                values = template.with_context(label_preview=True)._label_values(
                    sample.with_context(label_preview=True)
                )
                image = pdf.render_png(template._render_spec(), values[0])
            except (UserError, layout.LayoutError) as error:
                template.preview_error = str(error)
                continue
            template.preview_image = base64.b64encode(image)
