"""Open an Odoo environment on a database from a script (benchmarks, generator).

The connection comes from the environment that setup/common.sh exports:
ODOO_SRC, PGHOST, PGPORT, PGUSER, PGPASSWORD; the addons path is the Odoo tree's
plus this project.
"""

import contextlib
import gc
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def odoo_env(dbname):
    import odoo
    from odoo import api

    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    if not _CONFIGURED:
        _configure(odoo, odoo_src)
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        yield api.Environment(cr, odoo.SUPERUSER_ID, {})


_CONFIGURED = []


def load_project_module(relative_path):
    """A plain module of the project's tests loaded by its path (the business
    flows, the test printer), without importing its addon's test package, whose
    test framework Odoo refuses outside test mode."""
    path = PROJECT_DIR / relative_path
    name = "bench_" + "_".join(path.with_suffix("").parts[-3:])
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _configure(odoo, odoo_src):
    """Odoo's configuration can be parsed once per process."""
    odoo.tools.config.parse_config(
        [
            f"--addons-path={odoo_src}/addons,{odoo_src}/odoo/addons,{PROJECT_DIR}",
            f"--db_host={os.environ.get('PGHOST', 'localhost')}",
            f"--db_port={os.environ.get('PGPORT', '5432')}",
            f"--db_user={os.environ.get('PGUSER', 'odoo')}",
            f"--db_password={os.environ.get('PGPASSWORD', 'odoo')}",
            "--log-level=warn",
        ]
    )
    _CONFIGURED.append(True)


def median_times_in_turns(ours, odoo, repeat_ours, repeat_odoo, before=None):
    """Median wall times of ``ours()`` and ``odoo()`` run in turns, so that
    both sides see the same state of the machine (caches, other load), and
    their last results: ``(ours_time, ours_result, odoo_time, odoo_result)``.

    Before each run, untimed: ``before()`` when given (for example, emptying
    the ORM cache, so that both sides start cold), and Python's garbage
    collection; a run pays for its own work, not for what the run before it
    left.
    """
    times = {ours: [], odoo: []}
    results = {}
    for index in range(max(repeat_ours, repeat_odoo)):
        for func, repeat in ((ours, repeat_ours), (odoo, repeat_odoo)):
            if index < repeat:
                if before:
                    before()
                gc.collect()
                start = time.perf_counter()
                results[func] = func()
                times[func].append(time.perf_counter() - start)
    return (
        statistics.median(times[ours]),
        results[ours],
        statistics.median(times[odoo]),
        results[odoo],
    )


def bench_line(name, ours, odoo):
    """The one line every benchmark ends with."""
    ratio = odoo / ours if ours else float("inf")
    return f"{name}: ours={ours:.4f} odoo={odoo:.4f} ratio={ratio:.1f}"
