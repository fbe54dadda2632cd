# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's own answers to a trace, obtained the way a user must get them in 18.0.

The correctness oracle of the genealogy tests and the baseline of the trace
benchmarks. Only Odoo's own server methods are used:

- forward: the traceability report of a lot, following every "used in" jump to the
  lines it produced, then the report of each lot reached, and so on (the report's
  unfold only goes upstream);
- backward: the traceability report of a lot unfolded upstream line by line;
- deliveries: ``stock.lot.delivery_ids``.
"""


def _report(env):
    return env["stock.traceability.report"]


def _lot_lines(env, lot):
    report = _report(env).with_context(active_id=lot.id, model="stock.lot")
    return report.get_lines(model_name="stock.lot", model_id=lot.id, level=1)


def report_forward(env, lots):
    """Lots reached downstream and customer deliveries seen on their reports.

    :return: (set of lot ids, set of delivery picking ids)
    """
    report = _report(env)
    move_lines = env["stock.move.line"]
    seen = set(lots.ids)
    todo = list(lots)
    deliveries = set()
    while todo:
        lot = todo.pop()
        for line in _lot_lines(env, lot):
            move_line = move_lines.browse(line["model_id"])
            if line["is_used"]:
                used = report.with_context(lot_name=lot.name).get_lines(
                    model_name="stock.move.line", model_id=move_line.id, level=2
                )
                for used_line in used:
                    if used_line["lot_id"] and used_line["lot_id"] not in seen:
                        seen.add(used_line["lot_id"])
                        todo.append(env["stock.lot"].browse(used_line["lot_id"]))
            if (
                line["res_model"] == "stock.picking"
                and move_line.location_dest_id.usage == "customer"
                and move_line.location_id.usage != "customer"
            ):
                deliveries.add(line["res_id"])
    return seen, deliveries


def report_backward(env, lots):
    """Lots reached upstream by unfolding the report, and the vendor receipts.

    :return: (set of lot ids, set of receipt picking ids)
    """
    report = _report(env)
    move_lines = env["stock.move.line"]
    seen = set(lots.ids)
    receipts = set()
    todo = []
    for lot in lots:
        todo += _lot_lines(env, lot)
    unfolded = set()
    while todo:
        line = todo.pop()
        move_line = move_lines.browse(line["model_id"])
        if move_line.lot_id:
            seen.add(move_line.lot_id.id)
        if (
            line["res_model"] == "stock.picking"
            and move_line.location_id.usage == "supplier"
        ):
            receipts.add(line["res_id"])
        if line["unfoldable"] and line["model_id"] not in unfolded:
            unfolded.add(line["model_id"])
            todo += report.get_lines(
                line_id=line["id"],
                model_name="stock.move.line",
                model_id=line["model_id"],
                level=line["level"] + 1,
            )
    return seen, receipts


def lot_deliveries(lots):
    """Customer deliveries of ``lots`` according to ``stock.lot.delivery_ids``."""
    return set(lots.delivery_ids.ids)
