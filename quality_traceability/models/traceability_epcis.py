# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import datetime
import json
import zoneinfo
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import epcis
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
        return self._document(self.env["traceability.genealogy"].trace(lots, direction))

    @api.model
    def export_lots(self, lot_ids=(), date_from=None, date_to=None):
        """The EPCIS document of the events of exactly these lots (e.g. a
        recall's scope, already traced), between ``date_from`` and ``date_to``
        (UTC, included; None: no bound)."""
        self._check_epcis_access()
        date_from, date_to = self._bounds(date_from, date_to)
        lots = self._readable_lots(lot_ids)
        result = self.env["traceability.genealogy"].trace(lots, FORWARD)
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
    def _document(self, result, date_from=None, date_to=None):
        """The EPCIS document of a :class:`TraceResult`, with the events between
        ``date_from`` and ``date_to`` (UTC) only, when given."""
        if result.direction not in (FORWARD, BACKWARD):
            raise ValueError(result.direction)
        context = self._context_of(list(result.lots))
        events = []
        events += self._border_events(result, context)
        events += self._transformation_events(result, context)
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
        tz_name = self.env.user.tz or self.env.company.partner_id.tz or "UTC"
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
        lots = self.env["stock.lot"].search_read(
            [("id", "in", missing)], ["name", "product_id"]
        )
        product_ids = {lot["product_id"][0] for lot in lots} - set(context["products"])
        if product_ids:
            products = (
                self.env["product.product"]
                .with_context(active_test=False)
                .search_read(
                    [("id", "in", list(product_ids))],
                    ["barcode", "tracking", "uom_id"],
                )
            )
            uom_ids = {product["uom_id"][0] for product in products}
            xmlids = self.env["uom.uom"].browse(uom_ids).get_external_id()
            Lot = self.env["stock.lot"]
            for product in products:
                context["products"][product["id"]] = {
                    "gtin": Lot._traceability_gtin_of(product["barcode"]),
                    "serial": product["tracking"] == "serial",
                    "uom": UOM_CODES.get(xmlids.get(product["uom_id"][0])),
                }
        for lot in lots:
            product = context["products"][lot["product_id"][0]]
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
            if not lot:
                continue
            if lot["serial"]:
                epcs.append(lot["uri"])
            elif quantity is None:
                quantities.append({"epcClass": lot["uri"]})
            else:
                quantities.append(
                    epcis.quantity_element(lot["uri"], quantity, lot["uom"])
                )
        return epcs, quantities

    # ------------------------------------------------------------------
    # Places and parties
    # ------------------------------------------------------------------
    @api.model
    def _location_uris(self, context, location_ids):
        """Location id -> its URI: the GLN of its warehouse, else of its
        company, else a stable URN of the location."""
        ids = [loc_id for loc_id in set(location_ids) if loc_id]
        uris = {}
        if not ids:
            return uris
        locations = (
            self.env["stock.location"]
            .with_context(active_test=False)
            .search_read(
                [("id", "in", ids)],
                ["warehouse_id", "company_id"],
            )
        )
        warehouse_ids = {
            loc["warehouse_id"][0] for loc in locations if loc["warehouse_id"]
        }
        company_ids = {loc["company_id"][0] for loc in locations if loc["company_id"]}
        warehouse_glns = {
            warehouse["id"]: warehouse["traceability_gln"]
            for warehouse in self.env["stock.warehouse"]
            .with_context(active_test=False)
            .search_read(
                [("id", "in", list(warehouse_ids))],
                ["traceability_gln"],
            )
        }
        company_glns = self._company_glns(company_ids)
        for loc in locations:
            gln = (
                loc["warehouse_id"] and warehouse_glns.get(loc["warehouse_id"][0])
            ) or (loc["company_id"] and company_glns.get(loc["company_id"][0]))
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
    def _partner_uris(self, context, partner_ids):
        """Partner id -> ``(party URI, location URI)``: GS1 Digital Links of its
        GLN (AI 417 and 414), else stable URNs."""
        ids = [partner_id for partner_id in set(partner_ids) if partner_id]
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_read(
                [("id", "in", ids)],
                ["traceability_gln"],
            )
        )
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
        for kind in BORDER_EVENTS:
            for fact in result.facts.get(kind, ()):
                if not fact["picking_id"] or fact["lot_id"] not in context["lots"]:
                    continue
                key = (kind, fact["picking_id"], fact["lot_id"])
                quantities[key] += fact["quantity"] or 0.0
                dates[key] = max(dates.get(key, fact["date"]), fact["date"])
        if not quantities:
            return []
        picking_ids = list({key[1] for key in quantities})
        pickings = {
            picking["id"]: picking
            for picking in self.env["stock.picking"].search_read(
                [("id", "in", picking_ids)],
                [
                    "name",
                    "partner_id",
                    "location_id",
                    "location_dest_id",
                    "company_id",
                    "sale_id",
                    "purchase_id",
                ],
            )
        }
        partner_ids = set()
        for picking in pickings.values():
            if picking["partner_id"]:
                partner_ids.add(picking["partner_id"][0])
        commercial = {
            partner["id"]: partner["commercial_partner_id"][0]
            for partner in self.env["res.partner"]
            .with_context(active_test=False)
            .search_read(
                [("id", "in", list(partner_ids))],
                ["commercial_partner_id"],
            )
        }
        partner_uris = self._partner_uris(
            context, set(commercial) | set(commercial.values())
        )
        location_uris = self._location_uris(
            context,
            [p["location_id"][0] for p in pickings.values()]
            + [p["location_dest_id"][0] for p in pickings.values()],
        )
        company_ids = {p["company_id"][0] for p in pickings.values()}
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
        events = []
        for (kind, picking_id, lot_id), quantity in quantities.items():
            picking = pickings.get(picking_id)
            if not picking:
                continue
            biz_step, disposition, outgoing = BORDER_EVENTS[kind]
            gln = company_glns.get(picking["company_id"][0])
            ours = our_parties[picking["company_id"][0]]
            partner_id = picking["partner_id"] and picking["partner_id"][0]
            their_party = their_place = None
            if partner_id in commercial:
                their_party = partner_uris[commercial[partner_id]][0]
                their_place = partner_uris[partner_id][1]
            our_location = location_uris.get(
                picking["location_id" if outgoing else "location_dest_id"][0]
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
            order = picking["sale_id"] or picking["purchase_id"]
            transactions = []
            if order:
                transactions.append(
                    epcis.biz_transaction("po", order[1], gln, context["scope"])
                )
            transactions.append(
                epcis.biz_transaction(
                    "desadv" if outgoing else "recadv",
                    picking["name"],
                    gln,
                    context["scope"],
                )
            )
            epcs, quantity_list = self._what(context, {lot_id: quantity})
            events.append(
                epcis.object_event(
                    dates[(kind, picking_id, lot_id)],
                    epcs=epcs,
                    quantities=quantity_list,
                    event_uid=epcis.event_id(
                        context["scope"], kind, "stock.picking", picking_id, lot_id
                    ),
                    tz=context["tz"],
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
            if first_receipts.get(lot_id) == (kind, picking_id, lot_id):
                events.append(
                    epcis.object_event(
                        dates[(kind, picking_id, lot_id)],
                        action="ADD",
                        epcs=epcs,
                        quantities=quantity_list,
                        event_uid=epcis.event_id(
                            context["scope"],
                            "commissioning",
                            "stock.picking",
                            picking_id,
                            lot_id,
                        ),
                        tz=context["tz"],
                        biz_step="commissioning",
                        disposition="active",
                        read_point=our_location,
                        biz_location=our_location,
                        biz_transactions=transactions,
                    )
                )
        return events

    @api.model
    def _transformation_events(self, result, context):
        """One event per manufacturing order of the trace, with every lot it
        consumed and made (read from its done move lines, whatever part of it
        the trace reached)."""
        production_ids = {
            edge["production_id"] for edge in result.edges if edge["production_id"]
        }
        production_ids |= {
            fact["production_id"]
            for fact in result.facts.get("made", ())
            if fact["production_id"]
        }
        if not production_ids:
            return []
        productions = self.env["mrp.production"].search_read(
            [("id", "in", list(production_ids)), ("state", "=", "done")],
            ["name", "date_finished", "location_dest_id", "company_id"],
        )
        if not productions:
            return []
        ids = [production["id"] for production in productions]
        moves = self.env["stock.move"].search_read(
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
                move_sides[move["id"]] = (move["raw_material_production_id"][0], 0)
            else:
                move_sides[move["id"]] = (move["production_id"][0], 1)
        lines = self.env["stock.move.line"].search_read(
            [
                ("move_id", "in", list(move_sides)),
                ("state", "=", "done"),
                ("lot_id", "!=", False),
            ],
            ["move_id", "lot_id", "quantity_product_uom"],
        )
        self._add_lots(context, [line["lot_id"][0] for line in lines])
        sides = defaultdict(lambda: (defaultdict(float), defaultdict(float)))
        for line in lines:
            production_id, side = move_sides[line["move_id"][0]]
            sides[production_id][side][line["lot_id"][0]] += line[
                "quantity_product_uom"
            ]
        location_uris = self._location_uris(
            context, [p["location_dest_id"][0] for p in productions]
        )
        company_glns = self._company_glns({p["company_id"][0] for p in productions})
        events = []
        for production in productions:
            inputs, outputs = sides[production["id"]]
            input_epcs, input_quantities = self._what(context, inputs)
            output_epcs, output_quantities = self._what(context, outputs)
            if not (output_epcs or output_quantities):
                continue
            location = location_uris.get(production["location_dest_id"][0])
            transaction = epcis.biz_transaction(
                "prodorder",
                production["name"],
                company_glns.get(production["company_id"][0]),
                context["scope"],
            )
            # The lots made come into being (commissioning, ObjectEvent ADD)...
            events.append(
                epcis.object_event(
                    production["date_finished"],
                    action="ADD",
                    epcs=output_epcs,
                    quantities=output_quantities,
                    event_uid=epcis.event_id(
                        context["scope"],
                        "commissioning",
                        "mrp.production",
                        production["id"],
                    ),
                    tz=context["tz"],
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
                        context["scope"], "mrp.production", production["id"]
                    ),
                    event_uid=epcis.event_id(
                        context["scope"], "mrp.production", production["id"]
                    ),
                    tz=context["tz"],
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
        """Package id -> its SSCC's Digital Link when it has one (the field of
        ``label_printing``, when installed), else a stable URN."""
        Package = self.env["stock.quant.package"]
        has_sscc = "label_sscc" in Package._fields
        packages = Package.search_read(
            [("id", "in", list(package_ids))],
            ["label_sscc"] if has_sscc else ["name"],
        )
        uris = {}
        for package in packages:
            uri = None
            if has_sscc and package["label_sscc"]:
                try:
                    uri = epcis.sscc_uri(package["label_sscc"])
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
        lines = self.env["stock.move.line"].search_read(
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
                    package_ids.add(line[key][0])
        package_uris = self._package_uris(context, package_ids)
        location_uris = self._location_uris(
            context, [line["location_dest_id"][0] for line in changes]
        )
        events = []
        for line in changes:
            epcs, quantities = self._what(
                context, {line["lot_id"][0]: line["quantity_product_uom"]}
            )
            location = location_uris.get(line["location_dest_id"][0])
            for key, action, step in (
                ("package_id", "DELETE", "unpacking"),
                ("result_package_id", "ADD", "packing"),
            ):
                if not line[key] or line[key][0] not in package_uris:
                    continue
                events.append(
                    epcis.aggregation_event(
                        line["date"],
                        package_uris[line[key][0]],
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
        return events

    @api.model
    def _check_events(self, context):
        """An inspecting event per done check of the lots: conformant when it
        passed, non_conformant when it failed."""
        checks = self.env["traceability.check"].search_read(
            [("lot_id", "in", context["trace_lot_ids"]), ("state", "=", "done")],
            ["lot_id", "date", "result"],
        )
        events = []
        for check in checks:
            epcs, quantities = self._what(context, {check["lot_id"][0]: None})
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
        holds = self.env["traceability.hold"].search_read(
            [("lot_id", "in", context["trace_lot_ids"])],
            ["lot_id", "reason", "date_placed", "state", "date_released"],
        )
        events = []
        for hold in holds:
            epcs, quantities = self._what(context, {hold["lot_id"][0]: None})
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
