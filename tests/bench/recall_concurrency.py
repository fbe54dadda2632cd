"""Two users scoping, then blocking, the same recall at the same moment.

Usage: recall_concurrency.py DBNAME
Needs a database with the three addons and their demo data; it commits (run it on
a throw-away database: setup/test.sh runs it on its test database before dropping
it). Each user works in their own transaction, as two browser requests would, with
Odoo's own retry on serialisation failures. Exits non-zero unless the recall ends
in the state one user alone would have left: each affected lot listed once, one
scope snapshot, one notice per customer, every affected lot blocked.
"""

import logging
import sys
import threading

from odoo_env import odoo_env


def run_as_two_users(dbname, recall_id, method):
    """Call ``method`` on the recall from two transactions started together."""
    import odoo
    from odoo import api
    from odoo.service.model import retrying

    registry = odoo.modules.registry.Registry(dbname)
    barrier = threading.Barrier(2)
    errors = []

    def user():
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, {})
                recall = env["recall.recall"].browse(recall_id)
                recall.name  # noqa: B018  (read before the race starts)
                barrier.wait(timeout=30)
                retrying(getattr(recall, method), env)
                cr.commit()
        except Exception as error:  # reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=user) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def main():
    dbname = sys.argv[1]
    # The two users' conflicting writes fail with serialisation errors that Odoo
    # retries, as it does for concurrent requests: the SQL layer logs each one.
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    with odoo_env(dbname) as env:
        lot = env["stock.lot"].search([("name", "=", "NBS-240301")], limit=1)
        if not lot:
            sys.exit("recall concurrency: no demo lot NBS-240301")
        recall = env["recall.recall"].create(
            {"reason": "Concurrency check", "source_lot_ids": [(6, 0, lot.ids)]}
        )
        env.cr.commit()
        recall_id = recall.id
        # What one user alone gets, on a twin recall.
        alone = env["recall.recall"].create(
            {"reason": "Reference", "source_lot_ids": [(6, 0, lot.ids)]}
        )
        alone.action_scope()
        expected = (
            len(alone.lot_ids),
            len(alone.scope_line_ids),
            len(alone.customer_ids),
        )
        env.cr.rollback()

    errors = run_as_two_users(dbname, recall_id, "action_scope")
    errors += run_as_two_users(dbname, recall_id, "action_block_stock")

    with odoo_env(dbname) as env:
        recall = env["recall.recall"].browse(recall_id)
        got = (
            len(recall.lot_ids),
            len(recall.scope_line_ids),
            len(recall.customer_ids),
        )
        lots = recall.lot_ids.lot_id
        problems = list(errors)
        if got != expected:
            problems.append(f"lots, scope lines, notices: {got}, expected {expected}")
        if len(lots) != len(recall.lot_ids):
            problems.append("a lot is listed twice")
        if set(lots.mapped("quality_state")) != {"blocked"}:
            problems.append(f"lot states: {sorted(set(lots.mapped('quality_state')))}")
        if recall.state != "in_progress":
            problems.append(f"recall state: {recall.state}")
        print(
            f"recall concurrency: {got[0]} lots, {got[1]} scope lines, "
            f"{got[2]} notices after two users scoped and blocked at once"
        )
        for problem in problems:
            print(f"recall concurrency: FAILED: {problem}")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
