from . import models
from . import wizard


def uninstall_hook(env):
    """Remove what templates made for themselves: report actions, their QWeb
    views and paper formats (they have no XML id, so the uninstall would keep
    them, bound to the Print menus)."""
    templates = env["label.template"].with_context(active_test=False).search([])
    reports = templates.report_id
    paperformats = templates.paperformat_id
    views = env["ir.ui.view"].search(
        [("key", "=like", "label_printing.report_label_%")]
    )
    reports.unlink()
    paperformats.unlink()
    views.unlink()
