# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.barcode import check_barcode_encoding

from odoo.addons.quality_traceability.tools import gs1

from ..tools import layout, pdf, svg, zpl

LABEL_MODELS = {
    "lot": "stock.lot",
    "box": "stock.quant.package",
    "pallet": "stock.quant.package",
    "product": "product.product",
}
GS1_FIELDS = {"gs1_hri", "digital_link"}


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
        help="Lot or serial number shown in the preview.",
    )
    preview_package_id = fields.Many2one(
        comodel_name="stock.quant.package",
        string="Sample Package",
        help="Box or pallet shown in the preview.",
    )
    preview_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Sample Product",
        help="Product shown in the preview.",
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
        gtin = (
            self.env["stock.lot"].new({"product_id": product.id})._traceability_gtin()
        )
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

    def _used_fields(self):
        """Label values the template's elements print."""
        self.ensure_one()
        used = set()
        for element in self.element_ids:
            if element.kind == "logo":
                used.add("logo")
            elif element.kind == "barcode":
                spec = element._spec()
                used.add(
                    spec["field"] or layout.DEFAULT_BARCODE_FIELDS[spec["symbology"]]
                )
                if (
                    element.human_readable
                    and spec["symbology"] in layout.GS1_SYMBOLOGIES
                ):
                    used.add("gs1_hri")
            elif element.field:
                used.add(element.field)
        return used

    def _lot_rows(self, lots):
        """Lot data of the labels in one query (production date: the end of the
        done manufacturing order that made the lot, else the lot's creation)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT lot.id, lot.name, lot.product_id, lot.company_id,
                   lot.expiration_date, lot.trace_code,
                   COALESCE(produced.date_finished, lot.create_date)
            FROM stock_lot lot
            LEFT JOIN (
                SELECT lot_producing_id, max(date_finished) AS date_finished
                FROM mrp_production
                WHERE state = 'done' AND lot_producing_id = ANY(%s)
                GROUP BY lot_producing_id
            ) produced ON produced.lot_producing_id = lot.id
            WHERE lot.id = ANY(%s)
            """,
            [lots.ids, lots.ids],
        )
        rows = {row[0]: row for row in self.env.cr.fetchall()}
        return [rows[lot_id] for lot_id in lots.ids]

    def _lot_values(self, lots):
        """Label values of lots, read in bulk: only what the template prints."""
        used = self._used_fields()
        needs_gs1 = bool(used & {"gs1_data", "gs1_hri", "digital_link"})
        products = {}
        companies = {}
        records = {lot.id: lot for lot in lots}
        result = []
        for (
            lot_id,
            name,
            product_id,
            company_id,
            expiry,
            trace_code,
            made,
        ) in self._lot_rows(lots):
            if product_id not in products:
                product = self.env["product.product"].browse(product_id)
                gtin = (
                    self.env["stock.lot"]
                    .new({"product_id": product_id})
                    ._traceability_gtin()
                    if needs_gs1
                    else False
                )
                products[product_id] = {
                    "product_name": product.display_name,
                    "default_code": product.default_code or "",
                    "serial": product.tracking == "serial",
                    "uom": product.uom_id.name,
                    "ean13": _ean13(product.barcode),
                    "gtin": gtin,
                }
            product = products[product_id]
            if company_id not in companies:
                company = self.env["res.company"].browse(company_id) or self.env.company
                companies[company_id] = (
                    company.name,
                    self._logo(company) if "logo" in used else None,
                )
            company_name, logo = companies[company_id]
            values = {
                "product_name": product["product_name"],
                "default_code": product["default_code"],
                "lot": name,
                "serial": name if product["serial"] else "",
                "production_date": made.date().isoformat() if made else "",
                "expiry_date": expiry.date().isoformat() if expiry else "",
                "company": company_name,
                "trace_code": trace_code or "",
                "ean13": product["ean13"],
                "logo": logo,
            }
            if "quantity" in used:
                quantity = records[lot_id].product_qty
                values["quantity"] = f"{quantity:g} {product['uom']}"
            if needs_gs1:
                values.update(
                    self._lot_gs1_values(records[lot_id], name, expiry, product, used)
                )
            result.append(values)
        return result

    def _lot_gs1_values(self, lot, name, expiry, product, used):
        """GS1 data of a lot: its GTIN (01), expiry (17) and lot (10) or serial
        (21), as in ``stock.lot._traceability_gs1_elements()``."""
        gtin = product["gtin"]
        if not gtin or len(name) > 20 or not set(name) <= gs1.CHARSET_82:
            # Raises the UserError that names the lot and the problem.
            elements = lot._traceability_gs1_elements()
        else:
            elements = [("01", gtin)]
            if expiry:
                elements.append(("17", expiry.strftime("%y%m%d")))
            elements.append(("21" if product["serial"] else "10", name))
        # Fixed-length elements come first: no separator is needed before the
        # lot, the only variable-length one, which ends the data.
        values = {
            "gs1_data": "".join(ai + value for ai, value in elements),
            "gs1_hri": "".join(f"({ai}){value}" for ai, value in elements),
        }
        if "digital_link" in used:
            values["digital_link"] = lot._traceability_digital_link(elements) or ""
        return values

    # ------------------------------------------------------------------
    # Outputs
    # ------------------------------------------------------------------
    def _render(self, records, output, copies=1):
        """Labels of ``records`` as ``(bytes, file extension)``.

        ``output``: "pdf" (QWeb report), "bulk_pdf" (reportlab) or "zpl".
        """
        self.ensure_one()
        if output == "pdf":
            report = self._ensure_report()
            content, _kind = (
                self.env["ir.actions.report"]
                .with_context(label_copies=copies)
                ._render_qweb_pdf(report, records.ids)
            )
            return content, "pdf"
        values = self._label_values(records)
        try:
            if output == "bulk_pdf":
                return pdf.render(self._render_spec(), values, copies), "pdf"
            return zpl.render(self._render_spec(), values, copies).encode(), "zpl"
        except layout.LayoutError as error:
            raise UserError(
                self.env._("Template %(name)s: %(error)s", name=self.name, error=error)
            ) from error

    def _qweb_pages(self, records):
        """Pages of the QWeb PDF report: per label, the elements as boxes with
        fitted text or a barcode image (the same content as the bulk PDF)."""
        self.ensure_one()
        copies = max(int(self.env.context.get("label_copies") or 1), 1)
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
        """The sample record of the preview, for the template's kind of label."""
        self.ensure_one()
        if self.label_type == "lot":
            return self.preview_lot_id
        if self.label_type == "product":
            return self.preview_product_id
        return self.preview_package_id

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
