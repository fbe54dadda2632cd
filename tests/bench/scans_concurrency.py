"""Device API retries under concurrency: every batch of scans sent three times,
shuffled, by four clients at once against a running server; each scan must be
stored exactly once and every copy answered ``duplicate``.

Usage: scans_concurrency.py DBNAME [SCANS]
Needs a database with quality_traceability installed; it commits (a control
point, a device user, the scans): setup/test.sh runs it on its test database
before dropping it. ``setup/bench.sh scans`` runs the same with 10,000 scans.
"""

import sys

from bench_scans import (
    CLIENTS,
    COPIES,
    concurrent_retries,
    count,
    free_port,
    make_scans,
    post_batch,
    prepare,
    start_server,
)

BATCH = 25


def main():
    dbname = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    setup = prepare(dbname)
    scans = [
        {key: value for key, value in scan.items() if key != "lot_id"}
        for scan in make_scans(setup, total)
    ]
    port = free_port()
    server = start_server(dbname, port)
    base = f"http://127.0.0.1:{port}"
    try:
        post_batch(f"{base}/traceability/api/v1/scans", setup["key"], "warm-up", [])
        created, duplicates, errors = concurrent_retries(
            base, setup["key"], scans, BATCH
        )
        stored = count(base, dbname, setup, "concurrent")
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"scans-concurrent: {total} scans in batches of {BATCH}, each batch "
        f"{COPIES} times from {CLIENTS} clients: {stored} stored (created "
        f"{created}, duplicates {duplicates}, errors {errors})"
    )
    expected = (total, total, total * (COPIES - 1), 0)
    if (stored, created, duplicates, errors) != expected:
        sys.exit(
            f"scans-concurrent: expected stored/created/duplicates/errors {expected}"
        )


if __name__ == "__main__":
    main()
