# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    recall_lot_ids = fields.One2many(
        comodel_name="recall.lot", inverse_name="lot_id", string="Recalls"
    )

    def _traceability_open_recalls(self):
        """Recalls and withdrawals in progress that affect these lots (drills
        excluded)."""
        return (
            self.env["recall.lot"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.ids),
                    ("recall_id.state", "in", ("scoped", "in_progress")),
                    ("recall_id.recall_type", "!=", "drill"),
                ]
            )
            .recall_id
        )

    def _traceability_public_values(self):
        values = super()._traceability_public_values()
        recall = self._traceability_open_recalls()[:1]
        if recall:
            values["recall"] = {
                "label": self.env._("Under recall"),
                "level": "danger",
                "message": recall.consumer_instructions or recall.reason,
            }
        return values
