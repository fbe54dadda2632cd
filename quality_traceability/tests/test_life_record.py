# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import TraceabilityCommon
from .flows import Flows


class TestLifeRecord(TraceabilityCommon):
    """The life record of a lot, on a small chain made through Odoo's flows:
    vendor lot received, made into a shell lot, made into a serial, delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["traceability.lot.event"]
        start = fields.Datetime.now() - timedelta(days=10)
        cls.day = [start + timedelta(days=index) for index in range(10)]
        cls.purchase = cls.flows.receive(
            cls.vendor, cls.raw, [("RL-V1", 20)], date=cls.day[0]
        )
        cls.receipt = cls.purchase.picking_ids
        cls.vendor_lot = cls.lot(cls.raw, "RL-V1")
        cls.shell_mo = cls.flows.produce(
            cls.semi, 4, "RL-S1", {cls.raw: [(cls.vendor_lot, 8)]}, date=cls.day[1]
        )
        cls.shell_lot = cls.shell_mo.lot_producing_id
        cls.bottle_mo = cls.flows.produce(
            cls.finished, 1, "RL-SN1", {cls.semi: [(cls.shell_lot, 1)]}, date=cls.day[2]
        )
        cls.serial = cls.bottle_mo.lot_producing_id
        cls.sale = cls.flows.deliver(
            cls.customer_a, [(cls.finished, [(cls.serial, 1)])], date=cls.day[3]
        )
        cls.delivery = cls.sale.picking_ids
        cls.trace_user = new_test_user(
            cls.env,
            "life_trace_user",
            groups="quality_traceability.group_traceability_user",
        )

    def events(self, lot, event_type=None):
        domain = [("lot_id", "=", lot.id)]
        if event_type:
            domain.append(("event_type", "=", event_type))
        return self.Event.search(domain, order="date, id")

    def _return(self, picking, lot, quantity):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=picking.id,
                active_ids=picking.ids,
                active_model="stock.picking",
            )
            .create({})
        )
        wizard.product_return_moves.filtered(
            lambda line: line.product_id == lot.product_id
        ).quantity = quantity
        returned = wizard._create_return()
        self.flows.set_move_lots(returned.move_ids, [(lot, quantity)])
        self.flows.validate_picking(returned)
        return returned

    # ------------------------------------------------------------------
    # The chain
    # ------------------------------------------------------------------
    def test_receipt(self):
        event = self.events(self.vendor_lot, "receipt")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.reference, self.receipt.name)
        self.assertEqual(event.picking_id, self.receipt)
        self.assertEqual(event.partner_id, self.vendor)
        self.assertEqual(event.purchase_order_id, self.purchase)
        self.assertEqual(event.vendor_lot, "RL-V1")
        self.assertEqual(event.note, self.purchase.name)
        self.assertEqual(event.quantity, 20)
        self.assertEqual(event.uom_id, self.raw.uom_id)
        self.assertEqual(event.product_id, self.raw)
        self.assertEqual(event.company_id, self.env.company)
        self.assertEqual(event.location_id.usage, "supplier")
        self.assertEqual(event.location_dest_id, self.stock_location)
        self.assertEqual(event.date, self.day[0])
        self.assertEqual(
            (event.res_model, event.res_id), ("stock.picking", self.receipt.id)
        )
        self.assertEqual(event.user_id, self.receipt.move_line_ids.write_uid)

    def test_production_and_consumption(self):
        produced = self.events(self.shell_lot, "production")
        self.assertEqual(len(produced), 1)
        self.assertEqual(produced.production_id, self.shell_mo)
        self.assertEqual(produced.reference, self.shell_mo.name)
        self.assertEqual(produced.res_model, "mrp.production")
        self.assertEqual(produced.res_id, self.shell_mo.id)
        self.assertEqual(produced.user_id, self.shell_mo.user_id)
        self.assertEqual(produced.related_lot_names, "RL-V1")
        self.assertEqual(produced.quantity, 4)
        self.assertFalse(produced.workcenter_names)
        consumed = self.events(self.vendor_lot, "consumption")
        self.assertEqual(len(consumed), 1)
        self.assertEqual(consumed.production_id, self.shell_mo)
        self.assertEqual(consumed.related_lot_names, "RL-S1")
        self.assertEqual(consumed.quantity, 8)
        self.assertEqual(consumed.location_dest_id.usage, "production")
        # The shell lot is consumed by the bottle's order, which made the serial.
        self.assertEqual(
            self.events(self.shell_lot, "consumption").related_lot_names, "RL-SN1"
        )
        self.assertEqual(
            self.events(self.serial, "production").related_lot_names, "RL-S1"
        )

    def test_consumed_lots_listed(self):
        self.flows.receive(self.vendor, self.raw, [("RL-V2", 5)])
        second = self.lot(self.raw, "RL-V2")
        production = self.flows.produce(
            self.semi, 2, "RL-S2", {self.raw: [(self.vendor_lot, 2), (second, 2)]}
        )
        event = self.events(production.lot_producing_id, "production")
        self.assertEqual(event.related_lot_names, "RL-V1, RL-V2")

    def test_delivery(self):
        event = self.events(self.serial, "delivery")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.partner_id, self.customer_a)
        self.assertEqual(event.picking_id, self.delivery)
        self.assertEqual(event.sale_order_id, self.sale)
        self.assertEqual(event.note, self.sale.name)
        self.assertEqual(event.reference, self.delivery.name)
        self.assertEqual(event.location_dest_id.usage, "customer")

    def test_life_record_in_order(self):
        self.assertEqual(
            self.events(self.serial).mapped("event_type"), ["production", "delivery"]
        )
        self.assertEqual(
            self.events(self.vendor_lot).mapped("event_type"),
            ["receipt", "consumption"],
        )
        # The model's own order: latest first.
        self.assertEqual(
            self.Event.search([("lot_id", "=", self.vendor_lot.id)]).mapped(
                "event_type"
            ),
            ["consumption", "receipt"],
        )
        # The lot form's page lists them in chronological order.
        lot = self.serial.with_user(self.trace_user)
        spec = {
            "traceability_event_ids": {
                "fields": {"event_type": {}, "reference": {}, "date": {}},
                "order": "date, id",
            }
        }
        rows = lot.web_read(spec)[0]["traceability_event_ids"]
        self.assertEqual(
            [row["event_type"] for row in rows], ["production", "delivery"]
        )
        self.assertEqual(lot.traceability_event_ids, self.events(self.serial))

    # ------------------------------------------------------------------
    # Other events
    # ------------------------------------------------------------------
    def test_returns(self):
        customer_return = self._return(self.delivery, self.serial, 1)
        event = self.events(self.serial, "customer_return")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.picking_id, customer_return)
        self.assertEqual(event.partner_id, self.customer_a)
        self.assertEqual(event.location_id.usage, "customer")
        vendor_return = self._return(self.receipt, self.vendor_lot, 3)
        event = self.events(self.vendor_lot, "vendor_return")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.picking_id, vendor_return)
        self.assertEqual(event.partner_id, self.vendor)
        self.assertEqual(event.purchase_order_id, self.purchase)
        self.assertEqual(event.quantity, 3)

    def test_scrap(self):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.raw.id,
                "lot_id": self.vendor_lot.id,
                "scrap_qty": 2,
                "location_id": self.stock_location.id,
            }
        )
        scrap.action_validate()
        event = self.events(self.vendor_lot, "scrap")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.reference, scrap.name)
        self.assertEqual((event.res_model, event.res_id), ("stock.scrap", scrap.id))
        self.assertEqual(event.quantity, 2)

    def test_inventory_adjustment(self):
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": self.raw.id,
                    "location_id": self.stock_location.id,
                    "lot_id": self.vendor_lot.id,
                    "inventory_quantity": 15,
                }
            )
        )
        quant.action_apply_inventory()
        event = self.events(self.vendor_lot, "inventory")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.quantity, 3)
        self.assertEqual(event.res_model, "stock.move")
        self.assertEqual(event.location_id.usage, "inventory")
        self.assertEqual(event.location_dest_id, self.stock_location)

    def test_internal_transfer_and_packing(self):
        shelf = self.env["stock.location"].create(
            {"name": "Shelf RL", "location_id": self.stock_location.id}
        )
        package = self.env["stock.quant.package"].create({"name": "PACK-RL-1"})
        picking_type = self.env.ref("stock.picking_type_internal")

        def transfer(destination, result_package=False):
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": destination.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "RL move",
                                "product_id": self.raw.id,
                                "product_uom_qty": 2,
                                "product_uom": self.raw.uom_id.id,
                                "location_id": self.stock_location.id,
                                "location_dest_id": destination.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            self.flows.set_move_lots(picking.move_ids, [(self.vendor_lot, 2)])
            if result_package:
                picking.move_line_ids.result_package_id = result_package
            self.flows.validate_picking(picking)
            return picking

        moved = transfer(shelf)
        event = self.events(self.vendor_lot, "internal")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.picking_id, moved)
        self.assertEqual(event.location_dest_id, shelf)
        self.assertFalse(event.package_id)
        packed = transfer(self.stock_location, package)
        event = self.events(self.vendor_lot, "packing")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.picking_id, packed)
        self.assertEqual(event.package_id, package)
        self.assertEqual(event.note, "PACK-RL-1")

    def test_unbuild(self):
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.semi.id,
                "mo_id": self.shell_mo.id,
                "lot_id": self.shell_lot.id,
                "product_qty": 1,
            }
        )
        unbuild.action_unbuild()
        taken_apart = self.events(self.shell_lot, "unbuild")
        self.assertEqual(len(taken_apart), 1)
        self.assertEqual(taken_apart.reference, unbuild.name)
        self.assertEqual(
            (taken_apart.res_model, taken_apart.res_id), ("mrp.unbuild", unbuild.id)
        )
        self.assertEqual(taken_apart.related_lot_names, "RL-V1")
        recovered = self.events(self.vendor_lot, "unbuild")
        self.assertEqual(len(recovered), 1)
        self.assertEqual(recovered.quantity, 2)
        self.assertEqual(recovered.related_lot_names, "RL-S1")

    def test_workcenters(self):
        workcenters = self.env["mrp.workcenter"].create(
            [{"name": "RL Press"}, {"name": "RL Assembly"}]
        )
        product = self.env["product.product"].create(
            {
                "name": "RL Assembly Product",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": self.raw.id, "product_qty": 1})
                ],
                "operation_ids": [
                    Command.create({"name": f"Step {wc.name}", "workcenter_id": wc.id})
                    for wc in workcenters
                ],
            }
        )
        production = self.flows.produce(
            product, 1, "RL-WC1", {self.raw: [(self.vendor_lot, 1)]}
        )
        self.assertEqual(production.workorder_ids.workcenter_id, workcenters)
        event = self.events(production.lot_producing_id, "production")
        self.assertEqual(event.workcenter_names, "RL Assembly, RL Press")

    # ------------------------------------------------------------------
    # Document, access, companies
    # ------------------------------------------------------------------
    def test_open_document(self):
        for event, record in (
            (self.events(self.vendor_lot, "receipt"), self.receipt),
            (self.events(self.serial, "production"), self.bottle_mo),
            (self.events(self.serial, "delivery"), self.delivery),
        ):
            action = event.with_user(self.trace_user).action_open_document()
            self.assertEqual(action["type"], "ir.actions.act_window")
            self.assertEqual(action["res_model"], record._name)
            self.assertEqual(action["res_id"], record.id)

    def test_read_only_for_traceability_users(self):
        Event = self.Event.with_user(self.trace_user)
        self.assertTrue(Event.search([("lot_id", "=", self.serial.id)]))
        for operation in ("write", "create", "unlink"):
            self.assertFalse(Event.has_access(operation), operation)
        stock_user = new_test_user(
            self.env, "life_stock_user", groups="stock.group_stock_user"
        )
        employee = new_test_user(self.env, "life_employee", groups="base.group_user")
        for user in (stock_user, employee):
            with self.assertRaises(AccessError):
                self.Event.with_user(user).search([])
        # Stock users still open lots: the traceability pages are not theirs.
        form = Form(self.serial.with_user(stock_user))
        self.assertEqual(form.name, "RL-SN1")
        self.assertNotIn("traceability_event_ids", form._view["fields"])
        self.assertNotIn(
            "traceability_event_ids",
            self.env["stock.lot"].with_user(stock_user).fields_get(),
        )
        form = Form(self.serial.with_user(self.trace_user))
        self.assertIn("traceability_event_ids", form._view["fields"])

    def test_companies(self):
        company_b = self.env["res.company"].create({"name": "Life Record Co B"})
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        lot_b = self.env["stock.lot"].create(
            {"name": "RL-B1", "product_id": self.raw.id, "company_id": company_b.id}
        )
        quant = (
            self.env["stock.quant"]
            .with_company(company_b)
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": self.raw.id,
                    "location_id": warehouse_b.lot_stock_id.id,
                    "lot_id": lot_b.id,
                    "inventory_quantity": 7,
                }
            )
        )
        quant.action_apply_inventory()
        event = self.events(lot_b)
        self.assertEqual(event.company_id, company_b)
        user_a = self.trace_user
        both = new_test_user(
            self.env,
            "life_trace_both",
            groups="quality_traceability.group_traceability_user",
            company_ids=[Command.set((self.env.company | company_b).ids)],
        )
        domain = [("lot_id", "=", lot_b.id)]
        self.assertFalse(self.Event.with_user(user_a).search(domain))
        allowed = self.Event.with_user(both).with_context(
            allowed_company_ids=[self.env.company.id, company_b.id]
        )
        self.assertEqual(allowed.search(domain), event)
        only_a = self.Event.with_user(both).with_context(
            allowed_company_ids=[self.env.company.id]
        )
        self.assertFalse(only_a.search(domain))

    def test_view_parts(self):
        columns = self.Event._event_columns()
        self.assertIn("id", columns)
        self.assertTrue(
            {"lot_id", "event_type", "res_model", "res_id", "note"} <= set(columns)
        )
        self.assertNotIn("display_name", columns)
        self.assertTrue(self.Event._event_queries())


@tagged("post_install", "-at_install")
class TestLifeRecordForm(HttpCase):
    """The lot form's Traceability and Life Record pages, in the browser."""

    def test_lot_form_pages(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        flows = Flows(env)
        vendor = env["res.partner"].create({"name": "Form Vendor"})
        product = env["product.product"].create(
            {
                "name": "Form Resin",
                "is_storable": True,
                "tracking": "lot",
                "barcode": "4006381333931",
            }
        )
        flows.receive(vendor, product, [("FORM-LOT-1", 5)])
        lot = env["stock.lot"].search([("product_id", "=", product.id)])
        code = """
            const waitFor = async (selector, count = 1) => {
                for (let i = 0; i < 200; i++) {
                    const found = document.querySelectorAll(selector);
                    if (found.length >= count) {
                        return found;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                throw new Error(`not found: ${selector}`);
            };
            (async () => {
                (await waitFor("a.nav-link[name='traceability']"))[0].click();
                const link = (await waitFor(
                    ".o_field_widget[name='gs1_digital_link'] a"
                ))[0];
                if (!link.textContent.includes("/01/04006381333931/10/FORM-LOT-1")) {
                    throw new Error(`digital link: ${link.textContent}`);
                }
                const page = "a.nav-link[name='traceability_life_record']";
                (await waitFor(page))[0].click();
                const rows = await waitFor(
                    ".o_field_widget[name='traceability_event_ids'] .o_data_row"
                );
                const text = rows[0].textContent;
                if (!text.includes("Receipt") || !text.includes("Form Vendor")) {
                    throw new Error(`life record row: ${text}`);
                }
                rows[0].querySelector("button[name='action_open_document']").click();
                await waitFor(".o_form_view .o_field_widget[name='partner_id']");
                await waitFor(".o_breadcrumb .o_last_breadcrumb_item:not(:empty)");
                const title = document.querySelector(".o_last_breadcrumb_item");
                if (!title.textContent.includes("WH/IN/")) {
                    throw new Error(`opened: ${title.textContent}`);
                }
                console.log("test successful");
            })().catch((error) => console.error(error.message));
        """
        self.browser_js(f"/odoo/lots/{lot.id}", code, login="admin")
