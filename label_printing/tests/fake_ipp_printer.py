# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An IPP printer on 127.0.0.1 for the tests (plain Python: no Odoo import).

It reads the requests with its own small parser of RFC 8010, section 3.1 (not
the addon's ``tools/ipp.py``, which it checks), records each job's operation id,
operation attributes and document, and answers with the status chosen in
``status`` (and ``status_message``).
"""

import http.server
import struct
import threading


def parse_request(body):
    """``(operation_id, {name: [values]} of the operation group, data)``."""
    _version, operation_id, _request_id = struct.unpack(">2sHi", body[:8])
    position = 8
    attributes = {}
    group = None
    name = None
    while True:
        tag = body[position]
        position += 1
        if tag == 0x03:  # end-of-attributes-tag
            break
        if tag < 0x10:  # begin-attribute-group-tag
            group = tag
            continue
        (name_length,) = struct.unpack(">h", body[position : position + 2])
        position += 2
        if name_length:
            name = body[position : position + name_length].decode()
            position += name_length
        (value_length,) = struct.unpack(">h", body[position : position + 2])
        position += 2
        value = body[position : position + value_length]
        position += value_length
        if group == 0x01:
            attributes.setdefault(name, []).append((tag, value))
    return operation_id, attributes, body[position:]


def response(status, request_id=1, status_message=None):
    """A response with ``status``, charset, language and status-message."""

    def attribute(tag, name, value):
        name, value = name.encode(), value.encode()
        return (
            bytes([tag])
            + struct.pack(">h", len(name))
            + name
            + struct.pack(">h", len(value))
            + value
        )

    body = struct.pack(">BBHi", 1, 1, status, request_id) + b"\x01"
    body += attribute(0x47, "attributes-charset", "utf-8")
    body += attribute(0x48, "attributes-natural-language", "en")
    if status_message:
        body += attribute(0x41, "status-message", status_message)
    return body + b"\x03"


class FakeIppPrinter:
    """An IPP printer at ``ipp://127.0.0.1:<port>/ipp/print``."""

    def __init__(self, status=0x0000, status_message=None):
        self.status = status
        self.status_message = status_message
        self.jobs = []
        printer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                operation_id, attributes, data = parse_request(body)
                printer.jobs.append(
                    {
                        "path": self.path,
                        "content_type": self.headers["Content-Type"],
                        "operation_id": operation_id,
                        "attributes": attributes,
                        "data": data,
                    }
                )
                answer = response(
                    printer.status,
                    struct.unpack(">i", body[4:8])[0],
                    printer.status_message,
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/ipp")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.uri = f"ipp://127.0.0.1:{self.port}/ipp/print"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(2)
