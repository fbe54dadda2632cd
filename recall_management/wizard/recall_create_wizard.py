# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class RecallCreateWizard(models.TransientModel):
    """Start a recall from a sales order, lots, a box or a pallet (its SSCC), a
    vendor lot or a product's production dates."""

    _name = "recall.create.wizard"
    _description = "Start a Recall"

    source = fields.Selection(
        [
            ("sale_order", "Sales Order"),
            ("lots", "Lots/Serial Numbers"),
            ("package", "Box or Pallet"),
            ("vendor_lot", "Vendor Lot"),
            ("product_dates", "Product and Production Dates"),
        ],
        required=True,
        default="lots",
    )
    sale_order_id = fields.Many2one(comodel_name="sale.order")
    available_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="recall_create_wizard_available_lot_rel",
        compute="_compute_available_lot_ids",
        string="Delivered Lots",
    )
    lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="recall_create_wizard_lot_rel",
        string="Lots to Recall",
    )
    package_code = fields.Char(
        string="SSCC or Package",
        help='Scan or type the SSCC of a box or a pallet (18 digits, "(00)...", '
        "the GS1 data of its label or its Digital Link) or the package's name.",
    )
    package_id = fields.Many2one(
        comodel_name="stock.quant.package",
        string="Box or Pallet",
        help="Every lot ever packed in it, or in the boxes on it, is recalled.",
    )
    package_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        compute="_compute_package_lot_ids",
        string="Lots in the Package",
    )
    vendor_lot = fields.Char(string="Vendor Lot Number")
    vendor_id = fields.Many2one(comodel_name="res.partner", string="Vendor")
    product_id = fields.Many2one(comodel_name="product.product")
    date_from = fields.Date(string="Produced From")
    date_to = fields.Date(string="Produced To")
    recall_type = fields.Selection(
        selection=lambda self: self.env["recall.recall"]
        ._fields["recall_type"]
        .selection,
        required=True,
        default="recall",
    )
    recall_class = fields.Selection(
        selection=lambda self: self.env["recall.recall"]
        ._fields["recall_class"]
        .selection,
        default="2",
    )
    nonconformance_id = fields.Many2one(
        comodel_name="traceability.nonconformance", string="Nonconformance"
    )
    reason = fields.Text(required=True)
    hazard = fields.Text()
    consumer_instructions = fields.Text()
    warning = fields.Text(compute="_compute_warning")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model == "sale.order" and ids:
            order = self.env["sale.order"].browse(ids[:1])
            values.update(source="sale_order", sale_order_id=order.id)
            values["lot_ids"] = [(6, 0, self._delivered_lots(order).ids)]
        elif model == "stock.lot" and ids:
            values.update(source="lots", lot_ids=[(6, 0, ids)])
        elif model == "stock.quant.package" and ids:
            values.update(source="package", package_id=ids[0])
        return values

    @api.depends("package_id")
    def _compute_package_lot_ids(self):
        genealogy = self.env["traceability.genealogy"]
        for wizard in self:
            wizard.package_lot_ids = genealogy._start_lots(wizard.package_id)

    @api.onchange("package_code")
    def _onchange_package_code(self):
        code = (self.package_code or "").strip()
        if not code:
            return None
        self.package_id = self.env["stock.quant.package"]._traceability_find_by_code(
            code
        )
        if not self.package_id:
            return {
                "warning": {
                    "title": self.env._("Unknown code"),
                    "message": self.env._(
                        "No box or pallet has the code %(code)s.", code=code
                    ),
                }
            }
        return None

    def _package_of_code(self, code):
        """The box or pallet of a scanned or typed code, among the packages the
        caller may read; raises :class:`UserError` when there is none."""
        package = self.env["stock.quant.package"]._traceability_find_by_code(code)
        if not package:
            raise UserError(
                self.env._("No box or pallet has the code %(code)s.", code=code)
            )
        return package

    @api.model
    def _delivered_lots(self, order):
        lines = order.picking_ids.move_line_ids.filtered(
            lambda line: line.state == "done"
            and line.location_dest_id.usage == "customer"
        )
        return lines.lot_id

    @api.depends("sale_order_id")
    def _compute_available_lot_ids(self):
        for wizard in self:
            wizard.available_lot_ids = self._delivered_lots(wizard.sale_order_id)

    @api.onchange("sale_order_id")
    def _onchange_sale_order_id(self):
        if self.source == "sale_order":
            self.lot_ids = self._delivered_lots(self.sale_order_id)

    @api.depends("lot_ids", "source", "package_lot_ids")
    def _compute_warning(self):
        for wizard in self:
            lots = (
                wizard.package_lot_ids if wizard.source == "package" else wizard.lot_ids
            )
            messages = []
            blocked = lots.filtered(lambda lot: lot.quality_state == "blocked")
            if blocked:
                messages.append(
                    self.env._("Already blocked: %s", ", ".join(blocked.mapped("name")))
                )
            recalls = lots._traceability_open_recalls()
            if recalls:
                messages.append(
                    self.env._(
                        "Already under recall: %s", ", ".join(recalls.mapped("name"))
                    )
                )
            wizard.warning = "\n".join(messages)

    def _source_lots(self):
        self.ensure_one()
        if self.source in ("sale_order", "lots"):
            lots = self.lot_ids
        elif self.source == "package":
            lots = self.env["traceability.genealogy"]._start_lots(
                self._source_package()
            )
        elif self.source == "vendor_lot":
            if not self.vendor_lot:
                raise UserError(self.env._("Give the vendor's lot number."))
            lots = self.env["traceability.genealogy"]._vendor_lots(
                self.vendor_lot.strip(), vendor=self.vendor_id or None
            )
        else:
            lots = self._lots_produced()
        if not lots:
            raise UserError(self.env._("No lot matches: nothing to recall."))
        return lots

    def _source_package(self):
        """The box or pallet a recall starts from: the one chosen, else the one
        of the code typed or scanned."""
        self.ensure_one()
        if self.package_id:
            return self.package_id
        if not (self.package_code or "").strip():
            raise UserError(self.env._("Scan or choose the box or pallet."))
        return self._package_of_code(self.package_code.strip())

    def _lots_produced(self):
        if not (self.product_id and self.date_from and self.date_to):
            raise UserError(self.env._("Give the product and the production dates."))
        if self.date_from > self.date_to:
            raise UserError(self.env._("The production dates are the wrong way round."))
        lines = self.env["stock.move.line"].search(
            [
                ("product_id", "=", self.product_id.id),
                ("state", "=", "done"),
                ("lot_id", "!=", False),
                ("move_id.production_id", "!=", False),
                ("date", ">=", fields.Datetime.to_datetime(self.date_from)),
                (
                    "date",
                    "<",
                    fields.Datetime.add(
                        fields.Datetime.to_datetime(self.date_to), days=1
                    ),
                ),
            ]
        )
        return lines.lot_id

    def action_create_recall(self):
        self.ensure_one()
        lots = self._source_lots()
        recall = self.env["recall.recall"].create(
            {
                "recall_type": self.recall_type,
                "recall_class": self.recall_class,
                "reason": self.reason,
                "hazard": self.hazard,
                "consumer_instructions": self.consumer_instructions,
                "source_lot_ids": [(6, 0, lots.ids)],
                "nonconformance_id": self.nonconformance_id.id,
            }
        )
        if self.warning:
            recall.message_post(body=self.warning)
        if self.sale_order_id:
            recall.message_post(
                body=self.env._("Started from sales order %s.", self.sale_order_id.name)
            )
        if self.source == "package":
            package = self._source_package()
            recall.message_post(
                body=self.env._(
                    "Started from box or pallet %(package)s (SSCC %(sscc)s).",
                    package=package.display_name,
                    sscc=package.traceability_sscc or "-",
                )
            )
        recall.action_scope()
        return {
            "type": "ir.actions.act_window",
            "res_model": "recall.recall",
            "res_id": recall.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
