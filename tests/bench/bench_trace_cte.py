"""trace-cte: the engine against a bare recursive CTE over the same tables giving
the same sets (affected lots and customer deliveries of the raw lot). Here
``odoo=`` is the bare CTE: the engine, which also returns edges, stock, open
transfers and manufacturing orders, should stay within 2x of it (ratio >= 0.5).

Usage: bench_trace_cte.py DBNAME (run by setup/bench.sh trace-cte)
"""

from trace_common import run

BARE_CTE = """
    WITH RECURSIVE closure(lot_id) AS (
        SELECT %s
        UNION
        SELECT nxt.lot_id
          FROM closure
          JOIN stock_move_line cur ON cur.lot_id = closure.lot_id AND cur.state = 'done'
          JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = cur.id
          JOIN stock_move_line nxt ON nxt.id = rel.consume_line_id
         WHERE nxt.state = 'done' AND nxt.lot_id IS NOT NULL
    )
    SELECT closure.lot_id, ml.picking_id
      FROM closure
      LEFT JOIN stock_move_line ml
        ON ml.lot_id = closure.lot_id AND ml.state = 'done'
       AND ml.location_dest_id IN (
           SELECT id FROM stock_location WHERE usage = 'customer')
       AND ml.location_id NOT IN (
           SELECT id FROM stock_location WHERE usage = 'customer')
"""


def ours(env, raw, _finished):
    result = env["traceability.genealogy"].trace(raw, "forward", parts=("delivery",))
    return {"lots": result.lot_ids, "deliveries": result.delivery_picking_ids}


def bare_cte(env, raw, _finished):
    env.cr.execute(BARE_CTE, [raw.id])
    rows = env.cr.fetchall()
    return {
        "lots": {lot_id for lot_id, _picking in rows},
        "deliveries": {picking for _lot, picking in rows if picking},
    }


def summary(result):
    lots, deliveries = len(result["lots"]), len(result["deliveries"])
    return f"forward scope: {lots} lots, {deliveries} deliveries"


if __name__ == "__main__":
    run("trace-cte", ours, bare_cte, summary, repeat_odoo=15)
