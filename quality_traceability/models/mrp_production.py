# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The stages of key control points that a manufacturing order covers.
PRODUCTION_STAGES = ("in_process", "first_article", "final")


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    traceability_nonconformance_id = fields.Many2one(
        comodel_name="traceability.nonconformance",
        string="Nonconformance",
        readonly=True,
        index="btree_not_null",
        help="The rework order of a nonconformance may consume its blocked lot.",
    )
    traceability_control_point_count = fields.Integer(
        string="Quality", compute="_compute_traceability_control_point_count"
    )

    def _prepare_stock_lot_values(self):
        """The finished lot of "Generate" takes the product's lot-name sequence."""
        values = super()._prepare_stock_lot_values()
        name = self.env["stock.lot"]._traceability_sequence_name(self.product_id)
        if name:
            values["name"] = name
        return values

    @api.depends("product_id", "workorder_ids.workcenter_id", "picking_type_id")
    def _compute_traceability_control_point_count(self):
        for production in self:
            production.traceability_control_point_count = len(
                production._traceability_control_points()
            )

    def _traceability_control_points(self):
        """The key control points of this order: its product, operation type
        and work centers."""
        self.ensure_one()
        Point = self.env["traceability.control.point"]
        if not self.product_id or not self.id:
            return Point
        points = Point._find_applicable(
            self.product_id, picking_type=self.picking_type_id, stages=PRODUCTION_STAGES
        )
        workcenters = self.workorder_ids.workcenter_id
        return points.filtered(
            lambda point: not point.workcenter_ids or point.workcenter_ids & workcenters
        )

    def action_view_traceability_control_points(self):
        self.ensure_one()
        return self.env["traceability.control.point"]._action_document_points(
            self, self._traceability_control_points()
        )

    def button_mark_done(self):
        Point = self.env["traceability.control.point"]
        for production in self:
            Point._check_document(production, production._traceability_control_points())
        return super().button_mark_done()
