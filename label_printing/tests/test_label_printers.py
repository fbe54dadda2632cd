# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import LabelCommon
from .fake_ipp_printer import FakeIppPrinter
from .fake_printer import FakePrinter, free_port

# A fake lp(1): records its arguments and the job (its standard input) beside
# it, and fails like CUPS when its queue is "missing".
FAKE_LP = """#!/bin/sh
DIR=$(/usr/bin/dirname "$0")
echo "$@" > "$DIR/args"
/bin/cat > "$DIR/job"
case "$2" in missing) echo "lp: The printer or class does not exist." >&2; exit 1;;
esac
echo "request id is $2-1 (1 file(s))"
"""


def zpl_gs1_data(text):
    """The GS1 data of each DataMatrix of a ZPL text, FNC1 as GS (see
    test_label_print.test_zpl_file)."""
    return [
        data.replace("~1", "\x1d").lstrip("\x1d")
        for data in re.findall(r"\^BXN,\d+,200,\d+,\d+,,~\^FH_\^FD([^\^]*)\^FS", text)
    ]


class PrintersCommon(LabelCommon):
    def print_lots(self, lots, output, **values):
        wizard = self.wizard(lots, output=output, **values)
        return wizard.with_context(force_report_rendering=True).action_print()

    def last_job(self):
        return self.env["label.print.log"].search([], limit=1)


class TestIppPrinter(PrintersCommon):
    """IPP printers: a Print-Job (RFC 8011, section 4.2.1) in the encoding of RFC
    8010, section 3, posted as application/ipp (RFC 8010, section 4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeIppPrinter()
        cls.addClassCleanup(cls.fake.close)
        cls.printer = cls.env["label.printer"].create(
            {"name": "IPP Zebra", "kind": "ipp", "uri": cls.fake.uri, "timeout": 2}
        )

    def test_ipp_printer_receives_the_zpl_job(self):
        self.fake.jobs.clear()
        action = self.print_lots(self.serials, "printer", printer_id=self.printer.id)
        self.assertEqual(action["params"]["type"], "success")
        (job,) = self.fake.jobs
        self.assertEqual(job["path"], "/ipp/print")
        self.assertEqual(job["content_type"], "application/ipp")
        self.assertEqual(job["operation_id"], 0x0002)
        attributes = job["attributes"]
        # Value tags of RFC 8010, section 3.5.2: charset, naturalLanguage, uri,
        # name, mimeMediaType.
        self.assertEqual(attributes["attributes-charset"], [(0x47, b"utf-8")])
        self.assertEqual(attributes["attributes-natural-language"], [(0x48, b"en")])
        self.assertEqual(attributes["printer-uri"], [(0x45, self.fake.uri.encode())])
        self.assertEqual(
            attributes["requesting-user-name"], [(0x42, self.env.user.login.encode())]
        )
        self.assertEqual(attributes["job-name"][0][0], 0x42)
        self.assertIn(b"SN-1", attributes["job-name"][0][1])
        self.assertEqual(
            attributes["document-format"], [(0x49, b"application/vnd.zebra-zpl")]
        )
        self.assertEqual(
            zpl_gs1_data(job["data"].decode()),
            [self.gs1_data(lot) for lot in self.serials],
        )
        log = self.last_job()
        self.assertEqual((log.state, log.printer_id), ("done", self.printer))
        self.assertEqual(self.printer.last_status, "ok")
        self.assertFalse(self.printer.last_error)
        self.assertTrue(self.printer.last_contact)

    def test_ipp_error_status_fails_the_job_with_the_printer_text(self):
        self.fake.status, self.fake.status_message = 0x0507, "Out of labels"
        self.addCleanup(setattr, self.fake, "status", 0)
        self.addCleanup(setattr, self.fake, "status_message", None)
        action = self.print_lots(
            self.serials[:1], "printer", printer_id=self.printer.id
        )
        self.assertEqual(action["params"]["type"], "danger")
        log = self.last_job()
        self.assertEqual(log.state, "failed")
        self.assertIn("refused the job: server-error-busy: Out of labels", log.error)
        self.assertEqual(self.printer.last_status, "error")
        self.assertEqual(self.printer.last_error, log.error)
        self.fake.status, self.fake.status_message = 0, None
        log.action_retry()
        self.assertEqual(log.state, "done")
        self.assertEqual(self.printer.last_status, "ok")

    def test_unreachable_ipp_printer(self):
        self.printer.uri = f"ipp://127.0.0.1:{free_port()}/ipp/print"
        with self.assertRaisesRegex(UserError, "IPP Zebra .* cannot be reached"):
            self.printer._send(b"^XA^XZ")
        self.assertEqual(self.printer.last_status, "error")

    def test_pdf_goes_as_pdf(self):
        self.fake.jobs.clear()
        self.printer.document_format = "application/pdf"
        self.printer._send(b"^XA^XZ")
        self.printer._send(b"%PDF-1.4 labels")
        formats = [job["attributes"]["document-format"] for job in self.fake.jobs]
        self.assertEqual(
            formats,
            [[(0x49, b"application/vnd.zebra-zpl")], [(0x49, b"application/pdf")]],
        )

    def test_ipp_address_is_checked(self):
        with self.assertRaisesRegex(ValidationError, "ipp://host:631"):
            self.printer.uri = "http://127.0.0.1/ipp/print"


class TestCupsPrinter(PrintersCommon):
    """CUPS queues through lp(1) (CUPS "lp" manual page: ``-d destination``,
    ``-o raw`` sends the file unfiltered). This machine has no CUPS: the
    command is run from a fake lp on PATH, and a PATH without lp gives the
    clear error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.printer = cls.env["label.printer"].create(
            {"name": "Line 2 Queue", "kind": "cups", "queue": "Zebra_Line2"}
        )

    def fake_lp_dir(self):
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory)
        lp = directory / "lp"
        lp.write_text(FAKE_LP)
        lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
        return directory

    def test_command_line(self):
        self.assertEqual(
            self.printer._lp_command(), ["lp", "-d", "Zebra_Line2", "-o", "raw"]
        )

    def test_missing_lp_is_a_clear_error(self):
        empty = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, empty)
        with patch.dict(os.environ, {"PATH": str(empty)}):
            action = self.print_lots(
                self.serials[:1], "printer", printer_id=self.printer.id
            )
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("this server has no lp command", action["params"]["message"])
        self.assertEqual(self.last_job().state, "failed")
        self.assertEqual(self.printer.last_status, "error")

    def test_job_goes_to_lp(self):
        directory = self.fake_lp_dir()
        with patch.dict(os.environ, {"PATH": str(directory)}):
            self.print_lots(self.serials, "printer", printer_id=self.printer.id)
        self.assertEqual(self.last_job().state, "done")
        self.assertEqual((directory / "args").read_text(), "-d Zebra_Line2 -o raw\n")
        self.assertEqual(
            zpl_gs1_data((directory / "job").read_text()),
            [self.gs1_data(lot) for lot in self.serials],
        )

    def test_lp_refusal_fails_the_job(self):
        self.printer.queue = "missing"
        directory = self.fake_lp_dir()
        with patch.dict(os.environ, {"PATH": str(directory)}):
            self.print_lots(self.serials[:1], "printer", printer_id=self.printer.id)
        self.assertIn("printer or class does not exist", self.last_job().error)

    def test_queue_name_cannot_be_an_option(self):
        for name in ("-o raw", "a b", "a/b", ""):
            with self.assertRaises(ValidationError):
                self.printer.queue = name

    def test_only_administrators_choose_the_address_and_nobody_the_status(self):
        with self.assertRaises(AccessError):
            self.printer.with_user(self.trace_manager).queue = "Other"
        with self.assertRaises(AccessError):
            self.printer.with_user(self.trace_manager).kind = "tcp"
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(AccessError):
            self.printer.with_user(admin).last_status = "ok"
        self.printer.with_user(self.trace_manager).max_width = 80


class TestPrinterChoice(PrintersCommon):
    """Where labels are printed: the wizard's choice > the work center of the
    order > the operation type > the user's preference > the template > the
    company default; printers of another company are never chosen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakePrinter()
        cls.addClassCleanup(cls.fake.close)
        Printer = cls.env["label.printer"]
        cls.printers = {
            level: Printer.create(
                {"name": f"P {level}", "host": "127.0.0.1", "port": cls.fake.port}
            )
            for level in ("workcenter", "picking_type", "user", "template", "company")
        }
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.foreign = Printer.create(
            {
                "name": "P other company",
                "host": "127.0.0.1",
                "port": cls.fake.port,
                "company_id": cls.other_company.id,
            }
        )
        cls.workcenter = cls.env["mrp.workcenter"].create({"name": "Packing"})
        bom = cls.env["mrp.bom"]._bom_find(cls.finished)[cls.finished]
        bom.operation_ids = [
            Command.create({"name": "Pack", "workcenter_id": cls.workcenter.id})
        ]
        cls.production = cls.flows.produce(
            cls.finished, 1, "SN-W1", {cls.semi: [(cls.shell_lot, 1)]}
        )
        cls.lot_w1 = cls.production.lot_producing_id
        cls.picking_type = cls.production.picking_type_id

    def configure(self, *levels):
        """Give a printer to each of ``levels``."""
        printers = self.printers
        targets = {
            "workcenter": self.workcenter,
            "picking_type": self.picking_type,
            "user": self.trace_user,
        }
        for level in levels:
            if level in targets:
                targets[level].label_printer_id = printers[level]
            elif level == "template":
                self.template.printer_id = printers[level]
            else:
                self.env.company.label_printer_id = printers[level]

    def choice(self):
        wizard = (
            self.env["label.print.wizard"]
            .with_user(self.trace_user)
            .with_context(active_model="mrp.production", active_ids=self.production.ids)
            .create({"output": "printer"})
        )
        return wizard, wizard.printer_id, wizard.printer_reason

    def assert_level(self, level):
        _wizard, printer, reason = self.choice()
        self.assertEqual((printer, reason), (self.printers[level], level))

    def test_company_default(self):
        self.configure("company")
        self.assert_level("company")

    def test_template_before_company(self):
        self.configure("company", "template")
        self.assert_level("template")

    def test_user_before_template(self):
        self.configure("company", "template", "user")
        self.assert_level("user")

    def test_operation_type_before_user(self):
        self.configure("company", "template", "user", "picking_type")
        self.assert_level("picking_type")

    def test_work_center_before_operation_type(self):
        self.configure("company", "template", "user", "picking_type", "workcenter")
        self.assert_level("workcenter")

    def test_wizard_choice_before_all(self):
        self.configure("company", "template", "user", "picking_type", "workcenter")
        wizard, _printer, _reason = self.choice()
        wizard.printer_id = self.printers["company"]
        self.assertEqual(wizard.printer_reason, "wizard")
        before = len(self.fake.received)
        wizard.action_print()
        self.assertEqual(self.last_job().printer_id, self.printers["company"])
        self.assertIn(b"SN-W1", self.fake.wait(before + 1)[before])

    def test_transfer_uses_its_operation_type(self):
        self.configure("template")
        receipt = self.env["stock.picking"].search(
            [("move_ids.product_id", "=", self.raw.id)], limit=1
        )
        receipt.picking_type_id.label_printer_id = self.printers["picking_type"]
        printer, reason = self.env["label.printer"]._for_print(
            receipt, self.template, self.trace_user
        )
        self.assertEqual(
            (printer, reason), (self.printers["picking_type"], "picking_type")
        )

    def test_printer_of_another_company_is_never_chosen(self):
        self.configure("company")
        self.workcenter.label_printer_id = self.foreign
        self.picking_type.label_printer_id = self.foreign
        self.trace_user.label_printer_id = self.foreign
        self.template.printer_id = self.foreign
        self.assert_level("company")
        self.env.company.label_printer_id = self.foreign
        _wizard, printer, reason = self.choice()
        self.assertFalse(printer)
        self.assertFalse(reason)

    def test_archived_printer_is_not_chosen(self):
        self.configure("company", "workcenter")
        self.printers["workcenter"].active = False
        self.assert_level("company")

    def test_user_sets_own_printer_in_preferences(self):
        self.trace_user.with_user(self.trace_user).write(
            {"label_printer_id": self.printers["user"].id}
        )
        self.assertEqual(self.trace_user.label_printer_id, self.printers["user"])
        self.assertIn("label_printer_id", self.trace_user.SELF_READABLE_FIELDS)

    def test_automatic_print_goes_to_the_work_center(self):
        self.configure("company", "template", "workcenter")
        self.env.company.label_auto_print_production = True
        production = self.flows.produce(
            self.finished, 1, "SN-W2", {self.semi: [(self.shell_lot, 1)]}
        )
        job = self.env["label.print.log"].search(
            [("event_key", "=", f"mrp.production,{production.id},done")]
        )
        self.assertEqual(job.printer_id, self.printers["workcenter"])
        self.assertEqual(job.state, "queued")

    def test_automatic_print_with_the_company_default_only(self):
        self.configure("company")
        self.env.company.label_auto_print_production = True
        production = self.flows.produce(
            self.finished, 1, "SN-W3", {self.semi: [(self.shell_lot, 1)]}
        )
        job = self.env["label.print.log"].search(
            [("event_key", "=", f"mrp.production,{production.id},done")]
        )
        self.assertEqual(job.printer_id, self.printers["company"])


class TestBrowserPrint(PrintersCommon):
    """Print from this browser: the bulk PDF opened in a new tab. Its pages are
    the label's size (PDF user space unit: 1/72 inch, ISO 32000-1, 8.3.2.3)."""

    def test_browser_output_opens_the_pdf_at_the_label_size(self):
        action = self.print_lots(self.serials, "browser")
        log = self.last_job()
        self.assertEqual(log.output, "bulk_pdf")
        attachment = log.attachment_id
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{attachment.id}",
                "target": "new",
            },
        )
        self.assertEqual(attachment.mimetype, "application/pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(attachment.raw)
            pdf.flush()
            info = subprocess.run(
                ["pdfinfo", "-f", "1", "-l", "99", pdf.name],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        self.assertEqual(len(sizes), len(self.serials))
        template = self.template
        width, height = (template.width, template.height)
        if template.orientation == "landscape" and width < height:
            width, height = height, width
        for page_width, page_height in sizes:
            self.assertAlmostEqual(float(page_width), width * 72 / 25.4, delta=0.5)
            self.assertAlmostEqual(float(page_height), height * 72 / 25.4, delta=0.5)
