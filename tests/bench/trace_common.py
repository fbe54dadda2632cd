"""Shared set-up of the trace benchmarks: the generated genealogy's lots, timing
from a cold ORM cache, and the comparison of result sets."""

import importlib.util
import sys

from odoo_env import PROJECT_DIR, bench_line, median_times_in_turns, odoo_env

RAW_LOT = "GEN-RAW-0001"
REPEAT_OURS = 15
REPEAT_ODOO = 3


def report_oracle():
    """The addon's oracle module (Odoo's own answers), loaded on its own: importing
    the addon's test package would load Odoo's test framework."""
    path = PROJECT_DIR / "quality_traceability" / "tests" / "report_oracle.py"
    spec = importlib.util.spec_from_file_location("report_oracle", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lots(env):
    lot_model = env["stock.lot"]
    raw = lot_model.search([("name", "=", RAW_LOT)])
    if not raw:
        sys.exit(f"no lot {RAW_LOT}: run setup/bench.sh generate first")
    finished = lot_model.search(
        [("name", "=like", "GEN-FIN-%")], order="name desc", limit=1
    )
    return raw, finished


def compare(name, ours, odoo):
    """Exit non-zero when the two answers differ."""
    if ours != odoo:
        for key in ours:
            extra = sorted(set(ours[key]) - set(odoo[key]))[:10]
            missing = sorted(set(odoo[key]) - set(ours[key]))[:10]
            if extra or missing:
                print(f"{name}: {key} differ: only ours {extra}, only odoo {missing}")
        sys.exit(1)


def run(name, ours_func, odoo_func, summary, repeat_odoo=REPEAT_ODOO):
    """Time both (in turns), compare their answers (dicts of sets), print the
    bench line.

    ``repeat_odoo``: runs of Odoo's side (its median is taken); Odoo's reports
    take seconds, a bare query milliseconds and needs more runs to be steady.
    """
    dbname = sys.argv[1]
    with odoo_env(dbname) as env:
        # The lots are looked up once: both sides time the trace, not the search.
        raw, finished = lots(env)
        ours_time, ours, odoo_time, odoo = median_times_in_turns(
            lambda: ours_func(env, raw, finished),
            lambda: odoo_func(env, raw, finished),
            REPEAT_OURS,
            repeat_odoo,
            # From a cold ORM cache, as a new request would run them.
            before=env.invalidate_all,
        )
        compare(name, ours, odoo)
        print(summary(ours))
        print(bench_line(name, ours_time, odoo_time))
        env.cr.rollback()
