# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools.spc import Limits
from .common import QualityCommon, rpc


@tagged("post_install", "-at_install")
class TestOverview(QualityCommon):
    """The landing screen's counts: each the number of records its list shows,
    as the caller reads them; refused outside the traceability groups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trace_user = new_test_user(
            cls.env,
            "overview_user",
            groups="quality_traceability.group_traceability_user",
            tz="Asia/Shanghai",
        )
        cls.stock_user = new_test_user(
            cls.env, "overview_stock", groups="stock.group_stock_user"
        )
        cls.portal = new_test_user(
            cls.env, "overview_portal", groups="base.group_portal"
        )
        cls.company_2 = cls.env["res.company"].create({"name": "Overview Company 2"})
        cls.foreign_lot = cls.env["stock.lot"].create(
            {
                "name": "OV-FOREIGN",
                "product_id": cls.raw.id,
                "company_id": cls.company_2.id,
            }
        )
        cls.env["traceability.hold"]._place(cls.foreign_lot, "manual", note="Other")

    def _data(self, user=None):
        tiles = rpc(
            self.env,
            user or self.trace_user,
            "traceability.overview",
            "traceability_overview_data",
        )
        return {tile["key"]: tile for tile in tiles}

    def _listed(self, tile, user=None):
        """The records the tile's action lists, as the user reads them."""
        action = tile["action"]
        self.assertEqual(action["type"], "ir.actions.act_window")
        return (
            self.env[action["res_model"]]
            .with_user(user or self.trace_user)
            .search(action["domain"])
        )

    def test_tiles(self):
        tiles = rpc(
            self.env,
            self.trace_user,
            "traceability.overview",
            "traceability_overview_data",
        )
        keys = [tile["key"] for tile in tiles]
        expected = ["lots_on_hold", "nonconformances", "checks_today", "spc_alarms"]
        if "recall.recall" in self.env:
            expected.insert(2, "recalls")
        self.assertEqual(keys, expected)
        for tile in tiles:
            self.assertEqual(tile["count"], len(self._listed(tile)), tile["key"])
            self.assertEqual(tile["action"]["name"], tile["name"])
            self.assertTrue(tile["icon"].startswith("fa-"))

    def test_counts_follow_the_records(self):
        before = {key: tile["count"] for key, tile in self._data().items()}
        # Received lots wait for their incoming inspection: a passed check
        # releases one of them. A nonconformance is opened on the other.
        self.receive([("OV-1", 10), ("OV-2", 10)])
        lot_1, lot_2 = self.lot(self.raw, "OV-1"), self.lot(self.raw, "OV-2")
        # A check of two days ago is not today's.
        self.check(lot_2, date=fields.Datetime.now() - timedelta(days=2))
        self.check(lot_2)
        self.env["traceability.nonconformance"].create(
            {
                "lot_id": lot_1.id,
                "company_id": lot_1.company_id.id or self.env.company.id,
            }
        )
        self.incoming_point._traceability_spc_alarm(
            self.width_spec, [1], Limits(mean=10.0, sigma=0.1)
        )
        data = self._data()
        after = {key: tile["count"] for key, tile in data.items()}
        self.assertEqual(after["lots_on_hold"], before["lots_on_hold"] + 1)
        self.assertEqual(after["nonconformances"], before["nonconformances"] + 1)
        self.assertEqual(after["checks_today"], before["checks_today"] + 1)
        self.assertEqual(after["spc_alarms"], before["spc_alarms"] + 1)
        self.assertIn(lot_1, self._listed(data["lots_on_hold"]))
        self.assertNotIn(lot_2, self._listed(data["lots_on_hold"]))
        self.assertIn(self.incoming_point, self._listed(data["spc_alarms"]))
        for key, tile in data.items():
            self.assertEqual(tile["count"], len(self._listed(tile)), key)
        # An alarm whose activity is done is no longer counted.
        self.incoming_point.activity_ids.action_done()
        self.assertEqual(self._data()["spc_alarms"]["count"], before["spc_alarms"])

    def test_checks_today_in_the_users_time_zone(self):
        self.receive([("OV-TZ", 10)])
        lot = self.lot(self.raw, "OV-TZ")
        start, end = (
            self.env["traceability.overview"]
            .with_user(self.trace_user)
            ._traceability_today()
        )
        # Shanghai is UTC+8: its day starts at 16:00 UTC the day before.
        self.assertTrue(start.endswith(" 16:00:00"), start)
        before = self._data()["checks_today"]["count"]
        self.check(lot, date=fields.Datetime.to_datetime(start))
        self.check(lot, date=fields.Datetime.to_datetime(start) - timedelta(seconds=1))
        self.assertEqual(self._data()["checks_today"]["count"], before + 1)

    def test_record_rules_apply(self):
        """A lot on hold of another company is not counted for a user of the
        first company only."""
        tile = self._data()["lots_on_hold"]
        self.assertNotIn(self.foreign_lot, self._listed(tile))
        self.assertEqual(
            tile["count"],
            self.env["stock.lot"]
            .with_user(self.trace_user)
            .search_count([("quality_state", "!=", "released")]),
        )
        self.assertEqual(self.foreign_lot.quality_state, "blocked")

    def test_outsiders_are_refused(self):
        for user in (self.stock_user, self.portal):
            with self.assertRaisesRegex(
                AccessError, "Only traceability users can open the overview"
            ):
                self._data(user)


@tagged("post_install", "-at_install")
class TestOverviewTour(HttpCase):
    def test_overview_tour(self):
        """Open the app on its overview, follow the Lots on Hold tile to its
        list, reload: still in the Traceability app, on the same list."""
        user = new_test_user(
            self.env,
            "overview_tour",
            groups="quality_traceability.group_traceability_user",
        )
        product = self.env["product.product"].create(
            {"name": "Overview Tour Resin", "is_storable": True, "tracking": "lot"}
        )
        lot = self.env["stock.lot"].create(
            {"name": "OV-TOUR-1", "product_id": product.id}
        )
        self.env["traceability.hold"]._place(lot, "manual", note="Tour")
        self.start_tour("/odoo", "quality_traceability_overview_tour", login=user.login)
