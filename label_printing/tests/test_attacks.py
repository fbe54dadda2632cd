# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on label printing, each made as the attacking user over the RPC path
(``get_public_method`` + ``call_kw`` in that user's own environment)."""

import base64
import hashlib
import io
import socket
import threading
import time

from odoo import api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user

from ..models.label_printer import PRINTER_TIMEOUT
from .common import LabelCommon
from .fake_printer import FakePrinter, free_port


class StallingPrinter:
    """A TCP server on 127.0.0.1 that accepts connections and never reads from
    them nor answers (with a small receive buffer, so a sender soon blocks).
    It drops a connection after ``hold`` seconds, so that no sender waits
    forever even without a timeout of its own."""

    def __init__(self, hold=40.0):
        self.hold = hold
        self.connections = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(5)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        held = []
        while not self._stop.is_set():
            try:
                connection, _address = self._server.accept()
            except OSError:
                connection = None
            if connection:
                self.connections.append(connection)
                held.append((time.monotonic(), connection))
            while held and time.monotonic() - held[0][0] > self.hold:
                held.pop(0)[1].close()
        for _accepted, connection in held:
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self._server.close()


class TestLabelAttacks(LabelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakePrinter()
        cls.addClassCleanup(cls.fake.close)
        cls.printer = cls.env["label.printer"].create(
            {
                "name": "Line Zebra",
                "host": "127.0.0.1",
                "port": cls.fake.port,
                "timeout": 2,
            }
        )
        cls.admin = new_test_user(
            cls.env,
            login="label_admin",
            groups="base.group_system,quality_traceability.group_traceability_manager",
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def rpc(self, user, model, method, args, kwargs=None, context=None):
        """Call ``model.method`` as ``user`` does through the RPC layer (a failed
        call rolls back what it did, as the layer's transaction does)."""
        env = self.env(user=user.id, su=False)
        context = dict(
            env["res.users"].context_get(),
            allowed_company_ids=[user.company_id.id],
            **(context or {}),
        )
        records = env[model]
        get_public_method(records, method)
        with self.env.cr.savepoint():
            return api.call_kw(
                records, method, args, dict(kwargs or {}, context=context)
            )

    def print_as(self, user, lots, output="zpl", printer=None, copies=1):
        """Print ``lots`` with the wizard as ``user``; the new job."""
        context = {"active_model": "stock.lot", "active_ids": lots.ids}
        values = {"output": output, "copies": copies}
        if printer:
            values["printer_id"] = printer.id
        wizard_id = self.rpc(
            user, "label.print.wizard", "create", [values], context=context
        )
        self.rpc(user, "label.print.wizard", "action_print", [[wizard_id]])
        return self.env["label.print.log"].search([], limit=1)

    def snapshot(self, log):
        log.invalidate_recordset()
        return log.read(
            [
                "state",
                "error",
                "printer_id",
                "attachment_id",
                "payload_sha256",
                "copies",
                "label_count",
                "user_id",
                "company_id",
            ]
        )

    def received_after(self, before, wait=0.5):
        """What the recording printer got after ``before`` jobs, waiting at most
        ``wait`` seconds for more."""
        return self.fake.wait(before + 1, timeout=wait)[before:]

    # ------------------------------------------------------------------
    # The print log is append-only
    # ------------------------------------------------------------------
    def test_user_cannot_forge_a_print_job(self):
        """A user creating a queued job on his own file gets nothing printed."""
        payload = base64.b64encode(b"^XA^FO10,10^FDforged^FS^XZ").decode()
        attachment_id = self.rpc(
            self.trace_user,
            "ir.attachment",
            "create",
            [{"name": "forged.zpl", "datas": payload}],
        )
        logs_before = self.env["label.print.log"].search_count([])
        for user in (self.trace_user, self.trace_manager, self.admin):
            with self.assertRaises(AccessError):
                self.rpc(
                    user,
                    "label.print.log",
                    "create",
                    [
                        {
                            "output": "printer",
                            "state": "queued",
                            "printer_id": self.printer.id,
                            "attachment_id": attachment_id,
                        }
                    ],
                    # No context key opens the log.
                    context={"install_mode": True, "module": "label_printing"},
                )
        self.assertEqual(self.env["label.print.log"].search_count([]), logs_before)
        before = len(self.fake.received)
        self.env["label.print.log"]._cron_send_queued()
        self.assertEqual(self.received_after(before), [])

    def test_nobody_changes_or_deletes_a_print_job(self):
        log = self.print_as(self.trace_user, self.serials[:1])
        self.assertEqual(log.state, "done")
        original = self.snapshot(log)
        own_file = self.env["ir.attachment"].create(
            {"name": "other.zpl", "raw": b"^XA^FDother^FS^XZ"}
        )
        changes = [
            {"state": "queued"},
            {"attachment_id": own_file.id},
            {"payload_sha256": hashlib.sha256(own_file.raw).hexdigest()},
            {"output": "printer", "printer_id": self.printer.id},
            {"copies": 1000, "label_count": 1000},
            {"user_id": self.trace_manager.id},
        ]
        for user in (self.trace_user, self.trace_manager, self.admin):
            for vals in changes:
                with self.assertRaises(AccessError):
                    self.rpc(
                        user,
                        "label.print.log",
                        "write",
                        [log.ids, vals],
                        context={"install_mode": True, "tracking_disable": True},
                    )
            with self.assertRaises(AccessError):
                self.rpc(user, "label.print.log", "unlink", [log.ids])
            with self.assertRaises(AccessError):
                self.rpc(user, "label.print.log", "copy", [log.ids])
        self.assertEqual(self.snapshot(log), original)

    def test_user_cannot_change_the_file_of_a_job(self):
        log = self.print_as(self.trace_user, self.serials[:1])
        attachment = log.attachment_id
        content = attachment.raw
        evil = base64.b64encode(b"^XA^FDevil^FS^XZ").decode()
        with self.assertRaises(AccessError):
            self.rpc(
                self.trace_user,
                "ir.attachment",
                "write",
                [attachment.ids, {"datas": evil}],
            )
        with self.assertRaises(AccessError):
            self.rpc(
                self.trace_user,
                "ir.attachment",
                "create",
                [
                    {
                        "name": "labels.zpl",
                        "datas": evil,
                        "res_model": "label.print.log",
                        "res_id": log.id,
                    }
                ],
            )
        with self.assertRaises(AccessError):
            self.rpc(self.trace_user, "ir.attachment", "unlink", [attachment.ids])
        attachment.invalidate_recordset()
        self.assertEqual(attachment.raw, content)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "label.print.log"), ("res_id", "=", log.id)]
            ),
            1,
        )

    # ------------------------------------------------------------------
    # Only what the renderer made is sent
    # ------------------------------------------------------------------
    def failed_job(self, lots):
        """A printer job of ``lots`` whose printer was off, as the user made it."""
        printer = self.env["label.printer"].create(
            {"name": "Off", "host": "127.0.0.1", "port": free_port(), "timeout": 1}
        )
        log = self.print_as(self.trace_user, lots, "printer", printer)
        self.assertEqual(log.state, "failed")
        self.assertIn("cannot be reached", log.error)
        # The administrator brings the printer back.
        printer.port = self.fake.port
        return log

    def test_altered_file_is_never_sent(self):
        log = self.failed_job(self.serials[:1])
        rendered = log.attachment_id.raw
        self.assertEqual(log.payload_sha256, hashlib.sha256(rendered).hexdigest())
        # The file changes by a way around the ORM's rights (file store, SQL,
        # an administrator's tool...).
        log.attachment_id.raw = b"^XA^FO10,10^FDaltered^FS^XZ"
        log.invalidate_recordset()
        before = len(self.fake.received)
        self.rpc(self.trace_user, "label.print.log", "action_retry", [log.ids])
        self.env["label.print.log"]._cron_send_queued()
        self.assertEqual(self.received_after(before), [])
        log.invalidate_recordset()
        self.assertEqual(log.state, "failed")
        self.assertIn("changed or removed", log.error)
        # A removed file is not rendered again into the same job either.
        log.attachment_id.unlink()
        self.rpc(self.trace_user, "label.print.log", "action_retry", [log.ids])
        self.assertEqual(self.received_after(before), [])
        self.assertEqual(log.state, "failed")

        # The same retry of an untouched job sends exactly what was rendered.
        log = self.failed_job(self.serials[1:])
        rendered = log.attachment_id.raw
        before = len(self.fake.received)
        self.rpc(self.trace_user, "label.print.log", "action_retry", [log.ids])
        self.assertEqual(self.received_after(before, wait=5), [rendered])
        log.invalidate_recordset()
        self.assertEqual((log.state, log.error), ("done", False))

    # ------------------------------------------------------------------
    # Printers: where the server connects to, and for how long
    # ------------------------------------------------------------------
    def test_only_administrators_set_printer_host_and_port(self):
        printers_before = self.env["label.printer"].search_count([])
        for user in (self.trace_user, self.trace_manager):
            with self.assertRaises(AccessError):
                self.rpc(
                    user,
                    "label.printer",
                    "create",
                    [{"name": "Metadata", "host": "169.254.169.254", "port": 80}],
                )
            for vals in ({"host": "10.0.0.1"}, {"port": 22}):
                with self.assertRaises(AccessError):
                    self.rpc(
                        user,
                        "label.printer",
                        "write",
                        [self.printer.ids, vals],
                        context={"install_mode": True},
                    )
            with self.assertRaises(AccessError):
                self.rpc(
                    user,
                    "label.printer",
                    "copy",
                    [self.printer.ids, {"host": "10.0.0.1"}],
                )
        self.assertEqual(self.env["label.printer"].search_count([]), printers_before)
        self.printer.invalidate_recordset()
        self.assertEqual(
            (self.printer.host, self.printer.port), ("127.0.0.1", self.fake.port)
        )
        # The manager still keeps the rest of the printer up to date.
        self.rpc(
            self.trace_manager,
            "label.printer",
            "write",
            [self.printer.ids, {"name": "Line Zebra 2", "max_width": 100}],
        )
        self.assertEqual(self.printer.name, "Line Zebra 2")
        # An administrator sets host and port.
        printer_id = self.rpc(
            self.admin,
            "label.printer",
            "create",
            [{"name": "Dock", "host": "127.0.0.1", "port": 9100}],
        )
        self.rpc(self.admin, "label.printer", "write", [[printer_id], {"port": 9101}])
        self.assertEqual(self.env["label.printer"].browse(printer_id).port, 9101)

    def test_printer_timeout_is_bounded(self):
        with self.assertRaises(ValidationError):
            self.rpc(
                self.trace_manager,
                "label.printer",
                "write",
                [self.printer.ids, {"timeout": 3600}],
            )
        self.printer.invalidate_recordset()
        self.assertEqual(self.printer.timeout, 2)
        self.assertEqual(PRINTER_TIMEOUT, 10)

    def test_printer_that_never_reads_does_not_hold_the_job(self):
        """A printer that accepts the connection and never reads: the job fails
        within the timeout of the connection plus that of the send."""
        stalling = StallingPrinter()
        self.addCleanup(stalling.close)
        printer = self.env["label.printer"].create(
            {
                "name": "Stuck",
                "host": "127.0.0.1",
                "port": stalling.port,
                "timeout": 1,
            }
        )
        # A black 1920 x 1920 company logo on a 600 dpi label: about 0.9 MB of
        # ZPL per label, 30 labels, far more than the socket buffers hold.
        from PIL import Image

        image = io.BytesIO()
        Image.new("L", (1920, 1920), 0).save(image, format="PNG")
        self.env.company.logo = base64.b64encode(image.getvalue())
        template = self.env["label.template"].create(
            {
                "name": "Logo",
                "label_type": "lot",
                "width": 90,
                "height": 90,
                "dpi": "600",
                "element_ids": [
                    (0, 0, {"kind": "logo", "x": 2, "y": 2, "width": 85, "height": 85})
                ],
            }
        )
        lots = self.env["stock.lot"].create(
            [{"name": f"BIG-{n}", "product_id": self.finished.id} for n in range(30)]
        )
        context = {"active_model": "stock.lot", "active_ids": lots.ids}
        wizard_id = self.rpc(
            self.trace_user,
            "label.print.wizard",
            "create",
            [
                {
                    "output": "printer",
                    "template_id": template.id,
                    "printer_id": printer.id,
                }
            ],
            context=context,
        )
        start = time.monotonic()
        action = self.rpc(
            self.trace_user, "label.print.wizard", "action_print", [[wizard_id]]
        )
        elapsed = time.monotonic() - start
        log = self.env["label.print.log"].search([], limit=1)
        self.assertGreater(len(log.attachment_id.raw), 20_000_000)
        self.assertEqual(len(stalling.connections), 1, "the printer took the call")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(log.state, "failed")
        self.assertIn("timed out", log.error)
        # Connection and send each wait at most the timeout (1 s), plus the
        # rendering of the labels.
        self.assertLess(elapsed, 2 * printer.timeout + 8)

        # A printer whose timeout was stored before it was bounded still waits
        # no more than PRINTER_TIMEOUT.
        self.env.cr.execute(
            "UPDATE label_printer SET timeout = 3600 WHERE id = %s", [printer.id]
        )
        printer.invalidate_recordset(["timeout"])
        start = time.monotonic()
        self.rpc(self.trace_user, "label.print.log", "action_retry", [log.ids])
        elapsed = time.monotonic() - start
        self.assertEqual(len(stalling.connections), 2)
        self.assertEqual(log.state, "failed")
        self.assertIn("timed out", log.error)
        self.assertLess(elapsed, 2 * PRINTER_TIMEOUT + 5)
        self.assertLess(2 * PRINTER_TIMEOUT + 5, stalling.hold)

    # ------------------------------------------------------------------
    # Limits of copies and serial numbers
    # ------------------------------------------------------------------
    def test_copies_are_limited(self):
        context = {"active_model": "stock.lot", "active_ids": self.serials.ids}
        wizards = self.env["label.print.wizard"].search_count([])
        logs = self.env["label.print.log"].search_count([])
        for copies in (1001, 10**9, 0):
            with self.assertRaisesRegex(ValidationError, "between 1 and 1000 copies"):
                self.rpc(
                    self.trace_user,
                    "label.print.wizard",
                    "create",
                    [{"output": "zpl", "copies": copies}],
                    context=context,
                )
        self.assertEqual(self.env["label.print.wizard"].search_count([]), wizards)
        wizard_id = self.rpc(
            self.trace_user,
            "label.print.wizard",
            "create",
            [{"output": "zpl", "copies": 1000}],
            context=context,
        )
        with self.assertRaisesRegex(ValidationError, "between 1 and 1000 copies"):
            self.rpc(
                self.trace_user,
                "label.print.wizard",
                "write",
                [[wizard_id], {"copies": 1001}],
            )
        self.assertEqual(self.env["label.print.wizard"].browse(wizard_id).copies, 1000)
        self.assertEqual(self.env["label.print.log"].search_count([]), logs)
        # The Print menu's report takes its copies from the context.
        report = self.template._ensure_report()
        with self.assertRaises(Exception) as catch:
            self.env["ir.actions.report"].with_user(self.trace_user).with_context(
                label_copies=10**6
            )._render_qweb_html(report, self.serials.ids)
        error = catch.exception
        while not isinstance(error, UserError) and error.__cause__:
            error = error.__cause__
        self.assertIsInstance(error, UserError)
        self.assertIn("between 1 and 1000 copies", str(error))

    def test_serial_numbers_are_limited(self):
        lots = self.env["stock.lot"].search_count([])
        wizards = self.env["label.serial.wizard"].search_count([])
        for quantity in (10001, 10**7, 0):
            with self.assertRaisesRegex(
                ValidationError, "between 1 and 10000 serial numbers"
            ):
                self.rpc(
                    self.trace_user,
                    "label.serial.wizard",
                    "create",
                    [{"product_id": self.finished.id, "quantity": quantity}],
                )
        wizard_id = self.rpc(
            self.trace_user,
            "label.serial.wizard",
            "create",
            [{"product_id": self.finished.id, "quantity": 2, "output": "zpl"}],
        )
        with self.assertRaisesRegex(
            ValidationError, "between 1 and 10000 serial numbers"
        ):
            self.rpc(
                self.trace_user,
                "label.serial.wizard",
                "write",
                [[wizard_id], {"quantity": 10001}],
            )
        self.assertEqual(self.env["label.serial.wizard"].search_count([]), wizards + 1)
        self.assertEqual(self.env["label.serial.wizard"].browse(wizard_id).quantity, 2)
        self.assertEqual(self.env["stock.lot"].search_count([]), lots)

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_other_company_label_records_are_out_of_reach(self):
        other = self.env["res.company"].create({"name": "Other Labels Co"})
        template = self.template.copy(
            {"name": "Other label", "company_id": other.id, "is_default": False}
        )
        template.rule_ids = [(0, 0, {"product_id": self.finished.id})]
        printer = self.env["label.printer"].create(
            {
                "name": "Other printer",
                "host": "127.0.0.1",
                "port": 9100,
                "company_id": other.id,
            }
        )
        log = (
            self.env["label.print.log"]
            .with_company(other)
            ._print(template, self.serials[:1], "zpl")
        )
        self.assertEqual(log.company_id, other)
        elements, rules = template.element_ids, template.rule_ids
        self.assertEqual(elements.company_id | rules.company_id, other)
        records = {
            "label.template": template,
            "label.template.element": elements,
            "label.template.rule": rules,
            "label.printer": printer,
            "label.print.log": log,
        }
        for model, record in records.items():
            found = self.rpc(
                self.trace_manager,
                model,
                "search_read",
                [[("id", "in", record.ids)]],
                {"fields": ["id"]},
            )
            self.assertEqual(found, [], model)
            with self.assertRaises(AccessError, msg=model):
                self.rpc(
                    self.trace_manager, model, "read", [record.ids, ["display_name"]]
                )
        element = elements[:1]
        prefix = element.prefix
        with self.assertRaises(AccessError):
            self.rpc(
                self.trace_manager,
                "label.template.element",
                "write",
                [element.ids, {"prefix": "X "}],
            )
        with self.assertRaises(AccessError):
            self.rpc(
                self.trace_manager,
                "label.template.rule",
                "unlink",
                [rules.ids],
            )
        with self.assertRaises(AccessError):
            self.rpc(
                self.trace_manager,
                "label.template.element",
                "create",
                [{"template_id": template.id, "kind": "text", "text": "X"}],
            )
        element.invalidate_recordset()
        self.assertEqual(element.prefix, prefix)
        self.assertTrue(rules.exists())
        self.assertEqual(template.element_ids, elements)
        # Serial numbers are not generated for a company of someone else.
        with self.assertRaises(AccessError):
            self.rpc(
                self.trace_user,
                "label.serial.wizard",
                "create",
                [
                    {
                        "product_id": self.finished.id,
                        "quantity": 1,
                        "company_id": other.id,
                    }
                ],
            )
        self.assertFalse(
            self.env["label.serial.wizard"].search([("company_id", "=", other.id)])
        )
