# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading the identifiers of incoming EPCIS 2.0 events, in plain Python.

What a supplier's EPCIS document names, reduced to what matching needs:

* :func:`parse_item`: a trade item of an ``epcList`` / ``epcClass`` (a lot, a
  serial number or a product class) given as a GS1 Digital Link URI of any
  domain (``https://id.gs1.org/01/<gtin>/10/<lot>``, ``.../21/<serial>``, with
  data attributes such as ``?17=YYMMDD`` in the query) or as an EPC URN
  (``urn:epc:id:sgtin:<prefix>.<item>.<serial>``,
  ``urn:epc:class:lgtin:<prefix>.<item>.<lot>``,
  ``urn:epc:idpat:sgtin:<prefix>.<item>.*``);
* :func:`parse_party_gln`: the GLN of a party or location
  (``https://.../417/<gln>``, ``.../414/<gln>``, ``urn:epc:id:pgln:...``,
  ``urn:epc:id:sgln:...``);
* :func:`transaction_references`: the references a business transaction URI
  may stand for (``urn:epcglobal:cbv:bt:<gln>:<ref>``, a URL ending with the
  reference, or the reference itself);
* :func:`short_name`: a CBV value given as a short name, a URN
  (``urn:epcglobal:cbv:bizstep:shipping``) or a URI
  (``https://ref.gs1.org/cbv/BizStep-shipping``) as its short name;
* :func:`ilmd_dates`: expiry and production dates of an event's ``ilmd``.
"""

import datetime
import re

from . import gs1
from .epcis import EPCISError

__all__ = [
    "ilmd_dates",
    "parse_date",
    "parse_item",
    "parse_party_gln",
    "short_name",
    "transaction_references",
]

_EPC_URN = re.compile(
    r"^urn:epc:(?P<kind>id:sgtin|class:lgtin|idpat:sgtin):"
    r"(?P<prefix>[0-9]{6,12})\.(?P<item>[0-9]{1,7})\.(?P<rest>.+)$"
)
_GLN_URN = re.compile(
    r"^urn:epc:id:(?P<kind>pgln|sgln):(?P<prefix>[0-9]{6,12})\.(?P<ref>[0-9]{0,6})"
    r"(?:\.(?P<ext>.*))?$"
)
_GLN_LINK = re.compile(r"/(?:414|417)/(?P<gln>[0-9]{13})(?:/|\?|#|$)")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_CBV_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "urn:epcglobal:cbv:disp:",
    "urn:epcglobal:cbv:btt:",
    "urn:epcglobal:cbv:sdt:",
)
_CBV_URI = re.compile(r"^https?://ref\.gs1\.org/cbv/[A-Za-z]+-(?P<name>.+)$")
_MAX_URI = gs1.DIGITAL_LINK_MAX_LENGTH

# ilmd keys (CBV 2.0 master data attributes, any JSON-LD prefix) of the dates
# read, by preference.
EXPIRY_KEYS = ("itemExpirationDate", "bestBeforeDate", "sellByDate")
PRODUCTION_KEYS = ("productionDate", "manufacturingDate", "dateOfManufacture")


def _decode(value):
    return _PERCENT.sub(lambda match: chr(int(match.group(1), 16)), value)


def _gtin_of_urn(prefix, item):
    digits = item[:1] + prefix + item[1:]
    if len(digits) != 13:
        raise EPCISError(
            f"EPC {prefix}.{item}: company prefix and item reference must have "
            "13 digits together"
        )
    return digits + gs1.check_digit(digits)


def parse_date(value):
    """A ``datetime.date`` of an ISO 8601 date or date-time (``2026-05-01``,
    ``2026-05-01T00:00:00Z``), or a GS1 ``YYMMDD`` string; None when it is
    none of these."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if len(text) == 6 and text.isdigit():
        try:
            gs1.validate("17", text)
        except gs1.GS1Error:
            return None
        day = int(text[4:]) or 1
        return datetime.date(2000 + int(text[:2]), int(text[2:4]), day)
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_item(uri):
    """The trade item a URI of an EPC list or quantity list names.

    :return: dict with ``gtin`` (14 digits), ``lot`` and ``serial`` (str or
        None), ``expiry`` and ``production`` (``datetime.date`` from the Digital
        Link's AI 17 / 15 and 11 query attributes, or None)
    :raise EPCISError: when the URI is not a GTIN-based identifier or is
        malformed (bad check digit, bad encoding...)
    """
    if not isinstance(uri, str) or not uri:
        raise EPCISError(f"identifier {uri!r} must be a non-empty string")
    if len(uri) > _MAX_URI:
        raise EPCISError(f"identifier of {len(uri)} characters is too long")
    item = {"gtin": None, "lot": None, "serial": None}
    item.update(expiry=None, production=None)
    match = _EPC_URN.match(uri)
    if match:
        item["gtin"] = _gtin_of_urn(match["prefix"], match["item"])
        rest = _decode(match["rest"])
        try:
            if match["kind"] == "id:sgtin":
                item["serial"] = gs1.validate("21", rest)
            elif match["kind"] == "class:lgtin":
                item["lot"] = gs1.validate("10", rest)
        except gs1.GS1Error as error:
            raise EPCISError(str(error)) from error
        if match["kind"] != "idpat:sgtin":
            return item
        if rest != "*":
            raise EPCISError(f"EPC pattern {uri!r} must end with '*'")
        return item
    if uri.startswith("urn:"):
        raise EPCISError(f"{uri!r} is not a GTIN-based EPC (sgtin, lgtin)")
    try:
        elements = gs1.parse_digital_link(uri)
    except gs1.GS1Error as error:
        raise EPCISError(str(error)) from error
    item.update(gtin=elements["01"], lot=elements.get("10"))
    item["serial"] = elements.get("21")
    item["expiry"] = parse_date(elements.get("17") or elements.get("15"))
    item["production"] = parse_date(elements.get("11"))
    return item


def parse_party_gln(uri):
    """The GLN (13 digits) of a party or location URI, or None."""
    if not isinstance(uri, str) or len(uri) > _MAX_URI:
        return None
    match = _GLN_URN.match(uri)
    if match:
        digits = match["prefix"] + match["ref"]
        if len(digits) != 12:
            return None
        return digits + gs1.check_digit(digits)
    match = _GLN_LINK.search(uri)
    if match and gs1.check_digit(match["gln"][:-1]) == match["gln"][-1]:
        return match["gln"]
    return None


def transaction_references(uri):
    """The references a business transaction URI may carry, most specific
    first: the part after ``urn:epcglobal:cbv:bt:<gln>:``, else the last
    segment of a URL or URN (percent-decoded), and the URI itself."""
    if not isinstance(uri, str) or not uri.strip() or len(uri) > _MAX_URI:
        return []
    uri = uri.strip()
    references = []
    if uri.startswith("urn:epcglobal:cbv:bt:"):
        parts = uri.split(":", 5)
        if len(parts) == 6:
            references.append(_decode(parts[5]))
    else:
        tail = re.split(r"[/:#=]", uri.rstrip("/"))[-1]
        if tail:
            references.append(_decode(tail))
    references.append(uri)
    return list(dict.fromkeys(ref for ref in references if ref))


def short_name(value):
    """The CBV short name of ``value`` (``shipping`` for
    ``urn:epcglobal:cbv:bizstep:shipping`` or
    ``https://ref.gs1.org/cbv/BizStep-shipping``); other values unchanged."""
    if not isinstance(value, str):
        return None
    for prefix in _CBV_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    match = _CBV_URI.match(value)
    return match["name"] if match else value


def _ilmd_value(ilmd, keys):
    for key in keys:
        for name, value in ilmd.items():
            if name == key or name.endswith(":" + key):
                date = parse_date(value)
                if date:
                    return date
    return None


def ilmd_dates(ilmd):
    """``(expiry, production)`` dates of an event's ``ilmd`` (instance / lot
    master data): the first of :data:`EXPIRY_KEYS` and of
    :data:`PRODUCTION_KEYS` given as a date, whatever their JSON-LD prefix
    (``cbvmda:itemExpirationDate``...)."""
    if not isinstance(ilmd, dict):
        return None, None
    return _ilmd_value(ilmd, EXPIRY_KEYS), _ilmd_value(ilmd, PRODUCTION_KEYS)
