# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.quality_traceability.controllers.main import rate_limiter

from .test_recall import RecallCommon

UNDER_RECALL = "Under recall"
REASON = "Resin batch RB-7731 contaminated at the supplier"
HAZARD = "Shards HZ-5521 in the bottle wall"
ROOT_CAUSE = "Mould RC-8812 worn out"
INSTRUCTIONS = "Stop using the bottle and bring it back to the shop."
FALLBACK = "Stop using this product and contact the seller for instructions."


@tagged("post_install", "-at_install")
class TestPublicRecall(RecallCommon, HttpCase):
    """What the public page of a lot tells consumers of its recalls: nothing while
    the recall is internal (scoped, stock blocked), the consumer instructions once
    the customers are notified, never the recall's reason, hazard or root cause,
    and never anything of a mock recall drill."""

    def setUp(self):
        super().setUp()
        # The public lookups of every test count from zero (per process).
        rate_limiter.reset()
        self.addCleanup(rate_limiter.reset)

    def _public_recall(self, **values):
        return self._recall(
            self.rv1,
            **dict(
                {"reason": REASON, "hazard": HAZARD, "root_cause": ROOT_CAUSE}, **values
            ),
        )

    def page(self, lot):
        response = self.url_open(f"/trace/{lot.trace_code}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(lot.name, response.text)
        for internal in (REASON, HAZARD, ROOT_CAUSE, "RB-7731", "HZ-5521", "RC-8812"):
            self.assertNotIn(internal, response.text)
        return response.text

    def assert_no_recall(self, lot):
        html = self.page(lot)
        self.assertNotIn(UNDER_RECALL, html)
        self.assertNotIn("o_traceability_recall", html)
        self.assertNotIn("recall", lot._traceability_public_values())
        return html

    def assert_recall(self, lot, message):
        html = self.page(lot)
        self.assertIn(UNDER_RECALL, html)
        self.assertIn(message, html)
        self.assertEqual(
            lot._traceability_public_values()["recall"]["message"], message
        )
        return html

    def test_scoped_recall_stays_internal_until_customers_are_notified(self):
        recall = self._public_recall(consumer_instructions=INSTRUCTIONS)
        self.assertEqual(recall.state, "scoped")
        self.assertIn(self.serials[0], recall.lot_ids.lot_id)
        self.assert_no_recall(self.serials[0])
        recall.with_user(self.manager).action_block_stock()
        self.assertEqual(recall.state, "in_progress")
        self.assert_no_recall(self.serials[0])
        self.assertFalse(recall.customer_ids.filtered("date_notified"))

        recall.with_user(self.manager).action_notify_customers()
        self.assertTrue(all(recall.customer_ids.mapped("date_notified")))
        for lot in (self.serials[0], self.serials[1], self.rv1):
            self.assert_recall(lot, INSTRUCTIONS)
        # Not in the scope.
        self.assert_no_recall(self.rs2)

        recall.with_user(self.manager).action_cancel()
        self.assertEqual(recall.state, "cancel")
        self.assert_no_recall(self.serials[0])

    def test_notified_recall_without_instructions_never_shows_its_reason(self):
        recall = self._public_recall(recall_type="withdrawal")
        self.assertFalse(recall.consumer_instructions)
        # No notice goes out without the consumer instructions...
        with self.assertRaisesRegex(UserError, "consumer instructions"):
            recall.with_user(self.manager).action_notify_customers()
        self.assert_no_recall(self.serials[0])
        recall.consumer_instructions = INSTRUCTIONS
        recall.with_user(self.manager).action_notify_customers()
        # ...and they are not taken away afterwards.
        with self.assertRaises(UserError):
            recall.with_user(self.manager).consumer_instructions = " "
        self.assert_recall(self.serials[0], INSTRUCTIONS)
        # A recall notified before the instructions were required: the page
        # says what to do in general, never the internal reason.
        recall.sudo().consumer_instructions = False
        self.assert_recall(self.serials[0], FALLBACK)

    def test_digital_link_recall_status_once_notified(self):
        """GS1-Conformant resolver: the linkset of a lot lists a
        ``gs1:recallStatus`` link (the public page, which shows the recall)
        once its customers are notified; ``linkType=gs1:recallStatus`` then
        redirects (307) to it."""
        serial = self.serials[0]
        serial.product_id.barcode = "6901234560114"
        link = f"/01/06901234560114/21/{serial.name}"
        status = "https://gs1.org/voc/recallStatus"

        def linkset():
            response = self.url_open(f"{link}?linkType=all")
            self.assertEqual(response.status_code, 200)
            return response.json()["linkset"][0]

        recall = self._public_recall(consumer_instructions=INSTRUCTIONS)
        recall.with_user(self.manager).action_block_stock()
        self.assertNotIn(status, linkset())
        recall.with_user(self.manager).action_notify_customers()
        context = linkset()
        self.assertEqual(context[status][0]["href"], f"{context['anchor']}#recall")
        for internal in (REASON, HAZARD, ROOT_CAUSE):
            self.assertNotIn(internal, str(context))
        response = self.url_open(
            f"{link}?linkType=gs1:recallStatus", allow_redirects=False
        )
        self.assertEqual(response.status_code, 307)
        self.assertEqual(response.headers["Location"], f"{context['anchor']}#recall")
        recall.with_user(self.manager).action_cancel()
        self.assertNotIn(status, linkset())

    def test_drill_never_shows(self):
        drill = self._public_recall(
            recall_type="drill", consumer_instructions="Drill DR-4410 instructions"
        )
        with self.assertRaises(UserError):
            drill.with_user(self.manager).action_notify_customers()
        # Even with notices marked as sent, a drill stays internal.
        drill.customer_ids.sudo().write({"date_notified": fields.Datetime.now()})
        # A real recall of the same lot, scoped but not announced yet.
        recall = self._public_recall(consumer_instructions=INSTRUCTIONS)
        html = self.assert_no_recall(self.serials[0])
        self.assertNotIn("DR-4410", html)
        recall.with_user(self.manager).action_notify_customers()
        html = self.assert_recall(self.serials[0], INSTRUCTIONS)
        self.assertNotIn("DR-4410", html)
