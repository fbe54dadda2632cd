# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..tools.trace_graph import BACKWARD, FORWARD, tree_rows

TRACEABLE_MODELS = [
    ("stock.lot", "Lot/Serial Number"),
    ("mrp.production", "Manufacturing Order"),
    ("stock.picking", "Transfer"),
    ("sale.order", "Sales Order"),
    ("purchase.order", "Purchase Order"),
    ("res.partner", "Partner"),
    ("stock.quant.package", "Box or Pallet"),
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
    ("supplier_declared", "Supplier-Declared Input"),
    ("imported_link", "Made From (imported)"),
    ("imported_delivery", "Delivered (imported)"),
]

#: Kind of a trace line of a fact known only from the imported history
#: (traceability.history.*), by the kind of the engine's fact.
IMPORTED_KINDS = {"edge": "imported_link", "delivery": "imported_delivery"}

#: Kinds that say where a lot is now rather than something that happened to it:
#: listed after its events.
STATE_KINDS = ("stock", "reserved", "wip")

#: Order of a lot's events that share a date: what brings the lot in first.
EVENT_ORDER = (
    "receipt",
    "return",
    "made",
    "consumed",
    "scrap",
    "vendor_return",
    "delivery",
    "imported_link",
    "imported_delivery",
    "stock",
    "reserved",
    "wip",
)

#: Locations named on a trace line: where the lot is in the company's hands
#: (partners' and virtual locations are told by the partner and the document).
SHOWN_LOCATION_USAGES = ("internal", "transit")


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
    customer_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="traceability_trace_customer_rel",
        column1="trace_id",
        column2="partner_id",
        string="Customers",
        readonly=True,
    )
    delivery_ids = fields.Many2many(
        comodel_name="stock.picking",
        relation="traceability_trace_delivery_rel",
        column1="trace_id",
        column2="picking_id",
        string="Deliveries",
        readonly=True,
    )
    vendor_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="traceability_trace_vendor_rel",
        column1="trace_id",
        column2="partner_id",
        string="Vendors",
        readonly=True,
    )
    diagram_data = fields.Json(
        string="Diagram",
        readonly=True,
        help="Columns of boxes drawn by the trace diagram: vendors, the lots by "
        "level, customers.",
    )

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
        if records._name == "stock.quant.package":
            # A box or a pallet is known by its SSCC, printed on its label.
            names = [
                f"{package.display_name} ({package.traceability_sscc})"
                if package.traceability_sscc
                else package.display_name
                for package in records[:5]
            ]
        else:
            names = records[:5].mapped("display_name")
        trace = self.create(
            {
                "res_model": records._name,
                "res_ids": json.dumps(records.ids),
                "name": ", ".join(names) + ("…" if len(records) > 5 else ""),
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
        records = self.env[self.res_model].browse(json.loads(self.res_ids)).exists()
        records.check_access("read")
        return records

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
        # The links of the imported history, told on the lot made.
        for edge in result.edges:
            if edge.get("imported"):
                facts[edge["dst"]].append(("imported_link", edge))
        declared = (
            self.env["traceability.supplier.genealogy"]._supplier_declared_inputs(
                lot_records
            )
            if self.direction == BACKWARD
            else {}
        )
        location_ids = {
            fact["location_id"]
            for lot_facts in facts.values()
            for _kind, fact in lot_facts
            if fact.get("location_id")
        }
        locations = self.env["stock.location"].browse(location_ids)
        shown_location_ids = set(
            locations.filtered(
                lambda location: location.usage in SHOWN_LOCATION_USAGES
            ).ids
        )
        kinds = dict(
            self.env["traceability.trace.line"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
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
            for kind, fact in sorted(facts.get(lot_id, ()), key=self._event_key):
                sequence += 1
                if fact.get("imported"):
                    vals = self._prepare_imported_line(
                        lot, level + 1, kinds, kind, fact, sequence, by_id
                    )
                else:
                    vals = self._prepare_fact_line(
                        lot, level + 1, kinds[kind], kind, fact, sequence
                    )
                if vals["location_id"] not in shown_location_ids:
                    vals["location_id"] = False
                vals_list.append(vals)
            for depth, row in declared.get(lot_id, ()):
                sequence += 1
                vals_list.append(
                    self._prepare_supplier_declared_line(
                        lot, level + 1 + depth, row, sequence
                    )
                )
        self.line_ids = [Command.clear()] + [Command.create(vals) for vals in vals_list]
        customer_ids = result.customer_ids
        vendor_ids = result.vendor_ids
        delivery_ids = result.delivery_picking_ids
        self.write(
            {
                "lot_count": len(result.lots),
                "delivery_count": len(delivery_ids),
                "customer_count": len(customer_ids),
                "vendor_count": len(vendor_ids),
                "customer_ids": [Command.set(sorted(customer_ids))],
                "delivery_ids": [Command.set(sorted(delivery_ids))],
                "vendor_ids": [Command.set(sorted(vendor_ids))],
                "diagram_data": self._prepare_diagram(result, by_id),
            }
        )

    @staticmethod
    def _event_key(kind_fact):
        """A lot's events in the order they happened (at the same date, what
        brings the lot in first), then where the lot is now."""
        kind, fact = kind_fact
        order = EVENT_ORDER.index(kind) if kind in EVENT_ORDER else len(EVENT_ORDER)
        if kind in STATE_KINDS:
            return (True, False, datetime.min, order)
        date = fact.get("date")
        return (False, date is None, date or datetime.min, order)

    def _prepare_lot_line(self, lot, level, parent, repeated, sequence):
        label = f"{lot.name} \u00b7 {lot.product_id.display_name}"
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

    def _prepare_fact_line(self, lot, level, label, kind, fact, sequence):
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
        shown_quantity = formatLang(self.env, quantity, dp="Product Unit of Measure")
        return {
            "sequence": sequence,
            "level": level,
            "label": "\u2003" * level + label,
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
            "quantity_display": f"{shown_quantity} {lot.product_id.uom_id.name}",
            "reserved_quantity": fact.get("reserved_quantity") or 0.0,
        }

    def _prepare_imported_line(self, lot, level, kinds, kind, fact, sequence, lots):
        """A line of a fact known only from the imported history: a link (on
        the lot made, naming the lot it was made from) or a shipment to a
        customer, marked imported, opening its history record."""
        kind = IMPORTED_KINDS.get(kind, kind)
        if kind == "imported_link":
            parent = lots.get(fact["src"])
            label = self.env._(
                "Made from %(lot)s (imported)",
                lot=parent.name if parent else fact["src"],
            )
            document = f"traceability.history.link,{fact['history_id']}"
            quantity = fact.get("quantity") or 0.0
        else:
            label = kinds[kind]
            document = f"traceability.history.shipment,{fact['history_id']}"
            quantity = -(fact.get("quantity") or 0.0)
        shown_quantity = formatLang(self.env, quantity, dp="Product Unit of Measure")
        return {
            "sequence": sequence,
            "level": level,
            "label": "\u2003" * level + label,
            "kind": kind,
            "imported": True,
            "reference": fact.get("reference") or False,
            "lot_id": lot.id,
            "product_id": lot.product_id.id,
            "document": document,
            "partner_id": fact.get("commercial_partner_id") or fact.get("partner_id"),
            "location_id": False,
            "date": fact.get("date"),
            "quantity": quantity,
            "quantity_display": f"{shown_quantity} {lot.product_id.uom_id.name}",
        }

    def _prepare_supplier_declared_line(self, lot, level, row, sequence):
        """A line of an input the vendor declared for ``lot`` (or for a
        declared input above it): a ``traceability.supplier.genealogy`` row,
        labelled "supplier-declared"."""
        product = row.input_product_id
        item = " \u00b7 ".join(
            part
            for part in (
                row.input_lot_name or row.input_serial or "",
                product.display_name if product else f"GTIN {row.input_gtin}",
            )
            if part
        )
        quantity = row.input_quantity or 0.0
        unit = row.input_uom_code or (product.uom_id.name if product else "")
        shown_quantity = formatLang(self.env, quantity, dp="Product Unit of Measure")
        return {
            "sequence": sequence,
            "level": level,
            "label": "\u2003" * level
            + self.env._("%(item)s (supplier-declared)", item=item),
            "kind": "supplier_declared",
            "lot_id": lot.id,
            "product_id": product.id,
            "partner_id": row.partner_id.id,
            "date": row.epcis_event_id.event_time,
            "quantity": quantity,
            "quantity_display": f"{shown_quantity} {unit}".strip(),
            "supplier_genealogy_id": row.id,
        }

    def _prepare_diagram(self, result, lots):
        """Columns of the diagram: vendors, the lots by level (each naming what it
        was linked from), customers; backward traces run from customers to vendors.
        Each box opens its record."""
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
        by_level = {}
        for lot_id, values in result.lots.items():
            by_level.setdefault(values["level"], []).append(lots[lot_id])
        columns = []
        for level in sorted(by_level):
            nodes = []
            for lot in sorted(by_level[level], key=lambda lot: lot.name or ""):
                nodes.append(
                    {
                        "model": "stock.lot",
                        "id": lot.id,
                        "name": lot.name,
                        "detail": lot.product_id.display_name,
                        "from": sorted(
                            lots[p].name for p in parents.get(lot.id, ()) if p in lots
                        ),
                    }
                )
            columns.append(
                {
                    "kind": "lots",
                    "title": self.env._("Level %s", level),
                    "nodes": nodes,
                }
            )
        vendors = self._diagram_partner_column(
            result, "receipt", self.env._("Vendors"), "action_open_vendors"
        )
        customers = self._diagram_partner_column(
            result, "delivery", self.env._("Customers"), "action_open_customers"
        )
        if self.direction == FORWARD:
            columns = vendors + columns + customers
        else:
            columns = customers + columns + vendors
        # A box names the boxes it is linked to in the column before; partners
        # drawn first name the lots of the column after.
        for index, column in enumerate(columns):
            column["arrow"] = "→" if index == 0 and column["kind"] != "lots" else "←"
        return {"columns": columns}

    def _diagram_partner_column(self, result, kind, title, method):
        """The partners of the facts of ``kind``, each with the lots it is linked
        to; past :data:`DIAGRAM_MAX_LOTS` partners, one box opening their list."""
        lots_by_partner = {}
        # Partners known from Odoo's own records: the others are known only
        # from the imported history, and marked so.
        recorded = set()
        for fact in result.facts[kind]:
            partner_id = fact.get("commercial_partner_id") or fact.get("partner_id")
            if partner_id and fact["lot_id"] in result.lots:
                lots_by_partner.setdefault(partner_id, set()).add(
                    result.lots[fact["lot_id"]]["name"]
                )
                if not fact.get("imported"):
                    recorded.add(partner_id)
        if not lots_by_partner:
            return []
        if len(lots_by_partner) > DIAGRAM_MAX_LOTS:
            nodes = [
                {
                    "method": method,
                    "name": title,
                    "detail": str(len(lots_by_partner)),
                    "from": [],
                }
            ]
        else:
            partners = self.env["res.partner"].browse(list(lots_by_partner))
            nodes = [
                {
                    "model": "res.partner",
                    "id": partner.id,
                    "name": partner.display_name,
                    "detail": "" if partner.id in recorded else self.env._("imported"),
                    "from": sorted(lots_by_partner[partner.id]),
                }
                for partner in partners.sorted("display_name")
            ]
        return [{"kind": kind, "title": title, "nodes": nodes}]

    # ------------------------------------------------------------------
    # Exports
    # ------------------------------------------------------------------
    def _export_filename(self):
        name = "".join(
            c if c.isalnum() or c in "-_" else "_" for c in self.name or "trace"
        )
        return f"trace-{self.direction}-{name[:40]}"

    def action_export_csv(self):
        self.ensure_one()
        return self.env["traceability.report.trace"]._report_download(
            self, self._export_filename(), "csv"
        )

    def action_export_xlsx(self):
        self.ensure_one()
        return self.env["traceability.report.trace"]._report_download(
            self, self._export_filename(), "xlsx", sheet=self.env._("Trace")
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

    def action_open_deliveries(self):
        """The trace's deliveries to customers in the standard transfer list."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["name"] = self.env._("Deliveries")
        action["domain"] = [("id", "in", self.delivery_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_open_customers(self):
        self.ensure_one()
        return self._action_open_partners(self.customer_ids, self.env._("Customers"))

    def action_open_vendors(self):
        self.ensure_one()
        return self._action_open_partners(self.vendor_ids, self.env._("Vendors"))

    def _action_open_partners(self, partners, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", partners.ids)],
            "context": {"create": False},
        }


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
            ("traceability.history.link", "Imported Link"),
            ("traceability.history.shipment", "Imported Shipment"),
        ]
    )
    imported = fields.Boolean(
        help="Known only from the history imported from before go-live, not "
        "from a movement recorded in Odoo."
    )
    reference = fields.Char(help="The document of the imported history.")
    order = fields.Reference(
        selection=[("sale.order", "Sales Order"), ("purchase.order", "Purchase Order")]
    )
    partner_id = fields.Many2one(comodel_name="res.partner")
    location_id = fields.Many2one(comodel_name="stock.location")
    package_id = fields.Many2one(comodel_name="stock.quant.package")
    date = fields.Datetime()
    quantity = fields.Float(string="Signed Quantity", digits="Product Unit of Measure")
    quantity_display = fields.Char(
        string="Quantity",
        help="The event's quantity in the product's unit; empty on the lots' rows.",
    )
    reserved_quantity = fields.Float(digits="Product Unit of Measure")
    supplier_genealogy_id = fields.Many2one(
        comodel_name="traceability.supplier.genealogy",
        string="Supplier-Declared Link",
        help="An input of the vendor's lot as the vendor declared it (EPCIS), "
        "not a movement recorded in Odoo.",
    )

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
