# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""EPCIS 2.0 query parameters of ``GET /events`` (REST binding), in plain Python.

The parameters come from the EPCIS 2.0 REST binding (GS1's ``openapi.yaml``,
github.com/gs1/EPCIS, ``REST Bindings/``, commit 2b888bef): list parameters are
``style: pipeDelimited`` (``a|b``); a comma also separates values when the
value holds no ``|`` (a GS1 Digital Link percent-encodes the commas of a lot,
an EPC URN escapes none: give such a lot with ``|``). A parameter may also be
repeated. Supported here:

* ``MATCH_anyEPCClass``: class-level identifiers of lots: GS1 Digital Link
  ``.../01/<gtin>/10/<lot>`` (any domain) or ``urn:epc:class:lgtin:...``;
  matches the ``epcClass`` of ``quantityList``, ``childQuantityList``,
  ``inputQuantityList`` and ``outputQuantityList``;
* ``MATCH_epc``: instance-level identifiers: ``.../01/<gtin>/21/<serial>``,
  ``urn:epc:id:sgtin:...``, SSCCs ``.../00/<sscc>`` and ``urn:epc:id:sscc:...``;
  matches ``epcList`` and ``childEPCs``;
* ``MATCH_anyEPC``: the same identifiers; matches ``epcList``, ``childEPCs``,
  ``inputEPCList``, ``outputEPCList`` and ``parentID`` (an SSCC is the
  ``parentID`` of its packing and unpacking events);
* ``GE_eventTime`` (included), ``LT_eventTime`` (excluded): RFC 3339 date-times
  with their offset;
* ``EQ_bizStep``: CBV names (``shipping``) or URIs
  (``https://ref.gs1.org/cbv/BizStep-shipping``);
* ``eventType``: ``ObjectEvent``, ``AggregationEvent``, ``TransactionEvent``,
  ``TransformationEvent``, ``AssociationEvent`` (or an extension's URI);
* ``perPage`` (default 30, as the binding's default; at most
  :data:`PER_PAGE_MAX`, a larger value is lowered to it, as the binding
  allows) and ``nextPageToken``.

Identifiers are compared in their canonical form (``https://id.gs1.org/...``,
as the export writes them). A parameter name that is not a query parameter is a
``QueryParameterException`` (the EPCIS query interface's definition of that
exception, since EPCIS 1.0: "the parameter name is not a recognized parameter
for the specified query"; the binding answers it 400, ``400QueryIssues``):
:class:`QueryParameterError`;
a parameter of the standard that this implementation does not evaluate is
:class:`QueryNotSupportedError` (answered 501, never ignored: ignoring a
filter would answer more than was asked).
"""

import datetime
import hashlib
import json
import re
from urllib.parse import urlsplit

from . import epcis, gs1

PER_PAGE_DEFAULT = 30
PER_PAGE_MAX = 500
MAX_IDENTIFIERS = 100
MAX_VALUE_LENGTH = 4096

MATCH_PARAMETERS = ("MATCH_anyEPCClass", "MATCH_epc", "MATCH_anyEPC")
SUPPORTED = frozenset(
    MATCH_PARAMETERS
    + ("GE_eventTime", "LT_eventTime", "EQ_bizStep", "eventType")
    + ("perPage", "nextPageToken")
)
# The other query parameters of GET /events in the REST binding (openapi.yaml,
# paths./events.get.parameters): known, not evaluated here.
NOT_SUPPORTED = frozenset(
    """GE_recordTime LT_recordTime EQ_action EQ_disposition
    EQ_persistentDisposition_set EQ_persistentDisposition_unset EQ_readPoint
    WD_readPoint EQ_bizLocation WD_bizLocation EQ_transformationID MATCH_parentID
    MATCH_inputEPC MATCH_outputEPC MATCH_epcClass MATCH_inputEPCClass
    MATCH_outputEPCClass EQ_quantity GT_quantity GE_quantity LT_quantity
    LE_quantity EQ_eventID EXISTS_errorDeclaration GE_errorDeclarationTime
    LT_errorDeclarationTime EQ_errorReason EQ_correctiveEventID orderBy
    orderDirection eventCountLimit maxEventCount GE_startTime LT_startTime
    GE_endTime LT_endTime EQ_type EQ_deviceID EQ_dataProcessingMethod
    EQ_microorganism EQ_chemicalSubstance EQ_bizRules EQ_stringValue
    EQ_hexBinaryValue EQ_uriValue EQ_booleanValue""".split()
)
# Parameters whose name holds a field, a type or a unit (EPCIS 2.0, 8.2.7.1).
_NOT_SUPPORTED_PATTERN = re.compile(
    r"^(EQ|GT|GE|LT|LE|EXISTS|HASATTR|EQATTR|EQ_INNER|GT_INNER|GE_INNER|LT_INNER"
    r"|LE_INNER|EXISTS_INNER|EQ_value|GT_value|GE_value|LT_value|LE_value"
    r"|EQ_minValue|EQ_maxValue|EQ_meanValue|EQ_sDev|EQ_percValue)_"
)
EVENT_TYPES = frozenset(
    [
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    ]
)
_BIZ_STEP_PREFIXES = (
    "https://ref.gs1.org/cbv/BizStep-",
    "urn:epcglobal:cbv:bizstep:",
)
# "+" of an offset sent unencoded in a query string arrives as a space.
_SPACED_OFFSET = re.compile(r"^(.*T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URN_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

CLASS_FIELDS = (
    ("quantityList", "epcClass"),
    ("childQuantityList", "epcClass"),
    ("inputQuantityList", "epcClass"),
    ("outputQuantityList", "epcClass"),
)
EPC_FIELDS = ("epcList", "childEPCs")
ANY_EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList", "parentID")


class QueryParameterError(ValueError):
    """A parameter is unknown, malformed or out of range (EPCIS
    QueryParameterException)."""


class QueryNotSupportedError(ValueError):
    """A parameter of the standard that this implementation does not evaluate."""


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------


def _gtin_of(company_prefix, item_reference):
    """GTIN-14 of the two numeric fields of an SGTIN/LGTIN URN."""
    digits = company_prefix + item_reference
    if (
        len(digits) != 13
        or not digits.isascii()
        or not digits.isdigit()
        or not 6 <= len(company_prefix) <= 12
    ):
        raise gs1.GS1Error("company prefix and item reference must be 13 digits")
    body = item_reference[:1] + company_prefix + item_reference[1:]
    return body + gs1.check_digit(body)


def _sscc_of(company_prefix, serial_reference):
    digits = company_prefix + serial_reference
    if (
        len(digits) != 17
        or not digits.isascii()
        or not digits.isdigit()
        or not 6 <= len(company_prefix) <= 12
    ):
        raise gs1.GS1Error("company prefix and serial reference must be 17 digits")
    body = serial_reference[:1] + company_prefix + serial_reference[1:]
    return body + gs1.check_digit(body)


def _urn_parts(urn, prefix, count):
    fields = urn[len(prefix) :].split(".", count - 1)
    if len(fields) != count or not all(fields):
        raise gs1.GS1Error(f"{urn!r} must have {count} fields after {prefix!r}")
    if count == 3 and _STRAY_PERCENT.search(fields[2]):
        raise gs1.GS1Error(f"malformed %-escape in {urn!r}")
    if count == 3:
        fields[2] = _URN_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), fields[2])
    return fields


def _sscc_path(uri):
    """The SSCC of a Digital Link ``.../00/<sscc>`` (any path prefix), or None
    when the URI has no ``00``/``sscc`` key."""
    segments = urlsplit(uri).path.removesuffix("/").split("/")
    if len(segments) >= 2 and segments[-2] in ("00", "sscc"):
        return gs1.validate("00", segments[-1])
    return None


def parse_identifier(uri):
    """``(kind, canonical_uri, key)`` of an identifier given to a MATCH_
    parameter: kind ``class`` (key: GTIN-14, lot), ``instance`` (GTIN-14,
    serial) or ``sscc`` (the SSCC,); the canonical URI is the GS1 Digital Link
    the export writes.

    :raise QueryParameterError: not one of the supported forms, or invalid
        (check digit, characters, lengths)
    """
    try:
        if uri.startswith("urn:epc:class:lgtin:"):
            prefix, item, lot = _urn_parts(uri, "urn:epc:class:lgtin:", 3)
            gtin = _gtin_of(prefix, item)
            return "class", epcis.class_uri(gtin, lot), (gtin, lot)
        if uri.startswith("urn:epc:id:sgtin:"):
            prefix, item, serial = _urn_parts(uri, "urn:epc:id:sgtin:", 3)
            gtin = _gtin_of(prefix, item)
            return "instance", epcis.instance_uri(gtin, serial), (gtin, serial)
        if uri.startswith("urn:epc:id:sscc:"):
            prefix, serial_reference = _urn_parts(uri, "urn:epc:id:sscc:", 2)
            sscc = _sscc_of(prefix, serial_reference)
            return "sscc", epcis.sscc_uri(sscc), (sscc,)
        if uri.lower().startswith(("http://", "https://")):
            sscc = _sscc_path(uri)
            if sscc:
                return "sscc", epcis.sscc_uri(sscc), (sscc,)
            values = gs1.parse_digital_link(uri)
            gtin = values["01"]
            if "21" in values:
                return (
                    "instance",
                    epcis.instance_uri(gtin, values["21"]),
                    (
                        gtin,
                        values["21"],
                    ),
                )
            if "10" in values:
                return (
                    "class",
                    epcis.class_uri(gtin, values["10"]),
                    (
                        gtin,
                        values["10"],
                    ),
                )
            raise QueryParameterError(
                f"{uri!r} names a product, not a lot or serial number"
            )
    except (gs1.GS1Error, epcis.EPCISError) as error:
        raise QueryParameterError(
            f"{uri!r} is not a valid identifier: {error}"
        ) from None
    raise QueryParameterError(
        f"{uri!r} is not a GS1 Digital Link nor an EPC URN (urn:epc:class:lgtin:, "
        "urn:epc:id:sgtin:, urn:epc:id:sscc:)"
    )


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def _values(name, raw_values):
    """The list values of a parameter: each occurrence split on "|" (or on ","
    when it holds no "|"), blanks stripped; an empty element is an error."""
    values = []
    for raw in raw_values:
        separator = "|" if "|" in raw else ","
        for value in raw.split(separator):
            value = value.strip()
            if not value:
                raise QueryParameterError(f"{name} has an empty value")
            values.append(value)
    return values


def _single(name, raw_values):
    if len(raw_values) != 1:
        raise QueryParameterError(f"{name} must be given once")
    return raw_values[0]


def parse_time(name, value):
    """An aware datetime of an RFC 3339 date-time with its offset."""
    spaced = _SPACED_OFFSET.match(value)
    if spaced:
        value = f"{spaced.group(1)}+{spaced.group(2)}"
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or "T" not in value.upper():
        raise QueryParameterError(
            f"{name} must be a date and time in ISO 8601 with its offset, such as "
            f"2024-03-01T08:00:00+08:00 (got {value!r})"
        )
    if moment.tzinfo is None:
        raise QueryParameterError(
            f"{name} must carry its UTC offset (Z or +hh:mm): {value!r}"
        )
    return moment


def _biz_step(value):
    for prefix in _BIZ_STEP_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    else:
        if _URI_SCHEME.match(value):
            # A custom business step: compared as it is.
            return value
    if value not in epcis.BIZ_STEPS:
        raise QueryParameterError(f"{value!r} is not a CBV 2.0 business step")
    return value


def _event_type(value):
    if value in EVENT_TYPES or _URI_SCHEME.match(value):
        return value
    raise QueryParameterError(
        f"{value!r} is not an EPCIS event type ({', '.join(sorted(EVENT_TYPES))})"
    )


def _collect(params):
    """``params`` as name -> list of strings, every name checked."""
    if not isinstance(params, dict):
        raise QueryParameterError("the parameters must be a mapping")
    lists = {}
    for name, raw in params.items():
        raw_values = [raw] if isinstance(raw, str) else raw
        if (
            not isinstance(name, str)
            or not isinstance(raw_values, list | tuple)
            or not raw_values
            or not all(isinstance(value, str) for value in raw_values)
        ):
            raise QueryParameterError(f"parameter {name!r} has no text value")
        if any(
            len(value) > MAX_VALUE_LENGTH or "\x00" in value for value in raw_values
        ):
            raise QueryParameterError(f"parameter {name!r} is too long")
        if name in NOT_SUPPORTED or (
            name not in SUPPORTED and _NOT_SUPPORTED_PATTERN.match(name)
        ):
            raise QueryNotSupportedError(
                f"query parameter {name} is not supported by this server"
            )
        if name not in SUPPORTED:
            raise QueryParameterError(
                f"{name!r} is not a query parameter of GET /events"
            )
        lists[name] = list(raw_values)
    return lists


def _match(lists):
    """MATCH_ parameter -> its identifiers (:func:`parse_identifier`)."""
    match = {}
    for name in MATCH_PARAMETERS:
        if name not in lists:
            continue
        identifiers = []
        for value in _values(name, lists[name]):
            identifier = parse_identifier(value)
            if name == "MATCH_anyEPCClass" and identifier[0] != "class":
                raise QueryParameterError(
                    f"{name} takes class-level identifiers (a GTIN with a lot): "
                    f"{value!r}"
                )
            if name != "MATCH_anyEPCClass" and identifier[0] == "class":
                raise QueryParameterError(
                    f"{name} takes instance identifiers (a serial number or an "
                    f"SSCC): {value!r}"
                )
            identifiers.append(identifier)
        match[name] = identifiers
    count = sum(len(identifiers) for identifiers in match.values())
    if count > MAX_IDENTIFIERS:
        raise QueryParameterError(
            f"at most {MAX_IDENTIFIERS} identifiers per query (got {count})"
        )
    if not match:
        raise QueryParameterError(
            "give the lots, serial numbers or SSCCs asked about: at least one of "
            + ", ".join(MATCH_PARAMETERS)
        )
    return match


def _per_page(lists):
    if "perPage" not in lists:
        return PER_PAGE_DEFAULT
    text = _single("perPage", lists["perPage"]).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9) or int(text) < 1:
        raise QueryParameterError(f"perPage must be a positive integer: {text!r}")
    return min(int(text), PER_PAGE_MAX)


def parse_params(params):
    """The query of ``params`` (name -> string or list of strings, as a query
    string gives them).

    :return: dict with ``event_types``, ``biz_steps`` (sets or None),
        ``ge_time``, ``lt_time`` (aware datetimes or None), ``match`` (MATCH_
        parameter -> list of ``(kind, canonical_uri, key)``), ``per_page``,
        ``token`` (str or None) and ``fingerprint`` (digest of the filters:
        a page token is valid for the same filters only)
    :raise QueryParameterError, QueryNotSupportedError:
    """
    lists = _collect(params)
    query = {
        "event_types": None,
        "biz_steps": None,
        "ge_time": None,
        "lt_time": None,
        "token": None,
    }
    if "eventType" in lists:
        query["event_types"] = {
            _event_type(value) for value in _values("eventType", lists["eventType"])
        }
    if "EQ_bizStep" in lists:
        query["biz_steps"] = {
            _biz_step(value) for value in _values("EQ_bizStep", lists["EQ_bizStep"])
        }
    for name, key in (("GE_eventTime", "ge_time"), ("LT_eventTime", "lt_time")):
        if name in lists:
            query[key] = parse_time(name, _single(name, lists[name]).strip())
    query["match"] = _match(lists)
    query["per_page"] = _per_page(lists)
    if "nextPageToken" in lists:
        token = _single("nextPageToken", lists["nextPageToken"]).strip()
        if not token:
            raise QueryParameterError("nextPageToken is empty")
        query["token"] = token
    query["fingerprint"] = fingerprint(query)
    return query


def _utc_text(moment):
    return moment and moment.astimezone(datetime.UTC).isoformat()


def fingerprint(query):
    """Digest of the filters of ``query`` (not of its paging)."""
    filters = {
        "event_types": sorted(query["event_types"] or ()),
        "biz_steps": sorted(query["biz_steps"] or ()),
        "ge_time": _utc_text(query["ge_time"]),
        "lt_time": _utc_text(query["lt_time"]),
        "match": {
            name: sorted(uri for _kind, uri, _key in identifiers)
            for name, identifiers in sorted(query["match"].items())
        },
    }
    text = json.dumps(filters, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def _uris(event, fields):
    found = set()
    for field in fields:
        value = event.get(field)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return found


def _classes(event):
    return {
        element.get(key)
        for field, key in CLASS_FIELDS
        for element in event.get(field) or ()
        if isinstance(element, dict)
    }


def event_moment(event):
    return datetime.datetime.fromisoformat(event["eventTime"])


def matches(event, query):
    """True when ``event`` meets every parameter of ``query`` (EPCIS 2.0: the
    parameters are combined with AND, the values of one with OR)."""
    if (
        query["event_types"] is not None
        and event.get("type") not in query["event_types"]
    ):
        return False
    if (
        query["biz_steps"] is not None
        and event.get("bizStep") not in query["biz_steps"]
    ):
        return False
    moment = event_moment(event)
    if query["ge_time"] is not None and moment < query["ge_time"]:
        return False
    if query["lt_time"] is not None and moment >= query["lt_time"]:
        return False
    for name, identifiers in query["match"].items():
        wanted = {uri for _kind, uri, _key in identifiers}
        if name == "MATCH_anyEPCClass":
            found = _classes(event)
        else:
            found = _uris(event, EPC_FIELDS if name == "MATCH_epc" else ANY_EPC_FIELDS)
        if not wanted & found:
            return False
    return True


def sort_key(event):
    """Order of the results, and the position a page token keeps: the event's
    time in UTC, commissioning first at the same time, then its id."""
    moment = event_moment(event).astimezone(datetime.UTC)
    return [
        moment.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        0 if event.get("bizStep") == "commissioning" else 1,
        event.get("eventID") or "",
    ]


def query_document(events, creation_date):
    """The ``EPCISQueryDocument`` of ``events`` (the answer of ``GET /events``
    in the REST binding: ``200EPCISQueryDocument``)."""
    created, _offset = epcis.event_time(creation_date)
    return {
        "@context": epcis.CONTEXT,
        "type": "EPCISQueryDocument",
        "schemaVersion": epcis.SCHEMA_VERSION,
        "creationDate": created,
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": list(events)},
            }
        },
    }
