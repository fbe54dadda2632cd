# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """A hold for every lot that is in quarantine or blocked today."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["traceability.hold"]._migrate_lot_states()
