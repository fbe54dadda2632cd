"""scans: 10,000 key control point scans sent through the device API in batches
(POST /traceability/api/v1/scans) against the same scans created one by one
through XML-RPC ``create`` (the way an integration without the API would), both
against the same running server, in the same run. Then the same 10,000 sent
again under another device id, each batch three times, from four concurrent
clients: the database must end with exactly 10,000 of them.

Usage: bench_scans.py DBNAME (run by setup/bench.sh scans)
"""

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from odoo_env import PROJECT_DIR, bench_line, odoo_env

SCANS = int(os.environ.get("BENCH_SCANS", "10000"))
BATCH = 500
CLIENTS = 4
COPIES = 3
PASSWORD = "bench-device-password"


def prepare(dbname):
    """A control point, a device user with an API key, the lots to scan."""
    with odoo_env(dbname) as env:
        lots = env["stock.lot"].search(
            [("quality_state", "!=", "blocked")], order="id", limit=1000
        )
        if not lots:
            sys.exit("no lot in the database: run setup/bench.sh generate first")
        point = env["traceability.control.point"].create(
            {
                "name": "Bench in-process weight",
                "stage": "in_process",
                "spec_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Weight",
                            "value_type": "numeric",
                            "has_min": True,
                            "min_value": 90,
                            "has_max": True,
                            "max_value": 110,
                        },
                    ),
                    (0, 0, {"name": "Visual", "value_type": "pass_fail"}),
                ],
            }
        )
        user = env["res.users"].create(
            {
                "name": "Bench Device",
                "login": "bench_device",
                "password": PASSWORD,
                "groups_id": [
                    (4, env.ref("quality_traceability.group_traceability_user").id)
                ],
            }
        )
        expiry = datetime.now() + timedelta(days=1)
        key = env["res.users.apikeys"].with_user(user)._generate(None, "bench", expiry)
        specs = {spec.name: spec.id for spec in point.spec_ids}
        result = {
            "lots": [(lot.id, lot.name) for lot in lots],
            "point": point.id,
            "specs": specs,
            "key": key,
            "uid": user.id,
        }
        env.cr.commit()
        return result


def make_scans(setup, count=SCANS):
    rng = random.Random(4)
    start = datetime(2026, 1, 1)
    scans = []
    for index in range(count):
        lot_id, lot_name = setup["lots"][index % len(setup["lots"])]
        scans.append(
            {
                "client_uid": f"scan-{index:06d}",
                "code": lot_name,
                "lot_id": lot_id,
                "control_point": setup["point"],
                "date": (start + timedelta(seconds=index)).isoformat(),
                "values": {"Weight": round(rng.gauss(100, 2), 2), "Visual": "pass"},
            }
        )
    return scans


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(dbname, port, cron_threads=0):
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
        f"--max-cron-threads={cron_threads}",
        "--log-level=warn",
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("the Odoo server did not start")


def post_batch(url, key, device_id, batch):
    body = json.dumps({"device_id": device_id, "scans": batch}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def via_api(base, key, scans, device_id):
    url = f"{base}/traceability/api/v1/scans"
    created = 0
    for start in range(0, len(scans), BATCH):
        answer = post_batch(url, key, device_id, scans[start : start + BATCH])
        created += answer["created"]
        if answer["errors"]:
            sys.exit(f"API errors: {answer['results'][:3]}")
    return created


def via_xmlrpc(base, dbname, setup, scans):
    models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
    specs = setup["specs"]
    for scan in scans:
        models.execute_kw(
            dbname,
            setup["uid"],
            setup["key"],
            "traceability.check",
            "create",
            [
                {
                    "control_point_id": scan["control_point"],
                    "lot_id": scan["lot_id"],
                    "date": scan["date"].replace("T", " "),
                    "source": "import",
                    "device_id": "xmlrpc",
                    "client_uid": scan["client_uid"],
                    "value_ids": [
                        (
                            0,
                            0,
                            {
                                "spec_id": specs["Weight"],
                                "value_float": scan["values"]["Weight"],
                                "value_is_set": True,
                            },
                        ),
                        (0, 0, {"spec_id": specs["Visual"], "value_pass_fail": "pass"}),
                    ],
                }
            ],
            # The same context as the API's creation: no "created" message.
            {"context": {"mail_create_nolog": True, "mail_create_nosubscribe": True}},
        )
    return len(scans)


def concurrent_retries(base, key, scans, batch_size=BATCH):
    """Every batch sent COPIES times, shuffled, by CLIENTS clients at once."""
    url = f"{base}/traceability/api/v1/scans"
    batches = [
        scans[start : start + batch_size] for start in range(0, len(scans), batch_size)
    ]
    jobs = batches * COPIES
    random.Random(7).shuffle(jobs)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(
            pool.map(lambda batch: post_batch(url, key, "concurrent", batch), jobs)
        )
    created = sum(answer["created"] for answer in answers)
    duplicates = sum(answer["duplicates"] for answer in answers)
    errors = sum(answer["errors"] for answer in answers)
    return created, duplicates, errors


def count(base, dbname, setup, device_id):
    models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
    return models.execute_kw(
        dbname,
        setup["uid"],
        setup["key"],
        "traceability.check",
        "search_count",
        [[("device_id", "=", device_id)]],
    )


def main():
    dbname = sys.argv[1]
    setup = prepare(dbname)
    scans = make_scans(setup)
    api_scans = [{k: v for k, v in scan.items() if k != "lot_id"} for scan in scans]
    port = free_port()
    server = start_server(dbname, port)
    base = f"http://127.0.0.1:{port}"
    try:
        post_batch(f"{base}/traceability/api/v1/scans", setup["key"], "warm-up", [])
        start = time.perf_counter()
        created = via_api(base, setup["key"], api_scans, "handheld")
        ours = time.perf_counter() - start
        start = time.perf_counter()
        via_xmlrpc(base, dbname, setup, scans)
        odoo = time.perf_counter() - start
        stored = (
            count(base, dbname, setup, "handheld"),
            count(base, dbname, setup, "xmlrpc"),
        )
        print(
            f"scans: {created} through the API, stored {stored[0]}; "
            f"{stored[1]} by XML-RPC"
        )
        created, duplicates, errors = concurrent_retries(base, setup["key"], api_scans)
        total = count(base, dbname, setup, "concurrent")
        print(
            f"scans-concurrent: {len(api_scans)} scans, each batch {COPIES} times from "
            f"{CLIENTS} clients: {total} stored (created {created}, duplicates "
            f"{duplicates}, errors {errors})"
        )
        if total != len(api_scans) or stored != (SCANS, SCANS):
            sys.exit("scans: wrong count of stored scans")
        print(bench_line("scans", ours, odoo))
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
