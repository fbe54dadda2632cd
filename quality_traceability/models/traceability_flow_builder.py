# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.genealogy_plan import plan_genealogy

_logger = logging.getLogger(__name__)


class TraceabilityFlowBuilder(models.AbstractModel):
    """Drive Odoo's own business flows (purchase receipts, manufacturing orders,
    sales deliveries) with chosen lots.

    Used to build the demo factory, the scale genealogy of the benchmarks and the
    fixtures of the tests: every record it makes is an ordinary Odoo document, done
    through the same methods a user's buttons call.
    """

    _name = "traceability.flow.builder"
    _description = "Traceability Business Flow Builder"

    # ------------------------------------------------------------------
    # Elementary flows
    # ------------------------------------------------------------------
    @api.model
    def _set_move_lots(self, move, lot_quantities, lot_field="lot_id"):
        """Replace the reserved lines of ``move`` by one line per lot.

        ``lot_quantities`` is a list of ``(lot, quantity)``; ``lot`` is a
        ``stock.lot`` record, or a lot name when ``lot_field`` is ``lot_name``
        (receipts create their lots on validation).
        """
        commands = [Command.delete(line.id) for line in move.move_line_ids]
        for lot, quantity in lot_quantities:
            commands.append(
                Command.create(
                    {
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "quantity": quantity,
                        lot_field: lot if lot_field == "lot_name" else lot.id,
                        "picking_id": move.picking_id.id,
                    }
                )
            )
        move.write({"move_line_ids": commands, "picked": True})

    @api.model
    def _validate_picking(self, picking):
        result = picking.button_validate()
        if result is not True:
            raise UserError(
                self.env._(
                    "Transfer %(name)s could not be validated without a wizard: "
                    "check its quantities.",
                    name=picking.display_name,
                )
            )

    @api.model
    def _backdate(self, records, date):
        """Give done documents the business date they stand for."""
        if not date:
            return
        moves = records.move_ids if records._name == "stock.picking" else records
        moves.write({"date": date})
        moves.move_line_ids.write({"date": date})
        if records._name == "stock.picking":
            records.write({"date_done": date})

    @api.model
    def _receive(self, vendor, product, lots, date=None):
        """Buy ``product`` from ``vendor`` and receive it as the given lots.

        :param lots: list of ``(vendor_lot_name, quantity)``
        :return: the confirmed ``purchase.order``; its receipt is done
        """
        order = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "partner_ref": ", ".join(name for name, _qty in lots),
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": sum(qty for _name, qty in lots),
                            "price_unit": product.standard_price or 1.0,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        self._set_move_lots(picking.move_ids, lots, lot_field="lot_name")
        self._validate_picking(picking)
        self._backdate(picking, date)
        return order

    @api.model
    def _produce(self, product, quantity, lot_name, consumption, date=None):
        """Manufacture ``quantity`` of ``product`` as lot (or serial) ``lot_name``.

        :param consumption: ``{component_product: [(lot, quantity), ...]}``; every
            component of the bill of materials must be given
        :return: the done ``mrp.production``
        """
        bom = self.env["mrp.bom"]._bom_find(product)[product]
        if not bom:
            raise UserError(
                self.env._(
                    "No bill of materials for %(product)s.",
                    product=product.display_name,
                )
            )
        production = self.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": quantity,
                "product_uom_id": product.uom_id.id,
                "bom_id": bom.id,
            }
        )
        production.action_confirm()
        lot = self.env["stock.lot"].create(
            {
                "name": lot_name,
                "product_id": product.id,
                "company_id": production.company_id.id,
            }
        )
        production.write({"lot_producing_id": lot.id, "qty_producing": quantity})
        for move in production.move_raw_ids:
            lots = consumption.get(move.product_id)
            if not lots:
                raise UserError(
                    self.env._(
                        "No lot given for component %(product)s.",
                        product=move.product_id.display_name,
                    )
                )
            self._set_move_lots(move, lots)
        result = production.button_mark_done()
        if result is not True:
            raise UserError(
                self.env._(
                    "Manufacturing order %(name)s could not be marked done without a "
                    "wizard: check its quantities.",
                    name=production.display_name,
                )
            )
        self._backdate(production.move_raw_ids | production.move_finished_ids, date)
        if date:
            production.date_finished = date
        return production

    @api.model
    def _deliver(self, customer, lines, date=None):
        """Sell and deliver chosen lots to ``customer``.

        :param lines: list of ``(product, [(lot, quantity), ...])``
        :return: the confirmed ``sale.order``; its delivery is done
        """
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": sum(qty for _lot, qty in lots),
                        }
                    )
                    for product, lots in lines
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        for product, lots in lines:
            move = picking.move_ids.filtered(lambda m, p=product: m.product_id == p)
            self._set_move_lots(move, lots)
        self._validate_picking(picking)
        self._backdate(picking, date)
        return order

    # ------------------------------------------------------------------
    # The demo factory
    # ------------------------------------------------------------------
    @api.model
    def _build_demo_factory(self):
        """A small kettle factory: two vendors, a two-level bill of materials,
        finished goods by lot and by serial, deliveries to three customers."""

        def ref(xmlid):
            return self.env.ref(f"quality_traceability.{xmlid}")

        builder = self.with_context(tracking_disable=True, mail_notrack=True)
        steel = ref("product_steel_sheet")
        heating = ref("product_heating_element")
        body = ref("product_body_assembly")
        cup = ref("product_thermos_cup")
        kettle = ref("product_electric_kettle")
        start = fields.Datetime.now() - timedelta(days=30)

        def day(n):
            return start + timedelta(days=n)

        def lot(product, name):
            return self.env["stock.lot"].search(
                [("product_id", "=", product.id), ("name", "=", name)], limit=1
            )

        builder._receive(
            ref("partner_vendor_steel"),
            steel,
            [("NBS-240301", 30), ("NBS-240302", 20)],
            date=day(0),
        )
        builder._receive(
            ref("partner_vendor_heating"), heating, [("SZH-2403-A", 10)], date=day(1)
        )
        ss1, ss2 = lot(steel, "NBS-240301"), lot(steel, "NBS-240302")
        he = lot(heating, "SZH-2403-A")
        # Body assemblies: the second lot mixes both steel lots.
        builder._produce(body, 20, "BA-0001", {steel: [(ss1, 20)]}, date=day(3))
        builder._produce(
            body, 20, "BA-0002", {steel: [(ss1, 10), (ss2, 10)]}, date=day(4)
        )
        ba1, ba2 = lot(body, "BA-0001"), lot(body, "BA-0002")
        # Cups: the second lot mixes both body lots.
        builder._produce(cup, 10, "CUP-0001", {body: [(ba1, 10)]}, date=day(6))
        builder._produce(cup, 10, "CUP-0002", {body: [(ba1, 5), (ba2, 5)]}, date=day(7))
        cup1, cup2 = lot(cup, "CUP-0001"), lot(cup, "CUP-0002")
        for index in range(1, 4):
            builder._produce(
                kettle,
                1,
                f"KT17-{index:05d}",
                {body: [(ba2, 1)], heating: [(he, 1)]},
                date=day(7 + index),
            )
        kt = [lot(kettle, f"KT17-{index:05d}") for index in range(1, 4)]
        # CUP-0001 is split across two customers; CUP-0002 and KT17-00003 stay in stock.
        builder._deliver(
            ref("partner_customer_hangzhou"), [(cup, [(cup1, 6)])], date=day(12)
        )
        builder._deliver(
            ref("partner_customer_shanghai"),
            [(cup, [(cup1, 4)]), (kettle, [(kt[0], 1)])],
            date=day(13),
        )
        builder._deliver(
            ref("partner_customer_beijing"),
            [(cup, [(cup2, 3)]), (kettle, [(kt[1], 1)])],
            date=day(14),
        )
        return True

    # ------------------------------------------------------------------
    # Scale genealogy for benchmarks
    # ------------------------------------------------------------------
    @api.model
    def _prepare_scale_products(self, prefix):
        uom = self.env.ref("uom.product_uom_unit")
        products = self.env["product.product"].create(
            [
                {
                    "name": f"{prefix} {label}",
                    "default_code": f"{prefix}-{code}",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "lot",
                    "uom_id": uom.id,
                    "uom_po_id": uom.id,
                    "standard_price": 1.0,
                    "list_price": 2.0,
                    "sale_ok": code == "FIN",
                    "purchase_ok": code == "RAW",
                }
                for label, code in (
                    ("Raw Material", "RAW"),
                    ("Intermediate", "INT"),
                    ("Finished Good", "FIN"),
                )
            ]
        )
        raw, intermediate, finished = products
        self.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": parent.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": child.id, "product_qty": 1})
                    ],
                }
                for parent, child in ((intermediate, raw), (finished, intermediate))
            ]
        )
        return raw, intermediate, finished

    @api.model
    def _generate_genealogy(
        self,
        intermediates=40,
        finished=1000,
        deliveries=1500,
        customers=200,
        control_finished=10,
        prefix="GEN",
        progress=None,
    ):
        """Build, through Odoo's flows, one raw lot feeding ``intermediates`` lots
        feeding ``finished`` lots shipped in ``deliveries`` deliveries (one unit
        each, round robin over lots and customers; every finished lot keeps one
        unit in stock), plus a control chain from another raw lot of the same
        product that shares customers but must never appear in the raw lot's trace.

        :param progress: optional callable ``progress(records_done)`` called after
            each document, e.g. to commit and report throughput
        :return: dict of the records made, for the tests and the benchmarks
        """
        try:
            plan = plan_genealogy(intermediates, finished, deliveries, customers)
            control_plan = control_finished and plan_genealogy(
                min(2, control_finished), control_finished, control_finished, customers
            )
        except ValueError as error:
            raise UserError(
                self.env._(
                    "A genealogy needs 0 < intermediates <= finished lots <= "
                    "deliveries and at least one customer."
                )
            ) from error
        builder = self.with_context(tracking_disable=True, mail_notrack=True)
        started = time.monotonic()
        done = 0

        def tick(count=1):
            nonlocal done
            done += count
            if progress:
                progress(done)

        raw, intermediate, finished_product = builder._prepare_scale_products(prefix)
        vendor = self.env["res.partner"].create(
            {"name": f"{prefix} Vendor", "is_company": True}
        )
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} Customer {index:04d}", "is_company": True}
                for index in range(customers)
            ]
        )
        tick(customers + 1)

        raw_name, control_raw_name = f"{prefix}-RAW-0001", f"{prefix}-RAW-CTRL"
        builder._receive(vendor, raw, [(raw_name, plan.raw_qty)])
        if control_plan:
            builder._receive(vendor, raw, [(control_raw_name, control_plan.raw_qty)])
        tick(2)
        Lot = self.env["stock.lot"]
        raw_lot = Lot.search([("product_id", "=", raw.id), ("name", "=", raw_name)])
        control_raw_lot = Lot.search(
            [("product_id", "=", raw.id), ("name", "=", control_raw_name)]
        )

        def build_chain(source_lot, tag, chain_plan):
            inter_lots = Lot
            for index, qty in enumerate(chain_plan.intermediate_qty):
                production = builder._produce(
                    intermediate,
                    qty,
                    f"{prefix}-{tag}INT-{index:05d}",
                    {raw: [(source_lot, qty)]},
                )
                inter_lots |= production.lot_producing_id
                tick()
            fin_lots = Lot
            for index, qty in enumerate(chain_plan.finished_qty):
                source = inter_lots[chain_plan.finished_source[index]]
                production = builder._produce(
                    finished_product,
                    qty,
                    f"{prefix}-{tag}FIN-{index:05d}",
                    {intermediate: [(source, qty)]},
                )
                fin_lots |= production.lot_producing_id
                tick()
            orders = self.env["sale.order"]
            for lot_index, customer_index in zip(
                chain_plan.delivery_lot, chain_plan.delivery_customer, strict=True
            ):
                orders |= builder._deliver(
                    partners[customer_index],
                    [(finished_product, [(fin_lots[lot_index], 1)])],
                )
                tick()
            return inter_lots, fin_lots, orders

        inter_lots, fin_lots, orders = build_chain(raw_lot, "", plan)
        control_inter = control_fin = Lot
        control_orders = self.env["sale.order"]
        if control_plan:
            control_inter, control_fin, control_orders = build_chain(
                control_raw_lot, "C", control_plan
            )
        elapsed = time.monotonic() - started
        _logger.info(
            "Genealogy %s: %d documents in %.1f s (%.1f per second)",
            prefix,
            done,
            elapsed,
            done / elapsed if elapsed else 0.0,
        )
        return {
            "products": (raw, intermediate, finished_product),
            "raw_lot": raw_lot,
            "intermediate_lots": inter_lots,
            "finished_lots": fin_lots,
            "sale_orders": orders,
            "customers": partners,
            "control_raw_lot": control_raw_lot,
            "control_lots": control_inter | control_fin,
            "control_sale_orders": control_orders,
            "documents": done,
            "seconds": elapsed,
        }
