# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError


class TraceabilityOverview(models.AbstractModel):
    """The landing screen of the Traceability app: a few counts of what needs
    attention, each opening the list it counts."""

    _name = "traceability.overview"
    _description = "Traceability Overview"

    @api.model
    def traceability_overview_data(self):
        """The tiles of the overview, in display order: dicts with ``key``,
        ``name``, ``icon`` (a Font Awesome class), ``count`` and ``action``
        (the window action of the records counted, filtered by the same
        domain). Counted as the caller: access rights and record rules apply,
        and a model the caller cannot read gives no tile.

        :raise AccessError: the caller is not a traceability user
        """
        if not self.env.user.has_group("quality_traceability.group_traceability_user"):
            raise AccessError(
                self.env._("Only traceability users can open the overview.")
            )
        tiles = [tile for tile in self._traceability_overview_tiles() if tile]
        tiles.sort(key=lambda tile: tile.pop("sequence"))
        return tiles

    @api.model
    def _traceability_overview_tiles(self):
        """Hook: the tiles, each from ``_traceability_overview_tile`` (None
        when the caller cannot read its model). Addons append theirs with
        ``super()``; the sequence orders them."""
        start, end = self._traceability_today()
        return [
            self._traceability_overview_tile(
                "lots_on_hold",
                10,
                self.env._("Lots on Hold"),
                "fa-lock",
                "stock.lot",
                [("quality_state", "!=", "released")],
                # Why, since when, by whom and where each lot is held.
                list_view="quality_traceability.stock_lot_quarantine_view_list",
            ),
            self._traceability_overview_tile(
                "nonconformances",
                20,
                self.env._("Open Nonconformances"),
                "fa-exclamation-triangle",
                "traceability.nonconformance",
                [("state", "!=", "closed")],
            ),
            self._traceability_overview_tile(
                "checks_today",
                40,
                self.env._("Checks Today"),
                "fa-check-square-o",
                "traceability.check",
                [("state", "=", "done"), ("date", ">=", start), ("date", "<", end)],
            ),
            self._traceability_overview_tile(
                "spc_alarms",
                50,
                self.env._("SPC Alarms"),
                "fa-line-chart",
                "traceability.control.point",
                [("id", "in", self._traceability_alarmed_point_ids())],
            ),
        ]

    @api.model
    def _traceability_alarmed_point_ids(self):
        """Ids of the control points with an open activity: the control chart
        rules schedule one for the quality manager
        (``traceability.control.point._traceability_spc_alarm``); the alarm is
        open until it is marked done."""
        # sudo: only the ids of the points are read here, and the tile counts
        # those the caller may read. Users see only the activities of the
        # documents they may write (mail.activity._search), and the alarms
        # are meant for every quality user to see.
        return [
            res_id
            for [res_id] in self.env["mail.activity"]
            .sudo()
            ._read_group([("res_model", "=", "traceability.control.point")], ["res_id"])
        ]

    @api.model
    def _traceability_overview_tile(
        self, key, sequence, name, icon, model, domain, list_view=None
    ):
        """One tile: the records of ``model`` that ``domain`` selects, counted
        as the caller; None when the caller cannot read ``model``."""
        records = self.env[model]
        if not records.has_access("read"):
            return None
        return {
            "key": key,
            "sequence": sequence,
            "name": name,
            "icon": icon,
            "count": records.search_count(domain),
            "action": {
                "type": "ir.actions.act_window",
                "name": name,
                "res_model": model,
                "views": [
                    [self.env.ref(list_view).id if list_view else False, "list"],
                    [False, "form"],
                ],
                "domain": domain,
                "context": {"create": False},
                "target": "current",
            },
        }

    @api.model
    def _traceability_today(self):
        """Start and end of the user's today, as UTC datetime strings."""
        try:
            tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            tz = pytz.UTC
        today = fields.Date.context_today(self)
        bounds = [
            tz.localize(datetime.combine(day, time.min))
            .astimezone(pytz.UTC)
            .replace(tzinfo=None)
            for day in (today, today + timedelta(days=1))
        ]
        return [fields.Datetime.to_string(bound) for bound in bounds]
