"""The addons under ``--workers`` (prefork): what one worker changes, every other
worker reads at its next request.

Each Odoo worker keeps its own caches (``ormcache``: system parameters, the groups
of a user, access rights, record rules, bound actions); Odoo clears them in every
worker through its registry signaling (``Registry.signal_changes`` after the
writing request, ``Registry.check_signaling`` at the start of the next request of
each worker). This script starts a real multi-worker server and, for each value
the addons read through such a cache, reads it through every worker, changes it
through one, and asserts that every worker, the others included, answers with the
new value:

(a) the public lookup limit (system parameter
    ``quality_traceability.public_rate_limit``, read by ``/trace/<code>``), set by
    ``ir.config_parameter.set_param``; first a control: the same value written in
    SQL, without Odoo's signaling, leaves every worker on its cached value, so the
    probes do see a stale cache;
(b) a user removed from, then given back, *Traceability / User*: JSON-RPC (access
    rights) and the device API (``has_group``, API key);
(c) a record rule created, then deleted;
(d) a label template renamed and redrawn, then archived: the Print menu of lots
    (``get_views`` toolbar, bound actions) and the ZPL a user prints;
(e) the company's GS1 resolver URL (*Settings*): the lot's Digital Link;
(f) a control point renamed, then archived: the device API's lookup.

Which worker answered a request: each request carries a unique ``mw=N`` query
parameter and Odoo's log line of the request (``werkzeug``) carries the process
id of the worker that served it.

Usage: run_multiworker.py [DBNAME] [--workers N] [--http-port PORT] [--keep-db]
Without DBNAME, a database ``qt_mw_<pid>`` is created with the three addons
(without demo data) and dropped at the end; a DBNAME given must have the three
addons installed: the script adds its own users, product, lot, control point and
label template, and archives them and restores the values it changed at the end.
The connection comes from setup/common.sh (PGHOST, PGPORT, PGUSER, PGPASSWORD,
ODOO_SRC). Logs: var/multiworker-server.log (and var/multiworker-install.log).
Prints one summary line (and each change, with the workers that wrote and read
it, on stderr); exits non-zero with the reason on failure.
"""

import argparse
import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
COMMON_SH = PROJECT_DIR / "setup" / "common.sh"
VAR_DIR = PROJECT_DIR / "var"
ADDONS = ("quality_traceability", "label_printing", "recall_management")
RATE_LIMIT_PARAM = "quality_traceability.public_rate_limit"
USER_GROUP = "quality_traceability.group_traceability_user"
MANAGER_GROUP = "quality_traceability.group_traceability_manager"
# Requests a probe may take to meet every worker (the kernel hands each new
# connection to whichever worker accepts it first).
ATTEMPTS_PER_WORKER = 40
HTTP_TIMEOUT = 120
PG_DEFAULTS = {
    "PGHOST": "localhost",
    "PGPORT": "5432",
    "PGUSER": "odoo",
    "PGPASSWORD": "odoo",
}
REQUEST_LOG = re.compile(
    r"^\S+ \S+ (?P<pid>\d+) \w+ \S+ werkzeug: .*\"[A-Z]+ [^\" ]*[?&]mw=(?P<n>\d+)[& ]"
)
WORKER_ALIVE = re.compile(
    r"^\S+ \S+ \d+ \w+ \S+ \S+: Worker WorkerHTTP \((\d+)\) alive"
)
WORKER_EXIT = re.compile(r"^\S+ \S+ \d+ \w+ \S+ \S+: Worker \((\d+)\) exiting")


class Failure(Exception):
    """A check failed: the message says which and how."""


# ----------------------------------------------------------------------
# Database, fixtures (in this process) and the server (odoo_bin of common.sh)
# ----------------------------------------------------------------------
def odoo_bin(args, **popen_kwargs):
    """``odoo_bin ARGS`` of setup/common.sh (addons path, database settings)."""
    command = ["bash", "-c", '. "$0" && odoo_bin "$@"', str(COMMON_SH), *args]
    return subprocess.Popen(command, **popen_kwargs)


def free_ports(count):
    """``count`` distinct ports free on 127.0.0.1 now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def install(dbname):
    log_path = VAR_DIR / "multiworker-install.log"
    subprocess.run(
        ["dropdb", "--if-exists", dbname], check=False, stderr=subprocess.DEVNULL
    )
    with open(log_path, "w") as log:
        process = odoo_bin(
            [
                "-d",
                dbname,
                "-i",
                ",".join(ADDONS),
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
                "--max-cron-threads=0",
                "--log-level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if process.wait() != 0:
            raise Failure(f"installing {', '.join(ADDONS)} failed: see {log_path}")


def odoo_registry(dbname):
    """Odoo's registry of ``dbname`` in this process, up to date with what the
    server changed (the registry signaling, as a worker does)."""
    try:
        import odoo
    except ImportError:
        sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
        import odoo
    from odoo.modules.registry import Registry

    if not getattr(odoo_registry, "configured", False):
        odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
        odoo.tools.config.parse_config(
            [
                f"--addons-path={odoo_src}/addons,{odoo_src}/odoo/addons,{PROJECT_DIR}",
                f"--db_host={os.environ['PGHOST']}",
                f"--db_port={os.environ['PGPORT']}",
                f"--db_user={os.environ['PGUSER']}",
                f"--db_password={os.environ['PGPASSWORD']}",
                "--log-level=warn",
            ]
        )
        odoo_registry.configured = True
    return Registry(dbname).check_signaling()


def gtin13(seed):
    """A GTIN-13 of the restricted-circulation range 20-29 (never a real product),
    with its check digit (GS1 General Specifications 7.9.1)."""
    body = f"2{seed % 10**11:011d}"
    total = sum(
        int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body)
    )
    return body + str(-total % 10)


def prepare(dbname, tag):
    """Users, an API key, a lot, a control point and a label template, and the
    starting values of what the cases change; commits."""
    from odoo import SUPERUSER_ID, Command, api

    registry = odoo_registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        installed = env["ir.module.module"].search_count(
            [("name", "in", ADDONS), ("state", "=", "installed")]
        )
        if installed != len(ADDONS):
            raise Failure(f"{dbname}: the addons {', '.join(ADDONS)} are not installed")
        company = env.ref("base.main_company")
        param = env["ir.config_parameter"].sudo()
        users = env["res.users"].with_context(no_reset_password=True)
        fixture = {
            "rate_limit": param.get_param(RATE_LIMIT_PARAM),
            "resolver": company.traceability_resolver_url,
            "company": company.id,
            "user_group": env.ref(USER_GROUP).id,
            "point_model": env["ir.model"]._get_id("traceability.control.point"),
        }
        for role, groups in (
            ("admin", ["base.group_user", "base.group_system", MANAGER_GROUP]),
            ("user", ["base.group_user", USER_GROUP]),
        ):
            password = secrets.token_urlsafe(18)
            user = users.create(
                {
                    "name": f"Multi-worker {role} {tag}",
                    "login": f"qt_mw_{role}_{tag}",
                    "password": password,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([env.ref(x).id for x in groups])],
                }
            )
            fixture[role] = (user.id, password)
        fixture["key"] = (
            env["res.users.apikeys"]
            .with_user(fixture["user"][0])
            ._generate(None, f"multi-worker {tag}", datetime.now() + timedelta(days=1))
        )
        product = env["product.product"].create(
            {
                "name": f"Multi-worker product {tag}",
                "is_storable": True,
                "tracking": "lot",
                "barcode": gtin13(int(tag)),
            }
        )
        lot = env["stock.lot"].create(
            {"name": f"MW-{tag}", "product_id": product.id, "company_id": company.id}
        )
        point = env["traceability.control.point"].create(
            {
                "name": f"Multi-worker point {tag}",
                "stage": "final",
                "company_id": company.id,
                "product_ids": [Command.set(product.ids)],
            }
        )
        template = env["label.template"].create(
            {
                "name": f"Multi-worker label {tag}",
                "label_type": "lot",
                "company_id": company.id,
                "width": 50,
                "height": 30,
                "element_ids": [
                    Command.create(
                        {
                            "kind": "text",
                            "field": "free",
                            "text": "MW-FIRST",
                            "x": 2,
                            "y": 2,
                            "width": 40,
                            "height": 5,
                        }
                    )
                ],
            }
        )
        fixture.update(
            tag=tag,
            point_name=point.name,
            template_name=template.name,
            product=product.id,
            lot=lot.id,
            lot_name=lot.name,
            trace_code=lot.trace_code,
            point=point.id,
            template=template.id,
            element=template.element_ids.id,
        )
        # The starting values of the cases.
        param.set_param(RATE_LIMIT_PARAM, "0")
        company.traceability_resolver_url = "https://first.example.com"
        cr.commit()
    return fixture


def restore(dbname, fixture):
    """On a database given by the caller: the values changed back, the records
    of the script archived, its API key deleted."""
    from odoo import SUPERUSER_ID, api

    registry = odoo_registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param(RATE_LIMIT_PARAM, fixture["rate_limit"])
        env["res.company"].browse(
            fixture["company"]
        ).traceability_resolver_url = fixture["resolver"]
        uids = [fixture["admin"][0], fixture["user"][0]]
        env["ir.rule"].search(
            [("name", "=", f"Multi-worker rule {fixture['tag']}")]
        ).unlink()
        env["res.users.apikeys"].search([("user_id", "in", uids)]).unlink()
        env["res.users"].browse(uids).active = False
        for model, key in (
            ("label.template", "template"),
            ("traceability.control.point", "point"),
            ("product.product", "product"),
        ):
            env[model].browse(fixture[key]).active = False
        cr.commit()


class Server:
    """``odoo-bin --workers=N`` on 127.0.0.1, its log read as it grows."""

    def __init__(self, dbname, workers, port, gevent_port):
        self.dbname = dbname
        self.workers_wanted = workers
        self.port = port
        self.gevent_port = gevent_port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = VAR_DIR / "multiworker-server.log"
        self.process = None
        self.counter = 0
        self.served_by = {}
        self.workers = set()
        self._log = None
        self._partial = ""

    def start(self):
        self.log_path.write_text("")
        self.process = odoo_bin(
            [
                "-d",
                self.dbname,
                f"--db-filter=^{re.escape(self.dbname)}$",
                "--http-interface=127.0.0.1",
                f"--http-port={self.port}",
                f"--gevent-port={self.gevent_port}",
                f"--workers={self.workers_wanted}",
                "--max-cron-threads=0",
                f"--logfile={self.log_path}",
                "--log-level=info",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._log = open(self.log_path)
        deadline = time.monotonic() + HTTP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"the server stopped: see {self.log_path}")
            self.read_log()
            if len(self.workers) >= self.workers_wanted:
                try:
                    with urllib.request.urlopen(f"{self.base}/web/login", timeout=30):
                        return
                except OSError:
                    pass
            time.sleep(0.5)
        raise Failure(
            f"no answer from the server in {HTTP_TIMEOUT} s: see {self.log_path}"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log:
            self._log.close()

    def read_log(self):
        text = self._partial + self._log.read()
        lines = text.split("\n")
        self._partial = lines.pop()
        for line in lines:
            match = REQUEST_LOG.match(line)
            if match:
                self.served_by[int(match["n"])] = int(match["pid"])
            elif match := WORKER_ALIVE.match(line):
                self.workers.add(int(match[1]))
            elif match := WORKER_EXIT.match(line):
                self.workers.discard(int(match[1]))

    def pid_of(self, number):
        """The worker that served request ``number`` (its log line)."""
        deadline = time.monotonic() + 10
        while number not in self.served_by:
            if time.monotonic() > deadline:
                raise Failure(f"request mw={number} is not in {self.log_path}")
            time.sleep(0.02)
            self.read_log()
        return self.served_by[number]

    def request(self, path, params=None, data=None, headers=None):
        """``(status, body, worker pid)`` of one request on a new connection."""
        self.counter += 1
        query = urllib.parse.urlencode({**(params or {}), "mw": self.counter})
        request = urllib.request.Request(
            f"{self.base}{path}?{query}",
            data=data,
            headers={"Connection": "close", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        return status, body, self.pid_of(self.counter)

    def rpc(self, who, model, method, *args, **kwargs):
        """``(result, worker pid)`` of ``execute_kw`` by ``who`` (uid, password)
        through JSON-RPC; the result of an error is the exception's name."""
        uid, password = who
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": self.counter + 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.dbname, uid, password, model, method, list(args), kwargs],
            },
        }
        status, body, pid = self.request(
            "/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = json.loads(body) if status == 200 else {}
        if "error" in answer:
            return answer["error"]["data"]["name"].rsplit(".", 1)[-1], pid
        if "result" not in answer:
            raise Failure(f"{model}.{method}: HTTP {status} {body[:300]!r}")
        return answer["result"], pid


# ----------------------------------------------------------------------
# Probes: one request each, answering (value, worker pid)
# ----------------------------------------------------------------------
class Probes:
    def __init__(self, server, fixture):
        self.server = server
        self.fx = fixture
        self.admin = fixture["admin"]
        self.user = fixture["user"]
        self.point_names = {fixture["point_name"], f"{fixture['point_name']} B"}

    def public_page(self):
        status, _body, pid = self.server.request(f"/trace/{self.fx['trace_code']}")
        return status, pid

    def rights(self):
        """The user's JSON-RPC count of the control point: 1, 0 (a rule hides
        it) or the name of the error (AccessError)."""
        return self.server.rpc(
            self.user,
            "traceability.control.point",
            "search_count",
            [("id", "=", self.fx["point"])],
        )

    def device_lookup(self):
        """The device API's lookup of the lot: the status and the names of the
        control points it lists."""
        status, body, pid = self.server.request(
            "/traceability/api/v1/lookup",
            {"code": self.fx["lot_name"]},
            headers={"Authorization": f"Bearer {self.fx['key']}"},
        )
        names = ()
        if status == 200:
            # The script's point only (on a database with demo data, some points
            # apply to every product).
            points = json.loads(body)["points"]
            names = tuple(
                sorted(p["name"] for p in points if p["name"] in self.point_names)
            )
        return (status, names), pid

    def print_menu(self):
        """The label actions of this template in the Print menu of the lot list."""
        views, pid = self.server.rpc(
            self.user, "stock.lot", "get_views", [[False, "list"]], {"toolbar": True}
        )
        actions = views["views"]["list"].get("toolbar", {}).get("print", [])
        prefix = f"Label: {self.fx['template_name']}"
        return tuple(
            sorted(a["name"] for a in actions if a["name"].startswith(prefix))
        ), pid

    def zpl(self):
        """Page width (dots) and free text of the ZPL the user prints of the lot
        with the template; the worker is the one that drew it."""
        wizard, _pid = self.server.rpc(
            self.user,
            "label.print.wizard",
            "create",
            {
                "label_type": "lot",
                "lot_ids": [[6, 0, [self.fx["lot"]]]],
                "template_id": self.fx["template"],
                "output": "zpl",
                "copies": 1,
            },
        )
        # The download action of the job's file: its log is the active record.
        action, pid = self.server.rpc(
            self.user, "label.print.wizard", "action_print", [wizard]
        )
        files, _pid = self.server.rpc(
            self.user,
            "ir.attachment",
            "search_read",
            [
                ("res_model", "=", "label.print.log"),
                ("res_id", "in", action["context"]["active_ids"]),
            ],
            fields=["datas"],
        )
        text = base64.b64decode(files[0]["datas"]).decode()
        width = re.search(r"\^PW(\d+)", text)[1]
        return (int(width), "MW-SECOND" if "MW-SECOND" in text else "MW-FIRST"), pid

    def digital_link(self):
        """The resolver part of the lot's GS1 Digital Link, read by the user."""
        lots, pid = self.server.rpc(
            self.user, "stock.lot", "read", [self.fx["lot"]], ["gs1_digital_link"]
        )
        return lots[0]["gs1_digital_link"].split("/01/")[0], pid


# ----------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------
def observe(server, probe, expected, what):
    """Read through ``probe`` until every worker answered: each answer must be
    ``expected``. Returns the workers met."""
    workers = set(server.workers)
    seen = set()
    for _attempt in range(ATTEMPTS_PER_WORKER * len(workers)):
        value, pid = probe()
        if value != expected:
            raise Failure(
                f"{what}: worker {pid} answered {value!r}, expected {expected!r}"
            )
        seen.add(pid)
        if workers <= seen:
            return seen
    raise Failure(
        f"{what}: workers {sorted(workers - seen)} did not answer in "
        f"{ATTEMPTS_PER_WORKER * len(workers)} requests"
    )


def check_change(server, name, probes, change, before, after):
    """Every worker answers ``before`` through each probe; ``change()`` (one
    request) runs on some worker; then every worker answers ``after``, those that
    had read ``before`` first included. Returns what was seen, for the summary."""
    for probe, expected in zip(probes, before, strict=True):
        observe(server, probe, expected, f"{name}, before the change")
    primed = set(server.workers)
    writer = change()
    readers = set()
    for probe, expected in zip(probes, after, strict=True):
        readers |= observe(
            server, probe, expected, f"{name}, after the change through worker {writer}"
        )
    others = sorted((readers & primed) - {writer})
    if not others:
        raise Failure(f"{name}: no worker but the writer {writer} was read")
    return f"{name}: written through {writer}, read through {others}"


def rpc_writer(server, who, model, method, *args, **kwargs):
    """A change: one JSON-RPC call; returns the worker that made it."""

    def change():
        result, pid = server.rpc(who, model, method, *args, **kwargs)
        if isinstance(result, str) and result.endswith(("Error", "Denied")):
            raise Failure(f"{model}.{method} by the script's admin: {result}")
        return pid

    return change


def check_rate_limit(server, probes, fixture):
    """(a) The public lookup limit, read by ``/trace/<code>`` on each request."""
    name = "(a) public lookup limit"
    observe(server, probes.public_page, 200, f"{name} off")
    # Control: the parameter written in SQL, without Odoo's signaling. Every
    # worker keeps its cached "0" (no limit): more lookups than the new limit
    # all answer 200. The probes see a stale cache when there is one.
    import psycopg2

    with (
        psycopg2.connect(dbname=server.dbname) as connection,
        connection.cursor() as cr,
    ):
        cr.execute(
            "UPDATE ir_config_parameter SET value = '2' WHERE key = %s",
            [RATE_LIMIT_PARAM],
        )
    connection.close()
    counts = lookups_per_worker(server, probes, 4)
    if set(counts.values()) != {(200,) * 4}:
        raise Failure(f"{name}, control: limit 2 written in SQL: answers {counts}")
    # Through Odoo: the limit set to 3 through one worker; on every worker, a
    # fresh bucket of 3 lookups, then 429 (a stale "0" answers 200 again).
    admin = fixture["admin"]
    writer = rpc_writer(
        server, admin, "ir.config_parameter", "set_param", RATE_LIMIT_PARAM, "3"
    )()
    counts = lookups_per_worker(server, probes, 4)
    for pid, statuses in counts.items():
        if statuses != (200, 200, 200, 429):
            raise Failure(
                f"{name}: limit set to 3 through worker {writer}; worker {pid} "
                f"answered {statuses} to its first 4 lookups, expected "
                "(200, 200, 200, 429)"
            )
    # Off again through one worker: every worker, each of which had answered 429
    # with "3" cached, answers 200 (a stale "3" answers 429).
    writer_off = rpc_writer(
        server, admin, "ir.config_parameter", "set_param", RATE_LIMIT_PARAM, "0"
    )()
    readers = observe(
        server, probes.public_page, 200, f"{name} off again through worker {writer_off}"
    )
    return (
        f"{name} 0 -> 3: written through {writer}, read through "
        f"{sorted(set(counts) - {writer})}; 3 -> 0: written through {writer_off}, "
        f"read through {sorted(readers - {writer_off})}"
    )


def lookups_per_worker(server, probes, count):
    """The statuses of the first ``count`` public lookups each worker answers."""
    workers = set(server.workers)
    statuses = {pid: () for pid in workers}
    for _attempt in range(ATTEMPTS_PER_WORKER * len(workers) * count):
        status, pid = probes.public_page()
        if len(statuses.setdefault(pid, ())) < count:
            statuses[pid] += (status,)
        if all(len(statuses[pid]) == count for pid in workers):
            return statuses
    raise Failure(f"public lookups: not {count} answers from every worker: {statuses}")


def run_cases(server, fixture):
    probes = Probes(server, fixture)
    admin, fx = fixture["admin"], fixture
    point_name, template_name = fx["point_name"], fx["template_name"]
    lines = [check_rate_limit(server, probes, fixture)]
    allowed = [1, (200, (point_name,))]
    denied = ["AccessError", (403, ())]
    both = [probes.rights, probes.device_lookup]
    uid, gid = fx["user"][0], fx["user_group"]
    # Removed on the user's form, given back on the group's form.
    for writer, before, after, label in (
        (
            ("res.users", [uid], {"groups_id": [[3, gid]]}),
            allowed,
            denied,
            "removed from",
        ),
        (("res.groups", [gid], {"users": [[4, uid]]}), denied, allowed, "given back"),
    ):
        lines.append(
            check_change(
                server,
                f"(b) user {label} Traceability / User ({writer[0]})",
                both,
                rpc_writer(server, admin, writer[0], "write", *writer[1:]),
                before,
                after,
            )
        )
    rule = {
        "name": f"Multi-worker rule {fx['tag']}",
        "model_id": fx["point_model"],
        "groups": [[6, 0, [fx["user_group"]]]],
        "domain_force": f"[('id', '!=', {fx['point']})]",
    }
    lines.append(
        check_change(
            server,
            "(c) record rule created",
            [probes.rights],
            rpc_writer(server, admin, "ir.rule", "create", rule),
            [1],
            [0],
        )
    )
    rule_ids, _pid = server.rpc(
        admin, "ir.rule", "search", [("name", "=", rule["name"])]
    )
    lines.append(
        check_change(
            server,
            "(c) record rule deleted",
            [probes.rights],
            rpc_writer(server, admin, "ir.rule", "unlink", rule_ids),
            [0],
            [1],
        )
    )
    redraw = {
        "name": f"{template_name} B",
        "width": 60,
        "element_ids": [[1, fx["element"], {"text": "MW-SECOND"}]],
    }
    lines.append(
        check_change(
            server,
            "(d) label template renamed and redrawn",
            [probes.print_menu, probes.zpl],
            rpc_writer(
                server, admin, "label.template", "write", [fx["template"]], redraw
            ),
            [(f"Label: {template_name}",), (400, "MW-FIRST")],
            [(f"Label: {template_name} B",), (480, "MW-SECOND")],
        )
    )
    lines.append(
        check_change(
            server,
            "(d) label template archived",
            [probes.print_menu],
            rpc_writer(
                server,
                admin,
                "label.template",
                "write",
                [fx["template"]],
                {"active": False},
            ),
            [(f"Label: {template_name} B",)],
            [()],
        )
    )
    lines.append(
        check_change(
            server,
            "(e) GS1 resolver URL changed in Settings",
            [probes.digital_link],
            settings_writer(server, admin, "https://second.example.com"),
            ["https://first.example.com"],
            ["https://second.example.com"],
        )
    )
    for values, before, after, label in (
        ({"name": f"{point_name} B"}, (point_name,), (f"{point_name} B",), "renamed"),
        ({"active": False}, (f"{point_name} B",), (), "archived"),
    ):
        lines.append(
            check_change(
                server,
                f"(f) control point {label}",
                [probes.device_lookup],
                rpc_writer(
                    server,
                    admin,
                    "traceability.control.point",
                    "write",
                    [fx["point"]],
                    values,
                ),
                [(200, before)],
                [(200, after)],
            )
        )
    return lines


def settings_writer(server, admin, url):
    """The resolver URL saved as in Settings: a settings record, then Save
    (``execute``, the change)."""

    def change():
        settings, _pid = server.rpc(
            admin, "res.config.settings", "create", {"traceability_resolver_url": url}
        )
        return rpc_writer(server, admin, "res.config.settings", "execute", [settings])()

    return change


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("dbname", nargs="?", help="a database with the three addons")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--http-port", type=int, help="and the next one (gevent); default: free ports"
    )
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if args.workers < 2:
        parser.error("--workers must be 2 or more")
    for key, value in PG_DEFAULTS.items():
        os.environ.setdefault(key, value)
    VAR_DIR.mkdir(exist_ok=True)
    own_db = args.dbname is None
    dbname = args.dbname or f"qt_mw_{os.getpid()}"
    tag = f"{os.getpid()}{int(time.time()) % 100000:05d}"
    # Odoo also starts its longpolling (gevent) process with --workers.
    ports = (args.http_port, args.http_port + 1) if args.http_port else free_ports(2)
    server = Server(dbname, args.workers, *ports)
    fixture = None
    times = {}
    start = time.monotonic()
    try:
        if own_db:
            install(dbname)
            times["install"] = time.monotonic() - start
        fixture = prepare(dbname, tag)
        started = time.monotonic()
        server.start()
        lines = run_cases(server, fixture)
        times["server and checks"] = time.monotonic() - started
    except Failure as error:
        print(f"multi-worker caches: FAILED: {error} (server log: {server.log_path})")
        return 1
    except Exception as error:
        traceback.print_exc()
        print(f"multi-worker caches: FAILED: {error!r} (server log: {server.log_path})")
        return 1
    finally:
        server.stop()
        clean_up(dbname, own_db and not args.keep_db, fixture if not own_db else None)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    phases = ", ".join(f"{name} {value:.0f} s" for name, value in times.items())
    print(
        f"multi-worker caches: {len(lines)} changes, each read back through every "
        f"one of {args.workers} workers ({server.counter} requests); "
        f"{time.monotonic() - start:.0f} s ({phases})"
    )
    return 0


def clean_up(dbname, drop, fixture):
    """The database dropped, or the fixture's changes undone (``fixture``)."""
    try:
        if fixture:
            restore(dbname, fixture)
        if "odoo" in sys.modules:
            # This process's own connections to the database (fixtures).
            from odoo.modules.registry import Registry
            from odoo.sql_db import close_db

            Registry.delete(dbname)
            close_db(dbname)
        if drop:
            subprocess.run(["dropdb", "--if-exists", dbname], check=True)
    except Exception as error:
        print(f"clean-up of {dbname} failed: {error!r}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
