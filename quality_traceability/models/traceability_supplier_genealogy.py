# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

#: Levels of supplier-declared genealogy followed below a lot (a vendor's
#: input made by the same vendor from other inputs...).
MAX_DECLARED_LEVELS = 10


class TraceabilitySupplierGenealogy(models.Model):
    """One input of a vendor's lot, as the vendor declared it (the inputs of an
    EPCIS ``TransformationEvent`` of the vendor).

    A row links an output (the vendor's lot or serial number of a product we
    buy: its GTIN, our product and, once received, our ``stock.lot``) to one
    input (GTIN and lot, serial number or instance URI, quantity and unit),
    through the event. These links are what the vendor says, not what Odoo
    recorded: backward traces show them below the vendor lot, marked
    "supplier-declared" (:meth:`_supplier_declared_inputs`). Append-only.
    """

    _name = "traceability.supplier.genealogy"
    _description = "Supplier-Declared Genealogy"
    _order = "id"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Vendor", readonly=True, index=True
    )
    epcis_event_id = fields.Many2one(
        comodel_name="traceability.epcis.event",
        string="EPCIS Event",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    output_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Product",
        readonly=True,
        index="btree_not_null",
        help="Our product of the output's GTIN; empty for an input of the vendor "
        "that the vendor made itself (one level further up).",
    )
    output_gtin = fields.Char(string="GTIN", readonly=True)
    output_lot_name = fields.Char(
        string="Vendor Lot/Serial", required=True, readonly=True, index=True
    )
    output_lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial Number",
        readonly=True,
        index="btree_not_null",
        help="Our lot of that name, when it existed at capture.",
    )
    input_gtin = fields.Char(string="Input GTIN", required=True, readonly=True)
    input_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Input Product",
        readonly=True,
        help="Our product of the input's GTIN, when we have one.",
    )
    input_lot_name = fields.Char(string="Input Lot", readonly=True)
    input_serial = fields.Char(readonly=True)
    input_uri = fields.Char(string="Input Identifier", readonly=True)
    input_quantity = fields.Float(readonly=True)
    input_uom_code = fields.Char(
        string="Input Unit",
        readonly=True,
        help="UN/ECE Recommendation 20 code; empty for a number of units.",
    )

    def write(self, vals):
        if not self.env.su:
            raise UserError(
                self.env._("A supplier-declared genealogy link cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(
                self.env._("A supplier-declared genealogy link cannot be deleted.")
            )

    @api.model
    def _supplier_declared_inputs(self, lots):
        """The supplier-declared inputs below each of ``lots`` (``stock.lot``),
        read with the caller's rights (companies).

        A lot's inputs are the rows whose output is that lot: its product and
        its name (or its internal reference, the vendor's lot number when it
        differs). An input that is itself an output of the same vendor (same
        GTIN and lot or serial) has its own inputs below it, up to
        :data:`MAX_DECLARED_LEVELS` levels, each row once per branch.

        Kept apart from ``traceability.genealogy.trace``: these are not Odoo's
        records, and recalls and exports scope on what Odoo recorded.

        :return: dict lot id -> list of ``(depth, row)`` in display order
            (depth 0: direct inputs of the lot)
        """
        lots = lots.exists()
        if not lots:
            return {}
        names = set(lots.mapped("name")) | {ref for ref in lots.mapped("ref") if ref}
        direct = self.search(
            [
                ("output_product_id", "in", lots.product_id.ids),
                ("output_lot_name", "in", list(names)),
            ]
        )
        by_output = {}
        for row in direct:
            by_output.setdefault(
                (row.output_product_id.id, row.output_lot_name), []
            ).append(row)
        # Inputs that are outputs of the same vendor, level by level.
        children = {}
        seen_ids = set(direct.ids)
        frontier = direct
        for _level in range(MAX_DECLARED_LEVELS):
            keys = {
                (row.input_gtin, row.input_lot_name or row.input_serial)
                for row in frontier
                if row.input_lot_name or row.input_serial
            }
            if not keys:
                break
            below = self.search(
                [
                    ("output_gtin", "in", list({gtin for gtin, _name in keys})),
                    ("output_lot_name", "in", list({name for _gtin, name in keys})),
                ]
            ).filtered(
                lambda row, keys=keys: (row.output_gtin, row.output_lot_name) in keys
            )
            new = below.filtered(lambda row: row.id not in seen_ids)
            seen_ids.update(new.ids)
            for row in new:
                children.setdefault(
                    (row.output_gtin, row.output_lot_name, row.partner_id.id), []
                ).append(row)
            frontier = new
        result = {}
        for lot in lots:
            rows = []
            seen = set()
            for name in {lot.name, lot.ref} - {False, None}:
                for row in by_output.get((lot.product_id.id, name), ()):
                    self._walk(row, 0, children, rows, seen)
            if rows:
                result[lot.id] = rows
        return result

    @api.model
    def _walk(self, row, depth, children, rows, branch):
        if row.id in branch or depth >= MAX_DECLARED_LEVELS:
            return
        rows.append((depth, row))
        name = row.input_lot_name or row.input_serial
        below = children.get((row.input_gtin, name, row.partner_id.id), ())
        for child in below:
            self._walk(child, depth + 1, children, rows, branch | {row.id})
