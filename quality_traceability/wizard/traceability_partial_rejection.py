# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..models.traceability_hold import MANAGER_GROUP


class TraceabilityPartialRejection(models.TransientModel):
    """Reject part of a lot after a failed check (traceability managers).

    The rejected quantity moves to a quarantine location by an internal
    transfer and stays held there: the failed check's holds (and its
    nonconformance's) become holds of that location only, and the rest of the
    lot is released. The nonconformance then concerns the rejected quantity, in
    that location: its disposition (return, scrap, rework) acts on it.
    """

    _name = "traceability.partial.rejection"
    _description = "Reject Part of a Lot"

    check_id = fields.Many2one(
        comodel_name="traceability.check", required=True, readonly=True
    )
    lot_id = fields.Many2one(related="check_id.lot_id")
    product_uom_id = fields.Many2one(related="check_id.lot_id.product_uom_id")
    location_id = fields.Many2one(
        comodel_name="stock.location",
        string="From",
        required=True,
        domain="[('usage', '=', 'internal')]",
    )
    quarantine_location_id = fields.Many2one(
        comodel_name="stock.location",
        string="To Quarantine",
        required=True,
        domain="[('usage', '=', 'internal'), ('traceability_quarantine', '=', True)]",
    )
    available_qty = fields.Float(
        string="Available",
        compute="_compute_available_qty",
        digits="Product Unit of Measure",
    )
    quantity = fields.Float(
        string="Rejected Quantity", required=True, digits="Product Unit of Measure"
    )
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        self.check_access("create")
        values = super().default_get(fields_list)
        check = self.env["traceability.check"].browse(values.get("check_id"))
        if check.lot_id:
            quants = check.lot_id._traceability_internal_quants().filtered(
                lambda quant: not quant.location_id.traceability_quarantine
            )
            if quants:
                values.setdefault(
                    "location_id",
                    max(quants, key=lambda quant: quant.quantity).location_id.id,
                )
            values.setdefault(
                "quarantine_location_id",
                self.env["stock.location"]
                .search(
                    [
                        ("usage", "=", "internal"),
                        ("traceability_quarantine", "=", True),
                        ("company_id", "in", [check.company_id.id, False]),
                    ],
                    limit=1,
                )
                .id,
            )
        return values

    @api.depends("lot_id", "location_id")
    def _compute_available_qty(self):
        for wizard in self:
            quants = wizard.lot_id._traceability_internal_quants().filtered(
                lambda quant, location=wizard.location_id: quant.location_id == location
            )
            wizard.available_qty = sum(quants.mapped("quantity"))

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a traceability manager may reject part of a lot.")
            )
        check = self.check_id
        check.check_access("read")
        lot = check.lot_id
        if not lot or check.state != "done" or check.result != "fail":
            raise UserError(
                _("Only a recorded failed check of a lot rejects part of it.")
            )
        if check.stage not in ("incoming", "in_process"):
            raise UserError(
                _("Part of a lot is rejected at incoming or in-process inspection.")
            )
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason."))
        quarantine = self.quarantine_location_id
        if quarantine.usage != "internal" or not quarantine.traceability_quarantine:
            raise UserError(
                _(
                    "%(location)s is no quarantine location.",
                    location=quarantine.display_name,
                )
            )
        rounding = lot.product_uom_id.rounding
        if float_compare(self.quantity, 0, precision_rounding=rounding) <= 0 or (
            float_compare(
                self.quantity, self.available_qty, precision_rounding=rounding
            )
            > 0
        ):
            raise UserError(
                _(
                    "Reject between 0 and the %(available)s %(uom)s of %(lot)s in "
                    "%(location)s.",
                    available=self.available_qty,
                    uom=lot.product_uom_id.name,
                    lot=lot.name,
                    location=self.location_id.display_name,
                )
            )
        picking = self._move_to_quarantine()
        self._hold_rejected_part(picking)
        nonconformances = check.nonconformance_ids.filtered(
            lambda record: record.state == "open"
        )
        nonconformances.write({"quantity": self.quantity, "location_id": quarantine.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": picking.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _move_to_quarantine(self):
        """The done internal transfer of the rejected quantity."""
        lot, source = self.lot_id, self.location_id
        destination = self.quarantine_location_id
        warehouse = source.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.check_id.company_id.id)], limit=1
        )
        picking = lot._traceability_transfer(
            warehouse.int_type_id,
            source,
            destination,
            self.quantity,
            self.check_id.name,
            picked=True,
        )
        if picking.button_validate() is not True:
            raise UserError(
                _("Transfer %(name)s needs attention.", name=picking.display_name)
            )
        return picking

    def _hold_rejected_part(self, picking):
        """The failed check's holds of the whole lot (and its nonconformance's)
        become holds of the quarantine location; the rest of the lot is released
        (with its incoming-inspection hold, the inspection being decided)."""
        Hold = self.env["traceability.hold"]
        check, lot = self.check_id, self.lot_id
        sources = {(check._name, check.id)} | {
            (record._name, record.id) for record in check.nonconformance_ids
        }
        whole_lot = Hold._open_for(lot, location=self.env["stock.location"])
        whole = whole_lot.filtered(
            lambda hold: (hold.res_model, hold.res_id) in sources
        )
        # The incoming inspection is decided: its hold of the whole lot goes too
        # (the rejected part stays held by the failed check, in quarantine).
        inspected = (
            whole_lot.filtered(lambda hold: hold.reason == "incoming")
            if check.stage == "incoming"
            else Hold
        )
        note = _(
            "%(quantity)s %(uom)s rejected to %(location)s (%(picking)s): %(reason)s",
            quantity=self.quantity,
            uom=lot.product_uom_id.name,
            location=self.quarantine_location_id.display_name,
            picking=picking.name,
            reason=self.reason,
        )
        for hold in whole:
            Hold._place(
                lot,
                hold.reason,
                source=self.env[hold.res_model].browse(hold.res_id),
                note=note,
                location=self.quarantine_location_id,
            )
        (whole | inspected)._release(
            _("Partial rejection: the rest of the lot is released. %(note)s", note=note)
        )
