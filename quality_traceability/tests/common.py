# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo import Command
from odoo.api import call_kw
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, new_test_user

from .flows import Flows


class TraceabilityCommon(TransactionCase):
    """A small two-level factory of its own, independent of the demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.flows = Flows(cls.env)
        cls.stock_location = cls.env.ref("stock.stock_location_stock")
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Test Vendor", "is_company": True}
        )
        cls.customer_a, cls.customer_b = cls.env["res.partner"].create(
            [
                {"name": "Test Customer A", "is_company": True},
                {"name": "Test Customer B", "is_company": True},
            ]
        )
        product_vals = {"type": "consu", "is_storable": True, "tracking": "lot"}
        cls.raw = cls.env["product.product"].create(
            dict(product_vals, name="Test Resin", barcode="6901234560053")
        )
        cls.semi = cls.env["product.product"].create(
            dict(product_vals, name="Test Shell")
        )
        cls.finished = cls.env["product.product"].create(
            dict(product_vals, name="Test Bottle", tracking="serial")
        )
        cls.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": cls.semi.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": cls.raw.id, "product_qty": 2})
                    ],
                },
                {
                    "product_tmpl_id": cls.finished.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": cls.semi.id, "product_qty": 1})
                    ],
                },
            ]
        )

    @classmethod
    def lot(cls, product, name):
        return cls.env["stock.lot"].search(
            [("product_id", "=", product.id), ("name", "=", name)]
        )

    @classmethod
    def serial_with_published_coa(cls, vendor_lots, prefix, label):
        """A receipt of ``vendor_lots`` (name, quantity), a shell ``<prefix>-S1``
        made of 4 of the first, a serial ``<prefix>-SN1`` made of the shell, a
        passed final inspection of it and its certificate of analysis published
        by a traceability manager (``<label>_manager``) over RPC: the serial."""
        cls.flows.receive(cls.vendor, cls.raw, vendor_lots)
        vendor_lot = cls.lot(cls.raw, vendor_lots[0][0])
        shell = cls.flows.produce(
            cls.semi, 2, f"{prefix}-S1", {cls.raw: [(vendor_lot, 4)]}
        ).lot_producing_id
        serial = cls.flows.produce(
            cls.finished, 1, f"{prefix}-SN1", {cls.semi: [(shell, 1)]}
        ).lot_producing_id
        point = cls.env["traceability.control.point"].create(
            {
                "name": f"{label.capitalize()} final inspection",
                "stage": "final",
                "spec_ids": [
                    Command.create({"name": "Visual", "value_type": "pass_fail"})
                ],
            }
        )
        cls.env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": serial.id,
                "value_ids": [
                    Command.create(
                        {"spec_id": point.spec_ids.id, "value_pass_fail": "pass"}
                    )
                ],
            }
        )
        manager = new_test_user(
            cls.env,
            f"{label}_manager",
            groups="quality_traceability.group_traceability_manager",
        )
        rpc(
            cls.env,
            manager,
            "stock.lot",
            "action_traceability_publish_coa",
            [serial.ids],
        )
        return serial

    @contextmanager
    def refused(self, exception, pattern):
        """``assertRaisesRegex`` that rolls back what the refused call did, as a
        real request would (``assertRaises`` of Odoo's test cases)."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), pattern)

    def in_stock(self, lot):
        """Quantity of ``lot`` in internal locations, reserved or not."""
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id.usage", "=", "internal")]
        )
        return sum(quants.mapped("quantity"))

    def on_hand(self, lot):
        return self.env["stock.quant"]._get_available_quantity(
            lot.product_id, self.stock_location, lot_id=lot, strict=True
        )


class QualityCommon(TraceabilityCommon):
    """Key control points on the small factory: the raw material needs an
    incoming inspection (a numeric width and a visual pass/fail)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.raw.product_tmpl_id.traceability_inspection_required = True
        cls.incoming_point = cls.env["traceability.control.point"].create(
            {
                "name": "Resin incoming",
                "stage": "incoming",
                "product_ids": [Command.link(cls.raw.id)],
                "required": True,
                "spec_ids": [
                    Command.create(
                        {
                            "name": "Width",
                            "unit": "mm",
                            "value_type": "numeric",
                            "target": 10,
                            "has_min": True,
                            "min_value": 9,
                            "has_max": True,
                            "max_value": 11,
                        }
                    ),
                    Command.create({"name": "Visual", "value_type": "pass_fail"}),
                    Command.create(
                        {"name": "Remark", "value_type": "text", "required": False}
                    ),
                ],
            }
        )
        cls.width_spec, cls.visual_spec, cls.remark_spec = cls.incoming_point.spec_ids
        cls.quarantine_location = cls.env["stock.location"].create(
            {
                "name": "Quarantine",
                "usage": "internal",
                "location_id": cls.stock_location.location_id.id,
                "traceability_quarantine": True,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )

    @classmethod
    def check(cls, lot, width=10.0, visual="pass", point=None, **extra):
        """Record a check of ``lot`` at the incoming control point."""
        values = []
        if width is not None:
            values.append(
                Command.create(
                    {
                        "spec_id": cls.width_spec.id,
                        "value_float": width,
                        "value_is_set": True,
                    }
                )
            )
        if visual:
            values.append(
                Command.create(
                    {"spec_id": cls.visual_spec.id, "value_pass_fail": visual}
                )
            )
        vals = {
            "control_point_id": (point or cls.incoming_point).id,
            "lot_id": lot.id,
            "value_ids": values,
        }
        vals.update(extra)
        return cls.env["traceability.check"].create(vals)

    @classmethod
    def receive(cls, lots):
        order = cls.flows.receive(cls.vendor, cls.raw, lots)
        return order.picking_ids

    @classmethod
    def move(cls, lot, quantity, destination, picking_type=None, validate=True):
        """Move ``quantity`` of ``lot`` from stock to ``destination``."""
        picking_type = picking_type or cls.warehouse.int_type_id
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": quantity,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        cls.flows.set_move_lots(picking.move_ids, [(lot, quantity)])
        if validate:
            cls.flows.validate_picking(picking)
        return picking


def rpc(env, user, model, method, args=(), kwargs=None, context=None):
    """Call ``model.method`` as ``user`` would over JSON-RPC/XML-RPC: only a
    public method, through ``odoo.api.call_kw``, in that user's own environment
    with the context the client sends."""
    user_env = env(user=user.id, su=False, context={})
    records = user_env[model]
    get_public_method(records, method)
    kwargs = dict(kwargs or {})
    if context is not None:
        kwargs["context"] = context
    return call_kw(records, method, list(args), kwargs)
