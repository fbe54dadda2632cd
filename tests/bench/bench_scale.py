"""scale: the cost of a trace follows the trace, not the database.

Usage: bench_scale.py DB_SCALE_1 DB_SCALE_S S   (run by setup/bench.sh scale)

The same work on the genealogy of scale 1 and on the last copy of the genealogy in
a database S times larger (replicate.py), each a median of runs in turns:

- trace-forward: the engine's forward scope of the raw lot;
- trace-backward: the engine's backward scope of the last finished lot;
- public-page: ``GET /trace/<code>`` of that finished lot, over HTTP, from an Odoo
  server on each database;
- recall-scope: a recall of the raw lot created and scoped (rolled back).

Each prints ``NAME@S: ours=<s at scale S> odoo=<s at scale 1> ratio=<scale1/scaleS>``:
the goal is a ratio of at least 0.67. Then the process's peak memory while tracing
and scoping at scale S, from the kernel's high-water mark reset before each step.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from odoo_env import PROJECT_DIR, median_times_in_turns, odoo_env

REPEAT = 11
PAGE_REPEAT = 21


def scale_lots(env, suffix):
    lots = env["stock.lot"]
    raw = lots.search([("name", "=", f"GEN-RAW-0001{suffix}")])
    finished = lots.search(
        [("name", "=like", f"GEN-FIN-%{suffix}")], order="id desc", limit=1
    )
    if not raw or not finished:
        sys.exit(f"no lots GEN-RAW-0001{suffix}: run setup/bench.sh generate first")
    return raw, finished


def suffix_of(env, scale):
    """The last copy's suffix: replicate.py names copy k ``<name>-C<k>``."""
    env.cr.execute(
        "SELECT value FROM ir_config_parameter WHERE key = 'traceability.bench_copies'"
    )
    row = env.cr.fetchone()
    copies = int(row[0]) if row else 0
    if copies != scale - 1:
        sys.exit(f"the database holds {copies} copies, not {scale - 1}")
    return f"-C{copies}" if copies else ""


def forward(env, raw, _finished):
    result = env["traceability.genealogy"].trace(raw, "forward")
    return len(result.lot_ids), len(result.delivery_picking_ids)


def backward(env, _raw, finished):
    result = env["traceability.genealogy"].trace(finished, "backward")
    return len(result.lot_ids), len(result.receipt_picking_ids)


def recall_scope(env, raw, _finished):
    recall = env["recall.recall"].create(
        {"reason": "Scale benchmark", "source_lot_ids": [(6, 0, raw.ids)]}
    )
    recall.action_scope()
    env.flush_all()
    return len(recall.lot_ids), len(recall.scope_line_ids)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(dbname, log_dir):
    """An Odoo server on ``dbname`` alone: (process, base url)."""
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    port = free_port()
    log = open(Path(log_dir) / f"bench-scale-{dbname}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            f"{odoo_src}/odoo-bin",
            f"--addons-path={odoo_src}/addons,{odoo_src}/odoo/addons,{PROJECT_DIR}",
            f"--db_host={os.environ.get('PGHOST', 'localhost')}",
            f"--db_port={os.environ.get('PGPORT', '5432')}",
            f"--db_user={os.environ.get('PGUSER', 'odoo')}",
            f"--db_password={os.environ.get('PGPASSWORD', 'odoo')}",
            f"--database={dbname}",
            f"--db-filter=^{dbname}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/web/health", timeout=5).read()
            return process, url
        except OSError:
            if process.poll() is not None:
                sys.exit(f"the Odoo server on {dbname} stopped: see {log.name}")
            time.sleep(0.5)
    process.kill()
    sys.exit(f"the Odoo server on {dbname} did not start: see {log.name}")


def get_page(url):
    """The page's body; any status but 200 ends the benchmark (urllib raises)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def peak_rss_mb(func):
    """The process's peak resident memory while ``func()`` runs (Linux: VmHWM,
    reset through /proc/self/clear_refs), and the resident memory before it."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _status_kb("VmRSS")
    func()
    return _status_kb("VmHWM") / 1024, before / 1024


def _status_kb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def line(name, scale, at_scale, at_one):
    ratio = at_one / at_scale if at_scale else float("inf")
    return f"{name}@{scale}: ours={at_scale:.4f} odoo={at_one:.4f} ratio={ratio:.2f}"


def main():
    db_one, db_scale, scale = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with odoo_env(db_one) as env_one, odoo_env(db_scale) as env_scale:
        lots_one = scale_lots(env_one, suffix_of(env_one, 1))
        suffix = suffix_of(env_scale, scale)
        lots_scale = scale_lots(env_scale, suffix)
        env_scale.cr.execute("SELECT COUNT(*) FROM stock_move_line")
        lines_scale = env_scale.cr.fetchone()[0]
        env_one.cr.execute("SELECT COUNT(*) FROM stock_move_line")
        lines_one = env_one.cr.fetchone()[0]
        print(
            f"scale 1: {lines_one} move lines; scale {scale}: {lines_scale} move "
            f"lines, tracing the copy {suffix or 'original'}",
            flush=True,
        )

        def cold():
            env_one.invalidate_all()
            env_scale.invalidate_all()

        # Memory first, before the timed runs leave anything behind.
        memory = {}
        for name, func in (("trace-forward", forward), ("recall-scope", recall_scope)):
            cold()
            memory[name] = peak_rss_mb(lambda func=func: func(env_scale, *lots_scale))
            env_scale.cr.rollback()

        for name, func in (
            ("trace-forward", forward),
            ("trace-backward", backward),
            ("recall-scope", recall_scope),
        ):
            at_scale, found_scale, at_one, found_one = median_times_in_turns(
                lambda func=func: func(env_scale, *lots_scale),
                lambda func=func: func(env_one, *lots_one),
                REPEAT,
                REPEAT,
                before=cold,
            )
            if found_scale != found_one:
                sys.exit(f"{name}: {found_scale} at scale {scale}, {found_one} at 1")
            print(line(name, scale, at_scale, at_one), flush=True)
            env_scale.cr.rollback()
            env_one.cr.rollback()

        codes = (lots_one[1].trace_code, lots_scale[1].trace_code)

    log_dir = PROJECT_DIR / "var"
    servers = [start_server(db, log_dir) for db in (db_one, db_scale)]
    try:
        urls = [
            f"{url}/trace/{code}"
            for (_process, url), code in zip(servers, codes, strict=True)
        ]
        times = ([], [])
        for index in range(PAGE_REPEAT):
            for side in (0, 1) if index % 2 else (1, 0):
                started = time.perf_counter()
                get_page(urls[side])
                times[side].append(time.perf_counter() - started)
        at_one, at_scale = (statistics.median(side) for side in times)
        print(line("public-page", scale, at_scale, at_one), flush=True)
    finally:
        for process, _url in servers:
            process.terminate()
            process.wait(timeout=30)
    for name, (peak, before) in memory.items():
        print(
            f"memory@{scale}: {name} peak RSS {peak:.0f} MB "
            f"({peak - before:+.0f} MB over the {before:.0f} MB before it)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
