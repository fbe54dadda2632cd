# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A raw TCP label printer on 127.0.0.1 for the tests and the print-latency
benchmark (plain Python: no Odoo import)."""

import socket
import threading


class FakePrinter:
    """A raw TCP printer on 127.0.0.1 that records what it receives."""

    def __init__(self):
        self.received = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(5)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, _address = self._server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                chunks = []
                while True:
                    try:
                        chunk = connection.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    chunks.append(chunk)
                self.received.append(b"".join(chunks))

    def wait(self, count=1, timeout=5.0):
        """The jobs received, once ``count`` have arrived (or after ``timeout``)."""
        stop = threading.Event()
        for _step in range(int(timeout / 0.05)):
            if len(self.received) >= count:
                break
            stop.wait(0.05)
        return self.received

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self._server.close()


def free_port():
    """A local port on which nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
