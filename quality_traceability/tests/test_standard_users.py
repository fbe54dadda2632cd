# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestStandardUsers(QualityCommon):
    """Users of Odoo's own Inventory and Manufacturing groups, outside the
    Traceability groups, do their standard work with the addons installed:
    they validate transfers and mark manufacturing orders done over the path
    their client uses (RPC), and a required key control point that has not
    passed refuses them by its name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, "std_stock_user", groups="stock.group_stock_user"
        )
        cls.mrp_user = new_test_user(
            cls.env,
            "std_mrp_user",
            groups="mrp.group_mrp_user,stock.group_stock_user",
        )
        cls.receive([("STD-RAW", 20)])
        cls.raw_lot = cls.lot(cls.raw, "STD-RAW")
        cls.check(cls.raw_lot)  # the incoming inspection passes: released
        cls.customer_location = cls.env.ref("stock.stock_location_customers")

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``model.method`` as ``user`` the way the web client does."""
        env = self.env(user=user.id, context={})
        context = dict(
            env["res.users"].context_get(), allowed_company_ids=user.company_ids.ids
        )
        records = env(context=context)[model]
        get_public_method(records, method)
        return call_kw(records, method, list(args), dict(kwargs, context=context))

    def stock_quantity(self, lot):
        """The quantity of ``lot`` in stock, reserved or not."""
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", self.stock_location.id)]
        )
        return sum(quants.mapped("quantity"))

    def open_form(self, user, record):
        """Load the form view of ``record`` as ``user`` and read its fields."""
        views = self.rpc(user, record._name, "get_views", [[False, "form"]])
        fields = views["models"][record._name]["fields"]
        spec = {name: {} for name in fields}
        spec["traceability_control_point_count"] = {}
        [values] = self.rpc(user, record._name, "web_read", [record.id], spec)
        return values

    def _delivery(self, quantity=5):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.raw.id, "product_uom_qty": quantity}
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        self.flows.set_move_lots(picking.move_ids, [(self.raw_lot, quantity)])
        return picking

    def _production(self, lot_name):
        production = self.env["mrp.production"].create(
            {"product_id": self.semi.id, "product_qty": 1}
        )
        production.action_confirm()
        lot = self.env["stock.lot"].create(
            {"name": lot_name, "product_id": self.semi.id}
        )
        production.write({"lot_producing_id": lot.id, "qty_producing": 1})
        self.flows.set_move_lots(production.move_raw_ids, [(self.raw_lot, 2)])
        return production

    def _required_point(self, name, stage, product):
        return self.env["traceability.control.point"].create(
            {
                "name": name,
                "stage": stage,
                "frequency": "first_article"
                if stage == "first_article"
                else "every_lot",
                "product_ids": [Command.link(product.id)],
                "required": True,
                "on_missing": "block",
                "spec_ids": [
                    Command.create({"name": "Look", "value_type": "pass_fail"})
                ],
            }
        )

    def test_stock_user_validates_delivery_of_released_lot(self):
        self.assertEqual(self.raw_lot.quality_state, "released")
        self.assertFalse(
            self.env["traceability.control.point"]
            .with_user(self.stock_user)
            .has_access("read")
        )
        picking = self._delivery()
        values = self.open_form(self.stock_user, picking)
        self.assertEqual(values["traceability_control_point_count"], 0)
        [read] = self.rpc(
            self.stock_user,
            "stock.picking",
            "read",
            [picking.id],
            ["traceability_control_point_count"],
        )
        self.assertEqual(read["traceability_control_point_count"], 0)
        result = self.rpc(
            self.stock_user, "stock.picking", "button_validate", [picking.id]
        )
        self.assertIs(result, True)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id, self.raw_lot)
        self.assertEqual(self.stock_quantity(self.raw_lot), 15)

    def test_stock_user_refused_by_missing_required_check(self):
        point = self._required_point("Outgoing seal", "shipping", self.raw)
        picking = self._delivery()
        values = self.open_form(self.stock_user, picking)
        self.assertEqual(values["traceability_control_point_count"], 1)
        with self.assertRaisesRegex(UserError, "Outgoing seal"):
            self.rpc(self.stock_user, "stock.picking", "button_validate", [picking.id])
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self.stock_quantity(self.raw_lot), 20)
        self.env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": self.raw_lot.id,
                "value_ids": [
                    Command.create(
                        {"spec_id": point.spec_ids.id, "value_pass_fail": "pass"}
                    )
                ],
            }
        )
        result = self.rpc(
            self.stock_user, "stock.picking", "button_validate", [picking.id]
        )
        self.assertIs(result, True)
        self.assertEqual(picking.state, "done")

    def test_stock_user_warned_by_missing_check(self):
        point = self._required_point("Outgoing seal", "shipping", self.raw)
        point.on_missing = "warn"
        picking = self._delivery()
        result = self.rpc(
            self.stock_user, "stock.picking", "button_validate", [picking.id]
        )
        self.assertIs(result, True)
        self.assertEqual(picking.state, "done")
        self.assertIn("Outgoing seal", picking.message_ids[0].body)
        self.assertEqual(picking.message_ids[0].author_id, self.stock_user.partner_id)

    def test_mrp_user_marks_production_done(self):
        production = self._production("STD-S1")
        values = self.open_form(self.mrp_user, production)
        self.assertEqual(values["traceability_control_point_count"], 0)
        result = self.rpc(
            self.mrp_user, "mrp.production", "button_mark_done", [production.id]
        )
        self.assertIs(result, True)
        self.assertEqual(production.state, "done")
        self.assertEqual(self.stock_quantity(self.raw_lot), 18)
        self.assertEqual(self.stock_quantity(production.lot_producing_id), 1)

    def test_mrp_user_refused_by_missing_required_check(self):
        self._required_point("Shell first article", "first_article", self.semi)
        production = self._production("STD-S2")
        values = self.open_form(self.mrp_user, production)
        self.assertEqual(values["traceability_control_point_count"], 1)
        state = production.state
        with self.assertRaisesRegex(UserError, "Shell first article"):
            self.rpc(
                self.mrp_user, "mrp.production", "button_mark_done", [production.id]
            )
        self.assertEqual(production.state, state)
        self.assertNotEqual(state, "done")
        self.assertEqual(self.stock_quantity(self.raw_lot), 20)
        self.assertFalse(self.stock_quantity(production.lot_producing_id))
