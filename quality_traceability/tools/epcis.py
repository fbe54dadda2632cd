# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""EPCIS 2.0 JSON-LD documents and events, in plain Python (standard library only).

Builds the structures of the EPCIS 2.0 standard (GS1, 2022) serialised as JSON-LD:
the ``EPCISDocument`` envelope and its ``ObjectEvent``, ``AggregationEvent`` and
``TransformationEvent``, with the Core Business Vocabulary (CBV 2.0) short names
of business steps, dispositions, business transaction types and source /
destination types.

Identifiers:

* lots and serial numbers are GS1 Digital Link URIs in their canonical form
  (``https://id.gs1.org/01/<gtin14>/10/<lot>``: class level, for quantities;
  ``.../21/<serial>``: instance level, for EPC lists), made with
  :func:`gs1.digital_link`;
* locations and parties with a GLN are ``https://id.gs1.org/414/<gln>`` and
  ``https://id.gs1.org/417/<gln>`` (GS1 Digital Link of AI 414 and 417); an
  SGLN URN (``urn:epc:id:sgln:...``) would need the length of the GS1 company
  prefix inside the GLN, which a GLN alone does not tell;
* what has no GS1 key gets a stable ``urn:uuid:`` (:func:`stable_uri`): a UUID
  version 5 of a scope (the database) and the record's identity;
* event ids are ``urn:uuid:`` too (:func:`event_id`), from the identity of the
  business record the event stands for (a receipt's move line, a manufacturing
  order, a check...): the same record gives the same id at every export, and a
  changed record keeps its id. This is not the CBV 2.0 event hash
  (``ni:///sha-256;...``), which would change with any correction of the event's
  content and needs the full canonicalisation rules of the standard's event hash.

Every constructor validates the CBV names it is given and raises
:class:`EPCISError` (a ``ValueError``) on an unknown one.
"""

import datetime
import hashlib
import uuid
import zoneinfo

from . import gs1

__all__ = [
    "ACTIONS",
    "BIZ_STEPS",
    "BIZ_TRANSACTION_TYPES",
    "CONTEXT",
    "DISPOSITIONS",
    "DIGITAL_LINK_BASE",
    "SCHEMA_VERSION",
    "SOURCE_DESTINATION_TYPES",
    "EPCISError",
    "aggregation_event",
    "biz_transaction",
    "class_uri",
    "document",
    "event_id",
    "event_time",
    "gln_uri",
    "instance_uri",
    "is_valid_gln",
    "object_event",
    "quantity_element",
    "source_destination",
    "sscc_uri",
    "stable_uri",
    "transformation_event",
]

CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
"""The JSON-LD context of EPCIS 2.0 documents (EPCIS 2.0, JSON-LD binding)."""

SCHEMA_VERSION = "2.0"

DIGITAL_LINK_BASE = "https://id.gs1.org"
"""Domain of the canonical GS1 Digital Link URIs that EPCIS 2.0 uses as EPCs."""

ACTIONS = frozenset(["ADD", "OBSERVE", "DELETE"])

# CBV 2.0 business steps, dispositions, business transaction types and
# source/destination types: the short names, as the EPCIS 2.0 JSON Schema
# (tests/data/epcis) lists them; the JSON-LD context maps them to their
# https://ref.gs1.org/cbv/ URIs.
BIZ_STEPS = frozenset(
    """accepting arriving assembling collecting commissioning consigning
    creating_class_instance cycle_counting decommissioning departing destroying
    disassembling dispensing encoding entering_exiting holding inspecting installing
    killing loading other packing picking receiving removing repackaging repairing
    replacing reserving retail_selling sampling sensor_reporting shipping
    staging_outbound stock_taking stocking storing transporting unloading unpacking
    void_shipping""".split()
)
DISPOSITIONS = frozenset(
    """active available completeness_inferred completeness_verified conformant
    container_closed container_open damaged destroyed dispensed disposed encoded
    expired in_progress in_transit inactive mismatch_class mismatch_instance
    mismatch_quantity needs_replacement no_pedigree_match non_conformant
    non_sellable_other partially_dispensed recalled reserved retail_sold returned
    sellable_accessible sellable_not_accessible stolen unavailable unknown""".split()
)
BIZ_TRANSACTION_TYPES = frozenset(
    "bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres "
    "upevt".split()
)
SOURCE_DESTINATION_TYPES = frozenset(["owning_party", "possessing_party", "location"])

# Path characters kept as they are in our own URNs (RFC 3986 unreserved).
_UNRESERVED = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)


class EPCISError(ValueError):
    """An EPCIS value (CBV name, identifier, time) is invalid."""


def _check(name, value, allowed):
    if value not in allowed:
        raise EPCISError(f"{name} {value!r} is not a CBV 2.0 {name}")
    return value


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------


def is_valid_gln(value):
    """True for a GLN: a string of 13 digits with its GS1 check digit."""
    return (
        isinstance(value, str)
        and len(value) == 13
        and value.isascii()
        and value.isdigit()
        and gs1.check_digit(value[:-1]) == value[-1]
    )


def gln_uri(gln, party=False):
    """GS1 Digital Link URI of a GLN: a physical location (AI 414) or, with
    ``party``, a party (AI 417)."""
    if not is_valid_gln(gln):
        raise EPCISError(f"GLN {gln!r} must be 13 digits with a valid check digit")
    return f"{DIGITAL_LINK_BASE}/{'417' if party else '414'}/{gln}"


def sscc_uri(sscc):
    """GS1 Digital Link URI of a logistic unit: ``https://id.gs1.org/00/<sscc>``."""
    try:
        return f"{DIGITAL_LINK_BASE}/00/{gs1.validate('00', sscc)}"
    except gs1.GS1Error as error:
        raise EPCISError(str(error)) from error


def class_uri(gtin, lot=None):
    """Class-level identifier of a lot (or of a product without lot): the
    canonical GS1 Digital Link ``https://id.gs1.org/01/<gtin14>[/10/<lot>]``."""
    try:
        return gs1.digital_link(DIGITAL_LINK_BASE, gtin, lot=lot)
    except gs1.GS1Error as error:
        raise EPCISError(str(error)) from error


def instance_uri(gtin, serial):
    """Instance-level identifier of a serial number:
    ``https://id.gs1.org/01/<gtin14>/21/<serial>``."""
    try:
        return gs1.digital_link(DIGITAL_LINK_BASE, gtin, serial=serial)
    except gs1.GS1Error as error:
        raise EPCISError(str(error)) from error


def _segment(part):
    """A part of a stable identifier, its "/" and "%" percent-encoded so that
    the join of the parts by "/" is unambiguous."""
    return str(part).replace("%", "%25").replace("/", "%2F")


# SHA-1 state after the name space and the prefix that every stable identifier
# hashes first: :func:`_uuid5` copies it, and writes the UUID's text from the
# hex digest (as :func:`uuid.uuid5` and :class:`uuid.UUID` do: version 5, RFC
# 4122 variant). 1.50 us per identifier instead of 3.6 us with uuid.uuid5 and
# str(), on the 10,112 identifiers of the export of the generated forward trace
# (setup/bench.sh epcis); tests/test_epcis_identifiers.py compares both.
_UUID5_PREFIX = hashlib.sha1(uuid.NAMESPACE_URL.bytes + b"epcis:")

# First hex digit of the UUID's clock_seq_hi_and_reserved (its 17th digit) ->
# the same digit with the RFC 4122 variant bits (10xx).
_VARIANT_DIGITS = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _uuid5(scope, parts):
    """Text of the UUID version 5 (name space URL) of ``"epcis:"`` and
    ``scope`` and ``parts`` joined by "/"."""
    if not parts:
        raise EPCISError("a stable identifier needs at least one part")
    text = "/".join(map(str, (scope, *parts)))
    # Parts without "/" or "%" (ids, model names, most references) need no
    # escaping: the text joined is then the same, without escaping each part.
    if "%" in text or text.count("/") != len(parts):
        text = "/".join(map(_segment, (scope, *parts)))
    digest = _UUID5_PREFIX.copy()
    digest.update(text.encode())
    hexa = digest.hexdigest()
    return (
        f"{hexa[:8]}-{hexa[8:12]}-5{hexa[13:16]}-"
        f"{_VARIANT_DIGITS[hexa[16]]}{hexa[17:20]}-{hexa[20:32]}"
    )


def stable_uri(scope, *parts):
    """``urn:uuid:`` identifier of what has no GS1 key (a location or party
    without GLN, a product without GTIN...): the same ``scope`` (e.g. the
    database's UUID) and ``parts`` (e.g. ``"stock.location", 8``) always give
    the same URI: a UUID version 5 of them."""
    return f"urn:uuid:{_uuid5(scope, parts)}"


def event_id(scope, *parts):
    """Stable ``eventID`` of the event that stands for the business record
    named by ``parts`` (see the module's docstring)."""
    return stable_uri(scope, "event", *parts)


def _urn_segment(value):
    """``value`` with every byte of its UTF-8 form outside the RFC 3986
    unreserved characters written as %XX."""
    return "".join(
        chr(byte) if chr(byte) in _UNRESERVED else f"%{byte:02X}"
        for byte in str(value).encode()
    )


def biz_transaction(kind, reference, gln=None, scope=None):
    """An entry of ``bizTransactionList``: ``kind`` of
    :data:`BIZ_TRANSACTION_TYPES` and the transaction's URI: the CBV 2.0 form
    ``urn:epcglobal:cbv:bt:<gln>:<reference>`` when the owner's ``gln`` is
    known, else a :func:`stable_uri` of ``scope``, the kind and the
    reference."""
    _check("business transaction type", kind, BIZ_TRANSACTION_TYPES)
    if not reference:
        raise EPCISError("a business transaction needs a reference")
    if gln:
        if not is_valid_gln(gln):
            raise EPCISError(f"GLN {gln!r} must be 13 digits with a valid check digit")
        uri = f"urn:epcglobal:cbv:bt:{gln}:{_urn_segment(reference)}"
    else:
        uri = stable_uri(scope or "", "bt", kind, reference)
    return {"type": kind, "bizTransaction": uri}


def source_destination(kind, uri, destination=False):
    """An entry of ``sourceList`` (or, with ``destination``, ``destinationList``)."""
    _check("source/destination type", kind, SOURCE_DESTINATION_TYPES)
    return {"type": kind, ("destination" if destination else "source"): uri}


def quantity_element(epc_class, quantity, uom=None):
    """An entry of a quantity list: ``epcClass``, ``quantity`` and, for a
    quantity that is not a count of units, its UN/ECE Recommendation 20 ``uom``
    (e.g. "KGM"). Without ``uom`` the quantity is a number of units."""
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        raise EPCISError(f"quantity {quantity!r} must be a number")
    element = {"epcClass": epc_class, "quantity": quantity}
    if uom:
        if not (2 <= len(uom) <= 3 and uom.isascii() and uom.isalnum()):
            raise EPCISError(f"unit {uom!r} is not a UN/ECE Rec. 20 code")
        element["uom"] = uom.upper()
    return element


# ---------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------


def _offset(delta):
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


# Time zones in which a naive moment (UTC, as Odoo stores them) is written as
# it is, with the offset "+00:00" (zoneinfo gives the same instance for a key).
_UTC_ZONES = (None, datetime.UTC, zoneinfo.ZoneInfo("UTC"))


def event_time(moment, tz=None):
    """``(eventTime, eventTimeZoneOffset)`` of ``moment``.

    ``moment``: a naive datetime in UTC (as Odoo stores them) or an aware one;
    ``tz``: a ``tzinfo`` (``zoneinfo.ZoneInfo``, ``pytz`` zone...) in which the
    time is written, UTC when None. The time carries its offset, to the
    millisecond: ``("2024-03-01T16:30:00.000+08:00", "+08:00")``.
    """
    if not isinstance(moment, datetime.datetime):
        raise EPCISError(f"event time {moment!r} must be a datetime")
    if moment.tzinfo is None and moment.year >= 1000 and tz in _UTC_ZONES:
        # The same text without converting: 0.8 us instead of 2.2 us per event
        # (3,583 in the export of the generated forward trace, whose user has
        # no time zone; tests/test_epcis_identifiers.py compares both).
        return moment.isoformat(timespec="milliseconds") + "+00:00", "+00:00"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    local = moment.astimezone(tz or datetime.UTC)
    delta = local.utcoffset()
    if local.year >= 1000 and not (delta.seconds % 60 or delta.microseconds):
        # The same text when the offset is whole minutes and the year has 4
        # digits: 2.0 us instead of 3.9 us per event (3,583 in the export of
        # the generated forward trace, setup/bench.sh epcis;
        # tests/test_epcis_identifiers.py compares both).
        text = local.isoformat(timespec="milliseconds")
        return text, text[-6:]
    offset = _offset(delta)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + f".{local.microsecond // 1000:03d}"
    return text + offset, offset


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


# The last moment written by _common, its time zone and its texts: an event
# often has the moment of the one before it (a manufacturing order's
# commissioning and transformation, a first receipt and its commissioning),
# given as the same datetime object. 1,041 of the 3,582 events of the export of
# the generated forward trace (setup/bench.sh epcis) reuse it, 0.8 us each in
# UTC (2.2 us in a zone with an offset).
_last_time = [(object(), object(), None, None)]


def _common(event_type, event_uid, moment, tz):
    last_moment, last_tz, time, offset = _last_time[0]
    if moment is not last_moment or tz is not last_tz:
        time, offset = event_time(moment, tz)
        _last_time[0] = (moment, tz, time, offset)
    event = {"type": event_type, "eventTime": time, "eventTimeZoneOffset": offset}
    if event_uid:
        event["eventID"] = event_uid
    return event


def _what(event, key_epcs, epcs, key_quantities, quantities):
    if epcs:
        event[key_epcs] = list(dict.fromkeys(epcs))
    if quantities:
        event[key_quantities] = list(quantities)


def _why_where(
    event,
    biz_step=None,
    disposition=None,
    read_point=None,
    biz_location=None,
    biz_transactions=None,
    sources=None,
    destinations=None,
):
    if biz_step:
        event["bizStep"] = _check("business step", biz_step, BIZ_STEPS)
    if disposition:
        event["disposition"] = _check("disposition", disposition, DISPOSITIONS)
    if read_point:
        event["readPoint"] = {"id": read_point}
    if biz_location:
        event["bizLocation"] = {"id": biz_location}
    if biz_transactions:
        event["bizTransactionList"] = list(biz_transactions)
    if sources:
        event["sourceList"] = list(sources)
    if destinations:
        event["destinationList"] = list(destinations)
    return event


def object_event(
    moment,
    action="OBSERVE",
    epcs=(),
    quantities=(),
    event_uid=None,
    tz=None,
    **why_where,
):
    """An ``ObjectEvent`` (EPCIS 2.0) of ``epcs`` (instance-level
    URIs) and ``quantities`` (:func:`quantity_element`). ``why_where``:
    ``biz_step``, ``disposition``, ``read_point``, ``biz_location`` (URIs),
    ``biz_transactions`` (:func:`biz_transaction`), ``sources`` and
    ``destinations`` (:func:`source_destination`)."""
    _check("action", action, ACTIONS)
    if not epcs and not quantities:
        raise EPCISError("an ObjectEvent needs EPCs or quantities")
    event = _common("ObjectEvent", event_uid, moment, tz)
    _what(event, "epcList", epcs, "quantityList", quantities)
    event["action"] = action
    return _why_where(event, **why_where)


def aggregation_event(
    moment,
    parent,
    action,
    child_epcs=(),
    child_quantities=(),
    event_uid=None,
    tz=None,
    **why_where,
):
    """An ``AggregationEvent`` (EPCIS 2.0): children packed into
    (``ADD``) or unpacked from (``DELETE``) the ``parent`` (an SSCC URI)."""
    _check("action", action, ACTIONS)
    if not child_epcs and not child_quantities:
        raise EPCISError("an AggregationEvent needs children")
    event = _common("AggregationEvent", event_uid, moment, tz)
    event["parentID"] = parent
    _what(event, "childEPCs", child_epcs, "childQuantityList", child_quantities)
    event["action"] = action
    return _why_where(event, **why_where)


def transformation_event(
    moment,
    input_epcs=(),
    input_quantities=(),
    output_epcs=(),
    output_quantities=(),
    transformation_id=None,
    event_uid=None,
    tz=None,
    **why_where,
):
    """A ``TransformationEvent`` (EPCIS 2.0): inputs consumed,
    outputs made (a manufacturing order)."""
    if not (input_epcs or input_quantities) or not (output_epcs or output_quantities):
        raise EPCISError("a TransformationEvent needs inputs and outputs")
    event = _common("TransformationEvent", event_uid, moment, tz)
    _what(event, "inputEPCList", input_epcs, "inputQuantityList", input_quantities)
    _what(event, "outputEPCList", output_epcs, "outputQuantityList", output_quantities)
    if transformation_id:
        event["transformationID"] = transformation_id
    return _why_where(event, **why_where)


def document(events, creation_date, tz=None, sender=None, receiver=None):
    """The ``EPCISDocument`` (EPCIS 2.0, JSON-LD binding) of
    ``events``, created at ``creation_date``."""
    created, _offset_text = event_time(creation_date, tz)
    result = {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": created,
    }
    if sender:
        result["sender"] = sender
    if receiver:
        result["receiver"] = receiver
    result["epcisBody"] = {"eventList": list(events)}
    return result
