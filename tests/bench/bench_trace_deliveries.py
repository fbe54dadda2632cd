"""trace-deliveries: the engine's customer deliveries of the raw lot against
Odoo's ``stock.lot.delivery_ids`` (which yields deliveries only).

Usage: bench_trace_deliveries.py DBNAME (run by setup/bench.sh trace-deliveries)
"""

from trace_common import run


def ours(env, raw, _finished):
    result = env["traceability.genealogy"].trace(raw, "forward", parts=("delivery",))
    return {"deliveries": result.delivery_picking_ids}


def odoo(env, raw, _finished):
    return {"deliveries": set(raw.delivery_ids.ids)}


def summary(result):
    return f"deliveries: {len(result['deliveries'])}"


if __name__ == "__main__":
    run("trace-deliveries", ours, odoo, summary)
