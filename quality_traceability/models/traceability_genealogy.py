# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.sql_ids import int_array_literal
from ..tools.trace_graph import (
    BACKWARD,
    FACT_KINDS,
    FORWARD,
    TRACE_PARTS,
    TraceResult,
    compute_levels,
)

# In stock_move_line_consume_rel a row (consume_line_id=OUT, produce_line_id=IN)
# says that move line OUT was made from move line IN: a manufacturing order's
# finished line from its component lines.
_STEP_COLUMNS = {
    FORWARD: ("produce_line_id", "consume_line_id"),
    BACKWARD: ("consume_line_id", "produce_line_id"),
}

# An unbuild order moves the unbuilt lot into the production location and the
# recovered components out of it, all in moves with its unbuild_id; Odoo does not
# link their lines, so the engine links them through the unbuild order.
_UNBUILD_LOCATIONS = {
    FORWARD: ("location_dest_id", "location_id"),
    BACKWARD: ("location_id", "location_dest_id"),
}

_LOTS = """
closure(lot_id) AS (SELECT unnest(%(lot_ids)s::int[]))"""

_CLOSURE = """
closure(lot_id) AS (
    SELECT root.id
      FROM stock_lot root
     WHERE root.id = ANY(%(roots)s)
       AND (root.company_id IS NULL OR root.company_id = ANY(%(companies)s))
    UNION
    SELECT nxt.lot_id
      FROM closure
      JOIN stock_move_line cur
        ON cur.lot_id = closure.lot_id AND cur.state = 'done'
      %(step)s
      JOIN stock_move_line nxt ON nxt.id = step.next_id
     WHERE nxt.state = 'done'
       AND nxt.lot_id IS NOT NULL
       AND cur.company_id = ANY(%(companies)s)
       AND nxt.company_id = ANY(%(companies)s)
)"""

# One step of the walk: the manufacturing links of a line...
_STEP = """
      JOIN (SELECT %(cur_column)s AS cur_id, %(next_column)s AS next_id
              FROM stock_move_line_consume_rel) step ON step.cur_id = cur.id"""

# ... and, when the database has unbuild orders, their links too.
_STEP_WITH_UNBUILDS = """
      JOIN LATERAL (
          SELECT rel.%(next_column)s AS next_id
            FROM stock_move_line_consume_rel rel
           WHERE rel.%(cur_column)s = cur.id
          UNION ALL
          SELECT unbuild_steps.next_id
            FROM unbuild_steps
           WHERE unbuild_steps.cur_id = cur.id
      ) step ON TRUE"""

# Unbuild orders are few: their line pairs are listed once, before the walk.
_UNBUILD_STEPS = """
unbuild_steps(cur_id, next_id) AS MATERIALIZED (
    SELECT cur_line.id, next_line.id
      FROM stock_move cur_move
      JOIN stock_location cur_via
        ON cur_via.id = cur_move.%(cur_location)s AND cur_via.usage = 'production'
      JOIN stock_move next_move
        ON next_move.unbuild_id = cur_move.unbuild_id
       AND next_move.%(next_location)s = cur_move.%(cur_location)s
      JOIN stock_move_line cur_line ON cur_line.move_id = cur_move.id
      JOIN stock_move_line next_line ON next_line.move_id = next_move.id
     WHERE cur_move.unbuild_id IS NOT NULL
       AND cur_move.state = 'done' AND next_move.state = 'done'
)"""

# Every move line of the lots of the closure, with the kind of fact it is.
_LINES = """
lines AS MATERIALIZED (
    SELECT ml.id, ml.lot_id, ml.state, ml.date, ml.picking_id, ml.result_package_id,
           ml.quantity_product_uom AS quantity,
           dst.usage AS dst_usage,
           COALESCE(m.production_id, m.raw_material_production_id) AS production_id,
           m.unbuild_id,
           COALESCE(picking.partner_id, m.partner_id) AS partner_id,
           COALESCE(
               picking.sale_id,
               (SELECT sol.order_id FROM sale_order_line sol
                 WHERE sol.id = m.sale_line_id),
               (SELECT pol.order_id FROM purchase_order_line pol
                 WHERE pol.id = m.purchase_line_id)
           ) AS order_id,
           CASE WHEN ml.state = 'done' THEN ml.location_dest_id
                ELSE ml.location_id END AS location_id,
           CASE
               WHEN ml.state != 'done' AND m.raw_material_production_id IS NOT NULL
                   THEN CASE WHEN (SELECT wip_mo.state FROM mrp_production wip_mo
                                    WHERE wip_mo.id = m.raw_material_production_id)
                                  NOT IN ('done', 'cancel')
                             THEN 'wip' END
               WHEN ml.state != 'done'
                   THEN CASE WHEN ml.picking_id IS NOT NULL AND ml.quantity > 0
                             THEN 'reserved' END
               WHEN m.raw_material_production_id IS NOT NULL
                    OR dst.usage = 'production' AND m.unbuild_id IS NOT NULL
                   THEN 'consumed'
               WHEN m.scrapped THEN 'scrap'
               WHEN m.production_id IS NOT NULL OR m.unbuild_id IS NOT NULL
                   THEN 'made'
               ELSE %(border_kind)s
           END AS kind
      FROM closure
      JOIN stock_move_line ml ON ml.lot_id = closure.lot_id
      JOIN stock_move m ON m.id = ml.move_id
      JOIN stock_location dst ON dst.id = ml.location_dest_id
      LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
     WHERE ml.state != 'cancel' AND ml.company_id = ANY(%(companies)s)
)"""

# When only receipts, deliveries and returns are asked: the done lines of the
# closure that cross the company's border, found by the ids of the partners'
# locations (constants), without reading their moves or locations.
# %(border_kind)s and %(crossing)s are built by _border_crossing.
_SELECT_BORDER_FACTS = """
SELECT %(border_kind)s, ml.lot_id, NULL::int, NULL::int, NULL::int, ml.picking_id,
       picking.partner_id, partner.commercial_partner_id,
       COALESCE(
           picking.sale_id,
           (SELECT pol.order_id
              FROM stock_move m
              JOIN purchase_order_line pol ON pol.id = m.purchase_line_id
             WHERE m.id = ml.move_id)
       ),
       ml.location_dest_id, ml.result_package_id, ml.date,
       ml.quantity_product_uom::float8, NULL::float8
  FROM closure
  JOIN stock_move_line ml ON ml.lot_id = closure.lot_id
  LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
  LEFT JOIN res_partner partner ON partner.id = picking.partner_id
 WHERE ml.state = 'done' AND ml.company_id = ANY(%(companies)s)
   AND (%(crossing)s)"""

#: Usages of the locations that stand for partners: a done line from or to one of
#: them crosses the company's border.
PARTNER_USAGES = ("supplier", "customer")

# A border kind: the line's column on the partner's side, the partner's usage.
# The other side must not be a partner's location (goods passing from a vendor
# straight to a customer are neither received nor delivered). Both the border
# facts asked alone and the full trace's lines (_LINES) take their kind from
# here, through _border_crossing.
_BORDER_KINDS = {
    "receipt": ("location_id", "supplier"),
    "vendor_return": ("location_dest_id", "supplier"),
    "return": ("location_id", "customer"),
    "delivery": ("location_dest_id", "customer"),
}

# The links between lots of the closure: manufacturing orders and unbuild orders.
_LINKS = """
links AS (
    SELECT DISTINCT i.id AS in_id, i.lot_id AS src, o.lot_id AS dst, i.quantity,
           o.date, i.production_id, NULL::int AS unbuild_id
      FROM lines i
      JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = i.id
      JOIN lines o ON o.id = rel.consume_line_id
     WHERE i.state = 'done' AND o.state = 'done'
    UNION
    SELECT DISTINCT i.id, i.lot_id, o.lot_id, i.quantity, o.date, NULL::int,
           i.unbuild_id
      FROM lines i
      JOIN unbuild_steps step ON step.cur_id = i.id
      JOIN lines o ON o.id = step.next_id
     WHERE i.dst_usage = 'production'
)"""

# Fact rows: the columns of trace_graph.FACT_KEYS, the kind first. Quantities are
# read as float8: Odoo's own floats, without converting decimals one by one.
_SELECT_EDGES = """
SELECT 'edge', src, dst, production_id, unbuild_id, NULL::int, NULL::int,
       NULL::int, NULL::int, NULL::int, NULL::int, MAX(date),
       SUM(quantity)::float8, NULL::float8
  FROM links
 GROUP BY src, dst, production_id, unbuild_id"""

_SELECT_LINE_FACTS = """
SELECT mv.kind, mv.lot_id, NULL, mv.production_id, mv.unbuild_id, mv.picking_id,
       mv.partner_id, partner.commercial_partner_id, mv.order_id, mv.location_id,
       mv.result_package_id, mv.date, mv.quantity::float8, NULL::float8
  FROM lines mv
  LEFT JOIN res_partner partner ON partner.id = mv.partner_id
 WHERE mv.kind = ANY(%(kinds)s)"""

_SELECT_STOCK = """
SELECT 'stock', quant.lot_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       quant.location_id, quant.package_id, NULL, quant.quantity::float8,
       quant.reserved_quantity::float8
  FROM closure
  JOIN stock_quant quant ON quant.lot_id = closure.lot_id
  JOIN stock_location loc ON loc.id = quant.location_id
 WHERE loc.usage = 'internal'
   AND quant.company_id = ANY(%(companies)s)
   AND (quant.quantity != 0 OR quant.reserved_quantity != 0)"""


class TraceabilityGenealogy(models.AbstractModel):
    """The genealogy engine: upstream and downstream trace of lots and serials.

    Works on Odoo's own records (move lines, their manufacturing links, quants):
    one recursive SQL statement walks to the lots reached, one more reads what is
    asked about them. Every trace in the product (the trace screens, recalls,
    labels, the portal) goes through :meth:`trace`.
    """

    _name = "traceability.genealogy"
    _description = "Traceability Genealogy Engine"

    @api.model
    @api.private
    def trace(self, lots, direction=FORWARD, parts=None):
        """Trace ``lots`` (``stock.lot`` records or ids) in ``direction``.

        Forward: every lot made from them at any level, and where each is now
        (stock per location, reserved, in open manufacturing orders, delivered per
        customer, returned). Backward: every lot they were made from, down to the
        receipts from vendors. Only the allowed companies' records are followed.

        :param parts: what to return besides the lots: ``"edges"`` (the links
            between lots, which also give each lot its level) and kinds of
            :data:`FACT_KINDS`; default everything. A caller that only needs the
            customer deliveries asks for ``("delivery",)``.
        :rtype: TraceResult
        """
        if direction not in _STEP_COLUMNS:
            raise UserError(self.env._("Unknown trace direction %s.", direction))
        parts = set(TRACE_PARTS if parts is None else parts)
        unknown = parts - set(TRACE_PARTS)
        if unknown:
            raise UserError(self.env._("Unknown trace parts: %s.", ", ".join(unknown)))
        root_ids = tuple(sorted(set(lots.ids if hasattr(lots, "ids") else lots)))
        result = TraceResult(direction=direction, root_ids=root_ids)
        if not root_ids:
            return result
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(self._closure_query(root_ids, direction))
        result.lots = lots_found = {
            lot_id: {
                "name": name,
                "product_id": product_id,
                "company_id": company_id,
                "level": 0,
            }
            for lot_id, name, product_id, company_id in cr.fetchall()
        }
        if not lots_found or not parts:
            return result
        cr.execute(self._facts_query(list(lots_found), parts))
        edges = result.edges
        rows_by_kind = defaultdict(list)
        for row in cr.fetchall():
            if row[0] == "edge":
                edges.append(
                    {
                        "src": row[1],
                        "dst": row[2],
                        "production_id": row[3],
                        "unbuild_id": row[4],
                        "date": row[11],
                        "quantity": row[12],
                    }
                )
            else:
                rows_by_kind[row[0]].append(row)
        for kind, rows in rows_by_kind.items():
            result.facts.add_rows(kind, rows)
        if edges:
            levels = compute_levels(root_ids, edges, direction)
            for lot_id, lot in lots_found.items():
                lot["level"] = levels.get(lot_id, 0)
        return result

    @api.model
    def _closure_query(self, root_ids, direction):
        """The lots reached from the roots, with their name, product and company:
        one recursive statement (``UNION``: a lot is visited once, so diamonds
        and cycles end), index lookups only."""
        cur_column, next_column = _STEP_COLUMNS[direction]
        cur_location, next_location = _UNBUILD_LOCATIONS[direction]
        if self._unbuild_moves_exist():
            ctes, step = _UNBUILD_STEPS + "," + _CLOSURE, _STEP_WITH_UNBUILDS
        else:
            ctes, step = _CLOSURE, _STEP
        columns = {
            "cur_column": SQL.identifier(cur_column),
            "next_column": SQL.identifier(next_column),
        }
        return SQL(
            "WITH RECURSIVE"
            + ctes
            + """
            SELECT lot.id, lot.name, lot.product_id, lot.company_id
              FROM closure JOIN stock_lot lot ON lot.id = closure.lot_id""",
            step=SQL(step, **columns),
            roots=list(root_ids),
            companies=list(self.env.companies.ids),
            cur_column=SQL.identifier(cur_column),
            next_column=SQL.identifier(next_column),
            cur_location=SQL.identifier(cur_location),
            next_location=SQL.identifier(next_location),
        )

    @api.model
    @tools.ormcache()
    def _unbuild_moves_exist(self):
        """Whether the database has moves of unbuild orders: without any, the
        walk leaves their step out. Cached until moves are given to an unbuild
        order (see ``stock.move`` and :meth:`_cached_answers_changed`)."""
        self.env["stock.move"].flush_model(["unbuild_id"])
        self.env.cr.execute(
            "SELECT 1 FROM stock_move WHERE unbuild_id IS NOT NULL LIMIT 1"
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _cached_answers_changed(self):
        """Moves were given to an unbuild order, or a partner's location was
        added or changed usage: clear the cached answers (``_unbuild_moves_exist``,
        ``_border_crossing``) now, which other workers follow at their next
        request, and again once the change is committed, so that a trace run
        meanwhile in another thread, which could not see it yet, does not keep
        its answer."""
        registry = self.env.registry
        registry.clear_cache()
        postcommit = self.env.cr.postcommit
        if not postcommit.data.get("quality_traceability.clear_cache"):
            postcommit.data["quality_traceability.clear_cache"] = True
            postcommit.add(registry.clear_cache)

    @api.model
    def _facts_query(self, lot_ids, parts):
        """The asked parts about the lots of a closure, in one statement.

        The lots come as a constant array, so that the planner knows how many
        there are: index lookups for a few lots, hash joins for thousands.
        """
        line_kinds = [kind for kind in FACT_KINDS if kind in parts and kind != "stock"]
        border_only = "edges" not in parts and set(line_kinds) <= set(_BORDER_KINDS)
        ctes = [_LOTS]
        selects = []
        if border_only:
            if line_kinds:
                selects.append(_SELECT_BORDER_FACTS)
        else:
            ctes.append(_LINES)
            if "edges" in parts:
                ctes += [_UNBUILD_STEPS, _LINKS]
                selects.append(_SELECT_EDGES)
            if line_kinds:
                selects.append(_SELECT_LINE_FACTS)
        if "stock" in parts:
            selects.append(_SELECT_STOCK)
        # Links are listed from the consumed line, whatever the direction.
        cur_location, next_location = _UNBUILD_LOCATIONS[FORWARD]
        query = "WITH" + ",".join(ctes) + "\n" + "\nUNION ALL".join(selects)
        # The full trace's lines may be of any border kind, then filtered.
        border_kind, crossing = self._border_crossing(
            tuple(line_kinds) if border_only else tuple(_BORDER_KINDS)
        )
        return SQL(
            query,
            lot_ids=int_array_literal(lot_ids),
            companies=list(self.env.companies.ids),
            kinds=line_kinds,
            border_kind=border_kind,
            crossing=crossing,
            cur_location=SQL.identifier(cur_location),
            next_location=SQL.identifier(next_location),
        )

    @api.model
    @tools.ormcache("kinds")
    def _border_crossing(self, kinds):
        """``(kind, crossing)``: the SQL expression of the border kind of a done
        move line ``ml`` among ``kinds`` (a tuple of ``_BORDER_KINDS``), and the
        condition that it is one of them. The partners' locations are constants,
        so that the planner sees how many lines cross. Cached until a location
        of a partner's usage is added or changes usage (see ``stock.location``
        and :meth:`_cached_answers_changed`); a deleted location's id is never
        used again, so it does no harm until then."""
        if not kinds:
            return SQL("NULL"), SQL("FALSE")
        locations = self._border_locations()
        border = int_array_literal(locations["supplier"] + locations["customer"])
        whens, conditions = [], []
        for kind in kinds:
            column, usage = _BORDER_KINDS[kind]
            other = (
                "location_id" if column == "location_dest_id" else "location_dest_id"
            )
            condition = SQL(
                "(%s = ANY(%s::int[]) AND NOT %s = ANY(%s::int[]))",
                SQL.identifier("ml", column),
                int_array_literal(locations[usage]),
                SQL.identifier("ml", other),
                border,
            )
            whens.append(SQL("WHEN %s THEN %s", condition, kind))
            conditions.append(condition)
        return (
            SQL("CASE %s END", SQL(" ").join(whens)),
            SQL(" OR ").join(conditions),
        )

    @api.model
    def _border_locations(self):
        """Usage of :data:`PARTNER_USAGES` -> ids of the locations of that usage,
        archived ones included."""
        self.env["stock.location"].flush_model(["usage"])
        self.env.cr.execute(
            """SELECT usage, array_agg(id ORDER BY id) FROM stock_location
                WHERE usage = ANY(%s) GROUP BY usage""",
            [list(PARTNER_USAGES)],
        )
        locations = dict.fromkeys(PARTNER_USAGES, ())
        locations.update((usage, tuple(ids)) for usage, ids in self.env.cr.fetchall())
        return locations

    # ------------------------------------------------------------------
    # Start points
    # ------------------------------------------------------------------
    @api.model
    def _start_lots(self, records):
        """The lots a trace of ``records`` starts from.

        Lots themselves; the finished lots of manufacturing orders (their consumed
        lots while nothing is finished); the lots moved by transfers; the lots
        delivered on sales orders and received on purchase orders; the lots a
        partner received (customer) or delivered (vendor).
        """
        model = records._name
        if model == "stock.lot":
            return records
        if model == "mrp.production":
            finished = records.lot_producing_id | (
                records.move_finished_ids.move_line_ids.lot_id
            )
            return finished or records.move_raw_ids.move_line_ids.lot_id
        if model == "stock.picking":
            return records.move_line_ids.lot_id
        if model in ("sale.order", "purchase.order"):
            lines = records.picking_ids.move_line_ids
            return lines.filtered(lambda line: line.state == "done").lot_id
        if model == "res.partner":
            lines = self.env["stock.move.line"].search(
                [
                    ("state", "=", "done"),
                    ("lot_id", "!=", False),
                    (
                        "picking_id.partner_id",
                        "child_of",
                        records.commercial_partner_id.ids,
                    ),
                    "|",
                    ("location_id.usage", "=", "supplier"),
                    ("location_dest_id.usage", "=", "customer"),
                ]
            )
            return lines.lot_id
        raise UserError(self.env._("Records of %s cannot be traced.", model))

    @api.model
    def _default_direction(self, records):
        """Forward from what comes in (vendor lots, receipts, purchase orders, raw
        lots); backward from what goes out (sales, deliveries, finished goods)."""
        model = records._name
        if model in ("sale.order", "mrp.production"):
            return BACKWARD
        if model == "stock.picking":
            outgoing = all(
                code == "outgoing" for code in records.mapped("picking_type_code")
            )
            return BACKWARD if outgoing else FORWARD
        if model == "res.partner":
            return BACKWARD if any(records.mapped("customer_rank")) else FORWARD
        return FORWARD

    @api.model
    def _vendor_lots(self, vendor_lot, vendor=None):
        """Lots received from vendors under the vendor's lot number ``vendor_lot``
        (the lot name, or its internal reference when it differs)."""
        domain = [
            ("state", "=", "done"),
            ("location_id.usage", "=", "supplier"),
            "|",
            ("lot_id.name", "=", vendor_lot),
            ("lot_id.ref", "=", vendor_lot),
        ]
        if vendor:
            domain.append(
                ("picking_id.partner_id", "child_of", vendor.commercial_partner_id.ids)
            )
        return self.env["stock.move.line"].search(domain).lot_id
