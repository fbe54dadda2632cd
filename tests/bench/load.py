"""load: the public trace page and the device API at once, through nginx, on the
topology of setup/scale.sh, three times: Odoo with N workers reading the readonly
routes from the local replica, the same without the replica, and one worker
without the replica. Each run is a fixed time of C public clients looking up trace
codes and GS1 Digital Links (GET /trace/<code>, /01/<gtin>/10|21/<lot>) while A
devices post batches of scans (POST /traceability/api/v1/scans), and ends with

    load: N public lookups/s p95=<ms> with replica, M scans/s, 0 errors

and the transactions and rows that the replica and the primary served meanwhile
(pg_stat_database of each cluster: the replica's counts are its own), which show
whether the replica carried the public reads, and how busy the machine's cores
were (/proc/stat), the load clients' own share apart. With --rounds R the three
runs are made R times in turn, and the gains are medians.

Usage: load.py [--seconds S] [--workers N] [--public-clients C] [--api-clients A]
               [--batch B] [--rounds R] [--db NAME] [--keep-db]

The database (default $LOAD_DB or "traceability_load", dropped first) is a copy of
the benchmark genealogy qt_bench_tpl_1 when setup/bench.sh generated it, else a
new one with the demo data. The run commits into it (a device user and its API
key, the scans) and sets quality_traceability.public_rate_limit to 0 there;
nginx gets NGINX_UNLIMITED=127.0.0.1, so that neither limit throttles a load
sent from one address (the output says so). Ports and directories are those of
setup/scale.sh (HTTP_PORT, GEVENT_PORT, NGINX_LISTEN, REPLICA_PORT, SCALE_DIR).
Everything goes to 127.0.0.1; each run stops by itself after S seconds; the
topology is stopped at the end. Exits non-zero on any error or when the replica
did not serve at least one transaction per public lookup of a replica run.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import quote, urlsplit

import psycopg2
from bench_scans import prepare
from odoo_env import PROJECT_DIR, load_project_module, odoo_env

TEMPLATE = "qt_bench_tpl_1"
SCALE = PROJECT_DIR / "setup" / "scale.sh"
RATE_PARAM = "quality_traceability.public_rate_limit"
URL_SAMPLE = 300  # public addresses checked once, then looked up at random
STATS_SETTLE = 11  # s: PostgreSQL flushes an idle backend's statistics every 10 s


def shell(script, *args, check=True, capture=False):
    """A bash snippet with setup/common.sh sourced (odoo_bin, $ADDONS, PG*)."""
    return subprocess.run(
        ["bash", "-c", f'. "{PROJECT_DIR}/setup/common.sh"; {script}', "load", *args],
        check=check,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )


def scalar(sql, dbname="postgres", port=None):
    connection = psycopg2.connect(
        dbname=dbname,
        host=os.environ.get("PGHOST", "localhost"),
        port=port or os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
        password=os.environ.get("PGPASSWORD", "odoo"),
    )
    try:
        with connection.cursor() as cr:
            cr.execute(sql)
            row = cr.fetchone()
            return row[0] if row else None
    finally:
        connection.close()


# ---------------------------------------------------------------------- database
def filestore(dbname):
    data_dir = os.environ.get(
        "ODOO_DATA_DIR", os.path.expanduser("~/.local/share/Odoo")
    )
    return os.path.join(data_dir, "filestore", dbname)


def template_ready():
    try:
        return bool(
            scalar(
                "select 1 from ir_config_parameter "
                "where key = 'traceability.bench_generated'",
                TEMPLATE,
            )
        )
    except psycopg2.OperationalError:
        return False


def code_digest():
    """The digest setup/bench.sh records as traceability.bench_code."""
    return shell(
        f'cd "{PROJECT_DIR}" && find quality_traceability label_printing '
        "recall_management -path '*/tests' -prune -o -type f \\( -name '*.py' -o "
        "-name '*.xml' -o -name '*.csv' \\) -print | LC_ALL=C sort | xargs cat "
        "| sha1sum | cut -c1-16",
        capture=True,
    ).stdout.strip()


def make_database(dbname, http_port):
    shell('dropdb --if-exists "$1"', dbname)
    shutil.rmtree(filestore(dbname), ignore_errors=True)
    if template_ready():
        for attempt in range(10):
            # Refused while another session uses the template: try again.
            if not shell(
                'createdb -T "$1" "$2"', TEMPLATE, dbname, check=False
            ).returncode:
                break
            time.sleep(3 * (attempt + 1))
        else:
            sys.exit(f"load: cannot copy {TEMPLATE}")
        if os.path.isdir(filestore(TEMPLATE)):
            shutil.copytree(filestore(TEMPLATE), filestore(dbname))
        recorded = scalar(
            "select value from ir_config_parameter "
            "where key = 'traceability.bench_code'",
            dbname,
        )
        if recorded != code_digest():
            print(f"load: updating the addons of {dbname} to the current code")
            shell(
                'odoo_bin -d "$1" -u "$ADDONS" --stop-after-init --log-level=warn '
                '--max-cron-threads=0 --http-port="$2"',
                dbname,
                str(http_port),
            )
        return f"copy of {TEMPLATE} (the benchmark genealogy)"
    shell(
        'odoo_bin -d "$1" -i "$ADDONS" --stop-after-init --log-level=warn '
        '--max-cron-threads=0 --http-port="$2"',
        dbname,
        str(http_port),
    )
    return "new database with the demo data"


def public_urls(dbname):
    """Trace pages and GS1 Digital Links of the database's lots. Tracked
    products without a GTIN get one first (GS1 prefix 200: numbers for use
    within a company), so that the Digital Link routes are in the mix."""
    gs1 = load_project_module("quality_traceability/tools/gs1.py")
    with odoo_env(dbname) as env:
        env["ir.config_parameter"].set_param(RATE_PARAM, "0")
        products = env["product.product"].search(
            [("tracking", "in", ("lot", "serial")), ("barcode", "=", False)]
        )
        for product in products:
            digits = f"200{product.id:09d}"
            product.barcode = digits + str(gs1.check_digit(digits))
        lots = env["stock.lot"].search([("trace_code", "!=", False)], order="id")
        urls = []
        for lot in lots:
            urls.append(f"/trace/{lot.trace_code}")
            product = lot.product_id
            if gs1.is_valid_gtin(product.barcode or ""):
                ai = "21" if product.tracking == "serial" else "10"
                urls.append(f"/01/{product.barcode}/{ai}/{quote(lot.name, safe='')}")
        env.cr.commit()
    return urls


# ---------------------------------------------------------------------- topology
def scale(*args, **env):
    subprocess.run(
        [str(SCALE), *args],
        check=True,
        env=dict(os.environ, **env),
        stdout=subprocess.DEVNULL,
    )


def scale_dir():
    return os.environ.get("SCALE_DIR", str(PROJECT_DIR / "var" / "scale"))


def base_url():
    with open(os.path.join(scale_dir(), "url"), encoding="utf-8") as handle:
        return handle.read().strip()


def db_stats(dbname, port):
    """(transactions committed, rows read) of ``dbname`` on one cluster."""
    return tuple(
        int(value)
        for value in scalar(
            "select array[xact_commit, tup_returned + tup_fetched] "
            f"from pg_stat_database where datname = '{dbname}'",
            port=port,
        )
    )


def machine_cpu():
    """(busy, total) clock ticks of all the machine's cores (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as handle:
        ticks = [int(value) for value in handle.readline().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


# ---------------------------------------------------------------------- clients
class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, url):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=60
            )
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise


def check_urls(url, paths):
    """The addresses that answer 200 (a Digital Link of a GTIN that two
    products share finds nothing, by design), and the count of the others by
    status."""
    client, found, others = Client(url), [], {}
    for path in paths:
        status = client.request("GET", path)[0]
        if status == 200:
            found.append(path)
        else:
            others[status] = others.get(status, 0) + 1
    return found, others


def run_load(url, paths, setup, seconds, public_clients, api_clients, batch, label):
    deadline = time.monotonic() + seconds
    latencies, errors, created = [], [], [0]
    lock = threading.Lock()

    def public(index):
        client, rng, mine = Client(url), random.Random(index), []
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            start = time.perf_counter()
            try:
                status, _body = client.request("GET", path)
            except (OSError, http.client.HTTPException) as error:
                status = repr(error)
            if status == 200:
                mine.append(time.perf_counter() - start)
            else:
                with lock:
                    errors.append(f"GET {path}: {status}")
        with lock:
            latencies.extend(mine)

    def device(index):
        client, rng, number = Client(url), random.Random(1000 + index), 0
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {setup['key']}",
        }
        while time.monotonic() < deadline:
            scans = []
            for _ in range(batch):
                number += 1
                _lot_id, lot_name = rng.choice(setup["lots"])
                scans.append(
                    {
                        "client_uid": f"load-{label}-{index}-{number}",
                        "code": lot_name,
                        "control_point": setup["point"],
                        "values": {
                            "Weight": round(rng.gauss(100, 2), 2),
                            "Visual": "pass",
                        },
                    }
                )
            body = json.dumps({"device_id": f"load-{index}", "scans": scans})
            try:
                status, answer = client.request(
                    "POST", "/traceability/api/v1/scans", body, headers
                )
            except (OSError, http.client.HTTPException) as error:
                status, answer = repr(error), b""
            if status != 200:
                with lock:
                    errors.append(f"POST scans: {status} {answer[:200]!r}")
                continue
            answer = json.loads(answer)
            with lock:
                created[0] += answer["created"]
                if answer["errors"] or answer["duplicates"]:
                    errors.append(
                        f"POST scans: {answer['errors']} items refused, "
                        f"{answer['duplicates']} duplicates of new scans"
                    )

    threads = [
        threading.Thread(target=public, args=(index,))
        for index in range(public_clients)
    ] + [threading.Thread(target=device, args=(index,)) for index in range(api_clients)]
    start, cpu, own = time.monotonic(), machine_cpu(), os.times()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    busy, total = (
        after - before for after, before in zip(machine_cpu(), cpu, strict=True)
    )
    own = sum(os.times()[:2]) - sum(own[:2])
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else 0
    return {
        "lookups": len(latencies),
        "lookups_per_s": len(latencies) / elapsed,
        "p95_ms": p95 * 1000,
        "scans_per_s": created[0] / elapsed,
        "errors": errors,
        "busy": busy / total if total else 0,
        "client_cores": own / elapsed,
    }


# ---------------------------------------------------------------------- main
def measure(args, setup, paths, label, replica, tag):
    """One measured run on the running topology: warm-up, then the load, with
    the transactions and rows each cluster served meanwhile."""
    url = base_url()
    ports = {
        "replica": os.environ.get("REPLICA_PORT", "5433") if replica else None,
        "primary": os.environ.get("PGPORT", "5432"),
    }
    run_load(url, paths, setup, args.warm_up, 2, 1, args.batch, f"warm-{tag}")

    def stats():
        time.sleep(STATS_SETTLE)
        return {
            side: db_stats(args.db, port) if port else None
            for side, port in ports.items()
        }

    before = stats()
    result = run_load(
        url,
        paths,
        setup,
        args.seconds,
        args.public_clients,
        args.api_clients,
        args.batch,
        tag,
    )
    after = stats()
    result["served"] = {
        side: None
        if before[side] is None
        else tuple(a - b for a, b in zip(after[side], before[side], strict=True))
        for side in before
    }
    return result


def report(label, workers, result):
    workers_text = f"{workers} worker{'s' if workers > 1 else ''}"
    print(
        f"load: {result['lookups_per_s']:.1f} public lookups/s "
        f"p95={result['p95_ms']:.0f}ms {label}, "
        f"{result['scans_per_s']:.1f} scans/s, "
        f"{len(result['errors'])} errors ({workers_text})"
    )
    for side in ("replica", "primary"):
        served = result["served"][side]
        text = (
            "not running"
            if served is None
            else f"{served[0]} transactions, {served[1]} rows read"
        )
        print(f"      {side}: {text} ({result['lookups']} public lookups)")
    print(
        f"      machine: {os.cpu_count()} cores {result['busy']:.0%} busy, of which "
        f"the load clients {result['client_cores']:.2f} core"
    )
    for error in sorted(set(result["errors"]))[:5]:
        print(f"      error: {error}")


def conclude(args, results):
    """The gains (medians over the rounds), and the reasons to fail."""

    def median(label, key):
        return statistics.median(result[key] for result in results[label])

    labels = ("with replica", "without replica", "with one worker")
    if args.rounds > 1:
        for label in labels:
            print(
                f"load: median of {args.rounds}: "
                f"{median(label, 'lookups_per_s'):.1f} public lookups/s "
                f"p95={median(label, 'p95_ms'):.0f}ms {label}, "
                f"{median(label, 'scans_per_s'):.1f} scans/s"
            )
    replica, without, one = (
        {key: median(label, key) for key in ("lookups_per_s", "scans_per_s")}
        for label in labels
    )
    print(
        "load: lookups/s with the replica vs without: x"
        f"{replica['lookups_per_s'] / without['lookups_per_s']:.2f}; "
        f"{args.workers} workers vs one: lookups/s x"
        f"{without['lookups_per_s'] / one['lookups_per_s']:.2f}, scans/s x"
        f"{without['scans_per_s'] / max(one['scans_per_s'], 1e-9):.2f}"
    )
    failures = [
        f"{label}: {len(result['errors'])} errors"
        for label in labels
        for result in results[label]
        if result["errors"]
    ]
    for result in results["with replica"]:
        on_replica = result["served"]["replica"][0]
        if on_replica < result["lookups"]:
            failures.append(
                f"the replica served {on_replica} transactions for "
                f"{result['lookups']} public lookups"
            )
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--public-clients", type=int, default=8)
    parser.add_argument("--api-clients", type=int, default=2)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--warm-up", type=float, default=5)
    parser.add_argument(
        "--rounds", type=int, default=1, help="the three runs, so many times in turn"
    )
    parser.add_argument("--db", default=os.environ.get("LOAD_DB", "traceability_load"))
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    origin = make_database(args.db, int(os.environ.get("HTTP_PORT", "8069")))
    setup = prepare(args.db)
    paths = public_urls(args.db)
    print(
        f"load: database {args.db} ({origin}); rate limits lifted for this run: "
        f"{RATE_PARAM}=0 in {args.db}, nginx limit_req off for 127.0.0.1 "
        "(NGINX_UNLIMITED)"
    )
    runs = [
        ("with replica", args.workers, True),
        ("without replica", args.workers, False),
        ("with one worker", 1, False),
    ]
    results = {label: [] for label, _workers, _replica in runs}
    try:
        for number, (label, workers, replica) in enumerate(runs * args.rounds):
            scale(
                "start",
                "--workers",
                str(workers),
                *([] if replica else ["--no-replica"]),
                DB_NAME=args.db,
                CRON_WORKERS="0",
                NGINX_UNLIMITED="127.0.0.1",
            )
            if not results["with replica"]:
                sample = random.Random(3).sample(paths, min(URL_SAMPLE, len(paths)))
                paths, others = check_urls(base_url(), sample)
                codes = sum(path.startswith("/trace/") for path in paths)
                print(
                    f"load: {codes} trace pages and {len(paths) - codes} Digital "
                    f"Links (left out, by status: {others or 'none'}); "
                    f"{args.public_clients} public clients and "
                    f"{args.api_clients} devices (batches of {args.batch} scans) "
                    f"for {args.seconds:g} s a run, through nginx at {base_url()}"
                )
            # Scan ids are unique to the run: a scan stored twice is an error.
            tag = f"{number}-{label.replace(' ', '-')}"
            results[label].append(measure(args, setup, paths, label, replica, tag))
            report(label, workers, results[label][-1])
    finally:
        scale("stop")
        # This process's own connections (prepare, public_urls) hold the database.
        import odoo

        odoo.sql_db.close_all()
        if not args.keep_db:
            shell('dropdb --if-exists "$1"', args.db)
            shutil.rmtree(filestore(args.db), ignore_errors=True)
    failures = conclude(args, results)
    if failures:
        sys.exit("load: " + "; ".join(failures))


if __name__ == "__main__":
    main()
