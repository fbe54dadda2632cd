# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class TraceabilityNonconformanceAction(models.Model):
    """A corrective (D5-D6) or preventive (D7) action of a nonconformance.
    While open, its owner has a to-do activity on the nonconformance due on
    the action's date; marking the action done marks the activity done."""

    _name = "traceability.nonconformance.action"
    _description = "Nonconformance Corrective or Preventive Action"
    _order = "nonconformance_id, date_deadline, id"
    _check_company_auto = True

    # Set by the actions only (Done, Cancel) and the activity they keep.
    _SYSTEM_FIELDS = ("state", "date_done", "activity_id")
    # What the activity of the owner shows.
    _ACTIVITY_FIELDS = ("user_id", "date_deadline", "description", "kind")

    nonconformance_id = fields.Many2one(
        comodel_name="traceability.nonconformance",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="nonconformance_id.company_id", store=True, index=True
    )
    kind = fields.Selection(
        selection=[("corrective", "Corrective"), ("preventive", "Preventive")],
        required=True,
        default="corrective",
    )
    description = fields.Text(required=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Owner",
        required=True,
        default=lambda self: self.env.user,
    )
    date_deadline = fields.Date(
        string="Due Date", required=True, default=fields.Date.context_today
    )
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    state = fields.Selection(
        selection=[("open", "Open"), ("done", "Done"), ("cancel", "Cancelled")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
    )
    activity_id = fields.Many2one(
        comodel_name="mail.activity", readonly=True, copy=False, ondelete="set null"
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                vals.update(dict.fromkeys(self._SYSTEM_FIELDS, False))
                vals["state"] = "open"
        actions = super().create(vals_list)
        actions._sync_activity()
        return actions

    def write(self, vals):
        if not self.env.su:
            system = [name for name in self._SYSTEM_FIELDS if name in vals]
            if system:
                raise AccessError(
                    _(
                        "The state of a corrective or preventive action is set "
                        "by its Done and Cancel buttons only."
                    )
                )
            if "nonconformance_id" in vals:
                raise UserError(_("An action stays on its nonconformance."))
        result = super().write(vals)
        if any(name in vals for name in self._ACTIVITY_FIELDS):
            self._sync_activity()
        return result

    def unlink(self):
        self.activity_id.unlink()
        return super().unlink()

    def _activity_summary(self):
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        return _(
            "%(kind)s action of %(name)s",
            kind=kind,
            name=self.nonconformance_id.name,
        )

    def _sync_activity(self):
        """Give the owner of each open action its activity, due on the
        action's date (created, or updated when owner or date changed)."""
        for action in self.filtered(lambda a: a.state == "open"):
            values = {
                "user_id": action.user_id.id,
                "date_deadline": action.date_deadline,
                "summary": action._activity_summary(),
                "note": action.description,
            }
            if action.activity_id:
                action.activity_id.write(values)
                continue
            activity = action.nonconformance_id.activity_schedule(
                "mail.mail_activity_data_todo", **values
            )
            # sudo: the activity is linked only here.
            action.sudo().activity_id = activity

    def action_done(self):
        self.check_access("write")
        if self.filtered(lambda a: a.state != "open"):
            raise UserError(_("Only open actions are marked done."))
        for action in self:
            if action.activity_id:
                action.activity_id.action_feedback(
                    feedback=_("Action done: %(action)s", action=action.description)
                )
        # sudo: state and date are written only by the buttons, after the
        # checks above.
        self.sudo().write(
            {
                "state": "done",
                "date_done": fields.Date.context_today(self),
                "activity_id": False,
            }
        )
        return True

    def action_cancel(self):
        self.check_access("write")
        if self.filtered(lambda a: a.state != "open"):
            raise UserError(_("Only open actions are cancelled."))
        self.activity_id.unlink()
        # sudo: see action_done.
        self.sudo().write({"state": "cancel", "activity_id": False})
        return True
