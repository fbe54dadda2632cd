# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

DISPOSITIONS = [
    ("return", "Return to Vendor"),
    ("rework", "Rework"),
    ("concession", "Use As Is (Concession)"),
    ("scrap", "Scrap"),
]


class TraceabilityNonconformance(models.Model):
    """What is done with a lot that failed a check: a disposition approved by
    a quality manager, then executed (return, rework order, scrap or release
    by concession) before the nonconformance is closed."""

    _name = "traceability.nonconformance"
    _description = "Nonconformance"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # Set only by the actions (approve, execute, close), never written by a user.
    _SYSTEM_FIELDS = (
        "state",
        "approved_by_id",
        "return_picking_id",
        "rework_production_id",
        "scrap_id",
        "name",
    )
    # Decided before the approval: fixed once approved.
    _DECISION_FIELDS = (
        "disposition",
        "lot_id",
        "quantity",
        "location_id",
        "check_id",
        "company_id",
    )

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("approved", "Approved"),
            ("executed", "Executed"),
            ("closed", "Closed"),
        ],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    check_id = fields.Many2one(
        comodel_name="traceability.check",
        string="Failed Check",
        index=True,
        check_company=True,
    )
    control_point_id = fields.Many2one(related="check_id.control_point_id", store=True)
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial Number",
        required=True,
        index=True,
        check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        index="btree_not_null",
        tracking=True,
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Receipt", check_company=True
    )
    responsibility = fields.Selection(
        selection=[
            ("vendor", "Vendor"),
            ("internal", "Internal"),
            ("logistics", "Logistics"),
        ],
        required=True,
        default="internal",
        tracking=True,
    )
    description = fields.Html()
    attachment_ids = fields.Many2many(comodel_name="ir.attachment", string="Photos")
    disposition = fields.Selection(selection=DISPOSITIONS, tracking=True)
    quantity = fields.Float(
        digits="Product Unit of Measure",
        help="The quantity of the lot concerned: its stock in internal locations "
        "when the nonconformance opened.",
    )
    product_uom_id = fields.Many2one(related="lot_id.product_uom_id")
    location_id = fields.Many2one(
        comodel_name="stock.location",
        string="From Location",
        domain="[('usage', '=', 'internal')]",
    )
    approved_by_id = fields.Many2one(
        comodel_name="res.users", string="Approved By", readonly=True
    )
    return_picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Return", readonly=True
    )
    rework_production_id = fields.Many2one(
        comodel_name="mrp.production", string="Rework Order", readonly=True
    )
    scrap_id = fields.Many2one(
        comodel_name="stock.scrap", string="Scrap", readonly=True
    )
    execution_done = fields.Boolean(compute="_compute_execution_done")

    @api.model_create_multi
    def create(self, vals_list):
        Lot = self.env["stock.lot"]
        for vals in vals_list:
            if not self.env.su:
                # A nonconformance starts open: the actions move it on. Explicit
                # values, so that no context default sets them either.
                vals.update(dict.fromkeys(self._SYSTEM_FIELDS, False))
                vals.update(state="open", name="/")
            if vals.get("lot_id") and "company_id" not in vals:
                lot = Lot.browse(vals["lot_id"])
                if lot.company_id:
                    vals["company_id"] = lot.company_id.id
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("traceability.nonconformance")
                    or "/"
                )
        records = super().create(vals_list)
        for record in records:
            record.lot_id._traceability_hold(
                "nonconformance",
                source=record,
                note=_("Nonconformance %(name)s is open.", name=record.name),
            )
        return records

    def write(self, vals):
        if not self.env.su:
            system = [name for name in self._SYSTEM_FIELDS if name in vals]
            if system:
                raise AccessError(
                    _(
                        "%(fields)s of a nonconformance are set by its Approve, "
                        "Execute and Close actions only.",
                        fields=", ".join(
                            self._fields[name].get_description(self.env)["string"]
                            for name in system
                        ),
                    )
                )
            decided = [name for name in self._DECISION_FIELDS if name in vals]
            if decided and any(record.state != "open" for record in self):
                raise UserError(
                    _(
                        "The disposition of an approved nonconformance is fixed: "
                        "open a new nonconformance to decide again."
                    )
                )
        return super().write(vals)

    @api.constrains("lot_id", "company_id")
    def _check_lot_company(self):
        for record in self:
            if (
                record.lot_id.company_id
                and record.lot_id.company_id != record.company_id
            ):
                raise ValidationError(
                    _(
                        "Nonconformance %(name)s must belong to the company of lot "
                        "%(lot)s.",
                        name=record.name,
                        lot=record.lot_id.name,
                    )
                )

    @api.depends(
        "disposition",
        "return_picking_id.state",
        "rework_production_id.state",
        "scrap_id.state",
        "state",
    )
    def _compute_execution_done(self):
        for record in self:
            record.execution_done = {
                "return": record.return_picking_id.state == "done",
                "rework": record.rework_production_id.state == "done",
                "scrap": record.scrap_id.state == "done",
                "concession": record.state in ("executed", "closed"),
            }.get(record.disposition, False)

    def _check_manager(self):
        if not self.env.user.has_group(
            "quality_traceability.group_traceability_manager"
        ):
            raise AccessError(
                _("Only a traceability manager may approve a disposition.")
            )

    def action_approve(self):
        self._check_manager()
        for record in self:
            if record.state != "open":
                raise UserError(_("Only open nonconformances are approved."))
            if not record.disposition:
                raise UserError(_("Choose the disposition first."))
        self.check_access("write")
        # sudo: state and approver are written only by the actions, after the
        # checks above.
        self.sudo().write({"state": "approved", "approved_by_id": self.env.user.id})
        return True

    def action_execute(self):
        self.check_access("write")
        for record in self:
            if record.state != "approved" or not record.approved_by_id:
                raise UserError(_("Approve the disposition before executing it."))
            getattr(record, f"_execute_{record.disposition}")()
        # sudo: see action_approve.
        self.sudo().write({"state": "executed"})
        return True

    def action_close(self):
        self.check_access("write")
        for record in self:
            if record.state != "executed" or not record.execution_done:
                raise UserError(
                    _(
                        "%(name)s: execute the disposition and finish its document "
                        "before closing.",
                        name=record.name,
                    )
                )
        # sudo: see action_approve.
        self.sudo().write({"state": "closed"})
        return True

    @api.model
    def _traceability_affected_stock(self, lot):
        """What a new nonconformance of ``lot`` concerns: its quantity in
        internal locations, and that location when it is in one only."""
        # sudo: the quantity is recorded on the nonconformance opened by a
        # failed check, whoever recorded the check.
        quants = lot.sudo()._traceability_internal_quants()
        location = quants.location_id
        return (
            location if len(location) == 1 else location.browse(),
            sum(quants.mapped("quantity")),
        )

    def _quantity(self):
        quants = self.lot_id._traceability_internal_quants()
        if self.location_id:
            quants = quants.filtered(
                lambda quant: quant.location_id == self.location_id
            )
        elif len(quants.location_id) > 1:
            raise UserError(
                _(
                    "%(lot)s is in several locations (%(locations)s): choose the "
                    "location to dispose of it from.",
                    lot=self.lot_id.name,
                    locations=", ".join(quants.location_id.mapped("display_name")),
                )
            )
        location = self.location_id or quants[:1].location_id
        quantity = self.quantity or sum(
            quants.filtered(lambda q: q.location_id == location).mapped("quantity")
        )
        if not location or quantity <= 0:
            raise UserError(
                _("No stock of %(lot)s to dispose of.", lot=self.lot_id.name)
            )
        return location, quantity

    def _execute_return(self):
        location, quantity = self._quantity()
        partner = self.partner_id or self.picking_id.partner_id
        if not partner:
            raise UserError(_("Set the vendor to return the goods to."))
        warehouse = location.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        picking_type = (
            self.picking_id.picking_type_id.return_picking_type_id
            or warehouse.out_type_id
        )
        destination = self.env.ref("stock.stock_location_suppliers")
        product = self.product_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": location.id,
                "location_dest_id": destination.id,
                "origin": self.name,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": location.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._set_lot_line(picking.move_ids, location, quantity)
        # sudo: the documents of the execution are linked only here.
        self.sudo().return_picking_id = picking

    def _set_lot_line(self, move, location, quantity):
        move.write(
            {
                "move_line_ids": [
                    Command.delete(line.id) for line in move.move_line_ids
                ]
                + [
                    Command.create(
                        {
                            "product_id": move.product_id.id,
                            "product_uom_id": move.product_uom.id,
                            "location_id": location.id,
                            "location_dest_id": move.location_dest_id.id,
                            "lot_id": self.lot_id.id,
                            "quantity": quantity,
                            "picking_id": move.picking_id.id,
                        }
                    )
                ]
            }
        )

    def _execute_scrap(self):
        location, quantity = self._quantity()
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product_id.id,
                "lot_id": self.lot_id.id,
                "scrap_qty": quantity,
                "location_id": location.id,
                "origin": self.name,
            }
        )
        scrap.action_validate()
        # sudo: see _execute_return.
        self.sudo().scrap_id = scrap

    def _execute_rework(self):
        location, quantity = self._quantity()
        product = self.product_id
        production = self.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": quantity,
                "product_uom_id": product.uom_id.id,
                "bom_id": False,
                "origin": self.name,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                        }
                    )
                ],
            }
        )
        # sudo: only the nonconformance links its rework order, which may then
        # consume the held lot (stock.move.line._traceability_check_released).
        production.sudo().traceability_nonconformance_id = self
        self.sudo().rework_production_id = production
        production.action_confirm()
        self._set_lot_line(production.move_raw_ids, location, quantity)

    def _execute_concession(self):
        """Use as is: the holds of this nonconformance and of its failed check
        (with the incoming inspection it concludes) on the lot are released."""
        note = _("Released by concession %(name)s.", name=self.name)
        self.lot_id._traceability_release_holds("nonconformance", self, note)
        if self.check_id:
            self.lot_id._traceability_release_holds("check", self.check_id, note)
            if self.check_id.stage == "incoming":
                # The concession concludes the incoming inspection.
                self.lot_id._traceability_release_holds("incoming", note=note)
