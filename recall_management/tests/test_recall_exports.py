# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import datetime, timedelta

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.quality_traceability.tests.common import rpc

from .test_recall import RecallCommon

# The exports of the recall of RV-1 on the fixture of RecallCommon, dates pinned.
# Cells naming a document numbered by a sequence (transfers, orders) read as
# their symbol, the company's address as "<company>", its warehouse as
# "<warehouse>", the recall's reference as "<RC>".
SCOPE_CSV = [
    [
        "Kind",
        "Product",
        "Lot/Serial Number",
        "Quantity",
        "Unit",
        "Warehouse",
        "Location",
        "Transfer",
        "Sales Order",
        "Manufacturing Order",
        "Partner",
        "Email",
        "Phone",
        "Date",
    ],
    [
        "In Stock",
        "Test Resin",
        "RV-1",
        "4.0",
        "Units",
        "<warehouse>",
        "WH/Stock",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "In Stock",
        "Test Shell",
        "RS-1",
        "1.0",
        "Units",
        "<warehouse>",
        "WH/Stock",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "Delivered",
        "Test Bottle",
        "RSN-1",
        "1.0",
        "Units",
        "",
        "Partners/Customers",
        "<OUT-RSN-1>",
        "<SO-A>",
        "",
        "Test Customer A",
        "a@example.com",
        "'+32 9 000 00 00",
        "2026-03-02 08:10:00",
    ],
    [
        "Delivered",
        "Test Bottle",
        "RSN-2",
        "1.0",
        "Units",
        "",
        "Partners/Customers",
        "<OUT-RSN-2>",
        "<SO-B>",
        "",
        "Test Customer B",
        "b@example.com",
        "",
        "2026-03-02 08:11:00",
    ],
]
SCOPE_XLSX = [
    [
        "Kind",
        "Product",
        "Lot/Serial Number",
        "Quantity",
        "Unit",
        "Warehouse",
        "Location",
        "Transfer",
        "Sales Order",
        "Manufacturing Order",
        "Partner",
        "Email",
        "Phone",
        "Date",
    ],
    [
        "In Stock",
        "Test Resin",
        "RV-1",
        4,
        "Units",
        "<warehouse>",
        "WH/Stock",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "In Stock",
        "Test Shell",
        "RS-1",
        1,
        "Units",
        "<warehouse>",
        "WH/Stock",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "Delivered",
        "Test Bottle",
        "RSN-1",
        1,
        "Units",
        "",
        "Partners/Customers",
        "<OUT-RSN-1>",
        "<SO-A>",
        "",
        "Test Customer A",
        "a@example.com",
        "+32 9 000 00 00",
        "2026-03-02 08:10:00",
    ],
    [
        "Delivered",
        "Test Bottle",
        "RSN-2",
        1,
        "Units",
        "",
        "Partners/Customers",
        "<OUT-RSN-2>",
        "<SO-B>",
        "",
        "Test Customer B",
        "b@example.com",
        "",
        "2026-03-02 08:11:00",
    ],
]
FSMA = [
    [
        "Event",
        "Traceability Lot Code",
        "Product Description",
        "Quantity",
        "Unit of Measure",
        "Ship-From / Source Location",
        "Ship-To / Location",
        "Date",
        "Reference Document Type",
        "Reference Document Number",
        "Input Lots",
    ],
    [
        "Receiving",
        "RV-1",
        "Test Resin",
        10,
        "Units",
        "Test Vendor, 1 Resin Road, 1000, Lyon",
        "<company>",
        "2026-03-02 08:00:00",
        "Receipt",
        "<IN-RV-1>",
        "",
    ],
    [
        "Transformation",
        "RS-1",
        "Test Shell",
        3,
        "Units",
        "<company>",
        "<company>",
        "2026-03-02 08:02:00",
        "Manufacturing Order",
        "<MO-RS-1>",
        "RV-1",
    ],
    [
        "Transformation",
        "RSN-1",
        "Test Bottle",
        1,
        "Units",
        "<company>",
        "<company>",
        "2026-03-02 08:06:00",
        "Manufacturing Order",
        "<MO-RSN-1>",
        "RS-1",
    ],
    [
        "Transformation",
        "RSN-2",
        "Test Bottle",
        1,
        "Units",
        "<company>",
        "<company>",
        "2026-03-02 08:08:00",
        "Manufacturing Order",
        "<MO-RSN-2>",
        "RS-1",
    ],
    [
        "Shipping",
        "RSN-1",
        "Test Bottle",
        1,
        "Units",
        "<company>",
        "Test Customer A, 2 Shop Street, Ghent",
        "2026-03-02 08:10:00",
        "Delivery",
        "<OUT-RSN-1>",
        "",
    ],
    [
        "Shipping",
        "RSN-2",
        "Test Bottle",
        1,
        "Units",
        "<company>",
        "Test Customer B",
        "2026-03-02 08:11:00",
        "Delivery",
        "<OUT-RSN-2>",
        "",
    ],
]
ONE_UP_ONE_DOWN = [
    [
        "Direction",
        "Product",
        "Lot/Serial Number",
        "Quantity",
        "Unit",
        "Supplier or Customer",
        "Address",
        "Date",
        "Document",
    ],
    [
        "One step back (supplier)",
        "Test Resin",
        "RV-1",
        10,
        "Units",
        "Test Vendor",
        "Test Vendor, 1 Resin Road, 1000, Lyon",
        "2026-03-02 08:00:00",
        "<IN-RV-1>",
    ],
    [
        "One step forward (customer)",
        "Test Bottle",
        "RSN-1",
        1,
        "Units",
        "Test Customer A",
        "Test Customer A, 2 Shop Street, Ghent",
        "2026-03-02 08:10:00",
        "<OUT-RSN-1>",
    ],
    [
        "One step forward (customer)",
        "Test Bottle",
        "RSN-2",
        1,
        "Units",
        "Test Customer B",
        "Test Customer B",
        "2026-03-02 08:11:00",
        "<OUT-RSN-2>",
    ],
]
EXPORTS = {
    "action_export_scope_csv": ("<RC>-scope.csv", SCOPE_CSV),
    "action_export_scope_xlsx": ("<RC>-scope.xlsx", SCOPE_XLSX),
    "action_export_fsma": ("<RC>-fsma204.xlsx", FSMA),
    "action_export_one_up_one_down": (
        "<RC>-one-step-back-forward.xlsx",
        ONE_UP_ONE_DOWN,
    ),
}


class TestRecallExports(RecallCommon):
    """The downloaded files of the recall form's export buttons, cell by cell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor.write({"street": "1 Resin Road", "zip": "1000", "city": "Lyon"})
        cls.customer_a.write({"street": "2 Shop Street", "city": "Ghent"})
        cls.customer_a.phone = "+32 9 000 00 00"
        cls.env.company.partner_id.write({"street": "9 Plant Lane", "city": "Lille"})
        # Every move of the fixture one minute after the previous one: the
        # order of the rows does not hang on the clock.
        lots = cls.rv1 | cls.rv2 | cls.rs1 | cls.rs2
        for serial in cls.serials:
            lots |= serial
        lines = cls.env["stock.move.line"].search(
            [("lot_id", "in", lots.ids)], order="id"
        )
        base = datetime(2026, 3, 2, 8, 0, 0)
        cls.env.flush_all()
        for index, line in enumerate(lines):
            date = base + timedelta(minutes=index)
            cls.env.cr.execute(
                "UPDATE stock_move_line SET date = %s WHERE id = %s", [date, line.id]
            )
            cls.env.cr.execute(
                "UPDATE stock_move SET date = %s WHERE id = %s",
                [date, line.move_id.id],
            )
        cls.env.invalidate_all()
        cls.symbols = {}
        for line in lines:
            for record in (line.picking_id, line.move_id.production_id):
                if record and record.name not in cls.symbols:
                    cls.symbols[record.name] = (
                        f"<{record.name.split('/')[1]}-{line.lot_id.name}>"
                    )
        for order in (cls.order_a, cls.order_b):
            cls.symbols[order.name] = f"<SO-{order.partner_id.name[-1]}>"

    def _company_address(self, recall):
        partner = recall.company_id.partner_id
        parts = (partner.name, partner.street, partner.zip, partner.city)
        return ", ".join(part for part in (*parts, partner.country_id.name) if part)

    def _file(self, action):
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        return attachment, base64.b64decode(attachment.datas)

    def _file_table(self, recall, action):
        attachment, data = self._file(action)
        self.assertEqual(attachment.res_model, "recall.recall")
        self.assertEqual(attachment.res_id, recall.id)
        if attachment.name.endswith(".csv"):
            table = list(csv.reader(io.StringIO(data.decode())))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            table = [
                ["" if cell is None else cell for cell in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        company = self._company_address(recall)
        symbols = dict(
            self.symbols,
            **{
                company: "<company>",
                recall.name: "<RC>",
                self.stock_location.warehouse_id.name: "<warehouse>",
            },
        )
        return attachment.name.replace(recall.name.replace("/", "-"), "<RC>"), [
            [symbols.get(cell, cell) for cell in row] for row in table
        ]

    def test_exports(self):
        recall = self._recall(self.rv1)
        for method, (name, expected) in EXPORTS.items():
            self.assertEqual(
                self._file_table(recall, getattr(recall, method)()),
                (name, expected),
                method,
            )

    def test_columns_declared_once(self):
        """Each export's header and cells come from one table of columns: a
        column's key is unique and its label is the header's cell."""
        recall = self._recall(self.rv1)
        for report in (
            "recall.report.scope",
            "recall.report.fsma204",
            "recall.report.one_up_one_down",
        ):
            Report = self.env[report]
            columns = Report._report_columns(recall)
            keys = [column.key for column in columns]
            self.assertEqual(len(keys), len(set(keys)), report)
            header, rows = Report._report_table(recall)
            self.assertEqual(header, [column.label for column in columns], report)
            self.assertTrue(rows, report)
            self.assertTrue(all(len(row) == len(columns) for row in rows), report)
        with self.assertRaises(ValueError):
            self.env["recall.report.scope"]._report_table(
                recall | self._recall(self.rv2)
            )

    def test_export_refused_outside_recall_rights(self):
        """Over RPC, an internal user outside the recall groups gets no file
        (and no attachment is stored); the report models expose no method."""
        recall = self._recall(self.rv1)
        outsider = new_test_user(self.env, "recall_export_outsider")
        Attachment = self.env["ir.attachment"].sudo()
        before = Attachment.search_count([("res_model", "=", "recall.recall")])
        for method in EXPORTS:
            with self.assertRaises(AccessError):
                rpc(self.env, outsider, "recall.recall", method, [recall.ids])
        self.assertEqual(
            Attachment.search_count([("res_model", "=", "recall.recall")]), before
        )
        for report in (
            "recall.report.scope",
            "recall.report.fsma204",
            "recall.report.one_up_one_down",
        ):
            for method in (
                "_report_table",
                "_report_columns",
                "_report_rows",
                "_report_download",
            ):
                with self.assertRaises(AccessError):
                    rpc(self.env, outsider, report, method, [recall.ids])
