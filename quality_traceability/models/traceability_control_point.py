# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import iso2859

STAGES = [
    ("incoming", "Incoming Inspection"),
    ("in_process", "In-Process Step"),
    ("first_article", "First Article"),
    ("final", "Final Inspection"),
    ("packing", "Packing"),
    ("shipping", "Shipping"),
]


class TraceabilityControlPoint(models.Model):
    """A key control point (KCP): where and how often a lot is checked, and
    the measurements a check records."""

    _name = "traceability.control.point"
    _description = "Key Control Point"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    stage = fields.Selection(
        selection=STAGES, required=True, default="incoming", tracking=True
    )
    picking_type_ids = fields.Many2many(
        comodel_name="stock.picking.type",
        string="Operation Types",
        help="Empty: every operation type.",
    )
    workcenter_ids = fields.Many2many(
        comodel_name="mrp.workcenter",
        string="Work Centers",
        help="Empty: every work center.",
    )
    product_ids = fields.Many2many(
        comodel_name="product.product",
        string="Products",
        help="Empty: every product (of the categories, if any).",
    )
    product_categ_ids = fields.Many2many(
        comodel_name="product.category",
        string="Product Categories",
        help="Empty: every category.",
    )
    required = fields.Boolean(
        tracking=True,
        help="A passing check is needed before the receipt is validated or the "
        "manufacturing order is marked done.",
    )
    on_missing = fields.Selection(
        selection=[("block", "Block"), ("warn", "Warn")],
        string="Without a Passing Check",
        default="block",
        required=True,
    )
    frequency = fields.Selection(
        selection=[
            ("every_lot", "Every Lot"),
            ("first_article", "First Article per Manufacturing Order"),
            ("every_nth", "Every Nth Lot"),
        ],
        default="every_lot",
        required=True,
    )
    frequency_n = fields.Integer(string="Every N", default=1)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        help="Gets the activity of a failed check's nonconformance and of a "
        "measurement that breaks a control chart rule. Empty: the buyer of the "
        "receipt or the manufacturing order's responsible, else a traceability "
        "manager of the company.",
    )
    require_operator = fields.Boolean(string="Operator Required", default=True)
    require_workcenter = fields.Boolean(string="Equipment Required")
    require_notes = fields.Boolean(string="Notes Required")
    spec_ids = fields.One2many(
        comodel_name="traceability.control.spec",
        inverse_name="control_point_id",
        string="Measurements",
        copy=True,
    )
    sampling = fields.Selection(
        selection=[
            ("full", "Full Inspection"),
            ("iso2859", "ISO 2859-1 Single Sampling"),
        ],
        default="full",
        required=True,
        tracking=True,
        help="ISO 2859-1 (ANSI/ASQ Z1.4): inspect a sample of the lot, sized by "
        "the lot quantity, the inspection level, the AQL and the vendor's "
        "current severity (normal, tightened or reduced); the check passes "
        "when the nonconforming items found do not reach the rejection number.",
    )
    aql = fields.Selection(
        selection=[(aql, aql) for aql in iso2859.AQLS],
        string="AQL",
        default="1.0",
        tracking=True,
        help="Acceptance quality limit: percent nonconforming (up to 10) or "
        "nonconformities per 100 items.",
    )
    inspection_level = fields.Selection(
        selection=[(level, level) for level in iso2859.LEVELS],
        default="II",
        required=True,
        tracking=True,
    )
    check_ids = fields.One2many(
        comodel_name="traceability.check",
        inverse_name="control_point_id",
        string="Checks",
    )
    check_count = fields.Integer(compute="_compute_check_count")
    document_status = fields.Selection(
        selection=[
            ("passed", "Passed"),
            ("failed", "Failed"),
            ("todo", "To Check"),
            ("na", "No Lot to Check"),
        ],
        string="Status",
        compute="_compute_document_status",
        help="On a receipt or a manufacturing order: whether its lots passed "
        "this control point.",
    )

    _sql_constraints = [
        (
            "frequency_n_positive",
            "CHECK(frequency_n > 0)",
            "Every N must be a positive number.",
        ),
    ]

    @api.constrains("sampling", "aql")
    def _check_sampling_aql(self):
        for point in self:
            if point.sampling == "iso2859" and not point.aql:
                raise ValidationError(
                    _("%(point)s: sampling needs an AQL.", point=point.name)
                )

    def _sampling_instruction(self, lot, picking=None, production=None, company=None):
        """What to inspect of ``lot`` at this point: ``{code_letter,
        sample_size, ac, re, severity, lot_quantity}`` (ISO 2859-1 single
        sampling, the severity of the lot's vendor and product now), or an
        empty dict for full inspection or without a lot. For the scanner and
        the device API; a new check stores the same values."""
        self.ensure_one()
        if self.sampling != "iso2859" or not lot:
            return {}
        Check = self.env["traceability.check"]
        # Only documents that moved this lot size it and name its vendor.
        if (
            picking
            and lot
            not in picking.sudo()
            .move_line_ids.filtered(lambda line: line.state == "done")
            .lot_id
        ):
            picking = None
        if (
            production
            and lot not in production.sudo().move_finished_ids.move_line_ids.lot_id
        ):
            production = None
        if not picking and not production and self.stage == "incoming":
            picking = Check._traceability_last_receipt(lot)
        quantity = Check._sampling_lot_quantity(lot, picking, production)
        vendor = picking.partner_id.commercial_partner_id if picking else None
        # The switching history of this company only.
        company = company or lot.company_id or self.company_id or self.env.company
        outcomes = Check._sampling_outcomes(vendor, lot.product_id, company)[1]
        severity = iso2859.switching(outcomes).severity
        lot_size = max(int(-(-quantity // 1)), 1)
        plan = iso2859.plan(max(lot_size, 2), self.aql, self.inspection_level, severity)
        # Skip-lot (ISO 2859-3): qualified vendors under normal or reduced
        # inspection have only one lot in SKIP_FREQUENCY inspected.
        skip = (
            vendor is not None
            and severity in ("normal", "reduced")
            and not iso2859.skip_lot(outcomes).inspect_next
        )
        return {
            "code_letter": plan.code_letter,
            "sample_size": 0 if skip else min(plan.sample_size, lot_size),
            "ac": 0 if skip else plan.ac,
            "re": 1 if skip else plan.re,
            "severity": severity,
            "lot_quantity": quantity,
            "skip": skip,
        }

    @api.depends("check_ids")
    def _compute_check_count(self):
        counts = dict(
            self.env["traceability.check"]._read_group(
                [("control_point_id", "in", self.ids)],
                ["control_point_id"],
                ["__count"],
            )
        )
        for point in self:
            point.check_count = counts.get(point, 0)

    @api.depends("check_ids.result", "check_ids.state", "frequency", "frequency_n")
    @api.depends_context("traceability_res_model", "traceability_res_id")
    def _compute_document_status(self):
        model = self.env.context.get("traceability_res_model")
        res_id = self.env.context.get("traceability_res_id")
        if model not in ("stock.picking", "mrp.production") or not res_id:
            self.document_status = False
            return
        document = self.env[model].browse(res_id)
        for point in self:
            point.document_status = point._document_status(document)

    def _document_lots(self, document):
        """The lots of a receipt (its move lines with a lot) or of a
        manufacturing order (its finished lot) that this point covers."""
        self.ensure_one()
        if document._name == "mrp.production":
            lots = document.lot_producing_id
        else:
            lots = document.move_line_ids.lot_id
        return lots.filtered(lambda lot: self._applies_to(lot.product_id))

    def _document_status(self, document):
        """``passed``, ``failed``, ``todo`` or ``na`` (no lot to check) of this
        point on a receipt or a manufacturing order, by its frequency."""
        self.ensure_one()
        lots = self._document_lots(document)
        domain = [("control_point_id", "=", self.id), ("state", "=", "done")]
        if document._name == "mrp.production" and self.frequency == "first_article":
            domain.append(("production_id", "=", document.id))
        elif not lots:
            return "na"
        else:
            domain.append(("lot_id", "in", lots.ids))
        checks = self.env["traceability.check"].search(
            domain, order="date desc, id desc"
        )
        latest = {}
        for check in checks:
            latest.setdefault(check.lot_id, check)
        if any(check.result == "fail" for check in latest.values()):
            return "failed"
        passed = [lot for lot, check in latest.items() if check.result == "pass"]
        if self.frequency == "first_article":
            needed = 1
        elif self.frequency == "every_nth":
            needed = -(-len(lots) // self.frequency_n)
        else:
            needed = len(lots)
        if self.frequency == "every_lot" and set(lots) - set(passed):
            return "todo"
        return "passed" if len(passed) >= needed else "todo"

    @api.model
    def _check_document(self, document, points):
        """Refuse to validate a document while a required point that blocks
        has not passed; note in its chatter the ones that only warn."""
        blocking, warning = [], []
        # sudo: whoever validates the document (an Inventory or Manufacturing
        # user, maybe outside the Traceability groups) needs the points and
        # their checks read to know whether it may be done, and by which name
        # a missing check is refused.
        for point in points.sudo().filtered("required"):
            status = point._document_status(document)
            if status in ("passed", "na"):
                continue
            labels = dict(
                point._fields["document_status"]._description_selection(self.env)
            )
            label = f"{point.name} ({labels[status]})"
            (blocking if point.on_missing == "block" else warning).append(label)
        if blocking:
            raise UserError(
                _(
                    "%(document)s cannot be done before these key control points "
                    "pass: %(points)s.",
                    document=document.display_name,
                    points=", ".join(blocking),
                )
            )
        if warning:
            document.message_post(
                body=_(
                    "Done without a passing check at: %(points)s.",
                    points=", ".join(warning),
                )
            )

    def _applies_to(self, product, picking_type=None, workcenter=None):
        """Whether this control point covers a product (and an operation type or
        a work center, when given)."""
        self.ensure_one()
        if self.product_ids and product not in self.product_ids:
            return False
        if self.product_categ_ids and not any(
            product.categ_id.parent_path.startswith(categ.parent_path)
            for categ in self.product_categ_ids
        ):
            return False
        if picking_type and self.picking_type_ids:
            if picking_type not in self.picking_type_ids:
                return False
        if workcenter and self.workcenter_ids:
            if workcenter not in self.workcenter_ids:
                return False
        return True

    @api.model
    def _find_applicable(
        self, product, picking_type=None, workcenter=None, stages=None, company=None
    ):
        """The active control points of a company (default: the enabled ones)
        that apply to a product."""
        companies = company or self.env.companies
        domain = [("company_id", "in", companies.ids + [False])]
        if stages:
            domain.append(("stage", "in", list(stages)))
        points = self.search(domain)
        return points.filtered(
            lambda point: point._applies_to(product, picking_type, workcenter)
        )

    def _traceability_spc_alarm(self, spec, rules, limits):
        """An activity for the quality manager: a control chart rule broke."""
        self.ensure_one()
        manager = (
            self.user_id
            or self.env.ref(
                "quality_traceability.group_traceability_manager"
            ).users.filtered(
                lambda user: not user._is_superuser()
                and self.company_id in user.company_ids
            )[:1]
        )
        summary = _(
            "SPC alarm on %(parameter)s (rules %(rules)s)",
            parameter=spec.name,
            rules=", ".join(map(str, rules)),
        )
        note = Markup("<p>%s</p><p><a href='%s'>%s</a></p>") % (
            _(
                "Mean %(mean).4g, control limits %(lcl).4g - %(ucl).4g.",
                mean=limits.mean,
                lcl=limits.lcl,
                ucl=limits.ucl,
            ),
            f"/odoo/{int(spec.id)}/action-"
            "quality_traceability.traceability_control_chart_spec_action",
            _("Open the control chart"),
        )
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=(manager or self.env.user).id,
            summary=summary,
            note=note,
        )

    @api.model
    def _action_document_points(self, document, points):
        """The list of the points of a receipt or manufacturing order, with
        their status on it."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Quality: %(document)s", document=document.display_name),
            "res_model": self._name,
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref(
                        "quality_traceability.traceability_control_point_view_list_status"
                    ).id,
                    "list",
                ),
                (False, "form"),
            ],
            "domain": [("id", "in", points.ids)],
            "context": {
                "traceability_res_model": document._name,
                "traceability_res_id": document.id,
                "create": False,
            },
        }

    def action_view_checks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.traceability_check_action"
        )
        action["domain"] = [("control_point_id", "=", self.id)]
        action["context"] = {"default_control_point_id": self.id}
        return action
