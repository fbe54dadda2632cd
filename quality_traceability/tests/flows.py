# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's own business flows (purchase receipts, manufacturing orders, sales
deliveries) driven with chosen lots: the fixtures of the tests, the scale genealogy
of the benchmarks (``tests/bench/genealogy.py``) and the screenshots' data.

Every record made here is an ordinary Odoo document, done through the same methods
a user's buttons call. Not a model: nothing of it is registered in a database.
"""

from odoo import Command


class Flows:
    """Business flows in one environment (its user, company and context)."""

    def __init__(self, env):
        self.env = env

    def with_context(self, *args, **kwargs):
        return Flows(self.env["res.partner"].with_context(*args, **kwargs).env)

    def with_company(self, company):
        return Flows(self.env["res.partner"].with_company(company).env)

    # ------------------------------------------------------------------
    # Elementary steps
    # ------------------------------------------------------------------
    def set_move_lots(self, move, lot_quantities, lot_field="lot_id"):
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

    def validate_picking(self, picking):
        result = picking.button_validate()
        if result is not True:
            raise AssertionError(
                f"Transfer {picking.display_name} asked for a wizard: "
                "check its quantities."
            )

    def backdate(self, records, date):
        """Give done documents the business date they stand for."""
        if not date:
            return
        moves = records.move_ids if records._name == "stock.picking" else records
        moves.write({"date": date})
        moves.move_line_ids.write({"date": date})
        if records._name == "stock.picking":
            records.write({"date_done": date})

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------
    def receive(self, vendor, product, lots, date=None):
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
        self.set_move_lots(picking.move_ids, lots, lot_field="lot_name")
        self.validate_picking(picking)
        self.backdate(picking, date)
        return order

    def produce(self, product, quantity, lot_name, consumption, date=None):
        """Manufacture ``quantity`` of ``product`` as lot (or serial) ``lot_name``.

        :param consumption: ``{component_product: [(lot, quantity), ...]}``; every
            component of the bill of materials must be given
        :return: the done ``mrp.production``
        """
        bom = self.env["mrp.bom"]._bom_find(product)[product]
        assert bom, f"No bill of materials for {product.display_name}"
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
            assert lots, f"No lot given for component {move.product_id.display_name}"
            self.set_move_lots(move, lots)
        result = production.button_mark_done()
        if result is not True:
            raise AssertionError(
                f"Manufacturing order {production.display_name} asked for a wizard: "
                "check its quantities."
            )
        self.backdate(production.move_raw_ids | production.move_finished_ids, date)
        if date:
            production.date_finished = date
        return production

    def deliver(self, customer, lines, date=None):
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
            self.set_move_lots(move, lots)
        self.validate_picking(picking)
        self.backdate(picking, date)
        return order
