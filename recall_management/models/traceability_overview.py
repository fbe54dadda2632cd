# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class TraceabilityOverview(models.AbstractModel):
    _inherit = "traceability.overview"

    @api.model
    def _traceability_overview_tiles(self):
        """The open recalls (and drills), as the Recalls list's Open filter."""
        return super()._traceability_overview_tiles() + [
            self._traceability_overview_tile(
                "recalls",
                30,
                self.env._("Open Recalls"),
                "fa-bullhorn",
                "recall.recall",
                [("state", "in", ("draft", "scoped", "in_progress"))],
            )
        ]
