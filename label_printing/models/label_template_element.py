# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

FIELDS = [
    ("product_name", "Product Name"),
    ("default_code", "Internal Reference"),
    ("lot", "Lot/Serial Number"),
    ("serial", "Serial Number"),
    ("production_date", "Production Date"),
    ("expiry_date", "Expiry Date"),
    ("quantity", "Quantity and Unit"),
    ("company", "Company"),
    ("gs1_hri", "GS1 Element String"),
    ("digital_link", "GS1 Digital Link"),
    ("trace_code", "Trace Code"),
    ("ean13", "Product Barcode"),
    ("sscc", "SSCC"),
    ("package", "Package"),
    ("content", "Content Summary"),
    ("free", "Free Text"),
]


class LabelTemplateElement(models.Model):
    _name = "label.template.element"
    _description = "Label Template Element"
    _order = "sequence, id"

    template_id = fields.Many2one(
        comodel_name="label.template",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="template_id.company_id", store=True, index="btree_not_null"
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        selection=[("text", "Text"), ("barcode", "Barcode"), ("logo", "Logo")],
        default="text",
        required=True,
    )
    field = fields.Selection(
        selection=FIELDS,
        default="product_name",
        help="What the element prints. Barcodes without a field encode the "
        "GS1 data (DataMatrix, GS1-128), the Digital Link (QR), the product "
        "barcode (EAN-13) or the lot (Code 128).",
    )
    symbology = fields.Selection(
        selection=[
            ("qr", "QR Code (Digital Link)"),
            ("gs1_datamatrix", "GS1 DataMatrix"),
            ("gs1_128", "GS1-128"),
            ("ean13", "EAN-13"),
            ("code128", "Code 128"),
        ],
    )
    text = fields.Char(string="Free Text")
    prefix = fields.Char(help="Printed before the value, e.g. 'Lot: '.")
    x = fields.Float(string="Left (mm)")
    y = fields.Float(string="Top (mm)")
    width = fields.Float(string="Width (mm)", default=20)
    height = fields.Float(string="Height (mm)", default=5)
    font_size = fields.Float(string="Font Size (pt)", default=8)
    human_readable = fields.Boolean(
        string="Human-Readable Text",
        help="Print the encoded data under the barcode (the GS1 element string "
        "for GS1 barcodes).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Barcodes and logos print no field unless one is given.
            if vals.get("kind") in ("barcode", "logo") and "field" not in vals:
                vals["field"] = False
        return super().create(vals_list)

    @api.constrains("x", "y", "width", "height")
    def _check_box(self):
        self.template_id._check_layout()

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind == "barcode":
            self.symbology = self.symbology or "gs1_datamatrix"
            self.field = False
        elif self.kind == "logo":
            self.field = False

    def _spec(self):
        """The element as the plain renderers take it."""
        self.ensure_one()
        return {
            "name": self.display_name,
            "kind": self.kind,
            "field": self.field
            or ("free" if self.kind == "text" and self.text else False),
            "text": self.text or "",
            "prefix": self.prefix or "",
            "symbology": self.symbology or "gs1_datamatrix",
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "font_size": self.font_size or 8,
            "human_readable": self.human_readable,
        }

    @api.depends("kind", "field", "symbology", "text")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        fields_ = dict(self._fields["field"]._description_selection(self.env))
        symbologies = dict(self._fields["symbology"]._description_selection(self.env))
        for element in self:
            if element.kind == "barcode":
                detail = symbologies.get(element.symbology)
            elif element.kind == "text":
                detail = fields_.get(element.field) or element.text
            else:
                detail = False
            kind = kinds.get(element.kind, "")
            element.display_name = f"{kind}: {detail}" if detail else kind
