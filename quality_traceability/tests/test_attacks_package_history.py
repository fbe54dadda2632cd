# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import rpc
from .test_package_history import PackageHistoryCommon


class PackageHistoryAttackCommon(PackageHistoryCommon):
    """A box received into a pack and put on a pallet in company A; users of
    every kind around it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "PH Company B"})
        cls.stock_user = new_test_user(
            cls.env, "ph_attack_stock", groups="stock.group_stock_user"
        )
        cls.internal = new_test_user(
            cls.env, "ph_attack_internal", groups="base.group_user"
        )
        cls.portal = new_test_user(
            cls.env, "ph_attack_portal", groups="base.group_portal"
        )
        cls.user_b = new_test_user(
            cls.env,
            "ph_attack_b",
            groups="quality_traceability.group_traceability_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.receipt, cls.box = cls._receive_in_pack([(cls.product, 3, "PH-ATT-LOT")])
        cls.pallet = cls.Package.create(
            {"name": "PH-ATT-PALLET", "traceability_level": "pallet"}
        )
        cls.box.parent_package_id = cls.pallet
        cls.events = cls.Event.search(
            [("package_id", "in", (cls.box | cls.pallet).ids)]
        )
        cls.fake = {
            "date": fields.Datetime.now(),
            "action": "pack",
            "package_id": cls.pallet.id,
            "product_id": cls.product.id,
            "lot_id": cls.receipt.move_line_ids.lot_id.id,
            "quantity": 1000,
            "product_uom_id": cls.product.uom_id.id,
            "source": "scan",
            "company_id": cls.company_a.id,
        }

    def _snapshot(self):
        self.env.invalidate_all()
        return self.events.read(["action", "quantity", "package_id", "date"]), (
            self.Event.search_count([])
        )


@tagged("post_install", "-at_install")
class TestPackageHistoryAttacks(PackageHistoryAttackCommon):
    def test_events_recorded(self):
        self.assertEqual(len(self.events), 2)
        self.assertEqual(set(self.events.mapped("company_id")), {self.company_a})

    def test_stock_user_cannot_forge_or_change(self):
        before = self._snapshot()
        Event = self.env["traceability.package.event"].with_user(self.stock_user)
        self.assertEqual(Event.search([("id", "in", self.events.ids)]), self.events)
        with self.assertRaises(AccessError):
            Event.create(self.fake)
        with self.assertRaises(AccessError):
            self.events.with_user(self.stock_user).write({"quantity": 1})
        with self.assertRaises(AccessError):
            self.events.with_user(self.stock_user).unlink()
        # Even a manager's write and unlink are refused by the model itself.
        manager = new_test_user(
            self.env,
            "ph_attack_manager",
            groups="quality_traceability.group_traceability_manager,"
            "stock.group_stock_manager",
        )
        with self.assertRaises(AccessError):
            self.events.with_user(manager).write({"quantity": 1})
        with self.assertRaises(AccessError):
            self.events.with_user(manager).unlink()
        with self.assertRaisesRegex(UserError, "kept as evidence"):
            self.events.sudo().unlink()
        self.assertEqual(self._snapshot(), before)

    def test_rpc_refuses_forgery(self):
        before = self._snapshot()
        for user in (self.stock_user, self.internal, self.portal, self.user_b):
            with self.assertRaises(AccessError):
                rpc(self.env, user, "traceability.package.event", "create", [self.fake])
            with self.assertRaises(AccessError):
                rpc(
                    self.env,
                    user,
                    "traceability.package.event",
                    "write",
                    [self.events.ids, {"quantity": 1}],
                )
            # The recording methods are private: not callable over RPC.
            for method, args in (
                ("_traceability_record", [[self.fake]]),
                ("_traceability_backfill_history", []),
            ):
                with self.assertRaises(AccessError):
                    rpc(self.env, user, "traceability.package.event", method, args)
        self.assertEqual(self._snapshot(), before)

    def test_other_company_sees_nothing(self):
        Event = self.env["traceability.package.event"].with_user(self.user_b)
        self.assertFalse(Event.search([("id", "in", self.events.ids)]))
        with self.assertRaises(AccessError):
            self.events.with_user(self.user_b).read(["quantity"])
        # Nor through a package of company A (history, shipped content).
        action = self.pallet.with_user(
            self.user_b
        ).action_view_traceability_package_events()
        self.assertFalse(Event.search(action["domain"]))
        content = self.pallet.with_user(self.user_b)._traceability_content_at(
            fields.Datetime.now()
        )
        self.assertFalse(content["boxes"] or content["lines"])
        self.assertFalse(self.pallet.with_user(self.user_b)._traceability_lots())

    def test_portal_and_internal_have_no_access(self):
        for user in (self.portal, self.internal):
            Event = self.env["traceability.package.event"].with_user(user)
            self.assertFalse(Event.has_access("read"))
            with self.assertRaises(AccessError):
                Event.search([])
            with self.assertRaises(AccessError):
                rpc(self.env, user, "traceability.package.event", "search_read", [[]])
        with self.assertRaises(AccessError):
            rpc(
                self.env,
                self.internal,
                "stock.quant.package",
                "action_view_traceability_package_events",
                [self.pallet.ids],
            )
        # The package's history fields are for inventory users only.
        with self.assertRaises(AccessError):
            self.pallet.with_user(self.internal).read(
                ["traceability_shipped_content_html"]
            )

    def test_stock_user_sees_the_history(self):
        pallet = self.pallet.with_user(self.stock_user)
        self.assertEqual(pallet.traceability_package_event_count, 1)
        self.assertIn("PH-ATT-LOT", str(pallet.traceability_shipped_content_html))
        action = pallet.action_view_traceability_package_events()
        self.assertEqual(
            self.env["traceability.package.event"]
            .with_user(self.stock_user)
            .search(action["domain"]),
            self.events.filtered(lambda e: e.package_id == self.pallet),
        )

    def test_malformed_date_refused(self):
        with self.assertRaises(ValueError):
            self.pallet._traceability_content_at("not a date")

    def test_unchanged_parent_records_nothing(self):
        count = self.Event.search_count([])
        self.box.parent_package_id = self.pallet
        self.box.write({"name": "PH-ATT-BOX-RENAMED"})
        self.assertEqual(self.Event.search_count([]), count)
        # Moved to another pallet: taken off the first, put on the second.
        pallet_2 = self.Package.create(
            {"name": "PH-ATT-P2", "traceability_level": "pallet"}
        )
        self.box.parent_package_id = pallet_2
        new = self.Event.search([], limit=2, order="id desc")
        self.assertEqual(
            sorted((e.action, e.package_id.name) for e in new),
            [("pack", "PH-ATT-P2"), ("unpack", "PH-ATT-PALLET")],
        )


@tagged("post_install", "-at_install")
class TestPackageHistoryJsonRpc(HttpCase, PackageHistoryAttackCommon):
    def _call(self, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/traceability.package.event/{method}",
            {
                "model": "traceability.package.event",
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        )

    def test_json_rpc_forgery_refused(self):
        before = self._snapshot()
        self.authenticate("ph_attack_stock", "ph_attack_stock")
        rows = self._call("search_read", [[]], {"fields": ["action", "quantity"]})
        self.assertEqual(
            {row["id"] for row in rows} & set(self.events.ids), set(self.events.ids)
        )
        fake = dict(self.fake, date=fields.Datetime.to_string(self.fake["date"]))
        for method, args in (
            ("create", [fake]),
            ("write", [self.events.ids, {"quantity": 1}]),
            ("unlink", [self.events.ids]),
            ("_traceability_record", [[fake]]),
        ):
            with self.assertRaises(JsonRpcException):
                self._call(method, args)
        self.authenticate("ph_attack_portal", "ph_attack_portal")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("search_read", [[]], {"fields": ["action"]})
        self.assertEqual(self._snapshot(), before)

    def test_anonymous_refused(self):
        with self.assertRaises(JsonRpcException):
            self._call("search_read", [[]], {"fields": ["action"]})
