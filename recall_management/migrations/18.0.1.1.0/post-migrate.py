# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The lots of recalls in progress are held by their recall."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["recall.recall"]._migrate_holds()
