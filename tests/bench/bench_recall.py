"""recall: creating a recall on the raw lot and computing and storing its full scope
(every affected lot, every customer delivery) against obtaining the same affected
lots and customer deliveries with Odoo's own tools the way a coordinator must in
18.0: the traceability report followed lot by lot, as in the trace benchmark.

Usage: bench_recall.py DBNAME (run by setup/bench.sh recall)
"""

from trace_common import report_oracle, run


def ours(env, raw, _finished):
    recall = env["recall.recall"].create(
        {"reason": "Benchmark", "source_lot_ids": [(6, 0, raw.ids)]}
    )
    recall.action_scope()
    env.flush_all()
    delivered = recall.scope_line_ids.filtered(lambda line: line.kind == "delivered")
    return {
        "lots": set(recall.lot_ids.lot_id.ids),
        "deliveries": set(delivered.picking_id.ids),
    }


def odoo(env, raw, _finished):
    lot_ids, deliveries = report_oracle().report_forward(env, raw)
    return {"lots": lot_ids, "deliveries": deliveries}


def summary(result):
    lot_count, delivery_count = len(result["lots"]), len(result["deliveries"])
    return f"recall scope: {lot_count} lots, {delivery_count} deliveries"


if __name__ == "__main__":
    run("recall", ours, odoo, summary)
