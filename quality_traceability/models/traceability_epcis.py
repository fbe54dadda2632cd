# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import datetime
import json
import zoneinfo
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, misc
from odoo.tools.misc import consteq

from ..tools import epcis, epcis_query
from ..tools.sql_ids import int_array_literal
from ..tools.trace_graph import BACKWARD, FORWARD, TraceResult

USER_GROUP = "quality_traceability.group_traceability_user"

# UN/ECE Recommendation 20 codes of Odoo's units (uom data): EPCIS quantities
# that are not a count of units carry one. The unit "Units" has none: its
# quantities are counts of instances. A unit not listed here is
# exported without code.
UOM_CODES = {
    "uom.product_uom_dozen": "DZN",
    "uom.product_uom_day": "DAY",
    "uom.product_uom_hour": "HUR",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_millimeter": "MMT",
    "uom.product_uom_km": "KMT",
    "uom.product_uom_cm": "CMT",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_ton": "TNE",
    "uom.product_uom_lb": "LBR",
    "uom.product_uom_oz": "ONZ",
    "uom.product_uom_inch": "INH",
    "uom.product_uom_foot": "FOT",
    "uom.product_uom_gal": "GLL",
}

# Kind of fact of a trace -> (bizStep, disposition, our side is the source).
BORDER_EVENTS = {
    "receipt": ("receiving", "active", False),
    "delivery": ("shipping", "in_transit", True),
    "return": ("receiving", "returned", False),
    "vendor_return": ("shipping", "returned", True),
}

# Reason of a hold -> disposition of its lot while the hold is open.
HOLD_DISPOSITIONS = {"recall": "recalled"}


def _restricted(result, lot_ids):
    """``result`` limited to the lots of ``lot_ids``: their facts, and the
    edges that consume or make one of them."""
    restricted = TraceResult(
        direction=result.direction,
        root_ids=result.root_ids,
        lots={lot_id: lot for lot_id, lot in result.lots.items() if lot_id in lot_ids},
        edges=[
            edge
            for edge in result.edges
            if edge["src"] in lot_ids or edge["dst"] in lot_ids
        ],
    )
    for kind in result.facts:
        restricted.facts[kind] = [
            fact for fact in result.facts[kind] if fact["lot_id"] in lot_ids
        ]
    return restricted


def _array_domain(domain):
    """``domain`` with each ``(field, "in", [ids...])`` written
    ``(field, "=", ANY(<array>))`` (in ``any`` sub-domains too): the ids sent
    as one array parameter instead of one parameter each, which psycopg2
    quotes one by one and PostgreSQL parses one by one; the same rows, the
    same plan (PostgreSQL reads ``IN (list)`` as ``= ANY``). The export of the
    generated forward trace (setup/bench.sh epcis) took 6% less: 211 ms
    instead of 224 ms, median of 20 runs in turns on a loaded machine."""
    written = []
    for leaf in domain:
        if isinstance(leaf, list | tuple) and len(leaf) == 3:
            fname, operator, value = leaf
            if (
                operator == "in"
                and isinstance(value, list)
                and value
                and all(type(item) is int for item in value)
            ):
                leaf = (fname, "=", SQL("ANY(%s::int[])", int_array_literal(value)))
            elif operator == "any" and isinstance(value, list):
                leaf = (fname, operator, _array_domain(value))
        written.append(leaf)
    return written


def _lot_what(lot, quantity):
    """``(epcs, quantities)`` of one lot of the export's context: a serial in
    the EPC list, a lot in the quantity list (quantity None: the lot as a
    whole). The events of one lot (receipts, deliveries) call it directly,
    without the mapping of ``_what``."""
    if lot["serial"]:
        return [lot["uri"]], []
    if quantity is None:
        return [], [{"epcClass": lot["uri"]}]
    return [], [epcis.quantity_element(lot["uri"], quantity, lot["uom"])]


def _between(event, start, end):
    moment = datetime.datetime.fromisoformat(event["eventTime"])
    return (not start or moment >= start) and (not end or moment <= end)


class TraceabilityEpcis(models.AbstractModel):
    """EPCIS 2.0 JSON-LD export of what the genealogy engine finds.

    The events of the lots of a trace: a commissioning ``ObjectEvent`` (ADD)
    per vendor lot at its first receipt and per manufacturing order for the lots
    it made, a receiving ``ObjectEvent`` per lot of a receipt from a vendor
    (with the purchase order and the receipt as business transactions), a
    shipping ``ObjectEvent`` per lot of a delivery (sales order,
    delivery), the returns, a ``TransformationEvent`` per manufacturing order
    (every lot it consumed and made, with quantities), an ``AggregationEvent``
    ADD (packing) or DELETE (unpacking) per lot put into or taken out of a
    package, an inspecting ``ObjectEvent`` per check (conformant or not) and a
    holding ``ObjectEvent`` per hold placed (non_conformant, recalled for a
    recall) and per hold released (active).

    Identifiers are built by :mod:`..tools.epcis` (see its docstring): lots as
    GS1 Digital Links, locations and parties by GLN when they have one, stable
    ``urn:uuid:`` of the database's UUID otherwise; event ids are stable
    ``urn:uuid:`` of the record each event stands for.
    """

    _name = "traceability.epcis"
    _description = "EPCIS Export"

    # ------------------------------------------------------------------
    # Public methods
    # ------------------------------------------------------------------
    @api.model
    def export_trace(self, lot_ids=(), direction=FORWARD):
        """The EPCIS 2.0 document (a dict ready for ``json.dumps``) of the trace
        of ``lot_ids`` in ``direction`` (``forward`` or ``backward``): the events
        of every lot the genealogy engine reaches."""
        self._check_epcis_access()
        if direction not in (FORWARD, BACKWARD):
            raise UserError(self.env._("Unknown trace direction %s.", direction))
        lots = self._readable_lots(lot_ids)
        # Only what the events are made of: the receipts, deliveries and
        # returns (read alone, the engine's lightest statement). The
        # manufacturing orders are those that made a lot of the trace (the
        # engine's "made" facts: the done lines of their finished moves), read
        # with their columns: 13 + 6.8 ms (trace + read) instead of 22 + 3.9 ms
        # with the "made" facts, 33 + 3.9 ms with every fact (generated
        # forward trace, setup/bench.sh epcis, median of 9).
        result = self.env["traceability.genealogy"].trace(
            lots, direction, parts=tuple(BORDER_EVENTS)
        )
        made_lines = [("lot_id", "in", list(result.lots)), ("state", "=", "done")]
        made = [("move_finished_ids", "any", [("move_line_ids", "any", made_lines)])]
        return self._document(result, production_domain=made)

    @api.model
    def export_lots(self, lot_ids=(), date_from=None, date_to=None):
        """The EPCIS document of the events of exactly these lots (e.g. a
        recall's scope, already traced), between ``date_from`` and ``date_to``
        (UTC, included; None: no bound)."""
        self._check_epcis_access()
        date_from, date_to = self._bounds(date_from, date_to)
        lots = self._readable_lots(lot_ids)
        # The events need the edges here: an edge of these lots may lead to a
        # lot left out, whose "made" fact is left out with it.
        result = self.env["traceability.genealogy"].trace(
            lots, FORWARD, parts=("edges", "made", *BORDER_EVENTS)
        )
        return self._document(_restricted(result, set(lots.ids)), date_from, date_to)

    @api.model
    def export_products(self, product_ids=(), date_from=None, date_to=None):
        """The EPCIS document of the events between ``date_from`` and
        ``date_to`` (UTC) of the lots of ``product_ids`` that moved then."""
        self._check_epcis_access()
        date_from, date_to = self._bounds(date_from, date_to)
        domain = [
            ("product_id", "in", self._ids_of(product_ids)),
            ("state", "=", "done"),
            ("lot_id", "!=", False),
        ]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        groups = self.env["stock.move.line"]._read_group(domain, ["lot_id"])
        return self.export_lots([lot.id for (lot,) in groups], date_from, date_to)

    @api.model
    def action_export_trace(self, lot_ids=(), direction=FORWARD):
        """Download the EPCIS document of the trace of ``lot_ids``: a JSON-LD
        file, stored as an attachment of the first lot."""
        document = self.export_trace(lot_ids, direction)
        lot = self._readable_lots(lot_ids)[:1]
        return self._download(document, lot)

    @api.model
    def _download(self, document, record):
        """Action that downloads ``document``, named after ``record``, stored as
        a private attachment of the exporter: the document holds what the
        exporter may read (other lots, checks, partners), which a reader of
        ``record`` alone may not."""
        stamp = fields.Datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"EPCIS {record.display_name or ''} {stamp}.jsonld"
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "mimetype": "application/ld+json",
                "datas": base64.b64encode(
                    json.dumps(document, indent=2, ensure_ascii=False).encode()
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    @api.model
    def _ids_of(self, ids):
        """``ids`` as a list of record ids, as a client must give them: a
        clean refusal of anything else, before any query."""
        if not isinstance(ids, list | tuple) or not all(
            isinstance(id_, int) and not isinstance(id_, bool) for id_ in ids
        ):
            raise UserError(self.env._("Records are given by a list of their ids."))
        return list(ids)

    @api.model
    def _bounds(self, date_from, date_to):
        """``date_from`` and ``date_to`` as datetimes (None: no bound), or a
        clean refusal of what is not a date."""
        bounds = []
        for bound in (date_from, date_to):
            try:
                bounds.append(bound and fields.Datetime.to_datetime(bound))
            except (TypeError, ValueError):
                raise UserError(
                    self.env._("%s is not a date and time.", bound)
                ) from None
        return bounds

    @api.model
    def _readable_lots(self, lot_ids):
        lots = self.env["stock.lot"].browse(self._ids_of(lot_ids)).exists()
        lots.check_access("read")
        return lots

    def _check_epcis_access(self):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._("Only traceability users may export EPCIS documents.")
            )

    # ------------------------------------------------------------------
    # Document
    # ------------------------------------------------------------------
    @api.model
    def _document(self, result, date_from=None, date_to=None, production_domain=None):
        """The EPCIS document of a :class:`TraceResult`, with the events between
        ``date_from`` and ``date_to`` (UTC) only, when given.
        ``production_domain``: the domain of the manufacturing orders whose
        events are given; by default those of the result's edges and "made"
        facts."""
        if result.direction not in (FORWARD, BACKWARD):
            raise ValueError(result.direction)
        context = self._context_of(list(result.lots))
        events = []
        events += self._border_events(result, context)
        events += self._transformation_events(result, context, production_domain)
        events += self._aggregation_events(context)
        events += self._check_events(context)
        events += self._hold_events(context)
        bounds = [
            bound and fields.Datetime.to_datetime(bound).replace(tzinfo=datetime.UTC)
            for bound in (date_from, date_to)
        ]
        if any(bounds):
            events = [event for event in events if _between(event, *bounds)]
        # In time order; at the same time, commissioning comes first.
        events.sort(
            key=lambda event: (
                datetime.datetime.fromisoformat(event["eventTime"]),
                event.get("bizStep") != "commissioning",
                event.get("eventID", ""),
            )
        )
        return epcis.document(events, fields.Datetime.now(), tz=context["tz"])

    @api.model
    def _context_of(self, lot_ids):
        """What every event needs: the lots the user may read and their
        products, the database's scope of stable ids, the time zone."""
        # The database UUID is a system parameter, read by superuser: it only
        # scopes the stable ids of the export.
        scope = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        # The time zone of the user, else of the company: one statement instead
        # of the reads of every column of the user, the company and their
        # partners: 0.4 ms instead of 3.5 ms (median of 9).
        self.env["res.users"].flush_model(["partner_id"])
        self.env["res.company"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["tz"])
        self.env.cr.execute(
            SQL(
                """SELECT (SELECT partner.tz FROM res_users person
                             JOIN res_partner partner ON partner.id = person.partner_id
                            WHERE person.id = %s),
                          (SELECT partner.tz FROM res_company company
                             JOIN res_partner partner ON partner.id = company.partner_id
                            WHERE company.id = %s)""",
                self.env.uid,
                self.env.company.id,
            )
        )
        user_tz, company_tz = self.env.cr.fetchone()
        tz_name = user_tz or company_tz or "UTC"
        try:
            tz = zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = zoneinfo.ZoneInfo("UTC")
        context = {"scope": scope, "tz": tz, "lots": {}, "products": {}}
        self._add_lots(context, lot_ids)
        # The lots of the trace the user may read; "lots" also gets the other
        # lots of the manufacturing orders, identified in their events only.
        context["trace_lot_ids"] = list(context["lots"])
        return context

    @api.model
    def _add_lots(self, context, lot_ids):
        """Read the lots of ``lot_ids`` not read yet, and their products: two
        reads, whatever their number."""
        missing = [lot_id for lot_id in lot_ids if lot_id not in context["lots"]]
        if not missing:
            return
        lots = self._rows("stock.lot", [("id", "in", missing)], ["name", "product_id"])
        product_ids = {lot["product_id"] for lot in lots} - set(context["products"])
        if product_ids:
            products = self.with_context(active_test=False)._rows(
                "product.product",
                [("id", "in", list(product_ids))],
                ["barcode", "tracking", "uom_id"],
            )
            uom_ids = {product["uom_id"] for product in products}
            xmlids = self.env["uom.uom"].browse(uom_ids).get_external_id()
            Lot = self.env["stock.lot"]
            for product in products:
                context["products"][product["id"]] = {
                    "gtin": Lot._traceability_gtin_of(product["barcode"]),
                    "serial": product["tracking"] == "serial",
                    "uom": UOM_CODES.get(xmlids.get(product["uom_id"])),
                }
        for lot in lots:
            product = context["products"][lot["product_id"]]
            context["lots"][lot["id"]] = dict(
                product,
                name=lot["name"],
                uri=self._lot_uri(context, lot["id"], lot["name"], product),
            )

    @api.model
    def _lot_uri(self, context, lot_id, name, product):
        """Digital Link of a lot (class level) or serial (instance level), or a
        stable URN when it cannot have one (no GTIN, name outside GS1 rules)."""
        uri = None
        if product["gtin"]:
            make = epcis.instance_uri if product["serial"] else epcis.class_uri
            try:
                uri = make(product["gtin"], name)
            except epcis.EPCISError:
                uri = None
        return uri or epcis.stable_uri(context["scope"], "stock.lot", lot_id)

    @api.model
    def _what(self, context, lot_quantities):
        """``(epcs, quantities)`` of ``{lot_id: quantity}``: serials in the EPC
        list, lots in the quantity list (quantity None: the lot as a whole)."""
        epcs, quantities = [], []
        for lot_id, quantity in lot_quantities.items():
            lot = context["lots"].get(lot_id)
            if lot:
                lot_epcs, lot_elements = _lot_what(lot, quantity)
                epcs += lot_epcs
                quantities += lot_elements
        return epcs, quantities

    # ------------------------------------------------------------------
    # Reads
    # ------------------------------------------------------------------
    @api.model
    def _rows(self, model, domain, fnames, names=()):
        """The records of ``model`` matching ``domain`` that the caller may
        read, as ``search_read`` finds them (its query: access rights, record
        rules, active_test of the context, order; field access checked), read
        in one SQL statement: dicts of ``id`` and the stored values of
        ``fnames``, a many2one as its id, an empty value as None.

        ``names``: many2one fields whose record's ``name`` is read in the same
        statement, as ``<field>_name``, without the rules of their model (as
        superuser): the display name of a model that shows its name.

        ``search_read`` also names the value of every many2one (its display
        name): its 16 calls took most of the export of the generated forward
        trace (3,582 events, setup/bench.sh epcis), 0.53 s after the cache is
        cleared; 0.15 s with these reads (median of 5).
        """
        Model = self.env[model]
        query = Model._search(_array_domain(domain), order=Model._order)
        if query.is_empty():
            return []
        columns = [
            SQL(
                "%s AS %s",
                Model._field_to_sql(query.table, fname, query),
                SQL.identifier(fname),
            )
            for fname in ("id", *fnames)
        ]
        for fname in names:
            comodel = self.env[Model._fields[fname].comodel_name].sudo()
            alias = query.left_join(query.table, fname, comodel._table, "id", fname)
            columns.append(
                SQL(
                    "%s AS %s",
                    comodel._field_to_sql(alias, "name", query),
                    SQL.identifier(f"{fname}_name"),
                )
            )
        return self.env.execute_query_dict(query.select(*columns))

    @api.model
    def _sale_names_read(self):
        """Whether the transfers are read with the name of their sales order
        (``_rows`` names): a sales order's display name is its name, unless the
        context asks for its customer's name too (sale.order's
        _compute_display_name). Read with the transfers (whose read takes no
        measurably longer, 6 ms), instead of through display_name: with the
        purchase orders read as below, _order_names takes 1.6 ms instead of
        13.6 ms for the 1,500 orders of the generated forward trace
        (setup/bench.sh epcis, median of 9)."""
        return not self.env.context.get("sale_show_partner_name")

    @api.model
    def _order_names(self, pickings):
        """Transfer id -> the name of its sales order, else of its purchase
        order, for the ``_rows`` of ``pickings``: the display name that
        ``search_read`` gives a many2one's value, read as superuser as it does
        (the reader of a transfer sees the name of its order)."""
        if self._sale_names_read():
            names = {
                picking["id"]: picking["sale_id_name"] or False
                for picking in pickings
                if picking["sale_id"]
            }
        else:
            sale_ids = [p["sale_id"] for p in pickings if p["sale_id"]]
            orders = self.env["sale.order"].sudo().with_context(prefetch_fields=False)
            sale_names = {
                order.id: order.display_name for order in orders.browse(sale_ids)
            }
            names = {
                picking["id"]: sale_names[picking["sale_id"]]
                for picking in pickings
                if picking["sale_id"]
            }
        # The purchase order of a receipt, as its related field purchase_id
        # finds it (as superuser): that of the purchase line of its first move.
        # Two reads of the columns needed, instead of the related field's reads
        # of every column of the moves, purchase lines and orders: about 3.5 ms
        # less for the receipt of the generated forward trace.
        first_lines = {}
        for move in self.sudo()._rows(
            "stock.move",
            [("picking_id", "in", [p["id"] for p in pickings if not p["sale_id"]])],
            ["picking_id", "purchase_line_id"],
        ):
            first_lines.setdefault(move["picking_id"], move["purchase_line_id"])
        line_ids = [line_id for line_id in first_lines.values() if line_id]
        line_orders = {
            line["id"]: line["order_id"]
            for line in self.sudo()._rows(
                "purchase.order.line", [("id", "in", line_ids)], ["order_id"]
            )
        }
        orders = self.env["purchase.order"].sudo().with_context(prefetch_fields=False)
        purchase_names = {
            order.id: order.display_name
            for order in orders.browse(set(line_orders.values()))
        }
        for picking_id, line_id in first_lines.items():
            if line_id:
                names[picking_id] = purchase_names[line_orders[line_id]]
        return names

    # ------------------------------------------------------------------
    # Places and parties
    # ------------------------------------------------------------------
    @api.model
    def _location_uris(self, context, location_ids):
        """Location id -> its URI: the GLN of its warehouse, else of its
        company, else a stable URN of the location. The URIs found are kept
        in ``context``: the manufacturing orders' locations are mostly those of
        the transfers, read before (two reads less, 1.2 ms, for the generated
        forward trace)."""
        uris = context.setdefault("location_uris", {})
        ids = [loc_id for loc_id in set(location_ids) if loc_id and loc_id not in uris]
        if not ids:
            return uris
        all_records = self.with_context(active_test=False)
        locations = all_records._rows(
            "stock.location", [("id", "in", ids)], ["warehouse_id", "company_id"]
        )
        warehouse_ids = {
            loc["warehouse_id"] for loc in locations if loc["warehouse_id"]
        }
        company_ids = {loc["company_id"] for loc in locations if loc["company_id"]}
        warehouse_glns = {
            warehouse["id"]: warehouse["traceability_gln"]
            for warehouse in all_records._rows(
                "stock.warehouse",
                [("id", "in", list(warehouse_ids))],
                ["traceability_gln"],
            )
        }
        company_glns = self._company_glns(company_ids)
        for loc in locations:
            gln = (loc["warehouse_id"] and warehouse_glns.get(loc["warehouse_id"])) or (
                loc["company_id"] and company_glns.get(loc["company_id"])
            )
            uris[loc["id"]] = (
                epcis.gln_uri(gln)
                if gln
                else epcis.stable_uri(context["scope"], "stock.location", loc["id"])
            )
        return uris

    @api.model
    def _company_glns(self, company_ids):
        return {
            company.id: company.traceability_gln
            for company in self.env["res.company"].browse(list(company_ids))
        }

    @api.model
    def _partner_uris(self, context, partners):
        """Partner id -> ``(party URI, location URI)`` of the ``_rows`` of
        ``partners`` (with ``traceability_gln``): GS1 Digital Links of its GLN
        (AI 417 and 414), else stable URNs."""
        scope = context["scope"]
        return {
            partner["id"]: (
                (
                    epcis.gln_uri(partner["traceability_gln"], party=True),
                    epcis.gln_uri(partner["traceability_gln"]),
                )
                if partner["traceability_gln"]
                else (
                    epcis.stable_uri(scope, "res.partner", partner["id"]),
                    epcis.stable_uri(scope, "res.partner", partner["id"], "location"),
                )
            )
            for partner in partners
        }

    # ------------------------------------------------------------------
    # Events
    # ------------------------------------------------------------------
    @api.model
    def _border_events(self, result, context):
        """Receipts, deliveries and returns of the trace: one event per lot and
        transfer."""
        quantities = defaultdict(float)
        dates = {}
        lots = context["lots"]
        for kind in BORDER_EVENTS:
            if kind not in result.facts:
                continue
            # The columns read, without a dict per fact (here and for the
            # "made" facts in _transformation_events): 0.3 ms instead of 2.7 ms
            # for the 2,541 border and "made" facts of the generated forward
            # trace (median of 9).
            for picking_id, lot_id, quantity, date in zip(
                *(
                    result.facts.column(kind, key)
                    for key in ("picking_id", "lot_id", "quantity", "date")
                ),
                strict=True,
            ):
                if not picking_id or lot_id not in lots:
                    continue
                key = (kind, picking_id, lot_id)
                quantities[key] += quantity or 0.0
                dates[key] = max(dates.get(key, date), date)
        if not quantities:
            return []
        picking_ids = list({key[1] for key in quantities})
        pickings = {
            picking["id"]: picking
            for picking in self._rows(
                "stock.picking",
                [("id", "in", picking_ids)],
                [
                    "name",
                    "partner_id",
                    "location_id",
                    "location_dest_id",
                    "company_id",
                    "sale_id",
                ],
                names=["sale_id"] if self._sale_names_read() else [],
            )
        }
        order_names = self._order_names(pickings.values())
        partner_ids = {p["partner_id"] for p in pickings.values() if p["partner_id"]}
        # The partners and their GLN in one read, their commercial partners in
        # a second one only when one of them is not among them (none for the
        # generated forward trace: 0.9 ms less).
        all_partners = self.with_context(active_test=False)
        fnames = ["commercial_partner_id", "traceability_gln"]
        partners = {
            partner["id"]: partner
            for partner in all_partners._rows(
                "res.partner", [("id", "in", list(partner_ids))], fnames
            )
        }
        commercial = {
            partner_id: partner["commercial_partner_id"]
            for partner_id, partner in partners.items()
        }
        missing = {
            partner_id
            for partner_id in commercial.values()
            if partner_id and partner_id not in partners
        }
        if missing:
            partners.update(
                (partner["id"], partner)
                for partner in all_partners._rows(
                    "res.partner", [("id", "in", list(missing))], fnames
                )
            )
        partner_uris = self._partner_uris(context, partners.values())
        location_uris = self._location_uris(
            context,
            [p["location_id"] for p in pickings.values()]
            + [p["location_dest_id"] for p in pickings.values()],
        )
        company_ids = {p["company_id"] for p in pickings.values()}
        company_glns = self._company_glns(company_ids)
        company_partners = {
            company.id: company.partner_id.id
            for company in self.env["res.company"].browse(list(company_ids))
        }
        our_parties = {
            company_id: (
                epcis.gln_uri(company_glns[company_id], party=True)
                if company_glns.get(company_id)
                else epcis.stable_uri(
                    context["scope"], "res.partner", company_partners[company_id]
                )
            )
            for company_id in company_ids
        }
        # A vendor's lot comes into being here at its first receipt.
        first_receipts = {}
        for key in sorted(
            (key for key in quantities if key[0] == "receipt"), key=dates.get
        ):
            first_receipts.setdefault(key[2], key)
        scope, tz = context["scope"], context["tz"]
        events = []
        picking_transactions = {}
        for key, quantity in quantities.items():
            kind, picking_id, lot_id = key
            picking = pickings.get(picking_id)
            if not picking:
                continue
            biz_step, disposition, outgoing = BORDER_EVENTS[kind]
            gln = company_glns.get(picking["company_id"])
            ours = our_parties[picking["company_id"]]
            partner_id = picking["partner_id"]
            their_party = their_place = None
            if partner_id in commercial:
                their_party = partner_uris[commercial[partner_id]][0]
                their_place = partner_uris[partner_id][1]
            our_location = location_uris.get(
                picking["location_id" if outgoing else "location_dest_id"]
            )
            ours_list = [("owning_party", ours)]
            if our_location:
                ours_list.append(("location", our_location))
            theirs_list = []
            if their_party:
                theirs_list = [("owning_party", their_party), ("location", their_place)]
            sources, destinations = (
                (ours_list, theirs_list) if outgoing else (theirs_list, ours_list)
            )
            # A transfer's transactions are the same for each of its lots.
            transactions = picking_transactions.get((kind, picking_id))
            if transactions is None:
                order_name = order_names.get(picking_id)
                transactions = []
                if order_name:
                    transactions.append(
                        epcis.biz_transaction("po", order_name, gln, scope)
                    )
                transactions.append(
                    epcis.biz_transaction(
                        "desadv" if outgoing else "recadv", picking["name"], gln, scope
                    )
                )
                picking_transactions[kind, picking_id] = transactions
            epcs, quantity_list = _lot_what(lots[lot_id], quantity)
            events.append(
                epcis.object_event(
                    dates[key],
                    epcs=epcs,
                    quantities=quantity_list,
                    event_uid=epcis.event_id(
                        scope, kind, "stock.picking", picking_id, lot_id
                    ),
                    tz=tz,
                    biz_step=biz_step,
                    disposition=disposition,
                    read_point=our_location,
                    biz_location=our_location,
                    biz_transactions=transactions,
                    sources=[epcis.source_destination(k, u) for k, u in sources],
                    destinations=[
                        epcis.source_destination(k, u, True) for k, u in destinations
                    ],
                )
            )
            if first_receipts.get(lot_id) == key:
                events.append(
                    epcis.object_event(
                        dates[key],
                        action="ADD",
                        epcs=epcs,
                        quantities=quantity_list,
                        event_uid=epcis.event_id(
                            scope, "commissioning", "stock.picking", picking_id, lot_id
                        ),
                        tz=tz,
                        biz_step="commissioning",
                        disposition="active",
                        read_point=our_location,
                        biz_location=our_location,
                        biz_transactions=transactions,
                    )
                )
        return events

    @api.model
    def _transformation_events(self, result, context, production_domain=None):
        """One event per manufacturing order of the trace (those of
        ``production_domain`` when given), with every lot it consumed and made (read
        from its done move lines, whatever part of it the trace reached)."""
        if production_domain is None:
            production_ids = {
                edge["production_id"] for edge in result.edges if edge["production_id"]
            }
            if "made" in result.facts:
                production_ids.update(result.facts.column("made", "production_id"))
                production_ids.discard(None)
            if not production_ids:
                return []
            production_domain = [("id", "in", list(production_ids))]
        productions = self._rows(
            "mrp.production",
            [*production_domain, ("state", "=", "done")],
            ["name", "date_finished", "location_dest_id", "company_id"],
        )
        if not productions:
            return []
        ids = [production["id"] for production in productions]
        moves = self._rows(
            "stock.move",
            [
                ("state", "=", "done"),
                "|",
                ("raw_material_production_id", "in", ids),
                ("production_id", "in", ids),
            ],
            ["raw_material_production_id", "production_id"],
        )
        move_sides = {}
        for move in moves:
            if move["raw_material_production_id"]:
                move_sides[move["id"]] = (move["raw_material_production_id"], 0)
            else:
                move_sides[move["id"]] = (move["production_id"], 1)
        lines = self._rows(
            "stock.move.line",
            [
                ("move_id", "in", list(move_sides)),
                ("state", "=", "done"),
                ("lot_id", "!=", False),
            ],
            ["move_id", "lot_id", "quantity_product_uom"],
        )
        self._add_lots(context, [line["lot_id"] for line in lines])
        sides = defaultdict(lambda: (defaultdict(float), defaultdict(float)))
        for line in lines:
            production_id, side = move_sides[line["move_id"]]
            sides[production_id][side][line["lot_id"]] += (
                line["quantity_product_uom"] or 0.0
            )
        location_uris = self._location_uris(
            context, [p["location_dest_id"] for p in productions]
        )
        company_glns = self._company_glns({p["company_id"] for p in productions})
        scope, tz = context["scope"], context["tz"]
        events = []
        for production in productions:
            inputs, outputs = sides[production["id"]]
            input_epcs, input_quantities = self._what(context, inputs)
            output_epcs, output_quantities = self._what(context, outputs)
            if not (output_epcs or output_quantities):
                continue
            location = location_uris.get(production["location_dest_id"])
            transaction = epcis.biz_transaction(
                "prodorder",
                production["name"],
                company_glns.get(production["company_id"]),
                scope,
            )
            # The lots made come into being (commissioning, ObjectEvent ADD)...
            events.append(
                epcis.object_event(
                    production["date_finished"],
                    action="ADD",
                    epcs=output_epcs,
                    quantities=output_quantities,
                    event_uid=epcis.event_id(
                        scope,
                        "commissioning",
                        "mrp.production",
                        production["id"],
                    ),
                    tz=tz,
                    biz_step="commissioning",
                    disposition="active",
                    read_point=location,
                    biz_location=location,
                    biz_transactions=[transaction],
                )
            )
            if not (input_epcs or input_quantities):
                continue
            # ... from the lots consumed (bizStep as in GS1's example
            # Example_9.6.4-TransformationEvent, tests/data/epcis).
            events.append(
                epcis.transformation_event(
                    production["date_finished"],
                    input_epcs=input_epcs,
                    input_quantities=input_quantities,
                    output_epcs=output_epcs,
                    output_quantities=output_quantities,
                    transformation_id=epcis.stable_uri(
                        scope, "mrp.production", production["id"]
                    ),
                    event_uid=epcis.event_id(scope, "mrp.production", production["id"]),
                    tz=tz,
                    biz_step="commissioning",
                    disposition="active",
                    read_point=location,
                    biz_location=location,
                    biz_transactions=[transaction],
                )
            )
        return events

    @api.model
    def _package_uris(self, context, package_ids):
        """Package id -> its SSCC's Digital Link when it has one, else a stable
        URN."""
        packages = self._rows(
            "stock.quant.package",
            [("id", "in", list(package_ids))],
            ["traceability_sscc"],
        )
        uris = {}
        for package in packages:
            uri = None
            if package["traceability_sscc"]:
                try:
                    uri = epcis.sscc_uri(package["traceability_sscc"])
                except epcis.EPCISError:
                    uri = None
            uris[package["id"]] = uri or epcis.stable_uri(
                context["scope"], "stock.quant.package", package["id"]
            )
        return uris

    @api.model
    def _aggregation_events(self, context):
        """Packing (ADD) and unpacking (DELETE) of the lots into and out of
        packages: the done move lines of the lots that change their package,
        read in one search."""
        lot_ids = context["trace_lot_ids"]
        lines = self._rows(
            "stock.move.line",
            [
                ("lot_id", "in", lot_ids),
                ("state", "=", "done"),
                "|",
                ("package_id", "!=", False),
                ("result_package_id", "!=", False),
            ],
            [
                "lot_id",
                "package_id",
                "result_package_id",
                "date",
                "quantity_product_uom",
                "location_dest_id",
            ],
        )
        changes = [
            line for line in lines if line["package_id"] != line["result_package_id"]
        ]
        if not changes:
            return []
        package_ids = set()
        for line in changes:
            for key in ("package_id", "result_package_id"):
                if line[key]:
                    package_ids.add(line[key])
        package_uris = self._package_uris(context, package_ids)
        location_uris = self._location_uris(
            context, [line["location_dest_id"] for line in changes]
        )
        events = []
        for line in changes:
            epcs, quantities = self._what(
                context, {line["lot_id"]: line["quantity_product_uom"] or 0.0}
            )
            location = location_uris.get(line["location_dest_id"])
            for key, action, step in (
                ("package_id", "DELETE", "unpacking"),
                ("result_package_id", "ADD", "packing"),
            ):
                if not line[key] or line[key] not in package_uris:
                    continue
                events.append(
                    epcis.aggregation_event(
                        line["date"],
                        package_uris[line[key]],
                        action,
                        child_epcs=epcs,
                        child_quantities=quantities,
                        event_uid=epcis.event_id(
                            context["scope"], step, "stock.move.line", line["id"]
                        ),
                        tz=context["tz"],
                        biz_step=step,
                        read_point=location,
                        biz_location=location,
                    )
                )
        return events + self._pallet_events(context, package_ids)

    @api.model
    def _pallet_events(self, context, box_ids):
        """Boxes put on (ADD) and taken off (DELETE) pallets, from the packing
        history, for the boxes that held lots of the trace: the box's URI as
        the child of the pallet's."""
        links = self._rows(
            "traceability.package.event",
            [("child_package_id", "in", list(box_ids))],
            ["package_id", "child_package_id", "action", "date"],
        )
        if not links:
            return []
        uris = self._package_uris(
            context,
            {link[key] for link in links for key in ("package_id", "child_package_id")},
        )
        events = []
        for link in links:
            action, step = (
                ("ADD", "packing")
                if link["action"] == "pack"
                else ("DELETE", "unpacking")
            )
            events.append(
                epcis.aggregation_event(
                    link["date"],
                    uris[link["package_id"]],
                    action,
                    child_epcs=[uris[link["child_package_id"]]],
                    event_uid=epcis.event_id(
                        context["scope"], step, "traceability.package.event", link["id"]
                    ),
                    tz=context["tz"],
                    biz_step=step,
                )
            )
        return events

    @api.model
    def _check_events(self, context):
        """An inspecting event per done check of the lots: conformant when it
        passed, non_conformant when it failed."""
        checks = self._rows(
            "traceability.check",
            [("lot_id", "in", context["trace_lot_ids"]), ("state", "=", "done")],
            ["lot_id", "date", "result"],
        )
        events = []
        for check in checks:
            epcs, quantities = self._what(context, {check["lot_id"]: None})
            events.append(
                epcis.object_event(
                    check["date"],
                    epcs=epcs,
                    quantities=quantities,
                    event_uid=epcis.event_id(
                        context["scope"], "traceability.check", check["id"]
                    ),
                    tz=context["tz"],
                    biz_step="inspecting",
                    disposition=(
                        "conformant" if check["result"] == "pass" else "non_conformant"
                    ),
                )
            )
        return events

    @api.model
    def _hold_events(self, context):
        """A holding event per hold placed on the lots (recalled for a recall,
        non_conformant otherwise) and per hold released (active)."""
        holds = self._rows(
            "traceability.hold",
            [("lot_id", "in", context["trace_lot_ids"])],
            ["lot_id", "reason", "date_placed", "state", "date_released"],
        )
        events = []
        for hold in holds:
            epcs, quantities = self._what(context, {hold["lot_id"]: None})
            steps = [
                ("placed", hold["date_placed"], HOLD_DISPOSITIONS.get(hold["reason"]))
            ]
            if hold["state"] == "released" and hold["date_released"]:
                steps.append(("released", hold["date_released"], "active"))
            for step, date, disposition in steps:
                events.append(
                    epcis.object_event(
                        date,
                        epcs=epcs,
                        quantities=quantities,
                        event_uid=epcis.event_id(
                            context["scope"], "traceability.hold", hold["id"], step
                        ),
                        tz=context["tz"],
                        biz_step="holding",
                        disposition=disposition or "non_conformant",
                    )
                )
        return events

    # ------------------------------------------------------------------
    # Query (EPCIS 2.0 REST binding, GET /events)
    # ------------------------------------------------------------------
    @api.model
    def query_events(self, params):
        """The events of an EPCIS 2.0 query (``GET /traceability/epcis/events``,
        parameters of :mod:`..tools.epcis_query`), one page of them.

        ``params``: parameter name -> string or list of strings. The events are
        those the export gives of the lots named by the ``MATCH_`` parameters
        (:meth:`export_lots`, read with the caller's rights: a lot the caller
        cannot read is not found), filtered as the standard says, in the order
        of :func:`..tools.epcis_query.sort_key`. At least one ``MATCH_``
        parameter is required, with at most
        :data:`..tools.epcis_query.MAX_IDENTIFIERS` identifiers naming at most
        :data:`QUERY_MAX_LOTS` lots: a query is bounded.

        :return: dict ``document`` (an ``EPCISQueryDocument``),
            ``next_page_token`` (None on the last page) and ``expires`` (UTC
            datetime of the token's expiry, or None)
        :raise UserError: a malformed, unknown or unsupported parameter
            (:class:`EPCISQueryNotSupported` for the last), a forged or
            expired page token
        """
        self._check_epcis_access()
        try:
            query = epcis_query.parse_params(params)
        except epcis_query.QueryNotSupportedError as error:
            raise EPCISQueryNotSupported(str(error)) from None
        except epcis_query.QueryParameterError as error:
            raise UserError(
                self.env._("Invalid query parameter: %s", str(error))
            ) from None
        after = None
        if query["token"]:
            after = self._query_token_position(query["token"], query["fingerprint"])
        lots = self._query_lots(query["match"])
        events = []
        if lots:
            document = self.export_lots(lots.ids)
            events = [
                event
                for event in document["epcisBody"]["eventList"]
                if epcis_query.matches(event, query)
            ]
        keyed = sorted(
            ((epcis_query.sort_key(event), event) for event in events),
            key=lambda pair: pair[0],
        )
        if after is not None:
            keyed = [pair for pair in keyed if pair[0] > after]
        page = keyed[: query["per_page"]]
        token = expires = None
        if len(keyed) > len(page):
            expires = fields.Datetime.now() + datetime.timedelta(
                seconds=QUERY_TOKEN_SECONDS
            )
            token = self._query_token(query["fingerprint"], page[-1][0], expires)
        return {
            "document": epcis_query.query_document(
                [event for _key, event in page], fields.Datetime.now()
            ),
            "next_page_token": token,
            "expires": expires,
        }

    @api.model
    def _query_lots(self, match):
        """The lots named by the identifiers of the ``MATCH_`` parameters that
        the caller may read: a lot or serial number by its GTIN (the lookup of
        the public Digital Link, with the caller's rights), an SSCC by the
        lots that went into or out of its package."""
        Lot = self.env["stock.lot"]
        lots = Lot.browse()
        ssccs = set()
        for identifiers in match.values():
            for kind, _uri, key in identifiers:
                if kind == "class":
                    lots |= Lot._traceability_find_by_gs1(key[0], lot_name=key[1])
                elif kind == "instance":
                    lots |= Lot._traceability_find_by_gs1(key[0], serial=key[1])
                else:
                    ssccs.add(key[0])
        Package = self.env["stock.quant.package"]
        # The SSCC of a package: quality_traceability's field, or
        # label_printing's in databases that have not moved it yet.
        sscc_field = next(
            (f for f in ("traceability_sscc", "label_sscc") if f in Package._fields),
            None,
        )
        if ssccs and sscc_field:
            packages = Package.search([(sscc_field, "in", sorted(ssccs))])
            if packages:
                groups = self.env["stock.move.line"]._read_group(
                    [
                        ("state", "=", "done"),
                        ("lot_id", "!=", False),
                        "|",
                        ("package_id", "in", packages.ids),
                        ("result_package_id", "in", packages.ids),
                    ],
                    ["lot_id"],
                    limit=QUERY_MAX_LOTS + 1,
                )
                lots |= Lot.browse([lot.id for (lot,) in groups])
        if len(lots) > QUERY_MAX_LOTS:
            raise UserError(
                self.env._(
                    "The query names more than %s lots: ask for fewer.",
                    QUERY_MAX_LOTS,
                )
            )
        return lots

    @api.model
    def _query_token(self, fingerprint, position, expires):
        """A page token: the filters' fingerprint, the position of the last
        event given, the caller and the expiry, signed with the database
        secret (``odoo.tools.misc.hmac``)."""
        payload = {
            "f": fingerprint,
            "p": position,
            "u": self.env.uid,
            "e": int(expires.replace(tzinfo=datetime.UTC).timestamp()),
        }
        body = base64.urlsafe_b64encode(
            json.dumps(payload, separators=(",", ":")).encode()
        ).decode()
        # The database secret is a system parameter, read by superuser: it
        # only signs the token.
        signature = misc.hmac(self.env(su=True), QUERY_TOKEN_SCOPE, body)
        return f"{body}.{signature}"

    @api.model
    def _query_token_position(self, token, fingerprint):
        """The position a page token holds, after checking its signature, that
        it was given to this caller for the same filters, and its expiry."""
        body, dot, signature = token.partition(".")
        expected = misc.hmac(self.env(su=True), QUERY_TOKEN_SCOPE, body)
        if not dot or len(token) > 2048 or not consteq(signature, expected):
            raise UserError(self.env._("Invalid nextPageToken."))
        payload = json.loads(base64.urlsafe_b64decode(body))
        if payload["u"] != self.env.uid or payload["f"] != fingerprint:
            raise UserError(self.env._("This nextPageToken belongs to another query."))
        if (
            payload["e"]
            < fields.Datetime.now().replace(tzinfo=datetime.UTC).timestamp()
        ):
            raise UserError(self.env._("This nextPageToken has expired."))
        return payload["p"]


class EPCISQueryNotSupported(UserError):
    """A query parameter of the EPCIS 2.0 standard that the query does not
    evaluate (answered 501 Not Implemented)."""


# A query names at most this many lots (MATCH_ parameters): each page exports
# the events of all of them.
QUERY_MAX_LOTS = 1000
# Lifetime of a page token, and the scope of its signature.
QUERY_TOKEN_SECONDS = 3600
QUERY_TOKEN_SCOPE = "traceability.epcis.query"
