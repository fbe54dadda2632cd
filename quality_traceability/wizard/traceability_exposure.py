# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class TraceabilityExposure(models.TransientModel):
    """From a failed check to what it puts at risk, in one step.

    The suspect lots: the checked lot (incoming inspection: the vendor lot), the
    lots its manufacturing order made, and, when the check names a work center,
    every lot made on that work center since the last passing check of the same
    control point there. Their forward trace (the genealogy engine) gives every lot
    made from them and how much of each is in stock, in open transfers and
    manufacturing orders, and at customers.
    """

    _name = "traceability.exposure"
    _description = "Exposure of a Failed Check"

    check_id = fields.Many2one(
        comodel_name="traceability.check", required=True, readonly=True
    )
    since = fields.Datetime(
        string="Made Since",
        readonly=True,
        help="The last passing check of this control point on this work center: "
        "lots made on it since then are suspect.",
    )
    suspect_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="traceability_exposure_suspect_lot_rel",
        string="Suspect Lots",
        readonly=True,
    )
    line_ids = fields.One2many(
        comodel_name="traceability.exposure.line",
        inverse_name="exposure_id",
        string="Lots",
        readonly=True,
    )
    lot_count = fields.Integer(string="Lots Reached", readonly=True)
    qty_on_hand = fields.Float(string="In Stock", readonly=True)
    qty_in_orders = fields.Float(string="In Open Orders", readonly=True)
    qty_delivered = fields.Float(string="At Customers", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)

    @api.model
    def _action_open(self, check):
        """The exposure of ``check``, computed now, in a dialog."""
        check.ensure_one()
        check.check_access("read")
        suspects, since = self._suspect_lots(check)
        if not suspects:
            raise UserError(
                self.env._("Check %(check)s names no lot.", check=check.display_name)
            )
        # The system path makes the exposure (users read it, never write it);
        # it is the user's own (create_uid) all the same.
        exposure = (
            self.sudo()
            .create(
                dict(
                    self._exposure_values(suspects),
                    check_id=check.id,
                    since=since,
                    suspect_lot_ids=[Command.set(suspects.ids)],
                )
            )
            .with_env(self.env)
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exposure of %(check)s", check=check.display_name),
            "res_model": self._name,
            "res_id": exposure.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    @api.model
    def _suspect_lots(self, check):
        """``(lots, since)``: the lots the failure puts in doubt, and the date of
        the last passing check they were made after (False when none)."""
        lots = check._traceability_lots()
        # Manufacturing orders read in superuser mode, in the allowed companies:
        # an inspector need not be a manufacturing user; what they give is lots,
        # which the inspector reads anyway.
        Production = self.env["mrp.production"].sudo()
        companies = self.env.companies
        production = Production.browse(check.production_id.id).filtered(
            lambda record: record.company_id in companies
        )
        lots |= production.move_finished_ids.move_line_ids.lot_id.sudo(False)
        workcenter = check.workcenter_id
        if check.stage == "incoming" or not workcenter:
            return self._allowed_lots(lots), False
        last_pass = self.env["traceability.check"].search(
            [
                ("control_point_id", "=", check.control_point_id.id),
                ("workcenter_id", "=", workcenter.id),
                ("state", "=", "done"),
                ("result", "=", "pass"),
                ("date", "<", check.date),
            ],
            order="date desc, id desc",
            limit=1,
        )
        domain = [
            ("state", "=", "done"),
            ("company_id", "in", self.env.companies.ids),
            ("workorder_ids.workcenter_id", "=", workcenter.id),
        ]
        if last_pass:
            domain.append(("date_finished", ">", last_pass.date))
        productions = Production.search(domain)
        lots |= productions.move_finished_ids.move_line_ids.lot_id.sudo(False)
        return self._allowed_lots(lots), last_pass.date or False

    @api.model
    def _allowed_lots(self, lots):
        """The lots of the allowed companies (or of none)."""
        companies = self.env.companies
        return lots.filtered(
            lambda lot: not lot.company_id or lot.company_id in companies
        )

    @api.model
    def _exposure_values(self, lots):
        """The lines and totals of the forward trace of ``lots``."""
        result = self.env["traceability.genealogy"].trace(
            lots,
            "forward",
            parts=("edges", "stock", "reserved", "wip", "delivery", "return"),
        )
        quantities = defaultdict(lambda: defaultdict(float))
        customers = defaultdict(set)
        for kind in ("stock", "reserved", "wip", "delivery", "return"):
            for fact in result.facts[kind]:
                # Stock: the quant's quantity; the others: their move line's.
                quantities[fact["lot_id"]][kind] += fact["quantity"] or 0.0
                if kind == "delivery" and fact["commercial_partner_id"]:
                    customers[fact["lot_id"]].add(fact["commercial_partner_id"])
        lines = []
        for lot_id, lot in sorted(
            result.lots.items(), key=lambda item: (item[1]["level"], item[1]["name"])
        ):
            qty = quantities[lot_id]
            lines.append(
                Command.create(
                    {
                        "lot_id": lot_id,
                        "level": lot["level"],
                        "qty_on_hand": qty["stock"],
                        "qty_in_orders": qty["reserved"] + qty["wip"],
                        "qty_delivered": max(qty["delivery"] - qty["return"], 0.0),
                        "customer_count": len(customers[lot_id]),
                    }
                )
            )
        totals = defaultdict(float)
        for lot_id in result.lots:
            qty = quantities[lot_id]
            totals["stock"] += qty["stock"]
            totals["orders"] += qty["reserved"] + qty["wip"]
            totals["delivered"] += max(qty["delivery"] - qty["return"], 0.0)
        return {
            "line_ids": lines,
            "lot_count": len(result.lots),
            "qty_on_hand": totals["stock"],
            "qty_in_orders": totals["orders"],
            "qty_delivered": totals["delivered"],
            "customer_count": len(result.customer_ids),
        }


class TraceabilityExposureLine(models.TransientModel):
    _name = "traceability.exposure.line"
    _description = "Exposure of a Failed Check: a Lot Reached"
    _order = "level, id"

    exposure_id = fields.Many2one(
        comodel_name="traceability.exposure", required=True, ondelete="cascade"
    )
    lot_id = fields.Many2one(comodel_name="stock.lot", readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    level = fields.Integer(readonly=True)
    qty_on_hand = fields.Float(string="In Stock", readonly=True)
    qty_in_orders = fields.Float(string="In Open Orders", readonly=True)
    qty_delivered = fields.Float(string="At Customers", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
