# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tools import consteq, is_html_empty
from odoo.tools.mail import plaintext2html

DISPOSITIONS = [
    ("return", "Return to Vendor"),
    ("rework", "Rework"),
    ("concession", "Use As Is (Concession)"),
    ("scrap", "Scrap"),
]


class TraceabilityNonconformance(models.Model):
    """What is done with a lot that failed a check: a disposition approved by
    a quality manager, then executed (return, rework order, scrap or release
    by concession) before the nonconformance is closed."""

    _name = "traceability.nonconformance"
    _description = "Nonconformance"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # Set only by the actions (approve, execute, close), never written by a user.
    _SYSTEM_FIELDS = (
        "state",
        "approved_by_id",
        "return_picking_id",
        "rework_production_id",
        "scrap_id",
        "name",
    )
    # Set only by Verify Effectiveness (a manager), Ask Vendor for Root Cause
    # and the vendor's answer from the portal.
    _8D_SYSTEM_FIELDS = (
        "effectiveness_verified_by_id",
        "effectiveness_date",
        "vendor_request_date",
        "vendor_root_cause",
        "vendor_corrective_action",
        "vendor_answer_date",
    )
    # Decided before the approval: fixed once approved.
    _DECISION_FIELDS = (
        "disposition",
        "lot_id",
        "quantity",
        "location_id",
        "check_id",
        "company_id",
    )

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("approved", "Approved"),
            ("executed", "Executed"),
            ("closed", "Closed"),
        ],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    check_id = fields.Many2one(
        comodel_name="traceability.check",
        string="Failed Check",
        index=True,
        check_company=True,
    )
    control_point_id = fields.Many2one(related="check_id.control_point_id", store=True)
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial Number",
        required=True,
        index=True,
        check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        index="btree_not_null",
        tracking=True,
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Receipt", check_company=True
    )
    responsibility = fields.Selection(
        selection=[
            ("vendor", "Vendor"),
            ("internal", "Internal"),
            ("logistics", "Logistics"),
        ],
        required=True,
        default="internal",
        tracking=True,
    )
    description = fields.Html()
    attachment_ids = fields.Many2many(comodel_name="ir.attachment", string="Photos")
    disposition = fields.Selection(selection=DISPOSITIONS, tracking=True)
    quantity = fields.Float(
        digits="Product Unit of Measure",
        help="The quantity of the lot concerned: its stock in internal locations "
        "when the nonconformance opened.",
    )
    product_uom_id = fields.Many2one(related="lot_id.product_uom_id")
    location_id = fields.Many2one(
        comodel_name="stock.location",
        string="From Location",
        domain="[('usage', '=', 'internal')]",
    )
    approved_by_id = fields.Many2one(
        comodel_name="res.users", string="Approved By", readonly=True
    )
    return_picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Return", readonly=True
    )
    rework_production_id = fields.Many2one(
        comodel_name="mrp.production", string="Rework Order", readonly=True
    )
    scrap_id = fields.Many2one(
        comodel_name="stock.scrap", string="Scrap", readonly=True
    )
    execution_done = fields.Boolean(compute="_compute_execution_done")

    # 8D (Ford's Eight Disciplines): D1 team, D2 problem, D3 containment, D4
    # root cause, D5 corrective actions, D6 their implementation, D7 prevention,
    # D8 verification and closure.
    severity = fields.Selection(
        selection=[("minor", "Minor"), ("major", "Major"), ("critical", "Critical")],
        tracking=True,
        index=True,
    )
    champion_id = fields.Many2one(
        comodel_name="res.users",
        string="Champion",
        tracking=True,
        help="Who sponsors the 8D and owns its closure.",
    )
    team_ids = fields.Many2many(
        comodel_name="res.users",
        relation="traceability_nonconformance_team_rel",
        column1="nonconformance_id",
        column2="user_id",
        string="Team",
    )
    containment_action = fields.Text(
        string="Containment Actions",
        help="What was done at once to protect the customer (D3).",
    )
    containment_date = fields.Date()
    root_cause_id = fields.Many2one(
        comodel_name="traceability.root.cause",
        string="Root Cause Category",
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    root_cause = fields.Text(help="The root cause found (D4).")
    why_ids = fields.One2many(
        comodel_name="traceability.nonconformance.why",
        inverse_name="nonconformance_id",
        string="5 Whys",
        copy=True,
    )
    action_ids = fields.One2many(
        comodel_name="traceability.nonconformance.action",
        inverse_name="nonconformance_id",
        string="Corrective and Preventive Actions",
    )
    effectiveness_note = fields.Text(
        string="Verification of Effectiveness",
        help="How the actions were shown to work (D8).",
    )
    effectiveness_verified_by_id = fields.Many2one(
        comodel_name="res.users", string="Verified By", readonly=True
    )
    effectiveness_date = fields.Date(string="Verified On", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost_poor_quality = fields.Monetary(
        string="Cost of Poor Quality",
        currency_field="currency_id",
        help="Scrap, rework, sorting, returns and claims caused by this "
        "nonconformance.",
    )
    eight_d_step = fields.Selection(
        selection=[
            ("d1", "D1 Team"),
            ("d2", "D2 Problem"),
            ("d3", "D3 Containment"),
            ("d4", "D4 Root Cause"),
            ("d5", "D5 Corrective Actions"),
            ("d6", "D6 Implementation"),
            ("d7", "D7 Prevention"),
            ("d8", "D8 Closure"),
        ],
        string="8D Step",
        compute="_compute_eight_d_step",
        help="The first discipline of the 8D not yet complete.",
    )
    vendor_request_date = fields.Datetime(
        string="Vendor Asked On", readonly=True, copy=False
    )
    vendor_root_cause = fields.Text(
        string="Vendor's Root Cause", readonly=True, copy=False
    )
    vendor_corrective_action = fields.Text(
        string="Vendor's Corrective Action", readonly=True, copy=False
    )
    vendor_answer_date = fields.Datetime(
        string="Vendor Answered On", readonly=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        Lot = self.env["stock.lot"]
        for vals in vals_list:
            if not self.env.su:
                # A nonconformance starts open: the actions move it on. Explicit
                # values, so that no context default sets them either.
                vals.update(dict.fromkeys(self._SYSTEM_FIELDS, False))
                vals.update(dict.fromkeys(self._8D_SYSTEM_FIELDS, False))
                vals.update(state="open", name="/")
            if vals.get("lot_id") and "company_id" not in vals:
                lot = Lot.browse(vals["lot_id"])
                if lot.company_id:
                    vals["company_id"] = lot.company_id.id
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("traceability.nonconformance")
                    or "/"
                )
        records = super().create(vals_list)
        for record in records:
            record.lot_id._traceability_hold(
                "nonconformance",
                source=record,
                note=_("Nonconformance %(name)s is open.", name=record.name),
            )
        return records

    def write(self, vals):
        if not self.env.su:
            system = [name for name in self._SYSTEM_FIELDS if name in vals]
            if system:
                raise AccessError(
                    _(
                        "%(fields)s of a nonconformance are set by its Approve, "
                        "Execute and Close actions only.",
                        fields=", ".join(
                            self._fields[name].get_description(self.env)["string"]
                            for name in system
                        ),
                    )
                )
            actions = [name for name in self._8D_SYSTEM_FIELDS if name in vals]
            if actions:
                raise AccessError(
                    _(
                        "%(fields)s of a nonconformance are set by Verify "
                        "Effectiveness and by the vendor's answer only.",
                        fields=", ".join(
                            self._fields[name].get_description(self.env)["string"]
                            for name in actions
                        ),
                    )
                )
            if "effectiveness_note" in vals and any(
                record.effectiveness_verified_by_id for record in self
            ):
                raise UserError(
                    _("The verification of effectiveness is fixed once verified.")
                )
            decided = [name for name in self._DECISION_FIELDS if name in vals]
            if decided and any(record.state != "open" for record in self):
                raise UserError(
                    _(
                        "The disposition of an approved nonconformance is fixed: "
                        "open a new nonconformance to decide again."
                    )
                )
        return super().write(vals)

    @api.constrains("lot_id", "company_id")
    def _check_lot_company(self):
        for record in self:
            if (
                record.lot_id.company_id
                and record.lot_id.company_id != record.company_id
            ):
                raise ValidationError(
                    _(
                        "Nonconformance %(name)s must belong to the company of lot "
                        "%(lot)s.",
                        name=record.name,
                        lot=record.lot_id.name,
                    )
                )

    @api.depends(
        "disposition",
        "return_picking_id.state",
        "rework_production_id.state",
        "scrap_id.state",
        "state",
    )
    def _compute_execution_done(self):
        for record in self:
            record.execution_done = {
                "return": record.return_picking_id.state == "done",
                "rework": record.rework_production_id.state == "done",
                "scrap": record.scrap_id.state == "done",
                "concession": record.state in ("executed", "closed"),
            }.get(record.disposition, False)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for record in self:
            record.access_url = f"/my/nonconformances/{record.id}"
        return result

    @api.depends(
        "team_ids",
        "champion_id",
        "description",
        "containment_action",
        "containment_date",
        "root_cause_id",
        "root_cause",
        "action_ids.kind",
        "action_ids.state",
        "effectiveness_verified_by_id",
    )
    def _compute_eight_d_step(self):
        for record in self:
            live = record.action_ids.filtered(lambda a: a.state != "cancel")
            corrective = live.filtered(lambda a: a.kind == "corrective")
            preventive = live.filtered(lambda a: a.kind == "preventive")
            steps = (
                ("d1", record.team_ids and record.champion_id),
                ("d2", not is_html_empty(record.description)),
                ("d3", record.containment_action and record.containment_date),
                ("d4", record.root_cause_id and record.root_cause),
                ("d5", corrective),
                ("d6", all(a.state == "done" for a in corrective)),
                ("d7", preventive and all(a.state == "done" for a in preventive)),
            )
            record.eight_d_step = next(
                (step for step, complete in steps if not complete), "d8"
            )

    def _check_manager(self):
        if not self.env.user.has_group(
            "quality_traceability.group_traceability_manager"
        ):
            raise AccessError(
                _("Only a traceability manager may approve a disposition.")
            )

    def action_approve(self):
        self._check_manager()
        for record in self:
            if record.state != "open":
                raise UserError(_("Only open nonconformances are approved."))
            if not record.disposition:
                raise UserError(_("Choose the disposition first."))
        self.check_access("write")
        # sudo: state and approver are written only by the actions, after the
        # checks above.
        self.sudo().write({"state": "approved", "approved_by_id": self.env.user.id})
        return True

    def action_verify_effectiveness(self):
        """D8: a manager confirms that the actions work, with the note of how."""
        if not self.env.user.has_group(
            "quality_traceability.group_traceability_manager"
        ):
            raise AccessError(
                _("Only a traceability manager may verify the effectiveness.")
            )
        self.check_access("write")
        for record in self:
            if not (record.effectiveness_note or "").strip():
                raise UserError(
                    _(
                        "%(name)s: describe how the effectiveness was verified "
                        "first.",
                        name=record.name,
                    )
                )
            if record.action_ids.filtered(lambda a: a.state == "open"):
                raise UserError(
                    _(
                        "%(name)s: finish or cancel its open actions first.",
                        name=record.name,
                    )
                )
        # sudo: verifier and date are written only here, after the checks above.
        self.sudo().write(
            {
                "effectiveness_verified_by_id": self.env.user.id,
                "effectiveness_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_ask_vendor_root_cause(self):
        """Send the vendor a link to the nonconformance in the portal, where
        it answers with its root cause and corrective action."""
        self.check_access("write")
        for record in self:
            if record.responsibility != "vendor" or not record.partner_id:
                raise UserError(
                    _(
                        "%(name)s: only a nonconformance of a vendor (responsibility "
                        "Vendor, vendor set) is sent to the vendor.",
                        name=record.name,
                    )
                )
            if record.state == "closed":
                raise UserError(
                    _("%(name)s is closed.", name=record.name),
                )
        # sudo: the request date and the token are written only here.
        self.sudo().write({"vendor_request_date": fields.Datetime.now()})
        for record in self:
            url = record.get_base_url() + record.sudo().get_portal_url()
            record.message_post(
                body=Markup('<p>%s</p><p>%s <a href="%s">%s</a></p>')
                % (
                    _("Dear %(vendor)s,", vendor=record.partner_id.display_name),
                    _(
                        "We found a nonconformance of %(product)s, lot %(lot)s "
                        "(%(name)s). Please send us its root cause and your "
                        "corrective action:",
                        product=record.product_id.display_name,
                        lot=record.lot_id.name,
                        name=record.name,
                    ),
                    url,
                    record.name,
                ),
                partner_ids=record.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def _portal_vendor_access(self, access_token=None):
        """What the visitor of ``/my/nonconformances/<id>`` may do: returns the
        nonconformance (as superuser, for the portal page's chosen fields only)
        and the partner answering for the vendor, or False when the visitor may
        only look. Seen by a portal user of the vendor (its commercial entity)
        once the vendor was asked, by whoever holds the link's token, and by
        internal users who read it. Answered by the vendor's portal users and
        by a visitor who is not logged in and holds the token; a logged-in user
        answers as themselves, so an internal user or another company's portal
        user never answers for the vendor. Anyone else: AccessError."""
        self.ensure_one()
        # sudo: the vendor has no access rights on nonconformances; what it may
        # see is decided here.
        record = self.sudo().exists()
        if not record:
            raise MissingError(_("This nonconformance does not exist."))
        user = self.env.user
        vendor = record.partner_id.commercial_partner_id
        asked = bool(
            vendor and record.responsibility == "vendor" and record.vendor_request_date
        )
        token = bool(
            access_token
            and record.access_token
            and consteq(record.access_token, access_token)
        )
        vendor_user = (
            asked
            and user.share
            and not user._is_public()
            and user.partner_id.commercial_partner_id == vendor
        )
        if vendor_user:
            return record, user.partner_id
        if asked and token and user._is_public():
            return record, record.partner_id
        if token or self.has_access("read"):
            return record, False
        raise AccessError(_("You cannot see this nonconformance."))

    def _portal_vendor_answer(
        self, author, root_cause, corrective_action, attachments=()
    ):
        """Store the vendor's answer (``author`` from :meth:`_portal_vendor_access`):
        in the fields, as a message with its files, and into the 8D: its root
        cause as the next of the 5 Whys (D4), its corrective action as an open
        corrective action (D5) of the 8D's champion (else of whom recorded the
        nonconformance), due in a week, which the team verifies and marks done.
        The state is not changed."""
        self.ensure_one()
        root_cause = (root_cause or "").strip()
        corrective_action = (corrective_action or "").strip()
        if not (root_cause and corrective_action):
            raise UserError(_("Give both the root cause and the corrective action."))
        if self.state == "closed":
            raise UserError(_("This nonconformance is closed."))
        attachments = list(attachments)
        if len(attachments) > 10 or any(
            len(content) > 10 * 1024 * 1024 for _name, content in attachments
        ):
            raise UserError(_("Send at most 10 files of 10 MB each."))
        # sudo: the vendor's answer is written only here (see _8D_SYSTEM_FIELDS).
        record = self.sudo()
        record.write(
            {
                "vendor_root_cause": root_cause,
                "vendor_corrective_action": corrective_action,
                "vendor_answer_date": fields.Datetime.now(),
                "why_ids": [
                    Command.create(
                        {
                            "sequence": max(
                                record.why_ids.mapped("sequence"), default=0
                            )
                            + 10,
                            "name": _("Vendor: %(cause)s", cause=root_cause),
                        }
                    )
                ],
            }
        )
        owner = record.champion_id or record.create_uid
        record.env["traceability.nonconformance.action"].create(
            {
                "nonconformance_id": record.id,
                "kind": "corrective",
                "description": _("Vendor: %(action)s", action=corrective_action),
                "user_id": owner.id,
                "date_deadline": fields.Date.add(
                    fields.Date.context_today(record), days=7
                ),
            }
        )
        record.message_post(
            body=Markup("<p><b>%s</b></p>%s<p><b>%s</b></p>%s")
            % (
                _("Root cause (vendor):"),
                plaintext2html(root_cause),
                _("Corrective action (vendor):"),
                plaintext2html(corrective_action),
            ),
            author_id=author.id,
            attachments=attachments,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    def action_execute(self):
        self.check_access("write")
        for record in self:
            if record.state != "approved" or not record.approved_by_id:
                raise UserError(_("Approve the disposition before executing it."))
            getattr(record, f"_execute_{record.disposition}")()
        # sudo: see action_approve.
        self.sudo().write({"state": "executed"})
        return True

    def action_close(self):
        self.check_access("write")
        for record in self:
            if record.state != "executed" or not record.execution_done:
                raise UserError(
                    _(
                        "%(name)s: execute the disposition and finish its document "
                        "before closing.",
                        name=record.name,
                    )
                )
        # sudo: see action_approve.
        self.sudo().write({"state": "closed"})
        return True

    @api.model
    def _traceability_affected_stock(self, lot):
        """What a new nonconformance of ``lot`` concerns: its quantity in
        internal locations, and that location when it is in one only."""
        # sudo: the quantity is recorded on the nonconformance opened by a
        # failed check, whoever recorded the check.
        quants = lot.sudo()._traceability_internal_quants()
        location = quants.location_id
        return (
            location if len(location) == 1 else location.browse(),
            sum(quants.mapped("quantity")),
        )

    def _quantity(self):
        quants = self.lot_id._traceability_internal_quants()
        if self.location_id:
            quants = quants.filtered(
                lambda quant: quant.location_id == self.location_id
            )
        elif len(quants.location_id) > 1:
            raise UserError(
                _(
                    "%(lot)s is in several locations (%(locations)s): choose the "
                    "location to dispose of it from.",
                    lot=self.lot_id.name,
                    locations=", ".join(quants.location_id.mapped("display_name")),
                )
            )
        location = self.location_id or quants[:1].location_id
        quantity = self.quantity or sum(
            quants.filtered(lambda q: q.location_id == location).mapped("quantity")
        )
        if not location or quantity <= 0:
            raise UserError(
                _("No stock of %(lot)s to dispose of.", lot=self.lot_id.name)
            )
        return location, quantity

    def _execute_return(self):
        location, quantity = self._quantity()
        partner = self.partner_id or self.picking_id.partner_id
        if not partner:
            raise UserError(_("Set the vendor to return the goods to."))
        warehouse = location.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        picking_type = (
            self.picking_id.picking_type_id.return_picking_type_id
            or warehouse.out_type_id
        )
        picking = self.lot_id._traceability_transfer(
            picking_type,
            location,
            self.env.ref("stock.stock_location_suppliers"),
            quantity,
            self.name,
            partner=partner,
        )
        # sudo: the documents of the execution are linked only here.
        self.sudo().return_picking_id = picking

    def _execute_scrap(self):
        location, quantity = self._quantity()
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product_id.id,
                "lot_id": self.lot_id.id,
                "scrap_qty": quantity,
                "location_id": location.id,
                "origin": self.name,
            }
        )
        scrap.action_validate()
        # sudo: see _execute_return.
        self.sudo().scrap_id = scrap

    def _execute_rework(self):
        location, quantity = self._quantity()
        product = self.product_id
        production = self.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": quantity,
                "product_uom_id": product.uom_id.id,
                "bom_id": False,
                "origin": self.name,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                        }
                    )
                ],
            }
        )
        # sudo: only the nonconformance links its rework order, which may then
        # consume the held lot (stock.move.line._traceability_check_released).
        production.sudo().traceability_nonconformance_id = self
        self.sudo().rework_production_id = production
        production.action_confirm()
        self.lot_id._traceability_set_move_line(
            production.move_raw_ids, location, quantity
        )

    def _execute_concession(self):
        """Use as is: the holds of this nonconformance and of its failed check
        (with the incoming inspection it concludes) on the lot are released."""
        note = _("Released by concession %(name)s.", name=self.name)
        self.lot_id._traceability_release_holds("nonconformance", self, note)
        if self.check_id:
            self.lot_id._traceability_release_holds("check", self.check_id, note)
            if self.check_id.stage == "incoming":
                # The concession concludes the incoming inspection.
                self.lot_id._traceability_release_holds("incoming", note=note)
