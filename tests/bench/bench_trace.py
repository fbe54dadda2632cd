"""trace: the engine's forward scope of the raw lot (every affected lot and customer
delivery) against the same answer reached through Odoo's traceability report the
way a user must: the lot's report, every "used in" jump, the report of each lot
reached, and so on.

Usage: bench_trace.py DBNAME (run by setup/bench.sh trace)
"""

from trace_common import report_oracle, run


def ours(env, raw, _finished):
    result = env["traceability.genealogy"].trace(raw, "forward")
    return {"lots": result.lot_ids, "deliveries": result.delivery_picking_ids}


def odoo(env, raw, _finished):
    lot_ids, deliveries = report_oracle().report_forward(env, raw)
    return {"lots": lot_ids, "deliveries": deliveries}


def summary(result):
    lots, deliveries = len(result["lots"]), len(result["deliveries"])
    return f"forward scope: {lots} lots, {deliveries} deliveries"


if __name__ == "__main__":
    run("trace", ours, odoo, summary)
