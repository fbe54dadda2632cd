# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.trace_graph import BACKWARD, FORWARD, tree_rows

TRACEABLE_MODELS = [
    ("stock.lot", "Lot/Serial Number"),
    ("mrp.production", "Manufacturing Order"),
    ("stock.picking", "Transfer"),
    ("sale.order", "Sales Order"),
    ("purchase.order", "Purchase Order"),
    ("res.partner", "Partner"),
]

#: Largest trace drawn as a diagram; larger traces are read as the list.
DIAGRAM_MAX_LOTS = 60

LINE_KINDS = [
    ("lot", "Lot"),
    ("made", "Produced"),
    ("consumed", "Consumed"),
    ("receipt", "Received"),
    ("vendor_return", "Returned to Vendor"),
    ("delivery", "Delivered"),
    ("return", "Customer Return"),
    ("stock", "In Stock"),
    ("reserved", "Reserved"),
    ("wip", "In Manufacturing"),
    ("scrap", "Scrapped"),
]


class TraceabilityTrace(models.TransientModel):
    """A trace shown to a user: the genealogy of some records as an indented list
    (with quantities and links to each document) and, for small traces, a diagram."""

    _name = "traceability.trace"
    _inherit = ["traceability.export.mixin"]
    _description = "Traceability Trace"

    res_model = fields.Selection(TRACEABLE_MODELS, string="Traced Model", required=True)
    res_ids = fields.Char(string="Traced Records", required=True, default="[]")
    name = fields.Char(string="Traced", readonly=True)
    direction = fields.Selection(
        [(FORWARD, "Forward (where used)"), (BACKWARD, "Backward (where from)")],
        required=True,
        default=FORWARD,
    )
    line_ids = fields.One2many(
        comodel_name="traceability.trace.line",
        inverse_name="trace_id",
        string="Trace",
        readonly=True,
    )
    lot_count = fields.Integer(readonly=True)
    delivery_count = fields.Integer(readonly=True)
    customer_count = fields.Integer(readonly=True)
    vendor_count = fields.Integer(readonly=True)
    diagram = fields.Html(sanitize=False, readonly=True)

    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------
    @api.model
    def _action_open(self, records, direction=None):
        """Trace ``records`` and return the action showing the trace."""
        if not records:
            raise UserError(self.env._("Nothing to trace."))
        if records._name not in dict(TRACEABLE_MODELS):
            raise UserError(
                self.env._("Records of %s cannot be traced.", records._name)
            )
        records.check_access("read")
        genealogy = self.env["traceability.genealogy"]
        trace = self.create(
            {
                "res_model": records._name,
                "res_ids": json.dumps(records.ids),
                "name": ", ".join(records[:5].mapped("display_name"))
                + ("…" if len(records) > 5 else ""),
                "direction": direction or genealogy._default_direction(records),
            }
        )
        trace._compute_trace()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Trace: %s", trace.name),
            "res_model": self._name,
            "res_id": trace.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def _action_open_from_context(self):
        """Entry of the Trace smart buttons (a server action): the active records."""
        context = self.env.context
        model = context.get("active_model")
        ids = context.get("active_ids") or [context.get("active_id")]
        if model not in dict(TRACEABLE_MODELS) or not any(ids):
            raise UserError(
                self.env._("Open a trace from a lot, an order or a partner.")
            )
        return self._action_open(self.env[model].browse([i for i in ids if i]))

    def _records(self):
        self.ensure_one()
        return self.env[self.res_model].browse(json.loads(self.res_ids)).exists()

    def action_switch_direction(self):
        self.ensure_one()
        self.direction = BACKWARD if self.direction == FORWARD else FORWARD
        self._compute_trace()
        return True

    # ------------------------------------------------------------------
    # Computing the lines
    # ------------------------------------------------------------------
    def _compute_trace(self):
        self.ensure_one()
        genealogy = self.env["traceability.genealogy"]
        lots = genealogy._start_lots(self._records())
        result = genealogy.trace(lots, self.direction)
        Lot = self.env["stock.lot"].with_context(active_test=False)
        lot_records = Lot.browse(list(result.lots))
        lot_records.fetch(["name", "product_id", "product_uom_id"])
        by_id = {lot.id: lot for lot in lot_records}

        facts = result.facts_by_lot()
        vals_list = []
        sequence = 0
        for level, lot_id, parent_id, repeated in tree_rows(
            result, sort_key=lambda lot_id: by_id[lot_id].name or ""
        ):
            lot = by_id[lot_id]
            sequence += 1
            vals_list.append(
                self._prepare_lot_line(
                    lot, level, by_id.get(parent_id), repeated, sequence
                )
            )
            if repeated:
                continue
            for kind, fact in facts.get(lot_id, ()):
                sequence += 1
                vals_list.append(
                    self._prepare_fact_line(lot, level + 1, kind, fact, sequence)
                )
        self.line_ids = [Command.clear()] + [Command.create(vals) for vals in vals_list]
        self.write(
            {
                "lot_count": len(result.lots),
                "delivery_count": len(result.delivery_picking_ids),
                "customer_count": len(result.customer_ids),
                "vendor_count": len(result.vendor_ids),
                "diagram": self._render_diagram(result, by_id),
            }
        )

    def _prepare_lot_line(self, lot, level, parent, repeated, sequence):
        label = f"{lot.product_id.display_name} / {lot.name}"
        if repeated:
            label = self.env._("%s (shown above)", label)
        return {
            "sequence": sequence,
            "level": level,
            "label": "\u2003" * level + label,
            "kind": "lot",
            "lot_id": lot.id,
            "product_id": lot.product_id.id,
            "parent_lot_id": parent.id if parent else False,
            "repeated": repeated,
        }

    def _prepare_fact_line(self, lot, level, kind, fact, sequence):
        document = False
        if fact.get("picking_id"):
            document = f"stock.picking,{fact['picking_id']}"
        elif fact.get("production_id"):
            document = f"mrp.production,{fact['production_id']}"
        elif fact.get("unbuild_id"):
            document = f"mrp.unbuild,{fact['unbuild_id']}"
        order = False
        if fact.get("order_id") and kind in ("delivery", "return"):
            order = f"sale.order,{fact['order_id']}"
        elif fact.get("order_id") and kind in ("receipt", "vendor_return"):
            order = f"purchase.order,{fact['order_id']}"
        quantity = fact.get("quantity") or 0.0
        if kind in ("consumed", "delivery", "vendor_return", "scrap"):
            quantity = -quantity
        return {
            "sequence": sequence,
            "level": level,
            "label": "\u2003" * level + dict(LINE_KINDS)[kind],
            "kind": kind,
            "lot_id": lot.id,
            "product_id": lot.product_id.id,
            "document": document,
            "order": order,
            "partner_id": fact.get("commercial_partner_id") or fact.get("partner_id"),
            "location_id": fact.get("location_id"),
            "package_id": fact.get("package_id"),
            "date": fact.get("date"),
            "quantity": quantity,
            "reserved_quantity": fact.get("reserved_quantity") or 0.0,
        }

    def _render_diagram(self, result, lots):
        """Columns of lots by level, each box naming what it was linked from."""
        if not result.lots or len(result.lots) > DIAGRAM_MAX_LOTS:
            return False
        parents = {}
        for edge in result.edges:
            parent, child = (
                (edge["src"], edge["dst"])
                if self.direction == FORWARD
                else (edge["dst"], edge["src"])
            )
            parents.setdefault(child, set()).add(parent)
        columns = {}
        for lot_id, values in result.lots.items():
            columns.setdefault(values["level"], []).append(lots[lot_id])
        html = Markup('<div class="o_traceability_diagram d-flex gap-4 overflow-auto">')
        for level in sorted(columns):
            html += Markup('<div class="d-flex flex-column gap-2">')
            html += Markup('<div class="text-muted small">%s</div>') % (
                self.env._("Level %s", level)
            )
            for lot in sorted(columns[level], key=lambda lot: lot.name):
                from_names = ", ".join(
                    sorted(lots[p].name for p in parents.get(lot.id, ()) if p in lots)
                )
                html += Markup(
                    '<div class="border rounded p-2 bg-light" data-lot-id="%s">'
                    '<a href="/odoo/action-stock.action_production_lot_form/%s">'
                    "<strong>%s</strong></a><br/>"
                    '<span class="small">%s</span>'
                ) % (lot.id, lot.id, lot.name, lot.product_id.display_name)
                if from_names:
                    html += Markup(
                        '<br/><span class="small text-muted">← %s</span>'
                    ) % (from_names)
                html += Markup("</div>")
            html += Markup("</div>")
        return html + Markup("</div>")

    # ------------------------------------------------------------------
    # Exports
    # ------------------------------------------------------------------
    def _export_rows(self):
        self.ensure_one()
        header = [
            self.env._("Level"),
            self.env._("Kind"),
            self.env._("Product"),
            self.env._("Lot/Serial"),
            self.env._("Document"),
            self.env._("Order"),
            self.env._("Partner"),
            self.env._("Location"),
            self.env._("Date"),
            self.env._("Quantity"),
            self.env._("Unit"),
        ]
        kind_field = self.env["traceability.trace.line"]._fields["kind"]
        kinds = dict(kind_field._description_selection(self.env))
        rows = []
        for line in self.line_ids:
            rows.append(
                [
                    line.level,
                    kinds[line.kind],
                    line.product_id.display_name,
                    line.lot_id.name,
                    line.document.display_name if line.document else "",
                    line.order.display_name if line.order else "",
                    line.partner_id.display_name or "",
                    line.location_id.display_name or "",
                    line.date,
                    line.quantity if line.kind != "lot" else "",
                    line.uom_id.name or "",
                ]
            )
        return header, rows

    def _export_filename(self):
        name = "".join(
            c if c.isalnum() or c in "-_" else "_" for c in self.name or "trace"
        )
        return f"trace-{self.direction}-{name[:40]}"

    def action_export_csv(self):
        return self._traceability_export(
            self._export_filename(), *self._export_rows(), "csv"
        )

    def action_export_xlsx(self):
        return self._traceability_export(
            self._export_filename(),
            *self._export_rows(),
            "xlsx",
            sheet=self.env._("Trace"),
        )

    def action_open_lots(self):
        """The traced lots in the standard lot list (filters, grouping, export)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_production_lot_form"
        )
        action["domain"] = [("id", "in", self.line_ids.lot_id.ids)]
        action["context"] = {}
        return action


class TraceabilityTraceLine(models.TransientModel):
    _name = "traceability.trace.line"
    _description = "Traceability Trace Line"
    _order = "sequence, id"

    trace_id = fields.Many2one(
        comodel_name="traceability.trace", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    level = fields.Integer()
    label = fields.Char(string="Lot / Event")
    kind = fields.Selection(LINE_KINDS, required=True)
    lot_id = fields.Many2one(comodel_name="stock.lot", string="Lot/Serial Number")
    parent_lot_id = fields.Many2one(comodel_name="stock.lot", string="Linked From")
    repeated = fields.Boolean(help="Lot reached again through another path.")
    product_id = fields.Many2one(comodel_name="product.product")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    document = fields.Reference(
        selection=[
            ("stock.picking", "Transfer"),
            ("mrp.production", "Manufacturing Order"),
            ("mrp.unbuild", "Unbuild Order"),
        ]
    )
    order = fields.Reference(
        selection=[("sale.order", "Sales Order"), ("purchase.order", "Purchase Order")]
    )
    partner_id = fields.Many2one(comodel_name="res.partner")
    location_id = fields.Many2one(comodel_name="stock.location")
    package_id = fields.Many2one(comodel_name="stock.quant.package")
    date = fields.Datetime()
    quantity = fields.Float(digits="Product Unit of Measure")
    reserved_quantity = fields.Float(digits="Product Unit of Measure")

    def action_open_document(self):
        self.ensure_one()
        record = self.document or self.order or self.lot_id
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
