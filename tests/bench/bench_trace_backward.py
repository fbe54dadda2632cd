"""trace-backward: the engine's backward trace of a finished lot against Odoo's
traceability report unfolded upstream line by line.

Usage: bench_trace_backward.py DBNAME (run by setup/bench.sh trace-backward)
"""

from trace_common import report_oracle, run


def ours(env, _raw, finished):
    result = env["traceability.genealogy"].trace(
        finished, "backward", parts=("receipt",)
    )
    return {"lots": result.lot_ids, "receipts": result.receipt_picking_ids}


def odoo(env, _raw, finished):
    lot_ids, receipts = report_oracle().report_backward(env, finished)
    return {"lots": lot_ids, "receipts": receipts}


def summary(result):
    return f"backward: {len(result['lots'])} lots, {len(result['receipts'])} receipts"


if __name__ == "__main__":
    # The report unfolds a short trace in tens of milliseconds; with three runs
    # its median moved by half from one run to the next, nine keep it steady.
    run("trace-backward", ours, odoo, summary, repeat_odoo=9)
