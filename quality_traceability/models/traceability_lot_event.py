# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

EVENT_TYPES = [
    ("receipt", "Receipt"),
    ("production", "Production"),
    ("consumption", "Consumption"),
    ("internal", "Internal Transfer"),
    ("packing", "Packing"),
    ("delivery", "Delivery"),
    ("customer_return", "Customer Return"),
    ("vendor_return", "Vendor Return"),
    ("scrap", "Scrap"),
    ("inventory", "Inventory Adjustment"),
    ("unbuild", "Unbuild"),
    ("quality_check", "Quality Check"),
    ("quality_void", "Quality Check Voided"),
    ("hold", "Hold Placed"),
    ("hold_release", "Hold Released"),
]

# Ids of the rows: the move lines keep theirs (so that reading events by id uses
# the primary key of stock_move_line); the rows of other parts are negative:
# ``-(<id of the source row> * ID_SLOTS + <slot of the part>)``, slot 1 to 15.
ID_SLOTS = 16


class TraceabilityLotEvent(models.Model):
    """The life record of lots and serial numbers: one row per event of a lot
    (receipt, production, consumption, transfers, packing, delivery, returns,
    scrap, inventory adjustment, unbuild), read from Odoo's own documents.

    A read-only SQL view, built by :meth:`init` as the ``UNION ALL`` of the
    SELECT statements that :meth:`_event_queries` returns. To add events of
    other documents (quality checks, recalls...), an addon overrides
    :meth:`_event_queries` and appends its own part::

        def _event_queries(self):
            return super()._event_queries() + [SQL("SELECT ... FROM my_table")]

    adds the fields its part reads to ``_depends`` (so that they are flushed
    before the view is queried) and, when it adds a value to ``event_type``,
    extends the selection with ``selection_add``. Every part must:

    * select every stored column of this model (see :meth:`_event_columns`),
      named as the fields; their order does not matter;
    * cast its NULLs (``NULL::integer``, ``NULL::varchar``...), as PostgreSQL
      cannot guess their type across the parts;
    * give ids unique over all parts: the stock move lines use their own ids;
      every other part gives negative ids ``-(<id of its source row> * 16 +
      <slot>)`` (``ID_SLOTS``), with a slot of its own between 1 and 15.

    The addon that adds a field to this model adds its column to every part,
    overriding :meth:`_event_queries` to rebuild them.
    """

    _name = "traceability.lot.event"
    _description = "Lot Life Record Event"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"
    # Fields the view reads: the ORM flushes them before querying it.
    _depends = {
        "stock.move.line": [
            "company_id",
            "date",
            "location_dest_id",
            "location_id",
            "lot_id",
            "move_id",
            "package_id",
            "picking_id",
            "product_id",
            "product_uom_id",
            "quantity",
            "result_package_id",
            "state",
            "write_uid",
            "consume_line_ids",
            "produce_line_ids",
        ],
        "stock.move": [
            "consume_unbuild_id",
            "is_inventory",
            "origin",
            "production_id",
            "purchase_line_id",
            "raw_material_production_id",
            "reference",
            "sale_line_id",
            "scrap_id",
            "unbuild_id",
        ],
        "stock.lot": ["name"],
        "stock.location": ["scrap_location", "usage"],
        "stock.picking": ["name", "partner_id", "user_id"],
        "stock.scrap": ["name"],
        "stock.quant.package": ["name"],
        "mrp.production": ["lot_producing_id", "name", "origin", "user_id"],
        "mrp.unbuild": ["name"],
        "mrp.workorder": ["production_id", "workcenter_id"],
        "mrp.workcenter": ["name"],
        "purchase.order.line": ["order_id"],
        "purchase.order": ["name", "partner_id"],
        "sale.order.line": ["order_id"],
        "sale.order": ["name", "partner_id"],
        "traceability.check": [
            "company_id",
            "control_point_id",
            "date",
            "lot_id",
            "name",
            "operator_id",
            "picking_id",
            "product_id",
            "production_id",
            "result",
            "state",
            "void_date",
            "void_reason",
            "void_user_id",
            "workcenter_id",
        ],
        "traceability.control.point": ["name"],
        "traceability.hold": [
            "company_id",
            "date_placed",
            "date_released",
            "lot_id",
            "note",
            "placed_by_id",
            "product_id",
            "release_reason",
            "released_by_id",
            "source_name",
            "state",
        ],
    }

    lot_id = fields.Many2one(
        comodel_name="stock.lot", string="Lot/Serial Number", readonly=True
    )
    product_id = fields.Many2one(
        comodel_name="product.product", string="Product", readonly=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", string="Company", readonly=True
    )
    date = fields.Datetime(readonly=True)
    event_type = fields.Selection(selection=EVENT_TYPES, string="Event", readonly=True)
    reference = fields.Char(readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True
    )
    move_line_id = fields.Many2one(
        comodel_name="stock.move.line", string="Move Line", readonly=True
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Transfer", readonly=True
    )
    production_id = fields.Many2one(
        comodel_name="mrp.production", string="Manufacturing Order", readonly=True
    )
    purchase_order_id = fields.Many2one(
        comodel_name="purchase.order", string="Purchase Order", readonly=True
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order", string="Sales Order", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Partner", readonly=True
    )
    location_id = fields.Many2one(
        comodel_name="stock.location", string="From", readonly=True
    )
    location_dest_id = fields.Many2one(
        comodel_name="stock.location", string="To", readonly=True
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one(
        comodel_name="uom.uom", string="Unit of Measure", readonly=True
    )
    user_id = fields.Many2one(comodel_name="res.users", string="User", readonly=True)
    package_id = fields.Many2one(
        comodel_name="stock.quant.package", string="Package", readonly=True
    )
    workcenter_names = fields.Char(string="Work Centers", readonly=True)
    related_lot_names = fields.Char(
        string="Related Lots",
        readonly=True,
        help="Production: the lots consumed. Consumption: the lots produced. "
        "Unbuild: the lots taken apart or recovered.",
    )
    vendor_lot = fields.Char(
        readonly=True, help="The vendor's lot number, as received."
    )
    note = fields.Char(string="Details", readonly=True)

    @api.model
    def _event_columns(self):
        """Names of the columns every part of the view selects."""
        return [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type
        ]

    @api.model
    def _event_queries(self):
        """The SELECT statements (``SQL``) whose ``UNION ALL`` is the view.

        Override to add events; see the class docstring for the rules.
        """
        return [
            self._event_query_move_lines(),
            self._event_query_checks(),
            self._event_query_holds(),
        ]

    @api.model
    def _event_query_holds(self):
        """One event per hold placed on a lot (slot 3) and one more when it was
        released (slot 4), with who and why."""
        return SQL(
            """
            SELECT
                -(hold.id * %(slots)s + part.slot) AS id,
                hold.lot_id,
                hold.product_id,
                hold.company_id,
                CASE WHEN part.slot = 3 THEN hold.date_placed ELSE hold.date_released
                END AS date,
                CASE WHEN part.slot = 3 THEN 'hold' ELSE 'hold_release' END
                    ::varchar AS event_type,
                hold.source_name::varchar AS reference,
                'traceability.hold'::varchar AS res_model,
                hold.id AS res_id,
                NULL::integer AS move_line_id,
                NULL::integer AS picking_id,
                NULL::integer AS production_id,
                NULL::integer AS purchase_order_id,
                NULL::integer AS sale_order_id,
                NULL::integer AS partner_id,
                NULL::integer AS location_id,
                NULL::integer AS location_dest_id,
                NULL::numeric AS quantity,
                NULL::integer AS uom_id,
                CASE WHEN part.slot = 3 THEN hold.placed_by_id
                    ELSE hold.released_by_id END AS user_id,
                NULL::integer AS package_id,
                NULL::varchar AS workcenter_names,
                NULL::varchar AS related_lot_names,
                NULL::varchar AS vendor_lot,
                CASE WHEN part.slot = 3 THEN hold.note ELSE hold.release_reason END
                    ::varchar AS note
            FROM traceability_hold hold
            JOIN (VALUES (3), (4)) AS part (slot)
                ON part.slot = 3 OR hold.state = 'released'
            """,
            slots=ID_SLOTS,
        )

    @api.model
    def _event_query_checks(self):
        """One event per key control point check of a lot (slot 1) and one
        more when a manager voided it (slot 2): the original stays."""
        return SQL(
            """
            SELECT
                -(chk.id * %(slots)s + part.slot) AS id,
                chk.lot_id,
                chk.product_id,
                chk.company_id,
                CASE WHEN part.slot = 1 THEN chk.date ELSE chk.void_date END
                    AS date,
                CASE WHEN part.slot = 1 THEN 'quality_check' ELSE 'quality_void' END
                    ::varchar AS event_type,
                chk.name::varchar AS reference,
                'traceability.check'::varchar AS res_model,
                chk.id AS res_id,
                NULL::integer AS move_line_id,
                chk.picking_id,
                chk.production_id,
                NULL::integer AS purchase_order_id,
                NULL::integer AS sale_order_id,
                NULL::integer AS partner_id,
                NULL::integer AS location_id,
                NULL::integer AS location_dest_id,
                NULL::numeric AS quantity,
                NULL::integer AS uom_id,
                CASE WHEN part.slot = 1 THEN chk.operator_id ELSE chk.void_user_id END
                    AS user_id,
                NULL::integer AS package_id,
                wc.name::varchar AS workcenter_names,
                NULL::varchar AS related_lot_names,
                NULL::varchar AS vendor_lot,
                CASE
                    WHEN part.slot = 1 THEN
                        COALESCE(point.name->>'en_US', '') || ': '
                        || CASE WHEN chk.result = 'fail' THEN 'Fail' ELSE 'Pass' END
                        || COALESCE(' (gauge ' || gauges.codes || ')', '')
                    ELSE chk.void_reason
                END::varchar AS note
            FROM traceability_check chk
            JOIN traceability_control_point point ON point.id = chk.control_point_id
            LEFT JOIN mrp_workcenter wc ON wc.id = chk.workcenter_id
            LEFT JOIN LATERAL (
                SELECT string_agg(DISTINCT gauge.code, ', ') AS codes
                FROM traceability_check_value val
                JOIN traceability_gauge gauge ON gauge.id = val.gauge_id
                WHERE val.check_id = chk.id
            ) gauges ON TRUE
            JOIN (VALUES (1), (2)) AS part (slot)
                ON part.slot = 1 OR chk.state = 'void'
            WHERE chk.lot_id IS NOT NULL
            """,
            slots=ID_SLOTS,
        )

    @api.model
    def _event_query_move_lines(self):
        """One event per done move line of a lot: its kind from the move's
        document (scrap, unbuild, manufacturing order, inventory) or else from
        the locations (vendor, customer, internal; packing when it puts the lot
        in a package)."""
        return SQL(
            """
            SELECT
                sml.id,
                sml.lot_id,
                sml.product_id,
                sml.company_id,
                sml.date,
                kind.event_type,
                doc.reference,
                CASE
                    WHEN scrap.id IS NOT NULL THEN 'stock.scrap'
                    WHEN unbuild.id IS NOT NULL THEN 'mrp.unbuild'
                    WHEN mo.id IS NOT NULL THEN 'mrp.production'
                    WHEN picking.id IS NOT NULL THEN 'stock.picking'
                    ELSE 'stock.move'
                END::varchar AS res_model,
                COALESCE(scrap.id, unbuild.id, mo.id, picking.id, sm.id) AS res_id,
                sml.id AS move_line_id,
                picking.id AS picking_id,
                mo.id AS production_id,
                pol.order_id AS purchase_order_id,
                sol.order_id AS sale_order_id,
                COALESCE(picking.partner_id, po.partner_id, so.partner_id)
                    AS partner_id,
                sml.location_id,
                sml.location_dest_id,
                sml.quantity,
                sml.product_uom_id AS uom_id,
                CASE
                    WHEN kind.event_type = 'production'
                        THEN COALESCE(mo.user_id, sml.write_uid)
                    ELSE COALESCE(sml.write_uid, picking.user_id)
                END AS user_id,
                COALESCE(sml.result_package_id, sml.package_id) AS package_id,
                workcenters.names::varchar AS workcenter_names,
                COALESCE(
                    related.names,
                    unbuilt.names,
                    CASE WHEN kind.event_type = 'consumption' THEN produced.name END
                )::varchar AS related_lot_names,
                CASE
                    WHEN kind.event_type = 'receipt' THEN lot.name
                END::varchar AS vendor_lot,
                NULLIF(CASE
                    WHEN kind.event_type = 'packing' THEN package.name
                    WHEN kind.event_type IN ('receipt', 'vendor_return')
                        THEN COALESCE(po.name, sm.origin)
                    WHEN kind.event_type IN ('delivery', 'customer_return')
                        THEN COALESCE(so.name, sm.origin)
                    WHEN mo.id IS NOT NULL THEN mo.origin
                    ELSE sm.origin
                END, doc.reference)::varchar AS note
            FROM stock_move_line sml
            JOIN stock_move sm ON sm.id = sml.move_id
            JOIN stock_lot lot ON lot.id = sml.lot_id
            JOIN stock_location src ON src.id = sml.location_id
            JOIN stock_location dest ON dest.id = sml.location_dest_id
            LEFT JOIN stock_picking picking ON picking.id = sml.picking_id
            LEFT JOIN stock_scrap scrap ON scrap.id = sm.scrap_id
            LEFT JOIN mrp_unbuild unbuild
                ON unbuild.id = COALESCE(sm.unbuild_id, sm.consume_unbuild_id)
            LEFT JOIN mrp_production mo
                ON mo.id = COALESCE(sm.production_id, sm.raw_material_production_id)
            LEFT JOIN stock_lot produced ON produced.id = mo.lot_producing_id
            LEFT JOIN purchase_order_line pol ON pol.id = sm.purchase_line_id
            LEFT JOIN purchase_order po ON po.id = pol.order_id
            LEFT JOIN sale_order_line sol ON sol.id = sm.sale_line_id
            LEFT JOIN sale_order so ON so.id = sol.order_id
            LEFT JOIN stock_quant_package package
                ON package.id = sml.result_package_id
            CROSS JOIN LATERAL (
                SELECT COALESCE(scrap.name, unbuild.name, mo.name, picking.name,
                                sm.reference)::varchar AS reference
            ) AS doc
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN sm.scrap_id IS NOT NULL OR dest.scrap_location
                        THEN 'scrap'
                    WHEN unbuild.id IS NOT NULL THEN 'unbuild'
                    WHEN sm.production_id IS NOT NULL THEN 'production'
                    WHEN sm.raw_material_production_id IS NOT NULL
                        THEN 'consumption'
                    WHEN sm.is_inventory THEN 'inventory'
                    WHEN src.usage = 'supplier' THEN 'receipt'
                    WHEN dest.usage = 'supplier' THEN 'vendor_return'
                    WHEN dest.usage = 'customer' THEN 'delivery'
                    WHEN src.usage = 'customer' THEN 'customer_return'
                    WHEN src.usage = 'production' THEN 'production'
                    WHEN dest.usage = 'production' THEN 'consumption'
                    WHEN src.usage = 'inventory' OR dest.usage = 'inventory'
                        THEN 'inventory'
                    WHEN sml.result_package_id IS NOT NULL
                        AND sml.result_package_id IS DISTINCT FROM sml.package_id
                        THEN 'packing'
                    ELSE 'internal'
                END::varchar AS event_type
            ) AS kind
            LEFT JOIN LATERAL (
                SELECT string_agg(DISTINCT wc.name, ', ' ORDER BY wc.name) AS names
                FROM mrp_workorder wo
                JOIN mrp_workcenter wc ON wc.id = wo.workcenter_id
                WHERE wo.production_id = mo.id
            ) AS workcenters ON TRUE
            -- In stock_move_line_consume_rel, (consume_line_id, produce_line_id)
            -- reads "the first line was made from the second one".
            LEFT JOIN LATERAL (
                SELECT string_agg(DISTINCT other.name, ', ' ORDER BY other.name)
                    AS names
                FROM (
                    SELECT rel.produce_line_id AS line_id
                    FROM stock_move_line_consume_rel rel
                    WHERE rel.consume_line_id = sml.id
                    UNION ALL
                    SELECT rel.consume_line_id AS line_id
                    FROM stock_move_line_consume_rel rel
                    WHERE rel.produce_line_id = sml.id
                ) AS linked
                JOIN stock_move_line other_line ON other_line.id = linked.line_id
                JOIN stock_lot other ON other.id = other_line.lot_id
            ) AS related ON TRUE
            -- Odoo does not link an unbuild's lines: the lots on the other side
            -- of the same unbuild (taken apart into / recovered from).
            LEFT JOIN LATERAL (
                SELECT string_agg(DISTINCT other.name, ', ' ORDER BY other.name)
                    AS names
                FROM stock_move other_move
                JOIN stock_move_line other_line
                    ON other_line.move_id = other_move.id
                    AND other_line.state = 'done'
                JOIN stock_location other_src ON other_src.id = other_line.location_id
                JOIN stock_lot other ON other.id = other_line.lot_id
                WHERE unbuild.id IS NOT NULL
                    AND other_move.unbuild_id = unbuild.id
                    AND (other_src.usage = 'production') = (dest.usage = 'production')
            ) AS unbuilt ON TRUE
            WHERE sml.state = 'done' AND sml.lot_id IS NOT NULL
            """
        )

    def init(self):
        # The moves of an unbuild are indexed by models/stock_move.py.
        tools.drop_view_if_exists(self.env.cr, self._table)
        columns = SQL(", ").join(
            SQL.identifier(column) for column in self._event_columns()
        )
        parts = SQL(" UNION ALL ").join(
            SQL("SELECT %s FROM (%s) AS event_part", columns, query)
            for query in self._event_queries()
        )
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), parts)
        )

    def action_open_document(self):
        """Open the document of this event (transfer, manufacturing order...)."""
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return self.env[self.res_model].browse(self.res_id).get_formview_action()
