# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets

from psycopg2.extras import execute_values

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, sql
from odoo.tools.barcode import check_barcode_encoding

from ..tools import gs1
from .traceability_hold import QUARANTINE_REASONS

QUALITY_STATES = [
    ("quarantine", "Quarantine"),
    ("released", "Released"),
    ("blocked", "Blocked"),
]
MANAGER_GROUP = "quality_traceability.group_traceability_manager"


def new_trace_code():
    """A public, URL-safe trace code: 96 random bits, never derived from the lot."""
    return secrets.token_urlsafe(12)


class StockLot(models.Model):
    _inherit = "stock.lot"

    trace_code = fields.Char(
        copy=False,
        readonly=True,
        default=lambda self: new_trace_code(),
        help="Public code of this lot or serial number, printed on labels and looked "
        "up at /trace/<code>. Random, so codes cannot be guessed from each other.",
    )

    _sql_constraints = [
        ("trace_code_unique", "unique(trace_code)", "The trace code must be unique."),
    ]

    # Named from the product's lot/serial sequence when it has one.
    name = fields.Char(default=lambda self: self._default_traceability_name())
    gs1_gtin = fields.Char(
        string="GTIN",
        compute="_compute_gs1",
        help="GTIN-14 of the product, from its barcode when that is a valid "
        "EAN-8, UPC-A, EAN-13 or GTIN-14.",
    )
    gs1_element_string = fields.Char(
        string="GS1 Element String",
        compute="_compute_gs1",
        help="GTIN (01), expiration date (17) and lot (10) or serial number (21) "
        "as printed under GS1 barcodes.",
    )
    gs1_digital_link = fields.Char(
        string="GS1 Digital Link",
        compute="_compute_gs1",
        help="Web address of this lot or serial number on the company's GS1 "
        "resolver (Settings > Traceability), for QR codes.",
    )
    gs1_error = fields.Char(
        string="GS1 Problem",
        compute="_compute_gs1",
        help="Why no GS1 code can be made for this lot or serial number.",
    )
    traceability_production_ids = fields.One2many(
        comodel_name="mrp.production",
        inverse_name="lot_producing_id",
        string="Made By",
        readonly=True,
    )
    traceability_produced_date = fields.Datetime(
        string="Produced On",
        compute="_compute_traceability_produced_date",
        store=True,
        help="End of the last done manufacturing order that made this lot or "
        "serial number.",
    )
    traceability_event_ids = fields.One2many(
        comodel_name="traceability.lot.event",
        inverse_name="lot_id",
        string="Life Record",
        readonly=True,
        groups="quality_traceability.group_traceability_user",
    )

    @api.depends(
        "traceability_production_ids.state", "traceability_production_ids.date_finished"
    )
    def _compute_traceability_produced_date(self):
        for lot in self:
            dates = [
                production.date_finished
                for production in lot.traceability_production_ids
                if production.state == "done" and production.date_finished
            ]
            lot.traceability_produced_date = max(dates, default=False)

    # ------------------------------------------------------------------
    # Names from the product's (or its category's) sequence
    # ------------------------------------------------------------------
    def _default_traceability_name(self):
        product = self.env["product.product"].browse(
            self.env.context.get("default_product_id")
        )
        return self._traceability_sequence_name(product) or self.env[
            "ir.sequence"
        ].next_by_code("stock.lot.serial")

    @api.model
    def _traceability_sequence_name(self, product):
        """Next name of ``product``'s lot/serial sequence, or False without one."""
        sequence = product[:1].product_tmpl_id.traceability_effective_lot_sequence_id
        if not sequence:
            return False
        return sequence.sudo().next_by_id()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # The quality state follows the holds (a new lot has none); the
            # trace code is random. Explicit values: a client sets neither, in
            # its values nor as a context default.
            vals_list = [
                dict(
                    vals,
                    quality_state="released",
                    trace_code=new_trace_code(),
                    traceability_coa_published=False,
                )
                for vals in vals_list
            ]
        default_product_id = self.env.context.get("default_product_id")
        for vals in vals_list:
            if vals.get("name"):
                continue
            product = self.env["product.product"].browse(
                vals.get("product_id") or default_product_id
            )
            name = self._traceability_sequence_name(product)
            if name:
                vals["name"] = name
        return super().create(vals_list)

    @api.model
    def _get_next_serial(self, company, product):
        if product.tracking != "none":
            name = self._traceability_sequence_name(product)
            if name:
                return name
        return super()._get_next_serial(company, product)

    # ------------------------------------------------------------------
    # GS1
    # ------------------------------------------------------------------
    @api.depends(
        "name",
        "product_id.barcode",
        "product_id.tracking",
        "expiration_date",
        "company_id.traceability_resolver_url",
    )
    @api.depends_context("company")
    def _compute_gs1(self):
        for lot in self:
            values = {
                "gs1_gtin": lot._traceability_gtin(),
                "gs1_element_string": False,
                "gs1_digital_link": False,
                "gs1_error": False,
            }
            if lot.name and lot.product_id:
                values["gs1_error"] = lot._traceability_gs1_problem()
            if values["gs1_gtin"] and not values["gs1_error"] and lot.name:
                elements = lot._traceability_gs1_elements()
                values["gs1_element_string"] = gs1.element_string(elements)
                values["gs1_digital_link"] = lot._traceability_digital_link(elements)
            lot.update(values)

    def _traceability_gtin(self):
        """GTIN-14 of the lot's product barcode, or False when it is no GTIN."""
        self.ensure_one()
        return self._traceability_gtin_of(self.product_id.barcode)

    @api.model
    def _traceability_gtin_of(self, barcode):
        """GTIN-14 of a product barcode, or False when it is no GTIN."""
        barcode = (barcode or "").strip()
        if not barcode:
            return False
        valid = (
            check_barcode_encoding(barcode, "ean8")
            or check_barcode_encoding(barcode, "upca")
            or check_barcode_encoding(barcode, "ean13")
            # Odoo's EAN-13 check leaves the leading 0 of a UPC-A to "upca".
            or (len(barcode) == 13 and check_barcode_encoding(barcode[1:], "upca"))
            or (len(barcode) == 14 and gs1.is_valid_gtin(barcode))
        )
        return gs1.to_gtin14(barcode) if valid else False

    def _traceability_gs1_ai(self):
        """GS1 application identifier of the lot's name: (21) serial, (10) lot."""
        self.ensure_one()
        return "21" if self.product_id.tracking == "serial" else "10"

    def _traceability_gs1_problem(self):
        """Why no GS1 code can be made for this lot (a message), or False."""
        self.ensure_one()
        if self._traceability_gs1_ai() == "21":
            kind = self.env._("Serial number")
        else:
            kind = self.env._("Lot")
        barcode = self.product_id.barcode
        if not self._traceability_gtin():
            if not barcode:
                return self.env._(
                    "%(kind)s %(lot)s has no GS1 code: its product %(product)s has "
                    "no barcode (a GTIN is needed).",
                    kind=kind,
                    lot=self.name,
                    product=self.product_id.display_name,
                )
            return self.env._(
                "%(kind)s %(lot)s has no GS1 code: the barcode %(barcode)s of its "
                "product %(product)s is not a valid GTIN (EAN-8, UPC-A, EAN-13 or "
                "GTIN-14 with its check digit).",
                kind=kind,
                lot=self.name,
                barcode=barcode,
                product=self.product_id.display_name,
            )
        if len(self.name) > 20:
            return self.env._(
                "%(kind)s %(lot)s cannot be encoded in a GS1 code: it has %(length)s "
                "characters, GS1 allows at most 20.",
                kind=kind,
                lot=self.name,
                length=len(self.name),
            )
        invalid = [
            char for char in dict.fromkeys(self.name) if char not in gs1.CHARSET_82
        ]
        if invalid:
            return self.env._(
                "%(kind)s %(lot)s cannot be encoded in a GS1 code: it contains "
                "characters outside the GS1 character set 82 (%(characters)s). Use "
                "letters A-Z a-z, digits and !\"%%&'()*+,-./:;<=>?_ only.",
                kind=kind,
                lot=self.name,
                characters=" ".join(repr(char) for char in invalid),
            )
        return False

    def _traceability_gs1_elements(self):
        """GS1 elements of this lot: [(ai, value), ...] with the GTIN (01), the
        expiration date (17) when set, and the lot (10) or serial number (21).

        This is what labels encode.

        :raise UserError: with the reason, when no GS1 code can be made
        """
        self.ensure_one()
        problem = self._traceability_gs1_problem()
        if problem:
            raise UserError(problem)
        elements = [("01", self._traceability_gtin())]
        if self.expiration_date:
            elements.append(("17", self.expiration_date.date()))
        elements.append((self._traceability_gs1_ai(), self.name))
        try:
            # Normalised values: GTIN-14, the date as YYMMDD.
            return [(ai, gs1.validate(ai, value)) for ai, value in elements]
        except gs1.GS1Error as error:
            raise UserError(
                self.env._(
                    "No GS1 code for %(lot)s: %(error)s", lot=self.name, error=error
                )
            ) from error

    def _traceability_digital_link(self, elements=None):
        """GS1 Digital Link URI of this lot on its company's resolver (the current
        company's for lots without company), or False when none can be made."""
        self.ensure_one()
        values = dict(elements or self._traceability_gs1_elements())
        base = self.company_id._traceability_resolver_base()
        try:
            return gs1.digital_link(
                base,
                values["01"],
                lot=values.get("10"),
                serial=values.get("21"),
                expiry=values.get("17"),
            )
        except gs1.GS1Error:
            return False

    def _auto_init(self):
        # The column is made and filled before the ORM sees it: the ORM would give
        # every existing lot the same default value and the unique constraint
        # would then fail.
        cr = self.env.cr
        if sql.table_exists(cr, self._table) and not sql.column_exists(
            cr, self._table, "trace_code"
        ):
            sql.create_column(cr, self._table, "trace_code", "varchar")
        if sql.column_exists(cr, self._table, "trace_code"):
            self._traceability_fill_trace_codes()
        return super()._auto_init()

    def _traceability_fill_trace_codes(self):
        """Give a code of its own to every lot without one (or sharing one)."""
        self.env.cr.execute(
            """
            SELECT id FROM (
                SELECT id, trace_code,
                       row_number() OVER (PARTITION BY trace_code ORDER BY id) AS rank
                FROM stock_lot
            ) AS lot
            WHERE trace_code IS NULL OR rank > 1
            """
        )
        lot_ids = [row[0] for row in self.env.cr.fetchall()]
        if lot_ids:
            execute_values(
                self.env.cr._obj,
                "UPDATE stock_lot SET trace_code = v.code "
                "FROM (VALUES %s) AS v(id, code) WHERE stock_lot.id = v.id",
                [(lot_id, new_trace_code()) for lot_id in lot_ids],
                page_size=1000,
            )
            self.invalidate_model(["trace_code"])

    @api.model
    def _traceability_find_by_code(self, code):
        """The lot of a public trace code (one indexed query), or an empty recordset.

        Runs as superuser: callers decide what of the lot they show.
        """
        if not code or len(code) > 64:
            return self.browse()
        return self.sudo().search([("trace_code", "=", code)], limit=1)

    # ------------------------------------------------------------------
    # Public trace page (/trace/<code> and the GS1 Digital Link routes)
    # ------------------------------------------------------------------
    def init(self):
        result = super().init()
        # The GS1 Digital Link routes find lots by name equality. Odoo's own index
        # on the name is a trigram GIN index (when pg_trgm is installed): it serves
        # equality only by a bitmap scan with recheck, slow on names that share
        # most of their trigrams (LOT-0001, LOT-0002...). Without pg_trgm Odoo
        # makes it a btree, and nothing more is needed.
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["stock_lot__name_index"],
        )
        row = self.env.cr.fetchone()
        if not row or "USING btree" not in row[0]:
            self.env.cr.execute(
                "CREATE INDEX IF NOT EXISTS stock_lot_traceability_name_idx "
                "ON stock_lot USING btree (name)"
            )
        return result

    def _traceability_public_values(self):
        """What the public trace page shows of this lot or serial number.

        The page (``/trace/<code>``, ``/01/<gtin>/10/<lot>``,
        ``/01/<gtin>/21/<serial>``) is open to anyone who has the code: the values
        are read as superuser, so they must never include prices, partners,
        internal references, quantities, locations, the lot's internal quality
        state (quarantine, blocked) or the trace code.

        :return: a plain dict with ``product_name``, ``lot_name``, ``is_serial``,
            ``coa_published`` (its certificate of analysis may be shown),
            ``production_date`` (``date`` of ``traceability_produced_date``,
            the end of the last done manufacturing order that made the lot, else
            of the lot's creation: the day the lot form and the labels show),
            ``expiry_date`` (``date`` or None), ``product_image_url`` (a
            ``data:`` URI or None) and ``company_name``. Dates are UTC days, as on
            the GS1 labels.

        Hook: addons extend it with ``super()`` and may add ``recall``, ``{"label":
        str, "level": "success" | "info" | "warning" | "danger", "message": str}``
        (what consumers must know once they are told, never internal reasons);
        the page shows it as a badge when it is set.
        """
        from odoo.tools.image import image_data_uri

        self.ensure_one()
        lot = self.sudo()
        product = lot.product_id.with_context(display_default_code=False)
        # The production date of the lot form and the labels.
        produced = lot.traceability_produced_date or lot.create_date
        image = product.image_512
        company = lot.company_id or product.company_id or self.env.company
        values = {
            "product_name": product.display_name,
            "lot_name": lot.name,
            "is_serial": product.tracking == "serial",
            "production_date": produced.date() if produced else None,
            "expiry_date": lot.expiration_date.date() if lot.expiration_date else None,
            "product_image_url": image_data_uri(image) if image else None,
            "company_name": company.name,
            "coa_published": lot.traceability_coa_published,
        }
        return values

    # ------------------------------------------------------------------
    # Traced Products in the customer portal
    # ------------------------------------------------------------------
    @api.model
    def _traceability_portal_deliveries(self, limit=None, offset=0, count=False):
        """The lots delivered to the current user's commercial partner, latest
        delivery first: the count, or one page of dicts with ``product_name``,
        ``lot_name``, ``delivery_date`` (UTC day) and ``url`` (the public trace
        page).

        Done move lines into a customer location (from outside one), on
        transfers to the partner or one of its contacts. Read in SQL, without
        record rules (portal users read no stock records): the partner is the
        user's own, never one taken from the request, and what is returned is
        what the public page of each lot shows anyway.
        """
        # sudo: the user's own partner, which a portal user may not read.
        partner = self.env.user.sudo().partner_id.commercial_partner_id
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "date", "picking_id", "location_id", "location_dest_id"]
        )
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.flush_model(["name", "product_id", "trace_code"])
        delivered = SQL(
            """
            SELECT line.lot_id, MAX(line.date) AS delivery_date
              FROM stock_move_line AS line
              JOIN stock_picking AS picking ON picking.id = line.picking_id
              JOIN res_partner AS partner ON partner.id = picking.partner_id
              JOIN stock_location AS source ON source.id = line.location_id
              JOIN stock_location AS destination
                ON destination.id = line.location_dest_id
             WHERE partner.commercial_partner_id = %s
               AND line.state = 'done'
               AND line.lot_id IS NOT NULL
               AND destination.usage = 'customer'
               AND source.usage != 'customer'
             GROUP BY line.lot_id
            """,
            partner.id,
        )
        cr = self.env.cr
        if count:
            cr.execute(SQL("SELECT COUNT(*) FROM (%s) AS delivered", delivered))
            return cr.fetchone()[0]
        cr.execute(
            SQL(
                """
                SELECT lot.name, lot.trace_code, lot.product_id,
                       delivered.delivery_date
                  FROM (%s) AS delivered
                  JOIN stock_lot AS lot ON lot.id = delivered.lot_id
                 ORDER BY delivered.delivery_date DESC, lot.id DESC
                 LIMIT %s OFFSET %s
                """,
                delivered,
                limit,
                offset,
            )
        )
        rows = cr.fetchall()
        # sudo: product names, as on the public trace page.
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(display_default_code=False)
            .browse(list({row[2] for row in rows}))
        )
        names = {product.id: product.display_name for product in products}
        return [
            {
                "product_name": names[product_id],
                "lot_name": lot_name,
                "delivery_date": delivery_date.date(),
                "url": f"/trace/{trace_code}" if trace_code else None,
            }
            for lot_name, trace_code, product_id, delivery_date in rows
        ]

    # ------------------------------------------------------------------
    # Quality state: only released lots are reserved, delivered and consumed
    # (models/stock_quant.py, models/stock_move.py, models/stock_move_line.py).
    # ------------------------------------------------------------------
    quality_state = fields.Selection(
        selection=QUALITY_STATES,
        compute="_compute_quality_state",
        store=True,
        tracking=True,
        index=True,
        copy=False,
        help="Derived from the lot's open holds. Quarantine: waiting for the "
        "incoming inspection. Blocked: held by a failed check, a nonconformance, "
        "a recall or a manager. Quarantined and blocked lots cannot be reserved, "
        "delivered or consumed; they may go to a quarantine location, back to the "
        "vendor or to scrap.",
    )
    traceability_hold_ids = fields.One2many(
        comodel_name="traceability.hold",
        inverse_name="lot_id",
        string="Holds",
        readonly=True,
    )
    traceability_open_hold_count = fields.Integer(
        string="Open Holds", compute="_compute_traceability_open_hold_count"
    )
    traceability_check_ids = fields.One2many(
        comodel_name="traceability.check",
        inverse_name="lot_id",
        string="Checks",
    )
    traceability_check_count = fields.Integer(
        string="Checks Count", compute="_compute_traceability_check_count"
    )

    @api.depends("traceability_hold_ids.state", "traceability_hold_ids.reason")
    def _compute_quality_state(self):
        holds = (
            self.env["traceability.hold"]
            .sudo()
            ._read_group(
                [
                    ("lot_id", "in", self.ids),
                    ("state", "=", "open"),
                    # A hold of part of the lot holds that part only.
                    ("location_id", "=", False),
                ],
                ["lot_id", "reason"],
            )
        )
        reasons = {}
        for lot, reason in holds:
            reasons.setdefault(lot.id, set()).add(reason)
        for lot in self:
            open_reasons = reasons.get(lot.id, set())
            if not open_reasons:
                lot.quality_state = "released"
            elif open_reasons <= set(QUARANTINE_REASONS):
                lot.quality_state = "quarantine"
            else:
                lot.quality_state = "blocked"

    def _compute_traceability_open_hold_count(self):
        counts = dict(
            self.env["traceability.hold"]
            .sudo()
            ._read_group(
                [("lot_id", "in", self.ids), ("state", "=", "open")],
                ["lot_id"],
                ["__count"],
            )
        )
        for lot in self:
            lot.traceability_open_hold_count = counts.get(lot, 0)

    @api.depends("traceability_check_ids")
    def _compute_traceability_check_count(self):
        counts = dict(
            self.env["traceability.check"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.traceability_check_count = counts.get(lot, 0)

    # Fields only the system writes: the quality state comes from the holds, the
    # trace code is made at creation (a manager may regenerate it, logged).
    _TRACEABILITY_SYSTEM_FIELDS = (
        "quality_state",
        "trace_code",
        "traceability_coa_published",
        "traceability_coa_check_ids",
    )

    def write(self, vals):
        protected = [name for name in self._TRACEABILITY_SYSTEM_FIELDS if name in vals]
        if protected and not self.env.su:
            raise AccessError(
                _(
                    "The quality state of a lot follows its holds and its trace code "
                    "is fixed: %(fields)s cannot be written. Place or release a hold, "
                    "or regenerate the trace code (traceability manager).",
                    fields=", ".join(protected),
                )
            )
        return super().write(vals)

    def _traceability_set_move_line(self, move, location, quantity, picked=False):
        """Replace the lines of ``move`` by one line of this lot: ``quantity``
        from ``location`` (the nonconformance's return and rework, a partial
        rejection)."""
        self.ensure_one()
        vals = {"picked": True} if picked else {}
        move.write(
            {
                **vals,
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
                            "lot_id": self.id,
                            "quantity": quantity,
                            "picking_id": move.picking_id.id,
                        }
                    )
                ],
            }
        )

    def _traceability_transfer(
        self,
        picking_type,
        location,
        destination,
        quantity,
        origin,
        partner=None,
        picked=False,
    ):
        """A confirmed transfer of ``quantity`` of this lot from ``location`` to
        ``destination``, its one line set (validated by the caller)."""
        self.ensure_one()
        product = self.product_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id if partner else False,
                "location_id": location.id,
                "location_dest_id": destination.id,
                "origin": origin,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": self.product_uom_id.id,
                            "location_id": location.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._traceability_set_move_line(
            picking.move_ids, location, quantity, picked=picked
        )
        return picking

    def _traceability_hold(self, reason, source=None, note=None):
        """Place a hold of ``reason`` for ``source`` on these lots (system path)."""
        return self.env["traceability.hold"]._place(self, reason, source, note)

    def _traceability_release_holds(self, reason, source=None, note=None):
        """Release these lots' open holds of ``reason`` (and ``source``), with
        ``note`` as the reason of the release (system path)."""
        holds = self.env["traceability.hold"]._open_for(self, reason, source)
        return holds._release(note)

    def _traceability_is_released(self):
        self.ensure_one()
        return self.quality_state == "released"

    def action_traceability_place_hold(self):
        """Open the wizard that places a manual hold, with its reason."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Place Hold"),
            "res_model": "traceability.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_ids": self.ids, "default_mode": "place"},
        }

    def action_traceability_release(self):
        """Open the wizard that releases the lots' open holds (managers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a traceability manager may release a hold."))
        holds = self.env["traceability.hold"]._open_for(self)
        if not holds:
            raise UserError(_("These lots have no open hold."))
        return holds.action_open_release_wizard()

    def action_view_traceability_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.traceability_hold_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action

    def action_traceability_regenerate_trace_code(self):
        """A new public trace code (managers): the old one stops working."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a traceability manager may regenerate a trace code.")
            )
        self.check_access("write")
        for lot in self:
            # sudo: the trace code is written only here, after the check above.
            lot.sudo().trace_code = new_trace_code()
            lot.sudo().message_post(
                body=_("Trace code regenerated by %(user)s.", user=self.env.user.name)
            )
        return True

    # ------------------------------------------------------------------
    # Certificate of analysis: the final inspection's results of the lot
    # ------------------------------------------------------------------
    traceability_coa_published = fields.Boolean(
        string="Certificate Published",
        readonly=True,
        copy=False,
        help="The certificate of analysis is reachable from the lot's public page "
        "and its GS1 Digital Link (link type gs1:certificationInfo). Published and "
        "withdrawn by a traceability manager.",
    )

    traceability_coa_check_ids = fields.Many2many(
        comodel_name="traceability.check",
        relation="stock_lot_traceability_coa_check_rel",
        string="Published Checks",
        readonly=True,
        copy=False,
        help="The checks the published certificate reports: later checks appear "
        "once a manager publishes it again.",
    )

    def _traceability_coa_checks(self):
        """What the certificate of analysis of this lot reports: once published,
        the checks a manager published (less those voided since); before, the
        recorded (not voided) final-inspection checks, oldest first."""
        self.ensure_one()
        Check = self.env["traceability.check"].sudo()
        if self.traceability_coa_published:
            return Check.browse(self.sudo().traceability_coa_check_ids.ids).filtered(
                lambda check: check.state == "done"
            )
        return self._traceability_final_checks()

    def _traceability_final_checks(self):
        """The recorded (not voided) final-inspection checks of this lot, oldest
        first."""
        self.ensure_one()
        return (
            self.env["traceability.check"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", self.id),
                    ("stage", "=", "final"),
                    ("state", "=", "done"),
                ],
                order="date, id",
            )
        )

    def _traceability_coa_values(self):
        """What the certificate of analysis prints, in English and Chinese:
        ``{"checks": [{"check", "rows": [{"name_en", "name_zh", "unit",
        "limits", "value", "result"}]}], "result"}``."""
        self.ensure_one()
        checks = self._traceability_coa_checks()
        names = {}
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for lang in ("en_US", "zh_CN"):
            specs = checks.value_ids.spec_id.with_context(
                lang=lang if lang in installed else "en_US"
            )
            names[lang] = {spec.id: spec.name for spec in specs}
        return {
            "checks": [
                {
                    "check": check,
                    "rows": [
                        {
                            "name_en": names["en_US"][value.spec_id.id],
                            "name_zh": names["zh_CN"][value.spec_id.id],
                            "unit": value.unit or "",
                            "limits": value.limits_display or "",
                            "value": value.value_display or "",
                            "result": value.result,
                        }
                        for value in check.value_ids
                    ],
                }
                for check in checks
            ],
            "result": "fail" if "fail" in checks.mapped("result") else "pass",
        }

    def action_traceability_publish_coa(self):
        """Publish the certificate of analysis (managers): anyone with the lot's
        code then reads it."""
        return self._traceability_set_coa_published(True)

    def action_traceability_withdraw_coa(self):
        """Withdraw the published certificate of analysis (managers)."""
        return self._traceability_set_coa_published(False)

    def _traceability_set_coa_published(self, published):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a traceability manager may publish a certificate of analysis.")
            )
        self.check_access("write")
        for lot in self:
            # The final inspection as it stands: what the certificate reports
            # from now on.
            checks = lot._traceability_final_checks()
            if published and not checks:
                raise UserError(
                    _(
                        "%(lot)s has no final inspection: there is no certificate "
                        "of analysis to publish.",
                        lot=lot.display_name,
                    )
                )
            if not checks.company_id <= self.env.companies:
                raise AccessError(
                    _(
                        "The final inspection of %(lot)s belongs to another company.",
                        lot=lot.display_name,
                    )
                )
            # sudo: the flag and the checks it reports are written only here,
            # after the checks above.
            lot.sudo().write(
                {
                    "traceability_coa_published": published,
                    "traceability_coa_check_ids": [
                        Command.set(checks.ids if published else [])
                    ],
                }
            )
            lot.sudo().message_post(
                body=_(
                    "Certificate of analysis published by %(user)s.",
                    user=self.env.user.name,
                )
                if published
                else _(
                    "Certificate of analysis withdrawn by %(user)s.",
                    user=self.env.user.name,
                )
            )
        return True

    def action_view_traceability_checks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.traceability_check_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_lot_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Lots on Hold: why, since when, by whom and where a lot is held
    # ------------------------------------------------------------------
    traceability_hold_reasons = fields.Char(
        string="Hold Reasons", compute="_compute_traceability_hold_info"
    )
    traceability_hold_since = fields.Datetime(
        string="On Hold Since",
        compute="_compute_traceability_hold_info",
        help="When the oldest open hold of the lot was placed.",
    )
    traceability_hold_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Held By",
        compute="_compute_traceability_hold_info",
        help="Who placed the open holds of the lot.",
    )
    traceability_location_ids = fields.Many2many(
        comodel_name="stock.location",
        string="Locations",
        compute="_compute_traceability_location_ids",
        help="The internal locations that hold stock of the lot.",
    )

    @api.depends("traceability_hold_ids.state")
    @api.depends_context("lang")
    def _compute_traceability_hold_info(self):
        holds = (
            self.env["traceability.hold"]
            ._open_for(self._origin)
            .sorted(lambda hold: (hold.date_placed, hold.id))
        )
        labels = dict(holds._fields["reason"]._description_selection(self.env))
        for lot in self:
            lot_holds = holds.filtered(lambda hold, lot=lot._origin: hold.lot_id == lot)
            lot.traceability_hold_reasons = ", ".join(
                dict.fromkeys(labels[reason] for reason in lot_holds.mapped("reason"))
            )
            lot.traceability_hold_since = lot_holds[:1].date_placed
            lot.traceability_hold_user_ids = lot_holds.placed_by_id.ids

    def _traceability_internal_quants(self):
        """The quants of these lots with stock in internal locations."""
        return self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.ids),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ]
        )

    def _compute_traceability_location_ids(self):
        quants = self._origin._traceability_internal_quants()
        for lot in self:
            lot.traceability_location_ids = quants.filtered(
                lambda quant, lot=lot._origin: quant.lot_id == lot
            ).location_id

    # ------------------------------------------------------------------
    # Lookup by GS1 key: GTIN with a lot or serial number
    # ------------------------------------------------------------------
    @api.model
    def _traceability_gtin_barcodes(self, gtin14):
        """The product barcodes a GTIN-14 stands for: itself and its GTIN-13,
        GTIN-12 (UPC-A) and GTIN-8 forms, those without the leading zeros."""
        return sorted(
            {gtin14} | {gtin14[cut:] for cut in (1, 2, 6) if gtin14[:cut] == "0" * cut}
        )

    @api.model
    def _traceability_find_by_gs1(self, gtin, lot_name=None, serial=None):
        """The lot named by a GTIN (01) and a lot (10) or a serial number (21),
        or an empty recordset. The serial number wins over the lot when both
        are given.

        The GTIN is any of its lengths (8, 12, 13 or 14 digits) with a valid
        check digit. The product is found by its barcode (the GTIN in any of
        its lengths, archived products included) and must be tracked by lot for
        a lot, by serial number for a serial number.

        Lot names are guessable and unique only per company: the lot must
        belong to the company that owns the GTIN, the company (and its
        branches) of the first product (lowest id) that took the GTIN as
        barcode. A product of another company given the same barcode later, and
        its lots, are never reached. A GTIN first taken by a product shared
        between companies names no owner: its lot is found only when the lots
        of that name all belong to one company; when several companies have
        one, the answer is empty rather than one of them.

        Products and lots are read with the rights of this environment: a
        scanner or a device finds only the lots its user may read (the owner is
        then the first product that user may read). The public Digital Link
        page calls it as superuser by design: anyone may look up a lot whose
        GTIN and name they know, and the page shows only the lot's public
        values (:meth:`_traceability_public_values`).
        """
        tracking, name = ("serial", serial) if serial is not None else ("lot", lot_name)
        if not isinstance(gtin, str) or not isinstance(name, str) or not name:
            return self.browse()
        try:
            gtin14 = gs1.validate("01", gtin)
        except gs1.GS1Error:
            return self.browse()
        products = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [("barcode", "in", self._traceability_gtin_barcodes(gtin14))],
                order="id",
            )
        )
        tracked = products.filtered(lambda product: product.tracking == tracking)
        if not tracked:
            return self.browse()
        domain = [("name", "=", name), ("product_id", "in", tracked.ids)]
        owner = products[0].company_id
        if owner:
            domain.append(("company_id", "child_of", owner.id))
        found = self.search(domain, order="id")
        if not owner and len({lot.company_id.id for lot in found}) > 1:
            return self.browse()
        return found[:1]

    # ------------------------------------------------------------------
    # GS1 Digital Link resolver: the links of a lot
    # ------------------------------------------------------------------
    def _traceability_digital_link_links(self, anchor):
        """The links the GS1 Digital Link resolver lists for this lot, whose
        Digital Link (absolute, percent-encoded, without query) is ``anchor``.

        :return: a list of dicts ``{"link_type": "gs1:<term>", "href": str,
            "title": str, "type": media type}``, the default link first. Here:
            the public page (``gs1:traceability``, also ``gs1:pip``: it shows the
            product) and the published certificate of analysis
            (``gs1:certificationInfo``).

        Hook: addons extend it with ``super()`` and add the links they publish
        (``recall_management`` adds ``gs1:recallStatus``). Links are public:
        only what the public page may show. Titles are read in the language of
        the environment.
        """
        self.ensure_one()
        lot = self.sudo()
        product = lot.product_id.with_context(display_default_code=False)
        page = {"href": anchor, "type": "text/html"}
        links = [
            dict(
                page,
                link_type="gs1:traceability",
                title=self.env._(
                    "Traceability of %(product)s %(lot)s",
                    product=product.display_name,
                    lot=lot.name,
                ),
            ),
            dict(page, link_type="gs1:pip", title=product.display_name),
        ]
        if lot.traceability_coa_published:
            links.append(
                {
                    "link_type": "gs1:certificationInfo",
                    "href": f"{anchor}?linkType=gs1:certificationInfo",
                    "title": self.env._("Certificate of analysis"),
                    "type": "application/pdf",
                }
            )
        return links

    @api.model
    def _traceability_find_product_by_gtin(self, gtin):
        """The product a GTIN (any of its lengths) names for the Digital Link
        resolver, or an empty recordset: the first product (lowest id) that
        took the GTIN as barcode, as for :meth:`_traceability_find_by_gs1`, when
        it is tracked by lot or serial number (the products whose lots have a
        public page). Read with the rights of this environment."""
        try:
            gtin14 = gs1.validate("01", gtin)
        except gs1.GS1Error:
            return self.env["product.product"]
        product = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [("barcode", "in", self._traceability_gtin_barcodes(gtin14))],
                order="id",
                limit=1,
            )
        )
        return product.filtered(lambda product: product.tracking in ("lot", "serial"))

    @api.model
    def _traceability_digital_link_sscc_links(self, sscc, anchor):
        """The links the GS1 Digital Link resolver lists for the logistic unit
        of ``sscc`` (18 digits, check digit valid), whose Digital Link is
        ``anchor``, in the form of :meth:`_traceability_digital_link_links`; an
        empty list for an unknown SSCC, which the resolver answers with 404.

        The box or pallet of that SSCC lists the public links of the lots that
        were on it when it last left for a customer (its content now when it
        never did): each lot's public page, its published certificate and its
        recall status, on the resolver of ``anchor``. A lot without GTIN or
        Digital Link is left out; an SSCC with no such lot is answered as
        unknown. Nothing more of the package (customers, quantities, places)
        is shown: what its label and the lots' labels already show.
        """
        package = self.env["stock.quant.package"].search(
            [("traceability_sscc", "=", sscc)], limit=1
        )
        if not package:
            return []
        content = package._traceability_shipped_content()
        lots = self.browse(
            sorted({lot.id for (_product, lot) in content["totals"] if lot})
        )
        base = anchor.rsplit("/00/", 1)[0]
        public_types = {
            "gs1:traceability",
            "gs1:certificationInfo",
            "gs1:recallStatus",
        }
        links = []
        for lot in lots:
            if lot._traceability_gs1_problem():
                continue
            elements = dict(lot._traceability_gs1_elements())
            try:
                lot_anchor = gs1.digital_link(
                    base,
                    elements["01"],
                    lot=elements.get("10"),
                    serial=elements.get("21"),
                )
            except gs1.GS1Error:
                continue
            links += [
                link
                for link in lot._traceability_digital_link_links(lot_anchor)
                if link["link_type"] in public_types
            ]
        return links
