# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on automatic label printing (README "Trust model": *Labels printed
by an event*): one job per event and template, written by the system path
only, over the RPC path of each user."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.quality_traceability.tests.common import rpc

from .common import LabelCommon
from .fake_printer import FakePrinter


@tagged("post_install", "-at_install")
class TestPrintQueueAttacks(LabelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakePrinter()
        cls.addClassCleanup(cls.fake.close)
        cls.printer = cls.env["label.printer"].create(
            {"name": "ATK Line Printer", "host": "127.0.0.1", "port": cls.fake.port}
        )
        cls.template.printer_id = cls.printer
        cls.env.company.label_auto_print_production = True
        cls.cron = cls.env.ref("label_printing.ir_cron_label_send_queued")
        cls.Log = cls.env["label.print.log"]

    def produce(self, name):
        return self.flows.produce(
            self.finished, 1, name, {self.semi: [(self.shell_lot, 1)]}
        )

    def test_system_path_is_not_callable_remotely(self):
        """Guard. Queuing, sending and the scheduled action are private: no
        user (not even a manager) reaches them over RPC."""
        job = self.Log.browse()
        for user in (self.trace_user, self.trace_manager):
            for method, args in (
                ("_queue_lot_labels", [self.serials.ids, "mrp.production,1,done"]),
                ("_cron_send_queued", []),
                ("_run", []),
                ("_set_state", ["done"]),
            ):
                with self.assertRaises(AccessError, msg=(user.login, method)):
                    rpc(self.env, user, "label.print.log", method, args)
        self.assertEqual(self.Log.search([]), job)

    def test_event_key_cannot_be_forged(self):
        """Guard. A job's event key is written by the system path only: a user
        cannot take the key of an event to come (the next manufacturing order)
        to block its labels, nor move a job's key."""
        production = self.env["mrp.production"].search([], order="id desc", limit=1)
        next_key = f"mrp.production,{production.id + 1},done"
        for user in (self.trace_user, self.trace_manager):
            with self.assertRaises(AccessError, msg=user.login):
                rpc(
                    self.env,
                    user,
                    "label.print.log",
                    "create",
                    [
                        {
                            "template_id": self.template.id,
                            "output": "printer",
                            "state": "done",
                            "event_key": next_key,
                            "printer_id": self.printer.id,
                        }
                    ],
                )
        self.assertFalse(self.Log.search([("event_key", "=", next_key)]))
        made = self.produce("SN-ATK-Q1")
        job = self.Log.search([("state", "=", "queued")])
        self.assertEqual(job.event_key, f"mrp.production,{made.id},done")
        for user in (self.trace_user, self.trace_manager):
            for vals in ({"event_key": next_key}, {"state": "done"}):
                with self.assertRaises(AccessError, msg=(user.login, vals)):
                    rpc(self.env, user, "label.print.log", "write", [job.ids, vals])
        self.assertEqual(
            (job.event_key, job.state), (f"mrp.production,{made.id},done", "queued")
        )
        before = len(self.fake.received)
        self.cron.method_direct_trigger()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(self.fake.wait(before + 1)), before + 1)

    def test_retry_of_a_done_job_prints_nothing(self):
        """Guard. Retry sends failed, queued and stuck jobs only: a user's retry
        of a job already printed sends nothing."""
        self.produce("SN-ATK-Q2")
        job = self.Log.search([("state", "=", "queued")])
        self.cron.method_direct_trigger()
        self.assertEqual(job.state, "done")
        before = len(self.fake.wait(1))
        rpc(self.env, self.trace_user, "label.print.log", "action_retry", [job.ids])
        self.assertEqual(self.fake.wait(before + 1, timeout=0.5)[before:], [])
        self.assertEqual((job.state, job.attempt_count), ("done", 1))

    def test_own_printer_of_another_company_gets_nothing(self):
        """Guard. ``label_printer_id`` is a field users write on themselves (in
        superuser mode, SELF_WRITEABLE_FIELDS): one naming another company's
        printer is refused, or never chosen for this company's labels."""
        other = self.env["res.company"].create({"name": "ATK Other Labels Co"})
        foreign = self.env["label.printer"].create(
            {
                "name": "ATK foreign printer",
                "host": "127.0.0.1",
                "port": self.fake.port,
                "company_id": other.id,
            }
        )
        mrp_user = new_test_user(
            self.env,
            "atk_print_mrp_user",
            groups="mrp.group_mrp_user,stock.group_stock_user,"
            "quality_traceability.group_traceability_user",
        )
        try:
            rpc(
                self.env,
                mrp_user,
                "res.users",
                "write",
                [mrp_user.ids, {"label_printer_id": foreign.id}],
            )
        except UserError:
            self.assertFalse(mrp_user.label_printer_id)
            return
        self.template.printer_id = False
        self.env.company.label_printer_id = self.printer
        production = self.env["mrp.production"].create(
            {"product_id": self.finished.id, "product_qty": 1}
        )
        production.action_confirm()
        serial = self.env["stock.lot"].create(
            {"name": "SN-ATK-Q3", "product_id": self.finished.id}
        )
        production.write({"lot_producing_id": serial.id, "qty_producing": 1})
        self.flows.set_move_lots(production.move_raw_ids, [(self.shell_lot, 1)])
        self.assertIs(
            rpc(
                self.env,
                mrp_user,
                "mrp.production",
                "button_mark_done",
                [production.ids],
            ),
            True,
        )
        job = self.Log.search([("lot_ids", "in", serial.ids)])
        self.assertEqual(job.printer_id, self.printer)
        self.assertNotEqual(job.printer_id, foreign)
        self.assertEqual(job.lot_ids, serial)
        self.assertFalse(job.lot_ids - serial)
        self.assertTrue(job.event_key)
