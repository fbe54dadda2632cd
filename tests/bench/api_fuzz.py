"""Device API under generated input: N payloads (default 10,000) posted to a
running server, from four clients at once. Batches mix valid scans with
broken ones (wrong types, lists and objects for strings, inf/nan/huge numbers,
deep nesting, out-of-range dates, huge or NUL-holding strings, SVG/HTML
photos); other bodies are broken as a whole (not JSON, not an object, too
deep). Every answer must be a 200 or a 4xx, never a 5xx; every valid scan
must be stored exactly once, although a part of the batches is sent twice.

Usage: api_fuzz.py DBNAME [N] [--seed S] [--max-seconds T]
Needs a database with quality_traceability installed; it commits (a product,
a lot, a control point, a device user, the scans). Ends with the line
    api-fuzz: N requests, 0 server errors, M valid items stored of M
and exits non-zero on any 5xx, any valid item missing or stored twice, or
when the run takes longer than T seconds (default 1800).
"""

import argparse
import base64
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from bench_scans import PASSWORD, free_port
from odoo_env import PROJECT_DIR, odoo_env

CLIENTS = 4
URL = "/traceability/api/v1/scans"


class Raw:
    """A JSON token written as is (``1e999``, ``NaN``, deep nesting...)."""

    def __init__(self, token):
        self.token = token


def dump(value):
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, list):
        return "[" + ",".join(dump(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{json.dumps(str(k))}:{dump(v)}" for k, v in value.items())
            + "}"
        )
    return json.dumps(value)


def image_b64(fmt):
    from PIL import Image, WebPImagePlugin  # noqa: F401

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (10, 200, 10)).save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode()


def prepare(dbname, tag):
    """A lot, a control point, a device user with an API key."""
    with odoo_env(dbname) as env:
        product = env["product.product"].create(
            {"name": f"API fuzz resin {tag}", "is_storable": True, "tracking": "lot"}
        )
        lot = env["stock.lot"].create(
            {"name": f"API-FUZZ-{tag}", "product_id": product.id}
        )
        point = env["traceability.control.point"].create(
            {
                "name": f"API fuzz point {tag}",
                # Only for its own product: no other test or scan sees it.
                "product_ids": [(4, product.id)],
                "spec_ids": [
                    (0, 0, {"name": "Weight", "value_type": "numeric"}),
                    (0, 0, {"name": "Visual", "value_type": "pass_fail"}),
                    (
                        0,
                        0,
                        {"name": "Remark", "value_type": "text", "required": False},
                    ),
                ],
            }
        )
        user = env["res.users"].create(
            {
                "name": f"API fuzz device {tag}",
                "login": f"api_fuzz_{tag}",
                "password": PASSWORD,
                "groups_id": [
                    (4, env.ref("quality_traceability.group_traceability_user").id)
                ],
            }
        )
        expiry = datetime.now() + timedelta(days=1)
        key = env["res.users.apikeys"].with_user(user)._generate(None, "fuzz", expiry)
        env.cr.commit()
        return {
            "lot": (lot.id, lot.name),
            "point": (point.id, point.name),
            "key": key,
        }


class Generator:
    """Payloads from a seeded random generator: the same seed, the same run."""

    def __init__(self, setup, seed, device_id):
        self.rng = random.Random(seed)
        self.setup = setup
        self.device_id = device_id
        png, jpeg, webp = (image_b64(fmt) for fmt in ("PNG", "JPEG", "WEBP"))
        svg = base64.b64encode(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
        ).decode()
        html = base64.b64encode(b"<html><script>alert(1)</script></html>").decode()
        self.photos = [png, jpeg, webp, {"name": "x.svg", "data": png}]
        self.tokens = [
            Raw("1e999"),
            Raw("-1e999"),
            Raw("NaN"),
            Raw("Infinity"),
            Raw("-Infinity"),
            Raw("1E400"),
            Raw("123456789012345678901234567890"),
            Raw('"\\ud800"'),
            Raw('"a\\u0000b"'),
            2**31,
            2**63,
            -1,
            0,
            0.5,
            True,
            None,
            "",
            " ",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-13-01T00:00:00",
            "+275760-09-13",
            "1999-12-31",
            "https://example.com/trace/AAAAAAAAAAAA",
            "https://example.com/01/06901234560053/10/X",
            "https://example.com/01/ab/10/",
            "]d2010690123456005310X",
            "(01)06901234560053(10)",
            "(01)(10)(21)",
            "\x1d01069012345600531",
            "0106901234560053" + "10" + "x" * 30,
            [svg],
            [html],
            [{"name": "evil.svg", "data": svg}],
            [{"name": "evil.html", "data": html}],
            [png[:20]],
            ["not base64!"],
            [{"name": ["x"], "data": {"a": 1}}],
            ["A" * 4000],
            [png] * 11,
        ]

    def scalar(self):
        rng = self.rng
        kind = rng.randrange(8)
        if kind == 0:
            return rng.choice([None, True, False])
        if kind == 1:
            return rng.randint(-(2**70), 2**70)
        if kind == 2:
            return rng.choice([rng.uniform(-1e308, 1e308), rng.random(), -0.0])
        if kind == 3:
            return "".join(
                chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(12))
            )
        if kind == 4:
            return "x" * rng.choice([200, 1000, 5000, 70000])
        return rng.choice(self.tokens)

    def value(self, depth=0):
        rng = self.rng
        if depth > 3 or rng.random() < 0.5:
            return self.scalar()
        if rng.random() < 0.5:
            return [self.value(depth + 1) for _ in range(rng.randrange(4))]
        return {
            rng.choice(
                ["k", "", "Weight", "client_uid", "\ud800", "x" * 300]
            ): self.value(depth + 1)
            for _ in range(rng.randrange(4))
        }

    def junk(self):
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            depth = rng.randrange(1, 400)
            return Raw("[" * depth + "]" * depth)
        if kind == 1:
            return rng.choice(self.tokens)
        return self.value()

    def valid_item(self, uid):
        rng = self.rng
        lot_id, lot_name = self.setup["lot"]
        point_id, point_name = self.setup["point"]
        item = {
            "client_uid": uid,
            "control_point": rng.choice([point_id, point_name]),
            "values": {
                "Weight": rng.choice(
                    [
                        round(rng.uniform(-1e6, 1e6), 3),
                        rng.randint(-1000, 1000),
                        f"{rng.uniform(0, 100):.2f}".replace(".", ","),
                    ]
                ),
                "Visual": rng.choice(["pass", "PASS", True]),
            },
        }
        if rng.random() < 0.5:
            item["lot_id"] = lot_id
        else:
            item["code"] = lot_name
        if rng.random() < 0.3:
            item["values"]["Remark"] = "ok " * rng.randrange(1, 50)
        if rng.random() < 0.3:
            item["notes"] = "".join(
                chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(300))
            )
        if rng.random() < 0.3:
            date = datetime(2020, 1, 1) + timedelta(seconds=rng.randrange(10**8))
            item["date"] = date.isoformat() + rng.choice(["", "Z", "+08:00"])
        if rng.random() < 0.1:
            item["photos"] = rng.sample(self.photos, rng.randrange(1, 3))
        return item

    def broken_item(self, uid):
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            return self.junk()
        item = self.valid_item(uid)
        if kind == 1:
            key = rng.choice(
                [
                    "client_uid",
                    "code",
                    "lot_id",
                    "package_id",
                    "control_point",
                    "values",
                    "notes",
                    "date",
                    "operator",
                    "workcenter",
                    "production",
                    "picking",
                    "photos",
                ]
            )
            item[key] = self.junk()
        else:
            item["values"][rng.choice(["Weight", "Visual", "Remark", "Other"])] = (
                self.junk()
            )
        return item

    def payload(self, number):
        """``(body, valid uids, is a batch)``."""
        rng = self.rng
        if rng.random() < 0.15:
            kind = rng.randrange(6)
            if kind == 0:
                body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            elif kind == 1:
                depth = rng.randrange(1000, 200_000)
                body = ('{"scans": [' + "[" * depth + "]" * depth + "]}").encode()
            elif kind == 2:
                body = dump({"device_id": self.junk(), "scans": [self.junk()]}).encode()
            elif kind == 3:
                body = dump({"scans": self.junk()}).encode()
            elif kind == 4:
                body = dump({"scans": [{}] * 1001}).encode()
            else:
                body = dump(self.value()).encode()
            return body, [], False
        scans, valid = [], []
        for index in range(rng.randrange(1, 11)):
            uid = f"n{number}-{index}"
            if rng.random() < 0.5:
                scans.append(self.valid_item(uid))
                valid.append(uid)
            else:
                scans.append(self.broken_item(uid))
        body = dump({"device_id": self.device_id, "scans": scans}).encode()
        return body, valid, True


def start_server(dbname, port, log_path):
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    command = [
        sys.executable,
        f"{odoo_src}/odoo-bin",
        f"--addons-path={odoo_src}/addons,{odoo_src}/odoo/addons,{PROJECT_DIR}",
        f"--db_host={os.environ.get('PGHOST', 'localhost')}",
        f"--db_port={os.environ.get('PGPORT', '5432')}",
        f"--db_user={os.environ.get('PGUSER', 'odoo')}",
        f"--db_password={os.environ.get('PGPASSWORD', 'odoo')}",
        "-d",
        dbname,
        f"--db-filter=^{dbname}$",
        f"--http-port={port}",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    log = open(log_path, "wb")  # noqa: SIM115 -- the server's, closed with it
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=2)
            return server, log
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"the Odoo server did not start (log: {log_path})")


def post(base, key, body, timeout):
    request = urllib.request.Request(
        base + URL,
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Sender:
    """Posts the payloads from CLIENTS threads until the deadline; counts the
    answers."""

    def __init__(self, base, key, payloads, deadline):
        self.base, self.key = base, key
        self.payloads = payloads
        self.deadline = deadline
        self.lock = threading.Lock()
        self.sent = self.server_errors = self.batch_refused = self.late = 0
        self.statuses = {}
        self.failures = []
        self.answers = {}  # valid client_uid: its results

    def run(self):
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(self.send, range(len(self.payloads))))

    def send(self, number):
        body, valid, is_batch = self.payloads[number]
        # A part of the batches is sent twice: a device retrying.
        for _copy in range(2 if is_batch and number % 5 == 0 else 1):
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                with self.lock:
                    self.late += 1
                return
            try:
                status, answer = post(self.base, self.key, body, min(120, remaining))
            except OSError as error:  # a timeout, a dropped connection
                status, answer = 599, str(error).encode()
            with self.lock:
                self.count(status, answer, body, valid, is_batch)

    def count(self, status, answer, body, valid, is_batch):
        self.sent += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500:
            self.server_errors += 1
            self.failures.append((status, body[:200], answer[:300]))
        elif is_batch and status != 200:
            self.batch_refused += 1
            self.failures.append((status, body[:200], answer[:300]))
        elif is_batch:
            for result in json.loads(answer)["results"]:
                if result["client_uid"] in valid:
                    self.answers.setdefault(result["client_uid"], []).append(result)


def stored_counts(dbname, device_id):
    with odoo_env(dbname) as env:
        rows = env["traceability.check"].search_read(
            [("device_id", "=", device_id)], ["client_uid"]
        )
    stored = {}
    for row in rows:
        stored[row["client_uid"]] = stored.get(row["client_uid"], 0) + 1
    return stored


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dbname")
    parser.add_argument("requests", nargs="?", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--max-seconds", type=float, default=1800)
    args = parser.parse_args()
    tag = f"{os.getpid()}_{int(time.time())}"
    setup = prepare(args.dbname, tag)
    device_id = f"api-fuzz-{tag}"
    generator = Generator(setup, args.seed, device_id)
    payloads = [generator.payload(number) for number in range(args.requests)]
    expected = {uid for _body, valid, _is_batch in payloads for uid in valid}
    port = free_port()
    log_path = os.path.join(PROJECT_DIR, "var", "api-fuzz-server.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    server, log = start_server(args.dbname, port, log_path)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    sender = Sender(base, setup["key"], payloads, started + args.max_seconds)
    try:
        post(base, setup["key"], b'{"scans": []}', 60)  # warm-up
        sender.run()
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    elapsed = time.monotonic() - started
    stored = stored_counts(args.dbname, device_id)
    twice = sorted(uid for uid, count in stored.items() if count > 1)
    stored_once = sum(1 for uid in expected if stored.get(uid) == 1)
    for status, body, answer in sender.failures[:5]:
        print(f"  HTTP {status}: {body!r} -> {answer!r}", file=sys.stderr)
    for uid in sorted(expected - {uid for uid in expected if stored.get(uid) == 1})[:5]:
        print(f"  {uid}: stored {stored.get(uid, 0)} times; answers", file=sys.stderr)
        for answer in sender.answers.get(uid, []):
            print(f"    {answer}", file=sys.stderr)
    print(
        f"  {elapsed:.0f} s, {sender.sent} posts (re-sent batches included), "
        f"statuses {dict(sorted(sender.statuses.items()))}, "
        f"{sum(stored.values())} scans stored (with broken items that were valid "
        f"after all); server log: {log_path}",
        file=sys.stderr,
    )
    print(
        f"api-fuzz: {args.requests} requests, {sender.server_errors} server errors, "
        f"{stored_once} valid items stored of {len(expected)}"
    )
    problems = [
        f"{sender.server_errors} server errors" if sender.server_errors else "",
        f"{sender.batch_refused} batches refused whole" if sender.batch_refused else "",
        f"{len(expected) - stored_once} valid items not stored once"
        if stored_once != len(expected)
        else "",
        f"stored twice: {twice[:5]}" if twice else "",
        f"{sender.late} payloads not sent in {args.max_seconds:g} s"
        if sender.late
        else "",
    ]
    if any(problems):
        sys.exit("api-fuzz: " + "; ".join(problem for problem in problems if problem))


if __name__ == "__main__":
    main()
