# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero
from odoo.tools.sql import create_index


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    traceability_declared_lot_id = fields.Many2one(
        comodel_name="traceability.declared.lot",
        string="Declared Lot",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The vendor's declaration this receipt line was filled from.",
    )

    def init(self):
        result = super().init()
        # Odoo only indexes lot_id for lines that are not done: the genealogy walks
        # done lines by lot.
        create_index(
            self.env.cr,
            "stock_move_line_traceability_lot_idx",
            self._table,
            ["lot_id", "state"],
            where="lot_id IS NOT NULL",
        )
        return result

    @api.model
    def _traceability_route_allows_unreleased(self, source, destination, scrap=False):
        """Lots in quarantine or blocked may come in (from vendors, customers,
        production or an inventory adjustment, into the company's own stock) and
        may go to a quarantine location, back to a vendor, to scrap or out by an
        inventory adjustment; never to a customer or into production, whatever the
        source."""
        if destination.usage in ("customer", "production"):
            return False
        if scrap or destination.scrap_location:
            return True
        if destination.usage in ("supplier", "inventory"):
            return True
        if destination.usage == "internal" and destination.traceability_quarantine:
            return True
        # Coming in from outside the company's stock (receipts, returns, output
        # of production) into its own locations.
        return source.usage not in ("internal", "transit") and destination.usage in (
            "internal",
            "transit",
            "view",
        )

    def _traceability_check_released(self):
        """Refuse to move lots that are not released where they may not go (and
        the held part of a lot, from where it is held)."""
        Hold = self.env["traceability.hold"]
        held = Hold._located_holds(self.lot_id) if self.lot_id else {}
        for line in self:
            lot = line.lot_id
            if (
                not lot
                or (
                    lot.quality_state == "released"
                    and not Hold._held_at(held, lot, line.location_id)
                )
                or float_is_zero(
                    line.quantity, precision_rounding=line.product_uom_id.rounding
                )
            ):
                continue
            if self._traceability_route_allows_unreleased(
                line.location_id,
                line.location_dest_id,
                scrap=bool(line.move_id.scrap_id),
            ):
                continue
            if line.move_id.raw_material_production_id._traceability_reworks(lot):
                continue  # the rework order of the lot's nonconformance
            if lot.quality_state == "released":
                state = _(
                    "held in %(location)s", location=line.location_id.display_name
                )
            else:
                state = dict(
                    lot._fields["quality_state"]._description_selection(self.env)
                )[lot.quality_state].lower()
            raise UserError(
                _(
                    "%(product)s, lot/serial %(lot)s is %(state)s: it cannot be "
                    "delivered, consumed or moved to %(destination)s "
                    "(%(reference)s). Move it to a quarantine location, return it "
                    "to the vendor or scrap it, or have it released.",
                    product=line.product_id.display_name,
                    lot=lot.name,
                    state=state,
                    destination=line.location_dest_id.display_name,
                    reference=line.reference or line.move_id.reference or "",
                )
            )

    def _action_done(self):
        self._traceability_check_released()
        result = super()._action_done()
        self._traceability_quarantine_received_lots()
        # Lines with no quantity were deleted by the super call.
        self.exists()._traceability_record_packing()
        return result

    # Fields of a done line that change stock: a held lot's done lines keep them.
    _TRACEABILITY_STOCK_FIELDS = (
        "quantity",
        "lot_id",
        "lot_name",
        "location_id",
        "location_dest_id",
        "product_id",
        "product_uom_id",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A line added to a done transfer moves stock at once.
        done = lines.filtered(lambda line: line.state == "done")
        done._traceability_check_released()
        done._traceability_record_packing()
        return lines

    def write(self, vals):
        stock_fields = set(self._TRACEABILITY_STOCK_FIELDS).intersection(vals)
        packing_fields = set(self._TRACEABILITY_PACKING_FIELDS).intersection(vals)
        done = (
            self.filtered(lambda line: line.state == "done")
            if stock_fields or packing_fields
            else self.browse()
        )
        if not done:
            return super().write(vals)
        held = done if stock_fields else self.browse()
        # Editing a done line of a held lot changes what was delivered or
        # consumed: refused as a new move of that lot would be.
        held._traceability_check_released()
        # A corrected done line: its former packing events are cancelled by
        # new ones, then the corrected line records its own.
        packed = done if packing_fields else self.browse()
        Event = self.env["traceability.package.event"]
        cancelling = Event._traceability_move_values(
            packed._traceability_package_rows(), reverse=True
        )
        result = super().write(vals)
        held._traceability_check_released()
        Event._traceability_record(
            cancelling
            + Event._traceability_move_values(packed._traceability_package_rows())
        )
        return result

    def _traceability_quarantine_received_lots(self):
        """Lots of products that need an inspection start in quarantine when
        received from a vendor (unless already inspected and released)."""
        lines = self.exists().filtered(
            lambda line: line.lot_id
            and line.location_id.usage == "supplier"
            and line.product_id.traceability_inspection_required
        )
        # sudo: the user receiving goods need not read the quality checks.
        passed = (
            self.env["traceability.check"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lines.lot_id.ids),
                    ("state", "=", "done"),
                    ("stage", "=", "incoming"),
                    ("result", "=", "pass"),
                ]
            )
            .lot_id
        )
        for picking, picking_lines in lines.grouped("picking_id").items():
            (picking_lines.lot_id - passed)._traceability_hold(
                "incoming",
                source=picking or None,
                note=_("In quarantine until the incoming inspection passes."),
            )

    # Fields of a done line whose change moves stock between packages (or,
    # for the date, when it did).
    _TRACEABILITY_PACKING_FIELDS = (
        "date",
        "quantity",
        "product_uom_id",
        "product_id",
        "lot_id",
        "package_id",
        "result_package_id",
    )

    def _traceability_package_rows(self):
        """The lines as rows of the packing backfill's query (same columns),
        for the lines that change a package's content."""
        rows = []
        for line in self:
            if (
                not line.product_id.is_storable
                or (line.package_id == line.result_package_id)
                or float_is_zero(
                    line.quantity_product_uom,
                    precision_rounding=line.product_id.uom_id.rounding,
                )
            ):
                continue
            rows.append(
                {
                    "move_line_id": line.id,
                    "date": line.date,
                    "package_id": line.package_id.id or None,
                    "result_package_id": line.result_package_id.id or None,
                    "product_id": line.product_id.id,
                    "lot_id": line.lot_id.id or None,
                    "quantity": line.quantity_product_uom,
                    "product_uom_id": line.product_id.uom_id.id,
                    "company_id": line.company_id.id,
                    "picking_id": line.picking_id.id or None,
                    "user_id": self.env.uid,
                }
            )
        return rows

    def _traceability_record_packing(self, reverse=False):
        Event = self.env["traceability.package.event"]
        return Event._traceability_record(
            Event._traceability_move_values(
                self._traceability_package_rows(), reverse=reverse
            )
        )
