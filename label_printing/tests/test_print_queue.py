# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.quality_traceability.tests.common import rpc

from .common import LabelCommon
from .fake_printer import FakePrinter, free_port


class TestPrintQueue(LabelCommon):
    """Automatic prints: out right after the transaction that caused them
    commits (a trigger of the sending action, made in that transaction), never
    after a rollback, once per event and template, tried again when the printer
    is away, then failed where a user sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakePrinter()
        cls.addClassCleanup(cls.fake.close)
        cls.printer = cls.env["label.printer"].create(
            {"name": "Line Printer", "host": "127.0.0.1", "port": cls.fake.port}
        )
        cls.template.printer_id = cls.printer
        cls.env.company.label_auto_print_production = True
        cls.cron = cls.env.ref("label_printing.ir_cron_label_send_queued")
        cls.Log = cls.env["label.print.log"]

    def rpc_as(self, user, records, method):
        return rpc(self.env, user, records._name, method, [records.ids])

    def triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def produce(self, name):
        return self.flows.produce(
            self.finished, 1, name, {self.semi: [(self.shell_lot, 1)]}
        )

    def test_done_order_triggers_the_sending_in_its_transaction(self):
        triggers_before = self.triggers()
        production = self.produce("SN-Q1")
        job = self.Log.search([("state", "=", "queued")])
        self.assertEqual(job.lot_ids, production.lot_producing_id)
        self.assertEqual(job.event_key, f"mrp.production,{production.id},done")
        # The sending action is due now, not at its next 5-minute run.
        new_triggers = self.triggers() - triggers_before
        self.assertEqual(len(new_triggers), 1)
        self.assertLessEqual(new_triggers.call_at, fields.Datetime.now())
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.attempt_count, 1)
        self.assertIn(b"SN-Q1", self.fake.wait(before + 1)[before])

    def test_manufacturing_user_outside_our_groups_marks_done(self):
        """Automatic printing stops no standard work: an MRP user who may not
        read label templates marks the order done and its labels are queued."""
        mrp_user = new_test_user(
            self.env,
            "print_mrp_user",
            groups="mrp.group_mrp_user,stock.group_stock_user",
        )
        production = self.env["mrp.production"].create(
            {"product_id": self.finished.id, "product_qty": 1}
        )
        production.action_confirm()
        serial = self.env["stock.lot"].create(
            {"name": "SN-QU", "product_id": self.finished.id}
        )
        production.write({"lot_producing_id": serial.id, "qty_producing": 1})
        self.flows.set_move_lots(production.move_raw_ids, [(self.shell_lot, 1)])
        result = self.rpc_as(mrp_user, production, "button_mark_done")
        self.assertIs(result, True)
        self.assertEqual(production.state, "done")
        job = self.Log.search([("state", "=", "queued")])
        self.assertEqual(job.lot_ids, serial)
        self.assertEqual(job.user_id, mrp_user)

    def test_rolled_back_order_prints_nothing(self):
        triggers_before = self.triggers()
        jobs_before = self.Log.search([])
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self.produce("SN-Q2")
            self.assertTrue(self.Log.search([("state", "=", "queued")]))
            raise RuntimeError("the transaction fails after the order was done")
        self.env.invalidate_all()
        self.assertEqual(self.Log.search([]), jobs_before)
        self.assertEqual(self.triggers(), triggers_before)
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        self.assertEqual(len(self.fake.received), before)

    def test_one_job_per_event_and_template(self):
        production = self.produce("SN-Q3")
        job = self.Log.search([("state", "=", "queued")])
        # The event replayed (a retried request, a second call of the hook).
        self.assertFalse(production._label_queue_finished_lots())
        self.assertEqual(self.Log.search([("state", "=", "queued")]), job)
        # Nor can a second job for the same event and template be forced in.
        vals = self.Log._prepare_log(
            self.template, production.lot_producing_id, "printer", 1, self.printer
        )
        vals.update(state="queued", event_key=job.event_key)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Log.sudo().create(vals)
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        self.cron.method_direct_trigger()
        self.assertEqual(len(self.fake.wait(before + 1)), before + 1)

    def test_retried_transaction_prints_once(self):
        """A transaction retried after a concurrency error runs its code again:
        the first try is rolled back with its job, the second leaves one."""
        for _attempt in range(2):
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.produce("SN-Q4")
                raise RuntimeError("serialization failure: Odoo retries")
        self.env.invalidate_all()
        self.produce("SN-Q4")
        jobs = self.Log.search([("state", "=", "queued")])
        self.assertEqual(len(jobs), 1)
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        received = self.fake.wait(before + 1)[before:]
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0].count(b"^XA"), 1)

    def test_absent_printer_is_tried_again_then_failed(self):
        self.printer.write({"port": free_port(), "timeout": 1})
        production = self.produce("SN-Q5")
        job = self.Log.search([("state", "=", "queued")])
        for attempt in (1, 2):
            triggers_before = self.triggers()
            self.cron.method_direct_trigger()
            self.assertEqual(
                (job.state, job.attempt_count), ("queued", attempt), attempt
            )
            self.assertIn("cannot be reached", job.error)
            self.assertGreater(job.next_attempt, fields.Datetime.now())
            # Its next try is scheduled, not left to the 5-minute run.
            self.assertEqual(
                (self.triggers() - triggers_before).call_at, job.next_attempt
            )
            # Not due yet: the action leaves it alone.
            self.cron.method_direct_trigger()
            self.assertEqual(job.attempt_count, attempt)
            job.sudo().next_attempt = fields.Datetime.now()
        self.cron.method_direct_trigger()
        self.assertEqual((job.state, job.attempt_count), ("failed", 3))
        # The user's retry once the printer is back.
        self.printer.port = self.fake.port
        before = len(self.fake.received)
        job.with_user(self.trace_user).action_retry()
        self.assertEqual(job.state, "done")
        self.assertIn(
            production.lot_producing_id.name.encode(),
            self.fake.wait(before + 1)[before],
        )

    def test_job_left_sending_is_not_sent_again_by_itself(self):
        """A job whose printer's answer was lost (the server stopped after the
        bytes left) stays "sending": the action never sends it again; a user
        who has checked the labels may."""
        self.produce("SN-Q6")
        job = self.Log.search([("state", "=", "queued")])
        job.sudo().write({"state": "sending", "attempt_count": 1})
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        self.assertEqual(len(self.fake.received), before)
        self.assertEqual(job.state, "sending")
        # Maybe being sent at this moment: no retry yet.
        with self.assertRaisesRegex(UserError, "being sent now"):
            job.with_user(self.trace_user).action_retry()
        self.assertEqual(len(self.fake.received), before)
        # Its sending long over (twice the printer's timeout, at least a minute).
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE label_print_log SET write_date = write_date - interval '2 minutes'"
            " WHERE id = %s",
            [job.id],
        )
        job.invalidate_recordset(["write_date"])
        job.with_user(self.trace_user).action_retry()
        self.assertEqual((job.state, job.attempt_count), ("done", 2))
        self.assertEqual(len(self.fake.wait(before + 1)), before + 1)

    def test_job_without_template_fails_without_holding_the_queue(self):
        first = self.produce("SN-Q7")
        second = self.produce("SN-Q8")
        jobs = self.Log.search([("state", "=", "queued")], order="id")
        self.assertEqual(len(jobs), 2)
        jobs[0].attachment_id.sudo().unlink()
        jobs[0].sudo().write({"template_id": False, "payload_sha256": False})
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        self.assertEqual(jobs[0].state, "failed")
        self.assertEqual(jobs[1].state, "done")
        received = self.fake.wait(before + 1)[before:]
        self.assertIn(second.lot_producing_id.name.encode(), received[0])
        self.assertNotIn(first.lot_producing_id.name.encode(), b"".join(received))
