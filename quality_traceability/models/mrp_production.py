# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("traceability_nonconformance_id") for vals in vals_list
        ):
            raise AccessError(
                self.env._(
                    "A rework order is made by executing its nonconformance, not "
                    "linked to one by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if "traceability_nonconformance_id" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "A rework order is made by executing its nonconformance, not "
                    "linked to one by hand."
                )
            )
        return super().write(vals)

    def _traceability_reworks(self, lot):
        """Whether this order is the rework order that the approved rework
        disposition of ``lot``'s nonconformance made: only that order may
        consume the held lot."""
        # sudo: the stock user validating the order need not read nonconformances.
        nonconformance = self.sudo().traceability_nonconformance_id
        return bool(
            self
            and nonconformance
            and nonconformance.rework_production_id == self
            and nonconformance.lot_id == lot
            and nonconformance.disposition == "rework"
            and nonconformance.state in ("approved", "executed")
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
        and work centers (without sudo: only their ids and count go further)."""
        self.ensure_one()
        # sudo: Manufacturing users outside the Traceability groups mark orders
        # done and open their form; which points apply is read for them.
        Point = self.env["traceability.control.point"].sudo()
        if not self.product_id or not self.id:
            return Point.sudo(False)
        points = Point._find_applicable(
            self.product_id,
            picking_type=self.picking_type_id,
            stages=PRODUCTION_STAGES,
            company=self.company_id,
        )
        workcenters = self.workorder_ids.workcenter_id
        return points.filtered(
            lambda point: not point.workcenter_ids or point.workcenter_ids & workcenters
        ).sudo(False)

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
