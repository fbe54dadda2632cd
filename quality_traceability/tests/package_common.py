# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import new_test_user

from ..tools import gs1
from .common import TraceabilityCommon


class PackageCommon(TraceabilityCommon):
    """A shipped pallet: vendor lot PV-1 made into shell PS-1, made into serials
    PSN-1..4; PSN-1 and PSN-2 packed in box 1, PSN-3 in box 2, both boxes on the
    pallet, the two boxes shipped whole to customer A; PSN-4 (not on the pallet)
    delivered to customer B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        flows = cls.flows
        flows.receive(cls.vendor, cls.raw, [("PV-1", 10)])
        cls.pv1 = cls.lot(cls.raw, "PV-1")
        cls.ps1 = flows.produce(
            cls.semi, 4, "PS-1", {cls.raw: [(cls.pv1, 8)]}
        ).lot_producing_id
        cls.serials = [
            flows.produce(
                cls.finished, 1, f"PSN-{i}", {cls.semi: [(cls.ps1, 1)]}
            ).lot_producing_id
            for i in (1, 2, 3, 4)
        ]
        cls.pallet_lots = cls.serials[0] | cls.serials[1] | cls.serials[2]
        Package = cls.env["stock.quant.package"]
        cls.pallet = Package.create(
            {
                "name": "PT-PALLET-1",
                "traceability_level": "pallet",
                "traceability_sscc": gs1.sscc("0614141", 700001),
            }
        )
        cls.box_1, cls.box_2 = Package.create(
            [
                {
                    "name": f"PT-BOX-{index}",
                    "traceability_level": "box",
                    "traceability_sscc": gs1.sscc("0614141", 700001 + index),
                    "parent_package_id": cls.pallet.id,
                }
                for index in (1, 2)
            ]
        )
        cls.pack(cls.serials[0] | cls.serials[1], cls.box_1)
        cls.pack(cls.serials[2], cls.box_2)
        cls.order_a = cls.ship(cls.customer_a, cls.box_1 | cls.box_2)
        cls.order_b = flows.deliver(
            cls.customer_b, [(cls.finished, [(cls.serials[3], 1)])]
        )

    @classmethod
    def _warehouse(cls):
        return cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )

    @classmethod
    def pack(cls, lots, package):
        """An internal transfer putting ``lots`` (one unit each) in ``package``."""
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls._warehouse().int_type_id.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lots.product_id.name,
                            "product_id": lots.product_id.id,
                            "product_uom_qty": len(lots),
                            "product_uom": lots.product_id.uom_id.id,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.stock_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        cls.flows.set_move_lots(picking.move_ids, [(lot, 1) for lot in lots])
        picking.move_line_ids.write({"result_package_id": package.id})
        cls.flows.validate_picking(picking)
        return picking

    @classmethod
    def ship(cls, customer, boxes):
        """Sell and deliver whole ``boxes`` (of one product) to ``customer``."""
        quants = boxes.quant_ids
        product = quants.product_id
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": sum(quants.mapped("quantity")),
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        move = order.picking_ids.move_ids
        move.write(
            {
                "move_line_ids": [
                    Command.delete(line.id) for line in move.move_line_ids
                ]
                + [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_id": product.uom_id.id,
                            "location_id": quant.location_id.id,
                            "location_dest_id": move.location_dest_id.id,
                            "quantity": quant.quantity,
                            "lot_id": quant.lot_id.id,
                            "package_id": quant.package_id.id,
                            "result_package_id": quant.package_id.id,
                            "picking_id": move.picking_id.id,
                        }
                    )
                    for quant in quants
                ],
                "picked": True,
            }
        )
        cls.flows.validate_picking(order.picking_ids)
        return order

    @classmethod
    def foreign_package(cls, label):
        """A second company, a package of its own with an SSCC, and a
        traceability user of the first company only: ``(company, package, user)``."""
        company_b = cls.env["res.company"].create({"name": f"{label} Company B"})
        package = cls.env["stock.quant.package"].create(
            {
                "name": f"{label}-B-PALLET",
                "traceability_level": "pallet",
                "traceability_sscc": gs1.sscc("0614141", 790001),
            }
        )
        # A package belongs to the company of its content.
        lot_b = cls.env["stock.lot"].create(
            {
                "name": f"{label}-B-LOT",
                "product_id": cls.raw.id,
                "company_id": company_b.id,
            }
        )
        stock_b = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", company_b.id)], limit=1)
            .lot_stock_id
        )
        cls.env["stock.quant"].with_company(company_b)._update_available_quantity(
            cls.raw, stock_b, 5, lot_id=lot_b, package_id=package
        )
        assert package.company_id == company_b
        user_a = new_test_user(
            cls.env,
            f"{label.lower()}_user_a",
            groups="quality_traceability.group_traceability_user",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )
        return company_b, package, user_a
