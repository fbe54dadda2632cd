from . import report
from . import models
from . import controllers
from . import wizard


def post_init_hook(env):
    """A database that already packed and palletised stock gets its packing
    history."""
    env["traceability.package.event"]._traceability_backfill_history()
