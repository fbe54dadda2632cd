# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RecallNotifyWizard(models.TransientModel):
    """What notifying the customers of a recall sends: how many e-mails, and the
    first of them as its customer will read it. Nothing is sent until it is
    confirmed."""

    _name = "recall.notify.wizard"
    _description = "Recall Customer Notices Preview"

    recall_id = fields.Many2one(
        comodel_name="recall.recall", required=True, readonly=True, ondelete="cascade"
    )
    customer_ids = fields.Many2many(
        comodel_name="recall.customer",
        compute="_compute_preview",
        string="Recipients",
    )
    customer_count = fields.Integer(compute="_compute_preview", string="E-mails")
    no_email_names = fields.Char(
        compute="_compute_preview", string="Customers Without E-mail"
    )
    sample_customer_id = fields.Many2one(
        comodel_name="recall.customer", compute="_compute_preview", string="Sample For"
    )
    sample_subject = fields.Char(compute="_compute_preview", string="Subject")
    sample_body = fields.Html(
        compute="_compute_preview", string="Sample E-mail", sanitize="email_outgoing"
    )

    @api.depends("recall_id")
    def _compute_preview(self):
        template = self.env.ref("recall_management.mail_template_recall_notice")
        for wizard in self:
            customers = (
                wizard.recall_id._customers_to_notify()
                if wizard.recall_id
                else self.env["recall.customer"]
            )
            sample = customers[:1]
            wizard.customer_ids = customers
            wizard.customer_count = len(customers)
            wizard.no_email_names = ", ".join(
                customers.filtered(lambda customer: not customer.email).mapped(
                    "partner_id.display_name"
                )
            )
            wizard.sample_customer_id = sample
            if sample:
                wizard.sample_subject = template._render_field(
                    "subject", sample.ids, compute_lang=True
                )[sample.id]
                wizard.sample_body = template._render_field(
                    "body_html", sample.ids, compute_lang=True
                )[sample.id]
            else:
                wizard.sample_subject = wizard.sample_body = False

    def action_confirm(self):
        self.ensure_one()
        self.recall_id.action_notify_customers()
        return {"type": "ir.actions.act_window_close"}
