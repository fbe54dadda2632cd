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

    def _traceability_public_recalls(self):
        """Recalls and withdrawals that the public page of these lots announces:
        open (scoped or in progress; not drills, closed or cancelled ones) and
        whose customers have been notified. Until the customers are told, the
        recall stays internal: a merely scoped lot shows nothing."""
        return (
            self.env["recall.lot"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.ids),
                    ("recall_id.state", "in", ("scoped", "in_progress")),
                    ("recall_id.recall_type", "!=", "drill"),
                    ("recall_id.customer_ids.date_notified", "!=", False),
                ]
            )
            .recall_id.sorted("id", reverse=True)
        )

    def _traceability_public_values(self):
        """Adds ``recall`` once a recall of the lot is announced (see
        :meth:`_traceability_public_recalls`), with the consumer instructions of
        the latest one: never its reason, hazard or root cause, which are
        internal."""
        values = super()._traceability_public_values()
        recall = self._traceability_public_recalls()[:1]
        if recall:
            values["recall"] = {
                "label": self.env._("Under recall"),
                "level": "danger",
                "message": recall.consumer_instructions
                or self.env._(
                    "Stop using this product and contact the seller for "
                    "instructions."
                ),
            }
        return values

    def _traceability_digital_link_links(self, anchor):
        """Adds ``gs1:recallStatus`` once a recall of the lot is announced (see
        :meth:`_traceability_public_recalls`): the public page, which shows the
        recall and its consumer instructions."""
        links = super()._traceability_digital_link_links(anchor)
        if self._traceability_public_recalls():
            links.append(
                {
                    "link_type": "gs1:recallStatus",
                    "href": f"{anchor}#recall",
                    "title": self.env._("Recall status"),
                    "type": "text/html",
                }
            )
        return links
