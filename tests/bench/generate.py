"""Build the scale genealogy of the benchmarks through Odoo's business flows.

Usage: generate.py DBNAME [--scale S]
At scale 1: one raw lot -> 40 intermediate lots -> 1,000 finished lots -> 1,500
deliveries to 200 customers, plus a control chain that must stay out of its trace.
Commits as it goes and prints its throughput (documents per second).
"""

import argparse
import sys
import time

from genealogy import generate_genealogy
from odoo_env import odoo_env
from replicate import record_baseline


def shape(scale):
    return {
        "intermediates": max(1, round(40 * scale)),
        "finished": max(1, round(1000 * scale)),
        "deliveries": max(1, round(1500 * scale)),
        "customers": max(1, round(200 * scale)),
        "control_finished": max(2, round(10 * scale)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dbname")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    params = shape(args.scale)
    print(f"generating {params} into {args.dbname}", flush=True)
    started = time.monotonic()
    with odoo_env(args.dbname) as env:
        record_baseline(env.cr)
        last = [0]

        def progress(done):
            if done - last[0] >= 100:
                env.cr.commit()
                elapsed = time.monotonic() - started
                print(f"  {done} documents, {done / elapsed:.1f}/s", flush=True)
                last[0] = done

        result = generate_genealogy(env, progress=progress, **params)
        env.cr.commit()
    elapsed = time.monotonic() - started
    print(
        f"generated: {result['documents']} documents "
        f"({len(result['finished_lots'])} finished lots, "
        f"{len(result['sale_orders'])} deliveries, "
        f"{len(result['customers'])} customers) "
        f"in {elapsed:.1f} s: {result['documents'] / elapsed:.1f} documents per second"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
