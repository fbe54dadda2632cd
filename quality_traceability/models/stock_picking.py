# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The stages of key control points that a transfer of each kind covers.
PICKING_STAGES = {
    "incoming": ("incoming",),
    "outgoing": ("packing", "shipping"),
}


class StockPicking(models.Model):
    _inherit = "stock.picking"

    traceability_control_point_count = fields.Integer(
        string="Quality", compute="_compute_traceability_control_point_count"
    )

    @api.depends("move_ids.product_id", "picking_type_id")
    def _compute_traceability_control_point_count(self):
        for picking in self:
            picking.traceability_control_point_count = len(
                picking._traceability_control_points()
            )

    def _traceability_control_points(self):
        """The key control points that apply to this transfer's products
        (without sudo: only their ids and count go further)."""
        self.ensure_one()
        stages = PICKING_STAGES.get(self.picking_type_code)
        # sudo: Inventory users outside the Traceability groups validate
        # transfers and open their form; which points apply is read for them.
        Point = self.env["traceability.control.point"].sudo()
        points = Point
        if stages and self.id:
            for product in self.move_ids.product_id:
                points |= Point._find_applicable(
                    product,
                    picking_type=self.picking_type_id,
                    stages=stages,
                    company=self.company_id,
                )
        return points.sudo(False)

    def action_view_traceability_control_points(self):
        self.ensure_one()
        return self.env["traceability.control.point"]._action_document_points(
            self, self._traceability_control_points()
        )

    def button_validate(self):
        Point = self.env["traceability.control.point"]
        for picking in self:
            Point._check_document(picking, picking._traceability_control_points())
        return super().button_validate()
