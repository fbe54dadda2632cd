# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.quality_traceability.tests.common import rpc

from .common import LabelCommon
from .fake_printer import FakePrinter


class TestStationLabels(LabelCommon):
    """The scanner screen and the device API ask for the labels of a passing
    check, printed at once at the printer of the station where the check was
    made (its work center first, see label.printer._for_print)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.station_printer_fake = FakePrinter()
        cls.default_printer_fake = FakePrinter()
        cls.addClassCleanup(cls.station_printer_fake.close)
        cls.addClassCleanup(cls.default_printer_fake.close)
        Printer = cls.env["label.printer"]
        cls.station_printer = Printer.create(
            {
                "name": "Final station",
                "host": "127.0.0.1",
                "port": cls.station_printer_fake.port,
            }
        )
        cls.env.company.label_printer_id = Printer.create(
            {
                "name": "Office",
                "host": "127.0.0.1",
                "port": cls.default_printer_fake.port,
            }
        )
        cls.station = cls.env["mrp.workcenter"].create(
            {"name": "Final test bench", "label_printer_id": cls.station_printer.id}
        )
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "Bottle final test",
                "stage": "final",
                "spec_ids": [
                    Command.create({"name": "Seal", "value_type": "pass_fail"})
                ],
            }
        )
        cls.operator = new_test_user(
            cls.env,
            "station_operator",
            groups="quality_traceability.group_traceability_user,mrp.group_mrp_user",
        )
        cls.cron = cls.env.ref("label_printing.ir_cron_label_send_queued")

    def scan(self, serial, verdict, uid, print_label=True):
        return rpc(
            self.env,
            self.operator,
            "traceability.scan",
            "record_scans",
            [
                [
                    {
                        "client_uid": uid,
                        "lot_id": serial.id,
                        "control_point": self.point.id,
                        "workcenter": self.station.id,
                        "values": {"Seal": verdict},
                        "print_label": print_label,
                    }
                ]
            ],
            {"device_id": "STATION-1"},
        )[0]

    def test_device_asks_for_the_labels_of_a_passing_check(self):
        serial = self.serials[0]
        result = self.scan(serial, "pass", "st-1")
        self.assertEqual((result["status"], result["labels"]), ("created", True))
        job = self.env["label.print.log"].search([("state", "=", "queued")])
        self.assertEqual(job.printer_id, self.station_printer)
        self.assertEqual(job.lot_ids, serial)
        self.assertEqual(job.event_key, f"traceability.check,{result['id']},label")
        self.cron.method_direct_trigger()
        received = self.station_printer_fake.wait(1)
        self.assertIn(serial.name.encode(), received[0])
        self.assertFalse(self.default_printer_fake.received)
        # Asked again for the same check: no second job.
        check = self.env["traceability.check"].browse(result["id"])
        rpc(
            self.env,
            self.operator,
            "traceability.check",
            "action_print_labels_here",
            [check.ids],
        )
        self.assertEqual(
            self.env["label.print.log"].search([("event_key", "=", job.event_key)]),
            job,
        )

    def test_no_label_for_a_failed_check(self):
        result = self.scan(self.serials[1], "fail", "st-2")
        self.assertEqual(result["status"], "created")
        self.assertIn("did not pass", result["label_error"])
        self.assertFalse(self.env["label.print.log"].search([]))

    def test_scanner_screen_request_and_outsiders(self):
        result = self.scan(self.serials[0], "pass", "st-3", print_label=False)
        self.assertNotIn("labels", result)
        self.assertFalse(self.env["label.print.log"].search([]))
        action = rpc(
            self.env,
            self.operator,
            "traceability.check",
            "action_print_labels_here",
            [[result["id"]]],
        )
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            self.env["label.print.log"].search([]).printer_id, self.station_printer
        )
        portal = new_test_user(self.env, "station_portal", groups="base.group_portal")
        outsider = new_test_user(self.env, "station_outsider", groups="base.group_user")
        for user in (portal, outsider):
            with self.assertRaises(AccessError, msg=user.login):
                rpc(
                    self.env,
                    user,
                    "traceability.check",
                    "action_print_labels_here",
                    [[result["id"]]],
                )
        self.assertEqual(len(self.env["label.print.log"].search([])), 1)


@tagged("post_install", "-at_install")
class TestStationLabelTour(HttpCase):
    """The scanner screen's Print Label button, in the browser."""

    def test_print_label_from_the_scanner(self):
        fake = FakePrinter()
        self.addCleanup(fake.close)
        printer = self.env["label.printer"].create(
            {"name": "Tour station", "host": "127.0.0.1", "port": fake.port}
        )
        self.env.ref("label_printing.label_template_gs1_lot").printer_id = printer
        product = self.env["product.product"].create(
            {
                "name": "Tour Bottle",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "6901234560077",
            }
        )
        self.env["product.product"].search(
            [("barcode", "=", "6901234560077"), ("id", "!=", product.id)]
        ).barcode = False
        serial = self.env["stock.lot"].create(
            {"name": "SN-TOUR-LABEL", "product_id": product.id}
        )
        self.env["traceability.control.point"].create(
            {
                "name": "Tour final test",
                "stage": "final",
                "product_ids": [Command.set(product.ids)],
                "spec_ids": [
                    Command.create({"name": "Seal", "value_type": "pass_fail"})
                ],
            }
        )
        self.start_tour(
            "/odoo/action-quality_traceability.traceability_scanner_action",
            "label_printing_scanner_print_tour",
            login="admin",
        )
        job = self.env["label.print.log"].search([("lot_ids", "=", serial.id)])
        self.assertEqual((job.printer_id, job.state), (printer, "queued"))
        self.assertTrue(job.event_key.endswith(",label"))
