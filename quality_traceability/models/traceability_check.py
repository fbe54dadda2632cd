# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import iso2859, spc

# The individuals chart of a parameter: its last values, and how many are needed.
SPC_HISTORY = 50
SPC_MIN_POINTS = 8

# The sampling plan of a check, set when it is recorded (never by the client).
SAMPLING_FIELDS = (
    "inspection_severity",
    "sample_skipped",
    "sample_code_letter",
    "sample_size",
    "sample_ac",
    "sample_re",
    "sample_aql",
    "lot_quantity",
)

# Fields that mail and activities write on a done check: not part of the record.
MAIL_FIELDS_PREFIXES = ("message_", "activity_", "website_message_")


class TraceabilityCheck(models.Model):
    """What happened to a lot (or a package) at a key control point: the
    measured values and their result. Immutable once recorded: a manager may
    only void it, with a reason, which keeps the original."""

    _name = "traceability.check"
    _description = "Key Control Point Check"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _mail_post_access = "read"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        selection=[("done", "Done"), ("void", "Voided")],
        default="done",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    control_point_id = fields.Many2one(
        comodel_name="traceability.control.point",
        string="Control Point",
        required=True,
        index=True,
        ondelete="restrict",
    )
    stage = fields.Selection(related="control_point_id.stage", store=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial Number",
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    package_id = fields.Many2one(
        comodel_name="stock.quant.package", string="Package", ondelete="restrict"
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        index=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    operator_id = fields.Many2one(
        comodel_name="res.users",
        string="Operator",
        default=lambda self: self.env.user,
    )
    workcenter_id = fields.Many2one(
        comodel_name="mrp.workcenter", string="Equipment / Work Center"
    )
    production_id = fields.Many2one(
        comodel_name="mrp.production",
        string="Manufacturing Order",
        index="btree_not_null",
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Transfer", index="btree_not_null"
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        compute="_compute_partner_id",
        store=True,
        index="btree_not_null",
    )
    value_ids = fields.One2many(
        comodel_name="traceability.check.value",
        inverse_name="check_id",
        string="Measurements",
    )
    result = fields.Selection(
        selection=[("pass", "Pass"), ("fail", "Fail")],
        compute="_compute_result",
        store=True,
        index=True,
    )
    # ISO 2859-1 single sampling (control points with sampling): the plan in
    # force when the check was recorded, from the lot's quantity and the
    # severity of its vendor and product then (see _prepare_sampling_values).
    inspection_severity = fields.Selection(
        selection=[
            ("normal", "Normal"),
            ("tightened", "Tightened"),
            ("reduced", "Reduced"),
        ],
        readonly=True,
        help="ISO 2859-1 severity of the vendor and product when the check was "
        "recorded, from their earlier recorded checks (switching rules).",
    )
    sampling = fields.Selection(related="control_point_id.sampling")
    sample_code_letter = fields.Char(string="Code Letter", readonly=True)
    sample_skipped = fields.Boolean(
        string="Skipped (Skip-Lot)",
        readonly=True,
        help="The vendor and product qualify for skip-lot (ISO 2859-3): this lot "
        "was released without inspection, as the plan allowed.",
    )
    sample_size = fields.Integer(readonly=True)
    sample_ac = fields.Integer(string="Acceptance Number (Ac)", readonly=True)
    sample_re = fields.Integer(string="Rejection Number (Re)", readonly=True)
    sample_aql = fields.Char(string="AQL", readonly=True)
    lot_quantity = fields.Float(
        string="Lot Size", digits="Product Unit of Measure", readonly=True
    )
    defect_count = fields.Integer(
        string="Nonconforming Items",
        help="Sampling: the nonconforming items (or nonconformities) found in "
        "the sample.",
    )
    notes = fields.Text()
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment", string="Photos", copy=False
    )
    source = fields.Selection(
        selection=[("screen", "Screen"), ("api", "Device API"), ("import", "Import")],
        default="screen",
        required=True,
    )
    device_id = fields.Char(string="Device")
    client_uid = fields.Char(
        string="Client Unique ID",
        help="Unique per device: a scan sent again with the same id is stored once.",
    )
    void_reason = fields.Text(readonly=True)
    void_user_id = fields.Many2one(
        comodel_name="res.users", string="Voided By", readonly=True
    )
    void_date = fields.Datetime(string="Voided On", readonly=True)
    nonconformance_ids = fields.One2many(
        comodel_name="traceability.nonconformance",
        inverse_name="check_id",
        string="Nonconformances",
        readonly=True,
    )
    nonconformance_count = fields.Integer(compute="_compute_nonconformance_count")
    declared_lot_id = fields.Many2one(
        comodel_name="traceability.declared.lot",
        string="Vendor Declaration",
        compute="_compute_declared_lot_id",
        help="The lot as the vendor declared it before shipping (supplier "
        "portal, EPCIS), with its certificate of analysis.",
    )
    declared_disagreement = fields.Boolean(
        string="Disagrees with Vendor",
        compute="_compute_declared_lot_id",
        help="A measured value is farther from the vendor's declared value than "
        "the measurement's tolerance on declared values.",
    )

    def init(self):
        # One scan per (device, client id): retries and concurrent copies of a
        # batch are stored once (see controllers/device_api.py).
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS traceability_check_client_uid_uniq "
                "ON %s (company_id, COALESCE(device_id, ''), client_uid) "
                "WHERE client_uid IS NOT NULL",
                SQL.identifier(self._table),
            )
        )

    @api.depends("lot_id")
    def _compute_product_id(self):
        for check in self:
            if check.lot_id:
                check.product_id = check.lot_id.product_id

    @api.depends("picking_id.partner_id", "lot_id", "control_point_id.stage")
    def _compute_partner_id(self):
        """The vendor: of the check's transfer, else (incoming inspections) of
        the lot's last receipt from a vendor."""
        lots = self.filtered(
            lambda check: not check.picking_id
            and check.lot_id
            and check.control_point_id.stage == "incoming"
        ).lot_id
        receipts = {}
        if lots:
            lines = self.env["stock.move.line"].search(
                [
                    ("lot_id", "in", lots.ids),
                    ("state", "=", "done"),
                    ("location_id.usage", "=", "supplier"),
                    ("picking_id", "!=", False),
                ],
                order="date desc, id desc",
            )
            for line in lines:
                receipts.setdefault(line.lot_id, line.picking_id)
        for check in self:
            picking = check.picking_id or receipts.get(check.lot_id)
            check.partner_id = (
                picking.partner_id.commercial_partner_id if picking else False
            )

    @api.depends("value_ids.result", "defect_count", "sample_code_letter", "sample_re")
    def _compute_result(self):
        """Full inspection: fail when a measurement fails. Sampling: also fail
        when the nonconforming items reach Re (a count above Ac and below Re,
        possible under reduced inspection, accepts the lot)."""
        for check in self:
            results = check.value_ids.mapped("result")
            failed = "fail" in results
            if check.sample_code_letter and check.defect_count >= check.sample_re:
                failed = True
            check.result = "fail" if failed else "pass"

    @api.constrains("defect_count", "sample_size")
    def _check_defect_count(self):
        for check in self:
            if check.defect_count < 0 or (
                check.sample_code_letter and check.defect_count > check.sample_size
            ):
                raise ValidationError(
                    _(
                        "%(check)s: the nonconforming items are between 0 and the "
                        "sample size.",
                        check=check.name,
                    )
                )

    @api.model
    def _sampling_lot_quantity(self, lot, picking=None, production=None):
        """The lot's size: its quantity received on the receipt, or produced by
        the manufacturing order, else its quantity on hand."""
        if picking:
            lines = picking.move_line_ids.filtered(
                lambda line: line.lot_id == lot and line.state == "done"
            )
        elif production:
            lines = production.move_finished_ids.move_line_ids.filtered(
                lambda line: line.lot_id == lot and line.state == "done"
            )
        else:
            lines = self.env["stock.move.line"]
        if lines:
            return sum(lines.mapped("quantity_product_uom"))
        if production:
            return production.qty_producing or production.product_qty
        return lot.product_qty

    @api.model
    def _sampling_outcomes(self, vendor, product, company=None):
        """The recorded (not voided) sampling checks of a vendor and product,
        oldest first, as lots for :func:`iso2859.switching`."""
        if not vendor or not product:
            return self.browse(), []
        domain = [
            ("state", "=", "done"),
            ("sample_code_letter", "!=", False),
            ("partner_id", "=", vendor.commercial_partner_id.id),
            ("product_id", "=", product.id),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        # sudo: the severity of a vendor comes from all its recorded checks,
        # whoever records the next one (a device user may not read them all).
        checks = self.sudo().search(domain, order="id")
        return checks, [
            iso2859.Lot(
                accepted=check.result == "pass",
                defects=check.defect_count,
                code_letter=check.sample_code_letter,
                aql=check.sample_aql or None,
                skipped=check.sample_skipped,
            )
            for check in checks
        ]

    @api.model
    def _sampling_switching(self, vendor, product, company=None):
        """``iso2859.Switching`` of a vendor and product now."""
        return iso2859.switching(self._sampling_outcomes(vendor, product, company)[1])

    @api.model
    def _sampling_severity(self, vendor, product, company=None):
        return self._sampling_switching(vendor, product, company).severity

    @api.model
    def _prepare_sampling_values(self, vals):
        """The sampling plan of a new check (empty for full inspection)."""
        point = self.env["traceability.control.point"].browse(
            vals.get("control_point_id")
        )
        lot = self.env["stock.lot"].browse(vals.get("lot_id"))
        if not point or point.sampling != "iso2859":
            return {}
        if not lot:
            raise UserError(
                _(
                    "%(point)s inspects a sample of a lot: scan the lot, not a "
                    "package.",
                    point=point.display_name,
                )
            )
        picking = self.env["stock.picking"].browse(vals.get("picking_id"))
        production = self.env["mrp.production"].browse(vals.get("production_id"))
        # The vendor a sampling check is charged to comes from the transfer: it
        # must be one that moved this lot.
        if (
            picking
            and lot
            not in picking.sudo()
            .move_line_ids.filtered(lambda line: line.state == "done")
            .lot_id
        ):
            raise UserError(
                _(
                    "%(picking)s did not move %(lot)s: a sampling check names the "
                    "transfer of the lot it inspects.",
                    picking=picking.display_name,
                    lot=lot.display_name,
                )
            )
        company = self.env["res.company"].browse(vals.get("company_id"))
        instruction = point._sampling_instruction(
            lot, picking, production, company=company or self.env.company
        )
        return {
            "inspection_severity": instruction["severity"],
            "sample_skipped": instruction["skip"],
            "sample_code_letter": instruction["code_letter"],
            "sample_size": instruction["sample_size"],
            "sample_ac": instruction["ac"],
            "sample_re": instruction["re"],
            "sample_aql": point.aql,
            "lot_quantity": instruction["lot_quantity"],
        }

    def _sampling_instruction(self):
        """The sampling plan this check was recorded with (see the control
        point's ``_sampling_instruction``)."""
        self.ensure_one()
        if not self.sample_code_letter:
            return {}
        return {
            "code_letter": self.sample_code_letter,
            "sample_size": self.sample_size,
            "ac": self.sample_ac,
            "re": self.sample_re,
            "severity": self.inspection_severity,
            "skip": self.sample_skipped,
            "lot_quantity": self.lot_quantity,
        }

    @api.depends("lot_id", "partner_id", "value_ids")
    def _compute_declared_lot_id(self):
        for check in self:
            declared = check._traceability_declared_lot()
            check.declared_lot_id = declared
            check.declared_disagreement = any(
                value.declared_disagrees for value in check.value_ids
            )

    def _traceability_declared_lot(self):
        """The vendor's declaration of this check's lot: the declared lot its
        receipt line took, else the last one declared under the lot's name
        for its product (by the check's vendor when known). Read with the
        caller's rights."""
        self.ensure_one()
        Declared = self.env["traceability.declared.lot"]
        lot = self.lot_id
        if not lot or not Declared.has_access("read"):
            return Declared
        line = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", lot.id),
                ("traceability_declared_lot_id", "!=", False),
                ("state", "!=", "cancel"),
            ],
            order="id desc",
            limit=1,
        )
        if line.traceability_declared_lot_id:
            return line.traceability_declared_lot_id
        domain = [("product_id", "=", lot.product_id.id), ("lot_name", "=", lot.name)]
        if self.partner_id:
            domain.append(("partner_id", "child_of", self.partner_id.id))
        return Declared.search(domain, order="id desc", limit=1)

    @api.depends("nonconformance_ids")
    def _compute_nonconformance_count(self):
        counts = dict(
            self.env["traceability.nonconformance"]._read_group(
                [("check_id", "in", self.ids)], ["check_id"], ["__count"]
            )
        )
        for check in self:
            check.nonconformance_count = counts.get(check, 0)

    def action_view_nonconformances(self):
        """The nonconformance(s) this failed check opened."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "quality_traceability.traceability_nonconformance_action"
        )
        nonconformances = self.nonconformance_ids
        action["domain"] = [("check_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(nonconformances) == 1:
            action["views"] = [(False, "form")]
            action["view_mode"] = "form"
            action["res_id"] = nonconformances.id
        return action

    @api.depends("name", "control_point_id", "lot_id")
    def _compute_display_name(self):
        for check in self:
            parts = [check.name, check.control_point_id.name, check.lot_id.name]
            check.display_name = " - ".join(part for part in parts if part)

    # ------------------------------------------------------------- create

    @api.model_create_multi
    def create(self, vals_list):
        # Copies: the caller may create again from the same values (the device
        # API retries a batch one scan at a time).
        vals_list = [dict(vals) for vals in vals_list]
        if len(vals_list) > 1 and any(
            self._is_sampling_vals(vals) for vals in vals_list
        ):
            # A sampling check's plan depends on the checks recorded before it:
            # one at a time, in order.
            return self.concat(*(self.create([vals]) for vals in vals_list))
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._next_names(len(unnamed)), strict=True):
            vals["name"] = name
        values_of = []
        Lot = self.env["stock.lot"]
        for vals in vals_list:
            if vals.get("lot_id") and not vals.get("company_id"):
                # A check belongs to the company of its lot.
                company = Lot.browse(vals["lot_id"]).company_id
                if company:
                    vals["company_id"] = company.id
            vals["state"] = "done"
            for name in ("void_reason", "void_user_id", "void_date", *SAMPLING_FIELDS):
                vals.pop(name, None)
            vals.update(self._prepare_sampling_values(vals))
            values_of.append(self._pop_value_commands(vals))
        checks = super().create(vals_list)
        Value = self.env["traceability.check.value"]
        # sudo: measurements are created only here, with their check; afterwards
        # nobody adds, changes or deletes them (traceability.check.value).
        Value.sudo().create(
            [
                dict(values, check_id=check.id)
                for check, check_values in zip(checks, values_of, strict=True)
                for values in check_values
            ]
        )
        if any(vals.get("attachment_ids") for vals in vals_list):
            checks._attach_photos()
        checks._check_required_values()
        checks._apply_result()
        checks._traceability_spc_alarms()
        return checks

    @api.model
    def _is_sampling_vals(self, vals):
        point = self.env["traceability.control.point"].browse(
            vals.get("control_point_id")
        )
        return bool(point) and point.sampling == "iso2859"

    @api.model
    def _pop_value_commands(self, vals):
        """The measurements of a new check's values, as a list of dicts."""
        values = []
        for command in vals.pop("value_ids", None) or []:
            if not isinstance(command, list | tuple) or len(command) != 3:
                raise UserError(_("Measurements are given as new values of the check."))
            if command[0] != Command.CREATE:
                raise UserError(
                    _(
                        "A check records new measurements only: it cannot take values "
                        "of another check."
                    )
                )
            values.append(dict(command[2] or {}))
        return values

    def _attach_photos(self):
        """Photos sent with a check belong to it: whoever may read the check sees
        them, not only their uploader."""
        for check in self:
            loose = check.attachment_ids.filtered(lambda photo: not photo.res_id)
            if loose:
                loose.sudo().write({"res_model": self._name, "res_id": check.id})

    @api.model
    def _next_names(self, count):
        """``count`` references from the check sequence, drawn through Odoo's
        sequence API: the sequence ``next_by_code()`` would use (the company's,
        else the shared one), searched once for the batch, then one
        ``next_by_id()`` per reference (prefix, padding, date ranges and no-gap
        sequences as Odoo handles them). Devices send scans by hundreds: on
        ``setup/bench.sh scans`` (10,000 scans in batches of 500) the API took
        8.8-12.7 s, a ratio of 22.7-29.6 to XML-RPC ``create`` one by one,
        against 8.2-8.9 s and 33.1-49.5 in the same runs with one
        ``nextval()`` query per batch."""
        if not count:
            return []
        # sudo: whoever may record a check draws its reference; reading the
        # sequence configuration is not otherwise needed (device users).
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "traceability.check"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return ["/"] * count
        return [sequence.next_by_id() for _index in range(count)]

    def _check_required_values(self):
        """Every required measurement has a value, the control point's required
        context is given."""
        for check in self:
            if not check.lot_id and not check.package_id:
                raise ValidationError(_("A check needs a lot, a serial or a package."))
            point = check.control_point_id
            missing = []
            if point.require_operator and not check.operator_id:
                missing.append(_("operator"))
            if point.require_workcenter and not check.workcenter_id:
                missing.append(_("equipment"))
            if point.require_notes and not (check.notes or "").strip():
                missing.append(_("notes"))
            given = {value.spec_id for value in check.value_ids if value._has_value()}
            missing += [
                spec.name
                for spec in point.spec_ids
                if spec.required and spec not in given
            ]
            if missing:
                raise ValidationError(
                    _(
                        "%(point)s: missing required value(s): %(missing)s.",
                        point=point.name,
                        missing=", ".join(missing),
                    )
                )
            wrong = check.value_ids.spec_id.control_point_id - point
            if wrong:
                raise ValidationError(
                    _("The measurements do not belong to %(point)s.", point=point.name)
                )

    def _traceability_lots(self):
        """The lots of this check: its lot, or the lots in its package (and in
        the boxes on it, for a pallet)."""
        self.ensure_one()
        if self.lot_id or not self.package_id:
            return self.lot_id
        return self.package_id._traceability_descendants().quant_ids.lot_id

    def _apply_result(self):
        """A failed check places a hold on its lots; a passing incoming check
        releases their incoming-inspection holds (other holds stay)."""
        for check in self:
            lots = check._traceability_lots()
            if not lots:
                continue
            if check.result == "fail":
                lots._traceability_hold(
                    "check",
                    source=check,
                    note=_("Blocked by the failed check %(check)s.", check=check.name),
                )
                for lot in lots:
                    check._traceability_notify_failure(lot)
            elif check.stage == "incoming":
                lots._traceability_release_holds(
                    "incoming",
                    note=_(
                        "Released by the passing check %(check)s.", check=check.name
                    ),
                )

    def _traceability_notify_failure(self, lot):
        """A failed check: a message on the lot, the check and its document, a
        nonconformance naming the failed measurements, with the lot's quantity
        on hand, and an activity for the person responsible (see
        :meth:`_traceability_responsible`)."""
        self.ensure_one()
        body = _(
            "Check %(check)s failed at %(point)s.",
            check=self.name,
            point=self.control_point_id.name,
        )
        lot.sudo().message_post(body=body)
        document = self.picking_id or self.production_id
        if document:
            document.sudo().message_post(body=body)
        picking = self.picking_id or self._traceability_last_receipt(lot)
        vendor = picking.partner_id.commercial_partner_id if picking else False
        is_incoming = self.stage == "incoming"
        NC = self.env["traceability.nonconformance"]
        location, quantity = NC._traceability_affected_stock(lot)
        nonconformance = NC.sudo().create(
            {
                "check_id": self.id,
                "lot_id": lot.id,
                "company_id": self.company_id.id,
                "picking_id": picking.id if picking else False,
                "partner_id": vendor.id if vendor and is_incoming else False,
                "responsibility": "vendor" if vendor and is_incoming else "internal",
                "description": self._traceability_failure_description(),
                "quantity": quantity,
                "location_id": location.id,
                "attachment_ids": [Command.set(self.attachment_ids.ids)],
            }
        )
        responsible = self._traceability_responsible(picking)
        nonconformance.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=responsible.id,
            summary=_("Failed check %(check)s", check=self.name),
            note=body,
        )
        self.message_post(
            body=_(
                "Nonconformance %(name)s opened for %(user)s.",
                name=nonconformance.name,
                user=responsible.name,
            )
        )

    def _traceability_failures(self):
        """One line per failed measurement: ``Width 12.00 mm: above the
        maximum 11.00 mm``."""
        self.ensure_one()
        return [
            value.spec_id._failure_label(
                value.value_float if value.value_is_set else None
            )
            for value in self.value_ids
            if value.result == "fail"
        ]

    def _traceability_failure_description(self):
        """The description of the nonconformance of this failed check: what
        failed at which point, then the operator's notes."""
        self.ensure_one()
        intro = _(
            "Check %(check)s failed at %(point)s:",
            check=self.name,
            point=self.control_point_id.name,
        )
        items = Markup("").join(
            Markup("<li>%s</li>") % failure for failure in self._traceability_failures()
        )
        description = Markup("<p>%s</p><ul>%s</ul>") % (intro, items)
        if (self.notes or "").strip():
            description += Markup("<p>%s</p>") % self.notes
        return description

    def _traceability_spc_alarms(self):
        """Run the Western Electric rules 1-4 on the individuals chart of each
        numeric parameter these checks measured; an alarm on a new value
        schedules an activity for the quality manager of the control point."""
        values = self.value_ids.filtered(
            lambda value: value.value_type == "numeric" and value.value_is_set
        )
        Value = self.env["traceability.check.value"]
        for spec in values.spec_id:
            new = values.filtered(lambda value, spec=spec: value.spec_id == spec)
            history = Value.search(
                [
                    ("spec_id", "=", spec.id),
                    ("state", "=", "done"),
                    ("value_is_set", "=", True),
                ],
                order="date desc, id desc",
                limit=SPC_HISTORY + len(new),
            )[::-1]
            if len(history) < SPC_MIN_POINTS and not spec.limits_frozen:
                continue
            series = [value.value_float for value in history]
            # Frozen limits (from a baseline period) when the spec has them.
            limits = spec._spc_limits(series)
            broken = set()
            new_ids = set(new.ids)
            for index, value in enumerate(history):
                if value.id in new_ids:
                    broken.update(spc.rules_at(series, limits, index))
            if broken:
                spec.control_point_id._traceability_spc_alarm(
                    spec, sorted(broken), limits
                )

    def _traceability_last_receipt(self, lot):
        line = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", lot.id),
                ("state", "=", "done"),
                ("location_id.usage", "=", "supplier"),
                ("picking_id", "!=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )
        return line.picking_id

    def _traceability_responsible(self, picking):
        """Who follows up a failed check: the responsible of the control point,
        else the buyer of the receipt (incoming checks) or the responsible of
        the manufacturing order, else a traceability manager of the company.
        Always a person: never the superuser (OdooBot), whose activities
        nobody sees."""
        if self.stage == "incoming" and picking:
            document_user = picking.purchase_id.user_id or picking.user_id
        elif self.production_id:
            document_user = self.production_id.user_id
        else:
            document_user = self.env["res.users"]
        managers = (
            self.env.ref("quality_traceability.group_traceability_manager")
            .sudo()
            .users.sorted("id")
        )
        candidates = (
            self.control_point_id.user_id | document_user | managers | self.env.user
        )
        for user in candidates:
            if (
                user.active
                and not user.share
                and not user._is_superuser()
                and self.company_id in user.company_ids
            ):
                return user
        return self.env["res.users"]

    # ------------------------------------------------------------- immutability

    def write(self, vals):
        if not self.env.su and any(
            not field.startswith(MAIL_FIELDS_PREFIXES) for field in vals
        ):
            raise UserError(
                _(
                    "A recorded check cannot be changed. A quality manager may "
                    "void it with a reason."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _(
                "A recorded check cannot be deleted. A quality manager may void "
                "it with a reason."
            )
        )

    def action_void(self, reason):
        """Void the checks, keeping them and the reason (managers only)."""
        if not self.env.user.has_group(
            "quality_traceability.group_traceability_manager"
        ):
            raise AccessError(_("Only a traceability manager may void a check."))
        if not (reason or "").strip():
            raise UserError(_("Give the reason to void the check."))
        if any(check.state == "void" for check in self):
            raise UserError(_("This check is already voided."))
        self.check_access("read")
        # sudo: voiding is the only write a recorded check gets, after the checks
        # above.
        self.sudo().write(
            {
                "state": "void",
                "void_reason": reason,
                "void_user_id": self.env.user.id,
                "void_date": fields.Datetime.now(),
            }
        )
        for check in self:
            body = _(
                "Check %(check)s voided: %(reason)s", check=check.name, reason=reason
            )
            check.message_post(body=body)
            if check.lot_id:
                check.lot_id.sudo().message_post(body=body)
        return True

    def action_open_partial_rejection(self):
        """Reject part of this failed check's lot (traceability managers)."""
        self.ensure_one()
        self.check_access("read")
        self.env["traceability.partial.rejection"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Part of the Lot"),
            "res_model": "traceability.partial.rejection",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_check_id": self.id},
        }

    def action_open_exposure(self):
        """What this check's failure puts at risk: its suspect lots and where
        everything made from them is now (``traceability.exposure``)."""
        self.ensure_one()
        return self.env["traceability.exposure"]._action_open(self)

    def action_open_void_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Void Check"),
            "res_model": "traceability.check.void",
            "view_mode": "form",
            "target": "new",
            "context": {"default_check_id": self.id},
        }
