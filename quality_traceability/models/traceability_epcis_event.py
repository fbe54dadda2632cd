# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import itertools
import json
import logging
import uuid

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, file_path, mute_logger

from ..tools import epcis_capture, gs1
from ..tools.epcis import EPCISError

_logger = logging.getLogger(__name__)

#: The EPCIS 2.0 JSON Schema (GS1) incoming documents are validated against.
SCHEMA_PATH = "quality_traceability/data/epcis/EPCIS-JSON-Schema.json"
#: Most events of one document (the HTTP route also limits the body's size).
MAX_EVENTS = 20000
#: Longest eventID kept (longer ones are refused event by event).
MAX_EVENT_ID = 512
#: The unique index of (company, eventID) (:meth:`init`).
EVENT_ID_INDEX = "traceability_epcis_event_event_id_uniq"
#: Fields that hold what was captured: never changed once stored.
EVIDENCE_FIELDS = frozenset(
    [
        "event_id",
        "event_type",
        "action",
        "biz_step",
        "disposition",
        "event_time",
        "company_id",
        "partner_id",
        "purchase_id",
        "purchase_line_ids",
        "lot_ids",
        "raw_json",
        "capture_date",
        "capture_user_id",
        "source",
        "effect",
    ]
)
EVENT_TYPES = [
    ("ObjectEvent", "Object Event"),
    ("AggregationEvent", "Aggregation Event"),
    ("TransformationEvent", "Transformation Event"),
    ("AssociationEvent", "Association Event"),
    ("TransactionEvent", "Transaction Event"),
]
PO_TYPES = ("po", "urn:epcglobal:cbv:btt:po", "https://ref.gs1.org/cbv/BTT-po")
VENDOR_SOURCE_TYPES = ("owning_party", "possessing_party")

_SCHEMA_VALIDATOR = []


class CaptureError(Exception):
    """An event that cannot be captured; its message goes back to the sender."""


def _validator():
    """The JSON Schema validator of EPCIS 2.0 documents, formats checked
    (built once per process: reading the schema takes longer than
    validating a small document)."""
    if not _SCHEMA_VALIDATOR:
        import jsonschema  # pylint: disable=import-outside-toplevel

        with open(file_path(SCHEMA_PATH), encoding="utf-8") as schema_file:
            schema = json.load(schema_file)
        checker = jsonschema.Draft7Validator.FORMAT_CHECKER
        _SCHEMA_VALIDATOR.append(
            jsonschema.Draft7Validator(schema, format_checker=checker)
        )
    return _SCHEMA_VALIDATOR[0]


def _storable(text):
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class TraceabilityEpcisEvent(models.Model):
    """An EPCIS 2.0 event captured from a vendor's document (``POST
    /traceability/epcis/capture`` or the *Import EPCIS* wizard).

    Evidence: one record per event and company, never changed nor deleted; the
    event's JSON is kept as received. Created only by :meth:`capture`.
    """

    _name = "traceability.epcis.event"
    _description = "Captured EPCIS Event"
    _order = "capture_date desc, id desc"
    _rec_name = "event_id"

    event_id = fields.Char(
        string="Event ID",
        required=True,
        readonly=True,
        index=True,
        help="The event's eventID; for an event sent without one, a urn:uuid "
        "made from its content (the same event sent again has the same).",
    )
    event_id_generated = fields.Boolean(string="Event ID Made Here", readonly=True)
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True)
    action = fields.Char(readonly=True)
    biz_step = fields.Char(string="Business Step", readonly=True)
    disposition = fields.Char(readonly=True)
    event_time = fields.Datetime(readonly=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Vendor", readonly=True, index=True
    )
    purchase_id = fields.Many2one(
        comodel_name="purchase.order",
        string="Purchase Order",
        readonly=True,
        index="btree_not_null",
    )
    purchase_line_ids = fields.Many2many(
        comodel_name="purchase.order.line",
        relation="traceability_epcis_event_purchase_line_rel",
        column1="event_id",
        column2="line_id",
        string="Purchase Order Lines",
        readonly=True,
    )
    lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="traceability_epcis_event_lot_rel",
        column1="event_id",
        column2="lot_id",
        string="Lots/Serial Numbers",
        readonly=True,
        help="Our lots the event names, when they existed at capture.",
    )
    declared_lot_ids = fields.One2many(
        comodel_name="traceability.declared.lot",
        inverse_name="epcis_event_id",
        string="Declared Lots",
        readonly=True,
    )
    supplier_genealogy_ids = fields.One2many(
        comodel_name="traceability.supplier.genealogy",
        inverse_name="epcis_event_id",
        string="Supplier-Declared Inputs",
        readonly=True,
    )
    effect = fields.Selection(
        [
            ("declared_lots", "Lots declared on a purchase order"),
            ("genealogy", "Supplier-declared genealogy"),
            ("recorded", "Recorded only"),
        ],
        required=True,
        readonly=True,
        default="recorded",
    )
    raw_json = fields.Text(string="Event (JSON)", readonly=True)
    capture_date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    capture_user_id = fields.Many2one(
        comodel_name="res.users", string="Captured By", readonly=True
    )
    source = fields.Selection(
        [("api", "API"), ("import", "Import")], required=True, readonly=True
    )

    def init(self):
        # One event per (company, eventID): a document sent twice, or two
        # copies sent at the same time, is stored once.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (company_id, event_id)",
                SQL.identifier(EVENT_ID_INDEX),
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------------
    # Append-only
    # ------------------------------------------------------------------
    def write(self, vals):
        if not self.env.su and EVIDENCE_FIELDS.intersection(vals):
            raise UserError(self.env._("A captured EPCIS event cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("A captured EPCIS event cannot be deleted."))

    # ------------------------------------------------------------------
    # Capture
    # ------------------------------------------------------------------
    @api.model
    def capture(self, document, source="api", purchase_order_id=None):
        """Capture a vendor's EPCIS 2.0 document (the parsed JSON / JSON-LD).

        The document is validated against the EPCIS 2.0 JSON Schema: a
        document that fails it is refused whole (:class:`UserError` with the
        schema's message) and nothing is stored. Then each event on its own:

        * an event whose ``eventID`` was captured before in the company counts
          as a duplicate and changes nothing; an event without ``eventID`` gets
          a ``urn:uuid`` made from its content, so that it too is a duplicate
          when sent again; an ``eventID`` given twice in the document is an
          error on its second occurrence;
        * a shipping ``ObjectEvent`` (``bizStep`` shipping) declares its lots
          (``quantityList`` class URIs with a lot: name and quantity) and
          serial numbers (``epcList``: one unit each) on the matching open
          purchase order line (:meth:`_match_purchase`), with the expiry date
          of the class URI (AI 17 / 15 of a Digital Link) or of the ``ilmd``
          (``itemExpirationDate``, else ``bestBeforeDate``) and the
          production date (AI 11, ``productionDate``); the open receipts of
          the order take them at once where no lot was entered yet;
        * a ``TransformationEvent`` stores its inputs as the supplier-declared
          genealogy of each output (``traceability.supplier.genealogy``);
          outputs must be products of ours (known GTIN), inputs may be any
          GTIN;
        * other events are recorded only.

        Products are found by GTIN as :meth:`stock.lot._traceability_find_by_gs1`
        does: the product's barcode in any of the GTIN's lengths, the first
        product (lowest id) of this company or shared. An event in error stores
        nothing and does not stop the others.

        :param document: the EPCIS document, a dict
        :param source: ``"api"`` or ``"import"``
        :param purchase_order_id: id of the purchase order that shipping
            events without a purchase order reference go to (the order the
            import wizard was opened from)
        :return: ``{"captured": int, "duplicates": int, "errors": [{"index":
            int, "eventID": str or None, "message": str}]}`` (``index``: the
            event's position in ``eventList``, from 0)
        """
        self._check_capture_user()
        if source not in ("api", "import"):
            raise UserError(self.env._("Unknown capture source %s.", source))
        events = self._validated_events(document)
        context = self._capture_context(document, events, purchase_order_id)
        result = {"captured": 0, "duplicates": 0, "errors": []}
        to_create = []
        seen = set()
        for index, event in enumerate(events):
            event_id = context["event_ids"][index]
            given_id = event.get("eventID") if isinstance(event, dict) else None
            given_id = given_id if isinstance(given_id, str) else None
            try:
                if event_id is None:
                    raise CaptureError(
                        self.env._(
                            "The eventID must be at most %(limit)s characters, "
                            "without NUL.",
                            limit=MAX_EVENT_ID,
                        )
                    )
                if event_id in context["existing"]:
                    result["duplicates"] += 1
                    continue
                if event_id in seen:
                    raise CaptureError(
                        self.env._("This eventID is given twice in the document.")
                    )
                seen.add(event_id)
                capture = self._prepare_capture(event, event_id, source, context)
                context["declared"].update(capture.pop("totals", {}))
                to_create.append(capture)
            except CaptureError as error:
                result["errors"].append(
                    {"index": index, "eventID": given_id, "message": str(error)}
                )
        self._create_captured(to_create)
        result["captured"] = len(to_create)
        return result

    @api.model
    def _check_capture_user(self):
        if not self.env.user.has_group("quality_traceability.group_traceability_user"):
            raise AccessError(
                self.env._("Only traceability users may capture EPCIS documents.")
            )

    @api.model
    def _validated_events(self, document):
        """The events of ``document`` once it passed the JSON Schema."""
        if not isinstance(document, dict):
            raise UserError(self.env._("An EPCIS document is a JSON object."))
        validator = _validator()
        import jsonschema  # pylint: disable=import-outside-toplevel

        try:
            error = jsonschema.exceptions.best_match(
                itertools.islice(validator.iter_errors(document), 20)
            )
        except RecursionError as exc:
            raise UserError(self.env._("The document is nested too deeply.")) from exc
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "/"
            raise UserError(
                self.env._(
                    "The document is not a valid EPCIS 2.0 document (at %(where)s): "
                    "%(message)s",
                    where=where,
                    message=error.message[:300],
                )
            )
        if document.get("type") != "EPCISDocument":
            raise UserError(
                self.env._("Only EPCIS documents (type EPCISDocument) are captured.")
            )
        version = document.get("schemaVersion")
        if not isinstance(version, str) or not version.startswith("2."):
            raise UserError(
                self.env._("Only EPCIS 2.0 documents are captured (schemaVersion 2.0).")
            )
        events = (document.get("epcisBody") or {}).get("eventList")
        if not isinstance(events, list):
            raise UserError(self.env._("The document has no eventList."))
        if len(events) > MAX_EVENTS:
            raise UserError(
                self.env._("At most %(count)s events per document.", count=MAX_EVENTS)
            )
        return events

    # ------------------------------------------------------------------
    # Batch lookups
    # ------------------------------------------------------------------
    @api.model
    def _event_key(self, event):
        """The stored eventID of ``event``: its own, or a urn:uuid of its
        canonical JSON; None for an eventID that cannot be stored."""
        given = event.get("eventID")
        if isinstance(given, str):
            if len(given) > MAX_EVENT_ID or not _storable(given) or not given:
                return None
            return given
        canonical = json.dumps(event, sort_keys=True, separators=(",", ":"))
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'epcis-event:' + canonical)}"

    @api.model
    def _capture_context(self, document, events, purchase_order_id):
        """What the events of a document refer to, read in a few queries:
        captured eventIDs, products by GTIN, open purchase orders by
        reference, vendors by GLN, lots by name."""
        event_ids = [self._event_key(event) for event in events]
        parsed = self._parse_references(document, events)
        items = parsed["items"]
        products = self._products_by_gtin(parsed["gtins"])
        return {
            "company": self.env.company,
            "event_ids": event_ids,
            "existing": self._existing_event_ids(event_ids),
            "items": items,
            "products": products,
            "dates": self._master_data_dates(parsed["master_data"], items),
            "upstream": self._declared_upstream(events, items, products),
            "orders": self._orders_by_reference(parsed["references"]),
            "vendors": self._vendors_by_gln(parsed["glns"]),
            "sender_gln": parsed["sender_gln"],
            "purchase": self._default_purchase(purchase_order_id),
            "lots": self._lots_by_name(items, products),
            "open_lines": {},
            "declared": {},
        }

    @api.model
    def _existing_event_ids(self, event_ids):
        """The eventIDs among ``event_ids`` captured before in the company."""
        existing = set()
        wanted = [key for key in event_ids if key]
        for chunk in range(0, len(wanted), 5000):
            # Read as superuser: the eventIDs of the company, whatever record
            # rules the caller has (only whether they exist is used).
            existing.update(
                self.sudo()
                .search(
                    [
                        ("company_id", "=", self.env.company.id),
                        ("event_id", "in", wanted[chunk : chunk + 5000]),
                    ]
                )
                .mapped("event_id")
            )
        return existing

    @api.model
    def _parse_references(self, document, events):
        """The item URIs (parsed, or the error of parsing them), GTINs,
        purchase order references, vendor GLNs and master data events of a
        document."""
        parsed = {
            "items": {},
            "gtins": set(),
            "references": set(),
            "glns": set(),
            "master_data": [],
            "sender_gln": epcis_capture.parse_party_gln(document.get("sender")),
        }
        items = parsed["items"]
        if parsed["sender_gln"]:
            parsed["glns"].add(parsed["sender_gln"])
        for event in events:
            if not isinstance(event, dict):
                continue
            if event.get("ilmd"):
                parsed["master_data"].append(event)
            for uri in self._event_uris(event):
                if uri in items:
                    continue
                try:
                    items[uri] = epcis_capture.parse_item(uri)
                except EPCISError as error:
                    items[uri] = error
                    continue
                parsed["gtins"].add(items[uri]["gtin"])
            parsed["references"].update(self._event_references(event))
            for source in event.get("sourceList") or ():
                gln = epcis_capture.parse_party_gln(source.get("source"))
                if gln and source.get("type") in VENDOR_SOURCE_TYPES:
                    parsed["glns"].add(gln)
        return parsed

    @api.model
    def _master_data_dates(self, master_data, items):
        """(GTIN, lot or serial) -> (expiry, production) of the ``ilmd`` of
        the document's events (their commissioning, usually)."""
        dates = {}
        for event in master_data:
            event_dates = epcis_capture.ilmd_dates(event["ilmd"])
            for uri in self._event_uris(event):
                item = items.get(uri)
                if isinstance(item, dict):
                    key = (item["gtin"], item["lot"] or item["serial"])
                    dates.setdefault(key, event_dates)
        return dates

    @api.model
    def _default_purchase(self, purchase_order_id):
        """The purchase order given to :meth:`capture`: one the caller reads,
        of the current company."""
        purchase = self.env["purchase.order"]
        if not purchase_order_id:
            return purchase
        purchase = purchase.browse(purchase_order_id).exists()
        purchase.check_access("read")
        if purchase.company_id != self.env.company:
            raise UserError(
                self.env._(
                    "The purchase order %s is not one of the current company.",
                    purchase.name,
                )
            )
        return purchase

    @api.model
    def _lots_by_name(self, items, products):
        """(product id, name) -> our lot, for the lots the items name."""
        lot_names = {
            item["lot"] or item["serial"]
            for item in items.values()
            if isinstance(item, dict)
        } - {None}
        lots = {}
        if lot_names and products:
            for lot in self.env["stock.lot"].search(
                [
                    ("product_id", "in", [p.id for p in products.values()]),
                    ("name", "in", list(lot_names)),
                    ("company_id", "in", [False, self.env.company.id]),
                ]
            ):
                lots.setdefault((lot.product_id.id, lot.name), lot)
        return lots

    @api.model
    def _declared_upstream(self, events, items, products):
        """(GTIN, lot or serial) of the inputs vendors declared, in this
        document and before, among the outputs of the document's
        transformations that are not products of ours: such an output is a
        vendor's input made by the vendor, one level further up."""
        keys = set()
        for event in events:
            if isinstance(event, dict) and event.get("type") == "TransformationEvent":
                for key in ("inputEPCList", "inputQuantityList"):
                    for entry in event.get(key) or ():
                        uri = (
                            entry.get("epcClass") if isinstance(entry, dict) else entry
                        )
                        item = items.get(uri)
                        if isinstance(item, dict):
                            keys.add((item["gtin"], item["lot"] or item["serial"]))
        unknown = {
            item["gtin"]
            for item in items.values()
            if isinstance(item, dict) and item["gtin"] not in products
        }
        if unknown:
            # Read as superuser within the company: only whether the vendor
            # declared the input before is used.
            rows = (
                self.env["traceability.supplier.genealogy"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", self.env.company.id),
                        ("input_gtin", "in", list(unknown)),
                    ]
                )
            )
            keys.update(
                (row.input_gtin, row.input_lot_name or row.input_serial) for row in rows
            )
        return keys

    @api.model
    def _event_uris(self, event):
        """Every item URI of an event (EPC lists and quantity lists)."""
        for key in ("epcList", "inputEPCList", "outputEPCList", "childEPCs"):
            yield from event.get(key) or ()
        for key in (
            "quantityList",
            "inputQuantityList",
            "outputQuantityList",
            "childQuantityList",
        ):
            for element in event.get(key) or ():
                yield element.get("epcClass")

    @api.model
    def _products_by_gtin(self, gtins):
        """GTIN-14 -> product: the first product (lowest id) of this company or
        shared whose barcode is the GTIN in one of its lengths, as
        ``stock.lot._traceability_find_by_gs1`` finds it."""
        Lot = self.env["stock.lot"]
        forms = {}
        for gtin in gtins:
            for barcode in Lot._traceability_gtin_barcodes(gtin):
                forms[barcode] = gtin
        if not forms:
            return {}
        products = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [
                    ("barcode", "in", list(forms)),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                order="id",
            )
        )
        found = {}
        for product in products:
            found.setdefault(forms[product.barcode], product)
        return found

    @api.model
    def _open_orders_domain(self):
        return [
            ("company_id", "=", self.env.company.id),
            ("state", "in", ("purchase", "done")),
            ("receipt_status", "!=", "full"),
        ]

    @api.model
    def _orders_by_reference(self, references):
        """Reference -> open purchase orders whose name or vendor reference
        it is."""
        if not references:
            return {}
        orders = self.env["purchase.order"].search(
            self._open_orders_domain()
            + [
                "|",
                ("name", "in", list(references)),
                ("partner_ref", "in", list(references)),
            ]
        )
        found = {}
        for order in orders:
            for reference in {order.name, order.partner_ref} & references:
                found.setdefault(reference, self.env["purchase.order"])
                found[reference] |= order
        return found

    @api.model
    def _vendors_by_gln(self, glns):
        if not glns:
            return {}
        partners = self.env["res.partner"].search(
            [("traceability_gln", "in", list(glns))], order="id"
        )
        found = {}
        for partner in partners:
            found.setdefault(partner.traceability_gln, partner.commercial_partner_id)
        return found

    # ------------------------------------------------------------------
    # One event
    # ------------------------------------------------------------------
    @api.model
    def _prepare_capture(self, event, event_id, source, context):
        """Values of the event to create, with its declared lots and
        genealogy rows; raises :class:`CaptureError`."""
        event_type = event["type"]
        biz_step = epcis_capture.short_name(event.get("bizStep"))
        vals = {
            "event_id": event_id,
            "event_id_generated": not isinstance(event.get("eventID"), str),
            "event_type": event_type,
            "action": event.get("action"),
            "biz_step": biz_step,
            "disposition": epcis_capture.short_name(event.get("disposition")),
            "event_time": self._event_time(event.get("eventTime")),
            "company_id": context["company"].id,
            "raw_json": json.dumps(event, ensure_ascii=False),
            "capture_date": fields.Datetime.now(),
            "capture_user_id": self.env.uid,
            "source": source,
        }
        for key in ("action", "biz_step", "disposition"):
            if isinstance(vals[key], str) and len(vals[key]) > 256:
                vals[key] = vals[key][:256]
        vendor = self._event_vendor(event, context)
        capture = {"vals": vals, "declared": [], "genealogy": []}
        if event_type == "ObjectEvent" and biz_step == "shipping":
            self._prepare_shipping(event, vendor, context, capture)
        elif event_type == "TransformationEvent":
            self._prepare_transformation(event, vendor, context, capture)
        elif vendor:
            vals["partner_id"] = vendor.id
        return capture

    @api.model
    def _event_time(self, value):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError) as error:
            raise CaptureError(
                self.env._("eventTime %s is not a date and time.", value)
            ) from error
        if moment.tzinfo:
            moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
        return moment

    @api.model
    def _event_vendor(self, event, context):
        """The vendor of an event: the party of its ``sourceList``
        (owning_party, else possessing_party) whose GLN is a partner's, else
        the document's sender; None when neither names a known partner."""
        for kind in VENDOR_SOURCE_TYPES:
            for source in event.get("sourceList") or ():
                if source.get("type") != kind:
                    continue
                gln = epcis_capture.parse_party_gln(source.get("source"))
                if gln and gln in context["vendors"]:
                    return context["vendors"][gln]
        return context["vendors"].get(context["sender_gln"])

    @api.model
    def _item(self, uri, context):
        item = context["items"].get(uri)
        if isinstance(item, EPCISError) or item is None:
            raise CaptureError(
                self.env._(
                    "Unknown GTIN or malformed identifier %(uri)s: %(error)s",
                    uri=str(uri)[:200],
                    error=item,
                )
            )
        return item

    @api.model
    def _item_product(self, item, context):
        product = context["products"].get(item["gtin"])
        if not product:
            raise CaptureError(
                self.env._(
                    "Unknown product: no product has the GTIN %s as barcode.",
                    item["gtin"],
                )
            )
        return product

    @api.model
    def _declared_items(self, event, context):
        """(product, lot name, quantity, uom code, item) of a shipping
        event's EPC list (one unit per serial number) and quantity list."""
        declared = []
        for uri in event.get("epcList") or ():
            item = self._item(uri, context)
            declared.append((item, item["serial"] or item["lot"], 1.0, None))
        for element in event.get("quantityList") or ():
            item = self._item(element.get("epcClass"), context)
            quantity = element.get("quantity")
            if quantity is None or quantity <= 0:
                raise CaptureError(
                    self.env._(
                        "The quantity of %s must be given and positive.",
                        element.get("epcClass"),
                    )
                )
            declared.append(
                (
                    item,
                    item["lot"] or item["serial"],
                    float(quantity),
                    element.get("uom"),
                )
            )
        if not declared:
            raise CaptureError(self.env._("The shipping event names no items."))
        result = []
        for item, name, quantity, uom in declared:
            product = self._item_product(item, context)
            if not name:
                raise CaptureError(
                    self.env._(
                        "%(uri)s names no lot or serial number of %(product)s.",
                        uri=gs1.digital_link("https://id.gs1.org", item["gtin"]),
                        product=product.display_name,
                    )
                )
            if product.tracking == "none":
                raise CaptureError(
                    self.env._(
                        "%s is not tracked by lots or serial numbers.",
                        product.display_name,
                    )
                )
            result.append((product, name, quantity, uom, item))
        return result

    @api.model
    def _prepare_shipping(self, event, vendor, context, capture):
        items = self._declared_items(event, context)
        products = self.env["product.product"].union(*(i[0] for i in items))
        order = self._match_purchase(event, vendor, products, context)
        vals = capture["vals"]
        vals.update(
            effect="declared_lots",
            purchase_id=order.id,
            partner_id=order.partner_id.commercial_partner_id.id,
        )
        expiry, production = epcis_capture.ilmd_dates(event.get("ilmd"))
        lines = self.env["purchase.order.line"]
        lots = self.env["stock.lot"]
        totals = {}
        for product, name, quantity, uom, item in items:
            line = self._order_line(order, product)
            lines |= line
            lots |= context["lots"].get((product.id, name), self.env["stock.lot"])
            if line.id not in totals:
                totals[line.id] = self._declared_total(line, context)
            totals[line.id] += quantity
            declared_total = totals[line.id]
            # The lot's master data (ilmd) of another event of the document
            # (its commissioning) when this event has none.
            known = context["dates"].get((item["gtin"], name), (None, None))
            item_expiry = item["expiry"] or expiry or known[0]
            item_production = item["production"] or production or known[1]
            capture["declared"].append(
                {
                    "company_id": context["company"].id,
                    "partner_id": vals["partner_id"],
                    "purchase_line_id": line.id,
                    "product_id": product.id,
                    "lot_name": name,
                    "quantity": quantity,
                    "uom_code": uom if isinstance(uom, str) else False,
                    "expiration_date": (
                        datetime.datetime.combine(item_expiry, datetime.time())
                        if item_expiry
                        else False
                    ),
                    "production_date": item_production or False,
                    "source": "epcis",
                    "exceeds_order": declared_total > line.product_qty + 1e-9,
                }
            )
        # Counted once the whole event is good: an event in error declares
        # nothing.
        capture["totals"] = totals
        vals["purchase_line_ids"] = [fields.Command.set(lines.ids)]
        vals["lot_ids"] = [fields.Command.set(lots.ids)]

    @api.model
    def _declared_total(self, line, context):
        """Quantity declared on ``line`` so far (stored and earlier events of
        this document)."""
        if line.id not in context["declared"]:
            # Read as superuser: a total of declarations, whatever the
            # caller's record rules on them; ``line`` is one the caller reads.
            context["declared"][line.id] = sum(
                self.env["traceability.declared.lot"]
                .sudo()
                .search([("purchase_line_id", "=", line.id)])
                .mapped("quantity")
            )
        return context["declared"][line.id]

    @api.model
    def _event_references(self, event):
        references = []
        for transaction in event.get("bizTransactionList") or ():
            if transaction.get("type") in PO_TYPES:
                references += epcis_capture.transaction_references(
                    transaction.get("bizTransaction")
                )
        return references

    @api.model
    def _match_purchase(self, event, vendor, products, context):
        """The open purchase order a shipping event is for.

        * With a purchase order reference (``bizTransactionList`` of type
          ``po``): the open orders of the company whose name or vendor
          reference is the reference (the whole URI, or its last segment:
          ``urn:epcglobal:cbv:bt:<gln>:<ref>``, ``https://.../po/<ref>``), of
          the event's vendor when it names one (GLN). None: error; several:
          error (never one of them).
        * Without a reference: the order given to :meth:`capture` (the order
          the import wizard was opened from), else the open order of the
          vendor (GLN of ``sourceList`` or of the document's sender) that has
          an open line for each product of the event. No vendor, no such
          order or several: error.

        "Open": confirmed, of the current company, not fully received.
        """
        references = self._event_references(event)
        Order = self.env["purchase.order"]
        if references:
            orders = Order.union(
                *(context["orders"].get(ref, Order) for ref in references)
            )
            if vendor:
                orders = orders.filtered(
                    lambda order: order.partner_id.commercial_partner_id == vendor
                )
            if not orders:
                raise CaptureError(
                    self.env._(
                        "No open purchase order of this company matches %s.",
                        ", ".join(references[:2]),
                    )
                )
            if len(orders) > 1:
                raise CaptureError(
                    self.env._(
                        "Several open purchase orders match %(reference)s: "
                        "%(orders)s.",
                        reference=references[0],
                        orders=", ".join(orders.mapped("name")),
                    )
                )
            return orders
        if context["purchase"]:
            return context["purchase"]
        if not vendor:
            raise CaptureError(
                self.env._(
                    "The event names no purchase order (bizTransactionList of "
                    "type po) and no known vendor (GLN of its sourceList or of "
                    "the document's sender)."
                )
            )
        key = (vendor.id, tuple(sorted(products.ids)))
        if key not in context["open_lines"]:
            lines = self.env["purchase.order.line"].search(
                [
                    ("order_id", "any", self._open_orders_domain()),
                    ("partner_id", "child_of", vendor.id),
                    ("product_id", "in", products.ids),
                ]
            )
            candidates = Order
            for order in lines.order_id:
                order_products = lines.filtered(
                    lambda line, order=order: line.order_id == order
                ).product_id
                if order_products == products:
                    candidates |= order
            context["open_lines"][key] = candidates
        candidates = context["open_lines"][key]
        if not candidates:
            raise CaptureError(
                self.env._(
                    "%(vendor)s has no open purchase order of %(products)s.",
                    vendor=vendor.display_name,
                    products=", ".join(products.mapped("display_name")),
                )
            )
        if len(candidates) > 1:
            raise CaptureError(
                self.env._(
                    "%(vendor)s has several open purchase orders of these products "
                    "(%(orders)s): give the order's reference in the event's "
                    "bizTransactionList.",
                    vendor=vendor.display_name,
                    orders=", ".join(candidates.mapped("name")),
                )
            )
        return candidates

    @api.model
    def _order_line(self, order, product):
        """The line of ``order`` a declared lot of ``product`` goes to: the
        first (in the order's sequence) not fully received, else the first."""
        lines = order.order_line.filtered(
            lambda line: line.product_id == product and not line.display_type
        )
        if not lines:
            raise CaptureError(
                self.env._(
                    "The purchase order %(order)s has no line of %(product)s.",
                    order=order.name,
                    product=product.display_name,
                )
            )
        open_lines = lines.filtered(lambda line: line.qty_received < line.product_qty)
        return (open_lines or lines)[:1]

    @api.model
    def _prepare_transformation(self, event, vendor, context, capture):
        outputs = [
            (self._item(uri, context), None, None)
            for uri in event.get("outputEPCList") or ()
        ] + [
            (
                self._item(element.get("epcClass"), context),
                element.get("quantity"),
                element.get("uom"),
            )
            for element in event.get("outputQuantityList") or ()
        ]
        inputs = [
            (uri, self._item(uri, context), 1.0, None)
            for uri in event.get("inputEPCList") or ()
        ] + [
            (
                element.get("epcClass"),
                self._item(element.get("epcClass"), context),
                element.get("quantity"),
                element.get("uom"),
            )
            for element in event.get("inputQuantityList") or ()
        ]
        if not outputs or not inputs:
            raise CaptureError(
                self.env._("The transformation event needs inputs and outputs.")
            )
        vals = capture["vals"]
        vals.update(effect="genealogy", partner_id=vendor.id if vendor else False)
        input_products = context["products"]
        lots = self.env["stock.lot"]
        for output, _quantity, _uom in outputs:
            name = output["lot"] or output["serial"]
            if (output["gtin"], name) in context["upstream"] and name:
                # A vendor's input made by the vendor: not a product of ours.
                product = input_products.get(
                    output["gtin"], self.env["product.product"]
                )
            else:
                product = self._item_product(output, context)
            if not name:
                raise CaptureError(
                    self.env._(
                        "An output of the transformation names no lot or serial "
                        "number of %s.",
                        product.display_name,
                    )
                )
            lot = context["lots"].get((product.id, name), self.env["stock.lot"])
            lots |= lot
            for uri, item, quantity, uom in inputs:
                capture["genealogy"].append(
                    {
                        "company_id": context["company"].id,
                        "partner_id": vals["partner_id"],
                        "output_product_id": product.id,
                        "output_gtin": output["gtin"],
                        "output_lot_name": name,
                        "output_lot_id": lot.id,
                        "input_gtin": item["gtin"],
                        "input_product_id": input_products.get(
                            item["gtin"], self.env["product.product"]
                        ).id,
                        "input_lot_name": item["lot"],
                        "input_serial": item["serial"],
                        "input_uri": uri[:1024],
                        "input_quantity": float(quantity or 0.0),
                        "input_uom_code": uom if isinstance(uom, str) else False,
                    }
                )
        vals["lot_ids"] = [fields.Command.set(lots.ids)]

    # ------------------------------------------------------------------
    # Storing
    # ------------------------------------------------------------------
    @api.model
    def _create_captured(self, captures):
        """Create the events, their declared lots and genealogy rows in
        batches, then fill the open receipts of the order lines."""
        if not captures:
            return
        # Created as superuser: nobody has the right to create these records
        # by hand; capture() checked the caller and built every value from
        # what the caller may read.
        Event = self.sudo()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                events = Event.create([capture["vals"] for capture in captures])
                events.flush_recordset()
        except IntegrityError as error:
            if error.diag.constraint_name != EVENT_ID_INDEX:
                raise
            self._retry_request(error)
        declared_vals = []
        genealogy_vals = []
        for capture, event in zip(captures, events, strict=True):
            for vals in capture["declared"]:
                declared_vals.append(dict(vals, epcis_event_id=event.id))
            for vals in capture["genealogy"]:
                genealogy_vals.append(dict(vals, epcis_event_id=event.id))
        declared = self.env["traceability.declared.lot"].sudo().create(declared_vals)
        self.env["traceability.supplier.genealogy"].sudo().create(genealogy_vals)
        if declared:
            receipts = declared.purchase_line_id.move_ids.picking_id.filtered(
                lambda picking: picking.picking_type_code == "incoming"
                and picking.state not in ("done", "cancel")
            )
            receipts.with_env(self.env)._traceability_fill_declared_lots(
                only_empty=True
            )

    @api.model
    def _retry_request(self, error):
        """A copy of the document was captured by a concurrent request since
        this one began: run the request again from the start, as Odoo does for
        any serialization failure; it then sees the events as duplicates."""
        _logger.info("EPCIS capture: %s violated, retrying", error.diag.constraint_name)
        with mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                SQL(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent capture' "
                    "USING ERRCODE = 'serialization_failure'; END $$"
                )
            )
