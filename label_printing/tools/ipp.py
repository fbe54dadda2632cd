# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Internet Printing Protocol (IPP/1.1) message encoding, in plain Python.

A message (RFC 8010, section 3.1.1) is::

    version-number (2 bytes) operation-id or status-code (2) request-id (4)
    attribute-group* end-of-attributes-tag (0x03) data

an attribute group is a begin-attribute-group-tag (one byte, 0x01 operation,
0x02 job, 0x04 printer...) followed by its attributes; an attribute is a value
tag (one byte, section 3.5.2), a name length (two bytes), the name, a value
length (two bytes) and the value; each further value of the same attribute
repeats the value tag with a name length of 0 (section 3.1.5). Integers are
signed and big-endian (section 3.9). Requests go to the printer as the body of
an HTTP POST of type ``application/ipp`` (RFC 8010, section 4).
"""

import http.client
import struct
from urllib.parse import urlsplit

VERSION = (1, 1)
PRINT_JOB = 0x0002
# Begin-attribute-group tags (RFC 8010, section 3.5.1).
OPERATION_GROUP = 0x01
JOB_GROUP = 0x02
END_OF_ATTRIBUTES = 0x03
PRINTER_GROUP = 0x04
UNSUPPORTED_GROUP = 0x05
# Value tags (RFC 8010, section 3.5.2).
INTEGER = 0x21
BOOLEAN = 0x22
ENUM = 0x23
OCTET_STRING = 0x30
TEXT = 0x41
NAME = 0x42
KEYWORD = 0x44
URI = 0x45
CHARSET = 0x47
NATURAL_LANGUAGE = 0x48
MIME_MEDIA_TYPE = 0x49
STRING_TAGS = frozenset({TEXT, NAME, KEYWORD, URI, 0x46, CHARSET, NATURAL_LANGUAGE})
STRING_TAGS |= {MIME_MEDIA_TYPE, 0x4A}
INTEGER_TAGS = frozenset({INTEGER, ENUM})
# Longest name or value: its length is a SIGNED-SHORT (RFC 8010, section 3.1.4).
MAX_LENGTH = 0x7FFF
# Status codes (RFC 8011, section 4.1.6.1; 0x0000-0x00FF are successful).
STATUS_NAMES = {
    0x0000: "successful-ok",
    0x0001: "successful-ok-ignored-or-substituted-attributes",
    0x0002: "successful-ok-conflicting-attributes",
    0x0400: "client-error-bad-request",
    0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated",
    0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible",
    0x0405: "client-error-timeout",
    0x0406: "client-error-not-found",
    0x0408: "client-error-request-entity-too-large",
    0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x0500: "server-error-internal-error",
    0x0501: "server-error-operation-not-supported",
    0x0502: "server-error-service-unavailable",
    0x0503: "server-error-version-not-supported",
    0x0504: "server-error-device-error",
    0x0505: "server-error-temporary-error",
    0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
    0x0508: "server-error-job-canceled",
}
DOCUMENT_FORMATS = ("application/vnd.zebra-zpl", "application/octet-stream")
DOCUMENT_FORMATS += ("application/pdf",)


class IppError(ValueError):
    """A message that is not IPP, or a value IPP cannot carry."""


def _encode_value(tag, value):
    if tag in INTEGER_TAGS:
        return struct.pack(">i", value)
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _decode_value(tag, raw):
    if tag in INTEGER_TAGS and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag in STRING_TAGS:
        return raw.decode("utf-8", errors="replace")
    return raw


def _short(data):
    if len(data) > MAX_LENGTH:
        raise IppError(f"IPP names and values are at most {MAX_LENGTH} bytes.")
    return struct.pack(">h", len(data)) + data


def encode(code, request_id, groups, data=b"", version=VERSION):
    """An IPP message: ``code`` is the operation id of a request or the status
    code of a response; ``groups`` a list of ``(group_tag, attributes)``, each
    attribute a ``(name, value_tag, values)`` triple (``values`` a list)."""
    parts = [struct.pack(">BBHi", version[0], version[1], code, request_id)]
    for group_tag, attributes in groups:
        parts.append(bytes([group_tag]))
        for name, tag, values in attributes:
            if not values:
                raise IppError(f"IPP attribute {name} has no value.")
            for index, value in enumerate(values):
                parts.append(bytes([tag]))
                parts.append(_short(name.encode("ascii") if index == 0 else b""))
                parts.append(_short(_encode_value(tag, value)))
    parts.append(bytes([END_OF_ATTRIBUTES]))
    parts.append(data)
    return b"".join(parts)


def decode(message):
    """The parts of an IPP message, as ``encode`` takes them: a dict with
    ``version``, ``code``, ``request_id``, ``groups`` and ``data``.

    :raise IppError: when ``message`` is cut short or malformed
    """
    if len(message) < 9:
        raise IppError("An IPP message has at least 9 bytes.")
    major, minor, code, request_id = struct.unpack(">BBHi", message[:8])
    groups = []
    position = 8

    def take(size):
        nonlocal position
        if position + size > len(message):
            raise IppError("The IPP message is cut short.")
        chunk = message[position : position + size]
        position += size
        return chunk

    while True:
        tag = take(1)[0]
        if tag == END_OF_ATTRIBUTES:
            break
        if tag <= 0x0F:
            groups.append((tag, []))
            continue
        if not groups:
            raise IppError("An IPP attribute comes before any attribute group.")
        name_length = struct.unpack(">h", take(2))[0]
        name = take(name_length).decode("ascii", errors="replace")
        value_length = struct.unpack(">h", take(2))[0]
        if name_length < 0 or value_length < 0:
            raise IppError("An IPP length is negative.")
        value = _decode_value(tag, take(value_length))
        attributes = groups[-1][1]
        if name:
            attributes.append((name, tag, [value]))
        elif attributes:
            attributes[-1][2].append(value)
        else:
            raise IppError("An IPP additional value has no attribute.")
    return {
        "version": (major, minor),
        "code": code,
        "request_id": request_id,
        "groups": groups,
        "data": message[position:],
    }


def attribute(message, name, group_tag=None):
    """The first value of attribute ``name`` in a decoded message, or None."""
    for tag, attributes in message["groups"]:
        if group_tag is not None and tag != group_tag:
            continue
        for attribute_name, _value_tag, values in attributes:
            if attribute_name == name:
                return values[0]
    return None


def print_job_request(
    printer_uri, payload, user, job_name, document_format, request_id=1
):
    """The Print-Job request (RFC 8011, section 4.2.1.1) of ``payload``."""
    operation = [
        ("attributes-charset", CHARSET, ["utf-8"]),
        ("attributes-natural-language", NATURAL_LANGUAGE, ["en"]),
        ("printer-uri", URI, [printer_uri]),
        ("requesting-user-name", NAME, [user[:255] or "odoo"]),
        ("job-name", NAME, [job_name[:255] or "labels"]),
        ("document-format", MIME_MEDIA_TYPE, [document_format]),
    ]
    return encode(PRINT_JOB, request_id, [(OPERATION_GROUP, operation)], payload)


def is_successful(status):
    return 0x0000 <= status <= 0x00FF


def status_text(response):
    """The status of a decoded response as a person reads it: its name and,
    when the printer gave one, its status-message."""
    code = response["code"]
    text = STATUS_NAMES.get(code, f"0x{code:04x}")
    message = attribute(response, "status-message", OPERATION_GROUP)
    return f"{text}: {message}" if message else text


def http_target(uri):
    """``(scheme, host, port, path)`` of the HTTP request for an ``ipp://`` or
    ``ipps://`` printer URI (RFC 8010, section 4.2: port 631 by default)."""
    parts = urlsplit(uri)
    if parts.scheme not in ("ipp", "ipps") or not parts.hostname:
        raise IppError(f"{uri} is not an ipp:// or ipps:// printer URI.")
    port = parts.port or 631
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return ("https" if parts.scheme == "ipps" else "http", parts.hostname, port, path)


def post(uri, body, timeout):
    """POST ``body`` to the printer at ``uri``; the decoded IPP response.

    :raise OSError: when the printer cannot be reached or answers late
    :raise IppError: when it answers with an HTTP error or not in IPP
    """
    scheme, host, port, path = http_target(uri)
    connection_class = (
        http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(host, port, timeout=timeout)
    try:
        connection.request(
            "POST", path, body=body, headers={"Content-Type": "application/ipp"}
        )
        response = connection.getresponse()
        content = response.read()
    except http.client.HTTPException as error:
        raise IppError(f"HTTP error: {error}") from error
    finally:
        connection.close()
    if response.status != 200:
        raise IppError(f"HTTP {response.status} {response.reason}")
    return decode(content)
