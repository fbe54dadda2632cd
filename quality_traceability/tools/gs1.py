# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GS1 identifiers and their encodings, in plain Python (standard library only).

Covers the GS1 pieces that lot traceability needs:

* the GS1 mod-10 check digit (GTIN-8/12/13/14, GLN, SSCC) and GTIN normalisation;
* SSCC construction;
* validation of the application identifier (AI) values used here: SSCC (00),
  GTIN (01, 02), batch/lot (10), serial (21), dates (11, 13, 15, 17), counts
  (30, 37) and customer's purchase order number (400);
* human-readable element strings "(01)...(10)...", the data to encode in a GS1
  barcode (FNC1 / group separator rules) and the parser for both;
* GS1 Digital Link URIs "https://example.com/01/<gtin>/10/<lot>?17=<date>".

References: GS1 General Specifications (figure 7.8.5-2, AIs of predefined length;
section 7.9, check digit calculation; figure 7.11-1, AI encodable character set
82; section 7.12, dates) and the GS1 Digital Link Standard: URI Syntax.

Every validation failure raises :class:`GS1Error` (a ``ValueError``) with an
English message naming the AI and the problem.
"""

import datetime
import re

__all__ = [
    "CHARSET_82",
    "DIGITAL_LINK_MAX_LENGTH",
    "GROUP_SEPARATOR",
    "PREDEFINED_LENGTH_PREFIXES",
    "GS1Error",
    "barcode_data",
    "check_digit",
    "digital_link",
    "element_string",
    "is_predefined_length",
    "is_valid_gtin",
    "parse",
    "parse_digital_link",
    "parse_resolver_request",
    "sscc",
    "to_gtin14",
    "validate",
]


class GS1Error(ValueError):
    """A GS1 value, element string, barcode message or Digital Link URI is invalid."""


CHARSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
"""GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1)."""

GROUP_SEPARATOR = "\x1d"
"""ASCII GS: how FNC1 used as a separator is transmitted by barcode readers."""

PREDEFINED_LENGTH_PREFIXES = frozenset(
    "00 01 02 03 04 11 12 13 14 15 16 17 18 19 20 31 32 33 34 35 36 41".split()
)
"""First two digits of the AIs of predefined length (GS1 General Specifications,
figure 7.8.5-2): no separator is needed after their element strings."""

_ASCII_DIGITS = re.compile(r"[0-9]+")
_GTIN_LENGTHS = (8, 12, 13, 14)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UNRESERVED = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)
# GS1 symbology identifiers (ISO/IEC 15424): GS1-128 "]C1", GS1 DataMatrix "]d2"
# (FNC1 in first position) and "]d8" (the same in a DMRE size, ISO/IEC 21471: the
# modifier raised by 6, as zxing-cpp reports it), GS1 QR Code "]Q3", GS1 DataBar
# "]e0", GS1 DotCode "]J1".
_SYMBOLOGY_IDENTIFIERS = frozenset(["]C1", "]d2", "]d8", "]Q3", "]e0", "]J1"])
_BRACKETED_AI = re.compile(r"\(([0-9]{2,4})\)")
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

# Other fixed-length AIs that parse() recognises, besides the ones validate()
# knows; the 4-digit AIs 3100-3699 (measures, six digits) are handled apart.
_EXTRA_FIXED_LENGTHS = {"12": 6, "16": 6, "20": 2}
_MEASURE_PREFIXES = frozenset(["31", "32", "33", "34", "35", "36"])
_EXTRA_DATE_AIS = frozenset(["12", "16"])

# Digital Link: primary key, key qualifiers (in their GS1 order) and the
# convenience alphas of GS1 Digital Link 1.1.
_DL_KEY_NAMES = frozenset(["01", "gtin"])
_DL_QUALIFIERS = {"10": "10", "lot": "10", "21": "21", "ser": "21"}
_DL_QUALIFIER_ORDER = ("22", "10", "21")
_DL_QUERY_ALIASES = {"gtin": "01", "lot": "10", "ser": "21", "exp": "17"}
_DL_GENERIC_MAX_LENGTH = 90
# Most path segments from the key on: the key and its value, then each key
# qualifier (10, 21) at most once with its value.
_DL_MAX_KEY_SEGMENTS = 2 + 2 * len(set(_DL_QUALIFIERS.values()))

DIGITAL_LINK_MAX_LENGTH = 2048
"""Longest Digital Link URI that :func:`parse_digital_link` reads. Real ones are far
shorter (a GTIN, lot and serial of at most 20 characters each, a few data
attributes of at most 90); longer input is refused before it is read."""


def _is_digits(value):
    """True for a non-empty ``str`` of ASCII digits 0-9 only."""
    return isinstance(value, str) and _ASCII_DIGITS.fullmatch(value) is not None


def _type_name(value):
    return type(value).__name__


# ---------------------------------------------------------------------------
# Check digits, GTIN, SSCC
# ---------------------------------------------------------------------------


def check_digit(digits):
    """Return the GS1 mod-10 check digit of ``digits`` (the number without it).

    Works for any length (GTIN-8/12/13/14, GLN, SSCC...): from the right, the
    digits are weighted 3, 1, 3, 1...; the check digit brings the sum to a
    multiple of ten (GS1 General Specifications, section 7.9.1).
    """
    if not _is_digits(digits):
        raise GS1Error(
            f"check digit: {digits!r} must be a non-empty string of digits 0-9"
        )
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1)
        for index, digit in enumerate(reversed(digits))
    )
    return str(-total % 10)


def _gtin_problem(code):
    """Why ``code`` (a str) is not a valid GTIN-8/12/13/14, or None."""
    if not _is_digits(code):
        return "must contain only digits 0-9"
    if len(code) not in _GTIN_LENGTHS:
        return f"must have 8, 12, 13 or 14 digits (got {len(code)})"
    expected = check_digit(code[:-1])
    if code[-1] != expected:
        return f"has an invalid check digit {code[-1]} (expected {expected})"
    return None


def is_valid_gtin(code):
    """True if ``code`` is a string of 8, 12, 13 or 14 digits with a correct check
    digit."""
    return isinstance(code, str) and _gtin_problem(code) is None


def to_gtin14(code):
    """Return the valid GTIN-8/12/13/14 ``code`` zero-padded to 14 digits."""
    if not isinstance(code, str):
        raise GS1Error(f"GTIN: expected a string, got {_type_name(code)}")
    problem = _gtin_problem(code)
    if problem:
        raise GS1Error(f"GTIN {code!r} {problem}")
    return code.zfill(14)


def _serial_reference_number(serial_reference):
    if isinstance(serial_reference, int) and not isinstance(serial_reference, bool):
        if serial_reference < 0:
            raise GS1Error(
                f"SSCC: serial reference {serial_reference} must not be negative"
            )
        return serial_reference
    if _is_digits(serial_reference):
        return int(serial_reference)
    raise GS1Error(
        f"SSCC: serial reference {serial_reference!r} must be a non-negative "
        "integer or a string of digits 0-9"
    )


def sscc(company_prefix, serial_reference, extension_digit=0):
    """Return the 18-digit SSCC of a logistic unit.

    Extension digit, GS1 company prefix and serial reference (zero-padded) make
    17 digits, followed by the check digit.
    """
    if not _is_digits(company_prefix) or not 6 <= len(company_prefix) <= 12:
        raise GS1Error(
            f"SSCC: GS1 company prefix {company_prefix!r} must be 6 to 12 digits"
        )
    if (
        isinstance(extension_digit, bool)
        or not isinstance(extension_digit, int)
        or not 0 <= extension_digit <= 9
    ):
        raise GS1Error(
            f"SSCC: extension digit {extension_digit!r} must be an integer 0 to 9"
        )
    room = 16 - len(company_prefix)
    number = _serial_reference_number(serial_reference)
    if number >= 10**room:
        raise GS1Error(
            f"SSCC: serial reference {serial_reference!r} does not fit in the "
            f"{room} digits left by company prefix {company_prefix!r}"
        )
    body = f"{extension_digit}{company_prefix}{number:0{room}d}"
    return body + check_digit(body)


# ---------------------------------------------------------------------------
# Validation of AI values
# ---------------------------------------------------------------------------


def _require_str(ai, value):
    if not isinstance(value, str):
        raise GS1Error(f"AI ({ai}): expected a string, got {_type_name(value)}")


def _validate_sscc(ai, value):
    _require_str(ai, value)
    if not _is_digits(value) or len(value) != 18:
        raise GS1Error(f"AI ({ai}): {value!r} must be exactly 18 digits")
    expected = check_digit(value[:-1])
    if value[-1] != expected:
        raise GS1Error(
            f"AI ({ai}): {value!r} has an invalid check digit {value[-1]} "
            f"(expected {expected})"
        )
    return value


def _validate_gtin(ai, value):
    _require_str(ai, value)
    problem = _gtin_problem(value)
    if problem:
        raise GS1Error(f"AI ({ai}): {value!r} {problem}")
    return value.zfill(14)


def _check_charset_82(ai, value, max_length):
    if not 1 <= len(value) <= max_length:
        raise GS1Error(
            f"AI ({ai}): {value!r} must be 1 to {max_length} characters long "
            f"(got {len(value)})"
        )
    bad = [char for char in dict.fromkeys(value) if char not in CHARSET_82]
    if bad:
        listed = ", ".join(repr(char) for char in bad)
        raise GS1Error(
            f"AI ({ai}): {value!r} contains characters outside GS1 character "
            f"set 82: {listed}"
        )
    return value


def _charset_82_validator(max_length):
    def validator(ai, value):
        _require_str(ai, value)
        return _check_charset_82(ai, value, max_length)

    return validator


def _date_problem(value):
    """Why the six digits ``value`` are not a YYMMDD date (DD may be 00)."""
    year, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12:
        return f"month {value[2:4]} is not 01 to 12"
    # Two-digit years: February 29 is accepted when YY is a multiple of 4,
    # which is exact for 2000-2099 (and 1901-1999).
    last_day = _DAYS_IN_MONTH[month - 1]
    if month == 2 and year % 4:
        last_day = 28
    if day > last_day:
        return f"day {value[4:]} does not exist in month {value[2:4]}"
    return None


def _validate_date(ai, value):
    if isinstance(value, datetime.date):
        return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"
    if not isinstance(value, str):
        raise GS1Error(
            f"AI ({ai}): expected a date or a 'YYMMDD' string, "
            f"got {_type_name(value)}"
        )
    if not _is_digits(value) or len(value) != 6:
        raise GS1Error(f"AI ({ai}): {value!r} must be a date as 6 digits YYMMDD")
    problem = _date_problem(value)
    if problem:
        raise GS1Error(f"AI ({ai}): {value!r} is not a valid YYMMDD date: {problem}")
    return value


def _validate_count(ai, value):
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise GS1Error(f"AI ({ai}): count {value} must not be negative")
        value = str(value)
    _require_str(ai, value)
    if not _is_digits(value) or len(value) > 8:
        raise GS1Error(f"AI ({ai}): {value!r} must be 1 to 8 digits")
    return value


_VALIDATORS = {
    "00": _validate_sscc,
    "01": _validate_gtin,
    "02": _validate_gtin,
    "10": _charset_82_validator(20),
    "11": _validate_date,
    "13": _validate_date,
    "15": _validate_date,
    "17": _validate_date,
    "21": _charset_82_validator(20),
    "30": _validate_count,
    "37": _validate_count,
    "400": _charset_82_validator(30),
}

_FIXED_LENGTHS = {
    "00": 18,
    "01": 14,
    "02": 14,
    "11": 6,
    "13": 6,
    "15": 6,
    "17": 6,
    **_EXTRA_FIXED_LENGTHS,
}


def validate(ai, value):
    """Validate one element and return its normalised value (a string).

    "00": SSCC, 18 digits with check digit. "01", "02": GTIN-8/12/13/14, returned
    as GTIN-14. "10", "21": 1-20 characters of CSET 82. "11", "13", "15", "17":
    a ``datetime.date`` (or datetime) or a "YYMMDD" string, DD "00" meaning the
    end of the month; returns "YYMMDD". "30", "37": count, 1-8 digits (an int is
    accepted). "400": 1-30 characters of CSET 82. Any other AI raises GS1Error.
    """
    if not isinstance(ai, str):
        raise GS1Error(f"AI must be given as a string, got {ai!r}")
    validator = _VALIDATORS.get(ai)
    if validator is None:
        raise GS1Error(f"AI ({ai}): unknown or unsupported application identifier")
    return validator(ai, value)


def _fixed_length(ai):
    """Value length of a fixed-length AI known to parse(), else None."""
    if len(ai) == 4 and ai[:2] in _MEASURE_PREFIXES:
        return 6
    return _FIXED_LENGTHS.get(ai)


def _is_known_ai(ai):
    return ai in _VALIDATORS or _fixed_length(ai) is not None


def _check_value(ai, value):
    """Validate a value read from an element string or barcode data."""
    length = _fixed_length(ai)
    if length is not None and (len(value) != length or not _is_digits(value)):
        raise GS1Error(f"AI ({ai}): {value!r} must be exactly {length} digits")
    if ai in _VALIDATORS:
        return validate(ai, value)
    if ai in _EXTRA_DATE_AIS:
        return _validate_date(ai, value)
    return value


def is_predefined_length(ai):
    """True if no separator is needed after an element of AI ``ai``."""
    return ai[:2] in PREDEFINED_LENGTH_PREFIXES


# ---------------------------------------------------------------------------
# Element strings and barcode data
# ---------------------------------------------------------------------------


def _check_duplicates(elements):
    seen = {}
    for ai, value in elements:
        if seen.setdefault(ai, value) != value:
            raise GS1Error(
                f"AI ({ai}): given twice with different values "
                f"{seen[ai]!r} and {value!r}"
            )


def _normalised(elements):
    result = []
    for element in elements:
        try:
            ai, value = element
        except (TypeError, ValueError):
            raise GS1Error(f"element {element!r} is not an (AI, value) pair") from None
        result.append((ai, validate(ai, value)))
    if not result:
        raise GS1Error("no GS1 elements given")
    _check_duplicates(result)
    return result


def element_string(elements):
    """Human-readable element string of ``elements``, (AI, value) pairs, e.g.
    "(01)09506000134352(17)201225(10)ABC123". Values are validated and
    normalised with :func:`validate`; the order is kept."""
    return "".join(f"({ai}){value}" for ai, value in _normalised(elements))


def barcode_data(elements, fnc1=GROUP_SEPARATOR):
    """The data to encode in a GS1 barcode (GS1-128, GS1 DataMatrix, GS1 QR...).

    Elements of predefined length come first (in their given order), then the
    others, as GS1 recommends, so that fewer separators are needed. ``fnc1``
    follows every element whose AI is not of predefined length, except the last.
    The leading FNC1 of the symbol is not included.
    """
    if not isinstance(fnc1, str) or not fnc1 or set(fnc1) & CHARSET_82:
        raise GS1Error(
            f"separator {fnc1!r} must be a non-empty string without characters "
            "of GS1 character set 82"
        )
    pairs = _normalised(elements)
    ordered = sorted(pairs, key=lambda pair: not is_predefined_length(pair[0]))
    parts = []
    for index, (ai, value) in enumerate(ordered):
        parts.append(ai + value)
        if index < len(ordered) - 1 and not is_predefined_length(ai):
            parts.append(fnc1)
    return "".join(parts)


def _parse_bracketed(data):
    matches = list(_BRACKETED_AI.finditer(data))
    if not matches or matches[0].start() != 0:
        raise GS1Error(f"element string {data!r} must start with '(AI)'")
    elements = []
    for index, match in enumerate(matches):
        ai = match.group(1)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(data)
        value = data[match.end() : end]
        if not _is_known_ai(ai):
            raise GS1Error(f"AI ({ai}): unknown or unsupported application identifier")
        if not value:
            raise GS1Error(f"AI ({ai}): empty value in element string {data!r}")
        elements.append((ai, _check_value(ai, value)))
    return elements


def _match_ai(data, pos, offset):
    two = data[pos : pos + 2]
    if two in _VALIDATORS or two in _FIXED_LENGTHS:
        return two
    three = data[pos : pos + 3]
    if three in _VALIDATORS:
        return three
    four = data[pos : pos + 4]
    if len(four) == 4 and four[:2] in _MEASURE_PREFIXES and _is_digits(four):
        return four
    raise GS1Error(
        f"unknown or unsupported application identifier at {four!r} "
        f"(position {offset + pos})"
    )


def _parse_raw(data, fnc1, offset):
    elements = []
    pos = 0
    while True:
        while data.startswith(fnc1, pos):
            pos += len(fnc1)
        if pos >= len(data):
            break
        ai = _match_ai(data, pos, offset)
        pos += len(ai)
        length = _fixed_length(ai)
        if length is None:
            end = data.find(fnc1, pos)
            end = len(data) if end < 0 else end
        else:
            end = pos + length
            field = data[pos:end].split(fnc1)[0]
            if len(field) < length:
                raise GS1Error(
                    f"AI ({ai}): truncated value {field!r}, expected {length} digits"
                )
        elements.append((ai, _check_value(ai, data[pos:end])))
        pos = end
    return elements


def parse(data, fnc1=GROUP_SEPARATOR):
    """Parse GS1 element strings into a list of (AI, value) pairs.

    Accepts a bracketed element string "(01)...(10)..." or raw barcode data,
    optionally led by a GS1 symbology identifier ("]C1", "]d2", "]d8" for a
    GS1 DataMatrix of a DMRE size, "]Q3", "]e0", "]J1") and/or a group
    separator, in which variable-length values end at the next ``fnc1`` (ASCII
    GS) or at the end. Known AIs: those of :func:`validate`
    (values validated and normalised) plus the fixed-length 12, 16 (dates), 20
    and 3100-3699 (six digits). In the bracketed form, "(NN)" with 2-4 digits
    always starts a new element.
    """
    if not isinstance(data, str):
        raise GS1Error(f"GS1 data must be a string, got {_type_name(data)}")
    if not isinstance(fnc1, str) or not fnc1:
        raise GS1Error(f"separator {fnc1!r} must be a non-empty string")
    if data.startswith("("):
        elements = _parse_bracketed(data)
    else:
        offset = 0
        if data.startswith("]"):
            if data[:3] not in _SYMBOLOGY_IDENTIFIERS:
                raise GS1Error(
                    f"symbology identifier {data[:3]!r} does not announce GS1 "
                    "element strings"
                )
            offset = 3
        elements = _parse_raw(data[offset:], fnc1, offset)
    if not elements:
        raise GS1Error(f"no GS1 element strings in {data!r}")
    _check_duplicates(elements)
    return elements


# ---------------------------------------------------------------------------
# GS1 Digital Link
# ---------------------------------------------------------------------------


def _percent_encode(value):
    return "".join(
        char if char in _UNRESERVED else f"%{ord(char):02X}" for char in value
    )


def _percent_decode(ai, raw, plus_is_space=False):
    if plus_is_space:
        raw = raw.replace("+", " ")
    if _STRAY_PERCENT.search(raw):
        raise GS1Error(f"AI ({ai}): malformed percent-encoding in {raw!r}")
    return _PERCENT_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), raw)


def digital_link(base_url, gtin, lot=None, serial=None, expiry=None):
    """GS1 Digital Link URI ``<base>/01/<gtin14>[/10/<lot>][/21/<serial>][?17=YYMMDD]``.

    Lot and serial are validated as AI (10) and (21) and percent-encoded: every
    character outside the RFC 3986 unreserved set is written as %XX (uppercase
    hex). Trailing slashes of ``base_url`` are dropped.
    """
    if not isinstance(base_url, str) or not base_url.rstrip("/"):
        raise GS1Error(f"Digital Link base URL {base_url!r} must not be empty")
    base = base_url.rstrip("/")
    if "?" in base or "#" in base:
        raise GS1Error(
            f"Digital Link base URL {base_url!r} must not have a query or fragment"
        )
    uri = f"{base}/01/{validate('01', gtin)}"
    if lot is not None:
        uri += "/10/" + _percent_encode(validate("10", lot))
    if serial is not None:
        uri += "/21/" + _percent_encode(validate("21", serial))
    if expiry is not None:
        uri += "?17=" + validate("17", expiry)
    return uri


def _dl_path_value(ai, raw):
    if not raw:
        raise GS1Error(f"AI ({ai}): empty value in the Digital Link path")
    return validate(ai, _percent_decode(ai, raw))


def _parse_dl_path(segments):
    """Parse ``segments``: the GTIN key name, its value, then qualifier pairs."""
    if len(segments) % 2:
        raise GS1Error(
            "Digital Link path after /01/ must be AI/value pairs, found an odd "
            f"number of segments: {'/'.join(segments)!r}"
        )
    result = {"01": _dl_path_value("01", segments[1])}
    previous = None
    for index in range(2, len(segments), 2):
        name = segments[index]
        ai = _DL_QUALIFIERS.get(name)
        if ai is None:
            raise GS1Error(
                f"AI ({name}): unknown or unsupported in the Digital Link path "
                "after /01/ (allowed: 10 or lot, 21 or ser)"
            )
        if ai in result:
            raise GS1Error(f"AI ({ai}): given twice in the Digital Link path")
        if previous and _DL_QUALIFIER_ORDER.index(ai) < _DL_QUALIFIER_ORDER.index(
            previous
        ):
            raise GS1Error(
                f"AI ({ai}): must not follow AI ({previous}) in the Digital Link "
                "path (GS1 key qualifier order is 22, 10, 21)"
            )
        result[ai] = _dl_path_value(ai, segments[index + 1])
        previous = ai
    return result


def _dl_path_segments(uri):
    """Path segments of ``uri``, without scheme, authority, query and fragment."""
    path = uri.split("#", 1)[0].split("?", 1)[0]
    scheme_end = path.find("://")
    if scheme_end >= 0:
        slash = path.find("/", scheme_end + 3)
        path = "" if slash < 0 else path[slash:]
    return path.split("/")


def _parse_dl_key_and_qualifiers(uri):
    segments = _dl_path_segments(uri)
    candidates = [i for i, name in enumerate(segments) if name in _DL_KEY_NAMES]
    if not candidates:
        raise GS1Error(f"Digital Link URI {uri!r} has no /01/ (GTIN) path segment")
    # A path prefix may itself contain "01": the key is the rightmost candidate
    # that is followed by valid AI/value pairs. Only a candidate followed by an
    # even number of segments, at most _DL_MAX_KEY_SEGMENTS, can be it; the
    # leftmost is tried last for the error message. Trying every candidate on
    # the rest of the path would take quadratic time on a path of many "01".
    tried = [
        start
        for start in candidates
        if (len(segments) - start) % 2 == 0
        and len(segments) - start <= _DL_MAX_KEY_SEGMENTS
    ]
    if not tried or tried[0] != candidates[0]:
        tried.insert(0, candidates[0])
    error = None
    for start in reversed(tried):
        try:
            return _parse_dl_path(segments[start:])
        except GS1Error as exc:
            error = exc
    raise error


def _dl_query_value(ai, raw):
    value = _percent_decode(ai, raw, plus_is_space=True)
    if not value:
        raise GS1Error(f"AI ({ai}): empty value in the Digital Link query string")
    if _is_known_ai(ai):
        return _check_value(ai, value)
    if not 2 <= len(ai) <= 4:
        raise GS1Error(
            f"query parameter {ai!r} is numeric but not a GS1 application "
            "identifier (2 to 4 digits)"
        )
    return _check_charset_82(ai, value, _DL_GENERIC_MAX_LENGTH)


def _parse_dl_query(uri, result):
    query = uri.split("#", 1)[0].partition("?")[2]
    for parameter in query.split("&"):
        name, has_value, raw = parameter.partition("=")
        ai = _DL_QUERY_ALIASES.get(name, name)
        if not _is_digits(ai):
            continue
        if not has_value:
            raise GS1Error(f"AI ({ai}): no value in the Digital Link query string")
        value = _dl_query_value(ai, raw)
        if ai in result:
            raise GS1Error(f"AI ({ai}): given twice in the Digital Link URI")
        result[ai] = value


def parse_digital_link(uri):
    """Parse a GS1 Digital Link URI with a GTIN key into a dict AI -> value.

    Anything before the "/01/" (or "/gtin/") segment is taken as scheme, host and
    path prefix. The path then holds the key qualifiers 10 ("lot") and 21
    ("ser"), in this order; the query string holds data attributes such as 17
    ("exp"). Values are percent-decoded ("+" means a space in the query string)
    and validated; the GTIN is returned with 14 digits. Query parameters that are
    not numeric (nor an alias) are ignored, as GS1 Digital Link prescribes;
    numeric ones that :func:`parse` does not know are kept after a generic check
    (1-90 characters of CSET 82). The fragment is ignored. A URI longer than
    :data:`DIGITAL_LINK_MAX_LENGTH` is refused; the time taken grows linearly with
    the length of the URI.
    """
    if not isinstance(uri, str) or not uri:
        raise GS1Error(f"Digital Link URI must be a non-empty string, got {uri!r}")
    if len(uri) > DIGITAL_LINK_MAX_LENGTH:
        raise GS1Error(
            f"Digital Link URI of {len(uri)} characters is too long (at most "
            f"{DIGITAL_LINK_MAX_LENGTH})"
        )
    result = _parse_dl_key_and_qualifiers(uri)
    _parse_dl_query(uri, result)
    return result


# ---------------------------------------------------------------------------
# GS1 Digital Link resolver requests
# ---------------------------------------------------------------------------

# Primary keys a resolver request may start with (numeric AI or the convenience
# alpha of GS1 Digital Link 1.1), and the key qualifiers of a GTIN: consumer
# product variant (22), lot (10) and serial (21) in this order, or third party
# controlled serialised extension (235) alone (GS1 Digital Link URI syntax 1.4,
# key qualifier paths of AI 01).
_DL_RESOLVER_KEYS = {"01": "01", "gtin": "01", "00": "00", "sscc": "00"}
_DL_GTIN_QUALIFIER_NAMES = {
    "22": "22",
    "cpv": "22",
    "10": "10",
    "lot": "10",
    "21": "21",
    "ser": "21",
    "235": "235",
}
_DL_GTIN_QUALIFIER_PATHS = (("22", "10", "21"), ("235",))
# Longest value of the qualifiers that validate() does not know: CPV (AI 22,
# X..20) and TPX (AI 235, X..28), both of character set 82.
_DL_QUALIFIER_MAX_LENGTHS = {"22": 20, "235": 28}


def _dl_resolver_value(ai, raw):
    if not raw:
        raise GS1Error(f"AI ({ai}): empty value in the Digital Link path")
    value = _percent_decode(ai, raw)
    if ai in _DL_QUALIFIER_MAX_LENGTHS:
        return _check_charset_82(ai, value, _DL_QUALIFIER_MAX_LENGTHS[ai])
    return validate(ai, value)


def _dl_gtin_qualifiers(pairs):
    """Validate the qualifier (name, raw value) pairs after a GTIN: known AIs,
    each once, in one of the orders of ``_DL_GTIN_QUALIFIER_PATHS``."""
    ais = []
    for name, _raw in pairs:
        ai = _DL_GTIN_QUALIFIER_NAMES.get(name)
        if ai is None:
            raise GS1Error(
                f"AI ({name}): not a key qualifier of a GTIN (allowed: 22, 10, 21 "
                "or 235)"
            )
        ais.append(ai)
    for order in _DL_GTIN_QUALIFIER_PATHS:
        positions = [order.index(ai) if ai in order else -1 for ai in ais]
        if -1 not in positions and positions == sorted(set(positions)):
            return ais
    raise GS1Error(
        f"key qualifiers {'/'.join(ais)} of a GTIN must be 22, 10, 21 in this "
        "order (each at most once), or 235 alone"
    )


def parse_resolver_request(uri):
    """Parse the path and query of a request made to a GS1 Digital Link resolver.

    ``uri`` is the request target as sent (still percent-encoded), such as
    "/01/09506000134352/10/ABC?17=271231"; its path starts with the primary key:
    "01" (or "gtin") with key qualifiers 22, 10, 21 (or "cpv", "lot", "ser") in
    this order, or 235 alone; or "00" (or "sscc") without qualifiers; one
    trailing slash is tolerated. The query
    string holds data attributes, checked as in :func:`parse_digital_link`;
    other (non-numeric) parameters such as ``linkType`` are ignored.

    :return: dict AI -> value (GTIN-14, decoded lot...) and ``"key"`` -> the
        primary key's AI ("01" or "00")
    :raise GS1Error: when the request is not a valid GS1 Digital Link
    """
    if not isinstance(uri, str) or not uri.startswith("/"):
        raise GS1Error(f"Digital Link request {uri!r} must start with '/'")
    if len(uri) > DIGITAL_LINK_MAX_LENGTH:
        raise GS1Error(
            f"Digital Link URI of {len(uri)} characters is too long (at most "
            f"{DIGITAL_LINK_MAX_LENGTH})"
        )
    path = uri.split("#", 1)[0].split("?", 1)[0]
    # One trailing slash is tolerated (GS1-Conformant resolver 1.2, 2.13).
    segments = path.removesuffix("/").split("/")[1:] if path != "/" else []
    if len(segments) < 2 or len(segments) % 2:
        raise GS1Error(
            f"Digital Link path {uri!r} must be a primary key and its value, then "
            "AI/value pairs"
        )
    key = _DL_RESOLVER_KEYS.get(segments[0])
    if key is None:
        raise GS1Error(f"AI ({segments[0]}): not a primary key (allowed: 01, 00)")
    result = {"key": key, key: _dl_resolver_value(key, segments[1])}
    pairs = [(segments[i], segments[i + 1]) for i in range(2, len(segments), 2)]
    if pairs and key == "00":
        raise GS1Error("AI (00): an SSCC takes no key qualifier")
    for ai, (_name, raw) in zip(_dl_gtin_qualifiers(pairs), pairs, strict=True):
        result[ai] = _dl_resolver_value(ai, raw)
    _parse_dl_query(uri, result)
    return result
