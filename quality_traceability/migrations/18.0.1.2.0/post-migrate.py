# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The packing history of the boxes and pallets packed before it was kept:
    from the done move lines and the boxes on pallets today."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["traceability.package.event"]._traceability_backfill_history()
