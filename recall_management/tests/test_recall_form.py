# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recall form of a user's first hour: the next step it highlights, and the
preview of the customer notices before they are sent."""

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.quality_traceability.tests.common import rpc

from .test_recall import RecallCommon

INSTRUCTIONS = "Stop using the bottle and bring it back to the shop."


class RecallFormCommon(RecallCommon):
    def _notice_mails(self, recall):
        return recall.customer_ids.message_ids.filtered(
            lambda message: message.subject and recall.name in message.subject
        )

    def _preview(self, recall):
        action = rpc(
            self.env,
            self.manager,
            "recall.recall",
            "action_open_notify_wizard",
            [recall.ids],
        )
        self.assertEqual(action["res_model"], "recall.notify.wizard")
        self.assertEqual(action["target"], "new")
        wizard_id = rpc(
            self.env,
            self.manager,
            "recall.notify.wizard",
            "create",
            [{}],
            context=action["context"],
        )
        return (
            self.env["recall.notify.wizard"].with_user(self.manager).browse(wizard_id)
        )


@tagged("post_install", "-at_install")
class TestRecallNotifyPreview(RecallFormCommon):
    def test_notify_needs_consumer_instructions(self):
        recall = self._recall(self.rv1)
        for instructions in (False, "  \n "):
            recall.consumer_instructions = instructions
            for method in ("action_open_notify_wizard", "action_notify_customers"):
                with self.assertRaisesRegex(UserError, "consumer instructions"):
                    rpc(self.env, self.manager, "recall.recall", method, [recall.ids])
        self.assertFalse(recall.customer_ids.filtered("date_notified"))
        self.assertFalse(recall.customer_ids.filtered("access_token"))
        self.assertFalse(self._notice_mails(recall))
        self.assertNotIn("recall", self.serials[0]._traceability_public_values())
        self.assertEqual(recall.next_step, "block")
        # A drill is refused for being a drill, instructions or not.
        drill = self._recall(self.rv1, recall_type="drill")
        with self.assertRaisesRegex(UserError, "drill"):
            rpc(
                self.env,
                self.manager,
                "recall.recall",
                "action_open_notify_wizard",
                [drill.ids],
            )

    def test_preview_counts_and_renders_the_first_customer(self):
        recall = self._recall(self.rv1, consumer_instructions=INSTRUCTIONS)
        wizard = self._preview(recall)
        first = recall.customer_ids[0]
        self.assertEqual(first.partner_id, self.customer_a)
        self.assertEqual(wizard.customer_count, 2)
        self.assertEqual(wizard.customer_ids, recall.customer_ids)
        self.assertEqual(wizard.sample_customer_id, first)
        self.assertEqual(wizard.sample_subject, f"Product recall {recall.name}")
        self.assertIn("Test Customer A", wizard.sample_body)
        self.assertNotIn("Test Customer B", wizard.sample_body)
        self.assertIn(INSTRUCTIONS, wizard.sample_body)
        # Customer A received RSN-1 only.
        self.assertIn("RSN-1", wizard.sample_body)
        self.assertNotIn("RSN-2", wizard.sample_body)
        self.assertFalse(wizard.no_email_names)
        # The preview sends nothing.
        self.assertFalse(recall.customer_ids.filtered("date_notified"))
        self.assertFalse(self._notice_mails(recall))
        self.customer_b.email = False
        wizard.invalidate_recordset()
        self.assertEqual(wizard.no_email_names, "Test Customer B")

    def test_confirm_sends_once(self):
        recall = self._recall(self.rv1, consumer_instructions=INSTRUCTIONS)
        wizard = self._preview(recall)
        rpc(
            self.env,
            self.manager,
            "recall.notify.wizard",
            "action_confirm",
            [wizard.ids],
        )
        mails = self._notice_mails(recall)
        self.assertEqual(len(mails), 2)
        for notice in recall.customer_ids:
            self.assertTrue(notice.date_notified)
            self.assertEqual(
                len(mails.filtered(lambda m, n=notice: m.res_id == n.id)), 1
            )
            self.assertIn(notice.partner_id, mails.partner_ids)
        # Confirmed twice (a double click, a second tab): nothing more is sent.
        rpc(
            self.env,
            self.manager,
            "recall.notify.wizard",
            "action_confirm",
            [wizard.ids],
        )
        self.assertEqual(self._notice_mails(recall), mails)
        with self.assertRaisesRegex(UserError, "notified already"):
            self._preview(recall)
        # Readers neither preview nor send.
        with self.assertRaises(UserError):
            rpc(
                self.env,
                self.reader,
                "recall.recall",
                "action_open_notify_wizard",
                [recall.ids],
            )

    def test_next_step(self):
        recall = (
            self.env["recall.recall"]
            .with_user(self.manager)
            .create(
                {
                    "reason": "Contaminated resin",
                    "consumer_instructions": INSTRUCTIONS,
                    "source_lot_ids": [(6, 0, self.rv1.ids)],
                }
            )
        )
        self.assertEqual(recall.next_step, "scope")
        recall.action_scope()
        self.assertEqual(recall.next_step, "block")
        recall.action_block_stock()
        self.assertEqual(recall.next_step, "notify")
        self.assertEqual(recall.notify_pending_count, 2)
        recall.action_notify_customers()
        self.assertEqual(recall.notify_pending_count, 0)
        self.assertEqual(recall.next_step, "track")
        notice_a, notice_b = recall.customer_ids
        notice_a._portal_report(on_hand=0, destroyed=1)
        self.assertEqual(recall.next_step, "track")
        notice_b._portal_report(on_hand=1, destroyed=0)
        self.assertEqual(recall.next_step, "close")
        recall.lot_ids.decision = "keep_blocked"
        recall.action_close()
        self.assertFalse(recall.next_step)
        # A drill skips the notices.
        drill = self._recall(self.rv1, recall_type="drill")
        self.assertEqual(drill.next_step, "block")
        drill.with_user(self.manager).action_block_stock()
        self.assertEqual(drill.next_step, "close")

    def test_smart_buttons_open_the_lists(self):
        recall = self._recall(self.rv1)
        for method, model, records in (
            ("action_view_lots", "recall.lot", recall.lot_ids),
            ("action_view_customers", "recall.customer", recall.customer_ids),
        ):
            action = rpc(self.env, self.reader, "recall.recall", method, [recall.ids])
            self.assertEqual(action["res_model"], model)
            self.assertEqual(
                self.env[model].with_user(self.reader).search(action["domain"]), records
            )


@tagged("post_install", "-at_install")
class TestRecallFormTour(RecallFormCommon, HttpCase):
    def test_recall_form_tour(self):
        recall = self._recall(self.rv1, consumer_instructions=INSTRUCTIONS)
        self.start_tour(
            f"/odoo/recall.recall/{recall.id}",
            "recall_management_recall_form_tour",
            login=self.manager.login,
        )
        self.assertEqual(recall.state, "in_progress")
        self.assertTrue(all(recall.customer_ids.mapped("date_notified")))
        self.assertEqual(len(self._notice_mails(recall)), 2)
        self.assertEqual(recall.next_step, "track")
