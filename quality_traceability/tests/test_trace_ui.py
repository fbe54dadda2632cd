# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import datetime, timedelta

import openpyxl
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TraceabilityCommon

# The trace of V-1 exported, dates pinned (see test_export_table). Empty text
# cells stay empty in the CSV file (only text that a spreadsheet would read as a
# formula gets a leading quote).
TRACE_CSV = [
    [
        "Level",
        "Kind",
        "Product",
        "Lot/Serial",
        "Document",
        "Order",
        "Partner",
        "Location",
        "Date",
        "Quantity",
        "Unit",
    ],
    ["0", "Lot", "Test Resin", "V-1", "", "", "", "", "", "", "Units"],
    [
        "1",
        "Received",
        "Test Resin",
        "V-1",
        "<doc-0>",
        "<PO>",
        "Test Vendor",
        "WH/Stock",
        "2026-03-02 08:00:00",
        "10.0",
        "Units",
    ],
    [
        "1",
        "Consumed",
        "Test Resin",
        "V-1",
        "<doc-1>",
        "",
        "",
        "",
        "2026-03-02 08:02:00",
        "-4.0",
        "Units",
    ],
    [
        "1",
        "In Stock",
        "Test Resin",
        "V-1",
        "",
        "",
        "",
        "WH/Stock",
        "",
        "6.0",
        "Units",
    ],
    ["1", "Lot", "Test Shell", "S-<b>1</b>", "", "", "", "", "", "", "Units"],
    [
        "2",
        "Produced",
        "Test Shell",
        "S-<b>1</b>",
        "<doc-1>",
        "",
        "",
        "WH/Stock",
        "2026-03-02 08:01:00",
        "2.0",
        "Units",
    ],
    [
        "2",
        "Consumed",
        "Test Shell",
        "S-<b>1</b>",
        "<doc-2>",
        "",
        "",
        "",
        "2026-03-02 08:04:00",
        "-1.0",
        "Units",
    ],
    [
        "2",
        "In Stock",
        "Test Shell",
        "S-<b>1</b>",
        "",
        "",
        "",
        "WH/Stock",
        "",
        "1.0",
        "Units",
    ],
    ["2", "Lot", "Test Bottle", "'=SN-1", "", "", "", "", "", "", "Units"],
    [
        "3",
        "Produced",
        "Test Bottle",
        "'=SN-1",
        "<doc-2>",
        "",
        "",
        "WH/Stock",
        "2026-03-02 08:03:00",
        "1.0",
        "Units",
    ],
    [
        "3",
        "Delivered",
        "Test Bottle",
        "'=SN-1",
        "<doc-3>",
        "<SO>",
        "Test Customer A",
        "",
        "2026-03-02 08:05:00",
        "-1.0",
        "Units",
    ],
]
TRACE_XLSX = [
    [
        "Level",
        "Kind",
        "Product",
        "Lot/Serial",
        "Document",
        "Order",
        "Partner",
        "Location",
        "Date",
        "Quantity",
        "Unit",
    ],
    [0, "Lot", "Test Resin", "V-1", "", "", "", "", "", "", "Units"],
    [
        1,
        "Received",
        "Test Resin",
        "V-1",
        "<doc-0>",
        "<PO>",
        "Test Vendor",
        "WH/Stock",
        "2026-03-02 08:00:00",
        10,
        "Units",
    ],
    [
        1,
        "Consumed",
        "Test Resin",
        "V-1",
        "<doc-1>",
        "",
        "",
        "",
        "2026-03-02 08:02:00",
        -4,
        "Units",
    ],
    [1, "In Stock", "Test Resin", "V-1", "", "", "", "WH/Stock", "", 6, "Units"],
    [1, "Lot", "Test Shell", "S-<b>1</b>", "", "", "", "", "", "", "Units"],
    [
        2,
        "Produced",
        "Test Shell",
        "S-<b>1</b>",
        "<doc-1>",
        "",
        "",
        "WH/Stock",
        "2026-03-02 08:01:00",
        2,
        "Units",
    ],
    [
        2,
        "Consumed",
        "Test Shell",
        "S-<b>1</b>",
        "<doc-2>",
        "",
        "",
        "",
        "2026-03-02 08:04:00",
        -1,
        "Units",
    ],
    [2, "In Stock", "Test Shell", "S-<b>1</b>", "", "", "", "WH/Stock", "", 1, "Units"],
    [2, "Lot", "Test Bottle", "=SN-1", "", "", "", "", "", "", "Units"],
    [
        3,
        "Produced",
        "Test Bottle",
        "=SN-1",
        "<doc-2>",
        "",
        "",
        "WH/Stock",
        "2026-03-02 08:03:00",
        1,
        "Units",
    ],
    [
        3,
        "Delivered",
        "Test Bottle",
        "=SN-1",
        "<doc-3>",
        "<SO>",
        "Test Customer A",
        "",
        "2026-03-02 08:05:00",
        -1,
        "Units",
    ],
]


class TestTraceScreen(TraceabilityCommon):
    """The Trace smart buttons, the indented list, exports and the diagram."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows.receive(cls.vendor, cls.raw, [("V-1", 10)])
        cls.v1 = cls.lot(cls.raw, "V-1")
        cls.flows.produce(cls.semi, 2, "S-<b>1</b>", {cls.raw: [(cls.v1, 4)]})
        cls.s1 = cls.lot(cls.semi, "S-<b>1</b>")
        cls.flows.produce(cls.finished, 1, "=SN-1", {cls.semi: [(cls.s1, 1)]})
        cls.sn1 = cls.lot(cls.finished, "=SN-1")
        cls.order = cls.flows.deliver(cls.customer_a, [(cls.finished, [(cls.sn1, 1)])])
        cls.user = new_test_user(
            cls.env,
            "trace_screen_user",
            groups="quality_traceability.group_traceability_user",
        )

    def _open(self, records, user=None):
        trace_model = self.env["traceability.trace"]
        if user:
            trace_model = trace_model.with_user(user)
            records = records.with_user(user)
        action = trace_model._action_open(records)
        self.assertEqual(action["res_model"], "traceability.trace")
        return trace_model.browse(action["res_id"])

    def test_forward_list_from_vendor_lot(self):
        trace = self._open(self.v1, user=self.user)
        self.assertEqual(trace.direction, "forward")
        lots = trace.line_ids.filtered(lambda line: line.kind == "lot")
        self.assertEqual(
            [(line.level, line.lot_id) for line in lots],
            [(0, self.v1), (1, self.s1), (2, self.sn1)],
        )
        # Indented labels, then the facts under each lot.
        self.assertTrue(lots[2].label.startswith("\u2003\u2003"))
        delivery = trace.line_ids.filtered(lambda line: line.kind == "delivery")
        self.assertEqual(delivery.lot_id, self.sn1)
        self.assertEqual(delivery.partner_id, self.customer_a)
        self.assertEqual(delivery.document, self.order.picking_ids)
        self.assertEqual(delivery.order, self.order)
        self.assertEqual(delivery.quantity, -1)
        stock = trace.line_ids.filtered(
            lambda line: line.kind == "stock" and line.lot_id == self.v1
        )
        self.assertEqual(stock.quantity, 6)
        self.assertEqual(
            (trace.lot_count, trace.customer_count, trace.delivery_count), (3, 1, 1)
        )
        # Every line sits under its lot.
        sequences = trace.line_ids.mapped("sequence")
        self.assertEqual(sequences, sorted(sequences))
        opened = delivery.action_open_document()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]),
            ("stock.picking", delivery.document.id),
        )

    def test_switch_direction(self):
        trace = self._open(self.order)
        self.assertEqual(trace.direction, "backward")
        self.assertEqual(
            trace.line_ids.filtered(lambda line: line.kind == "lot").lot_id,
            self.sn1 | self.s1 | self.v1,
        )
        receipt = trace.line_ids.filtered(lambda line: line.kind == "receipt")
        self.assertEqual(receipt.partner_id, self.vendor)
        self.assertEqual(trace.vendor_count, 1)
        trace.action_switch_direction()
        self.assertEqual(trace.direction, "forward")
        self.assertEqual(
            trace.line_ids.filtered(lambda line: line.kind == "lot").lot_id, self.sn1
        )

    def test_smart_button_server_action(self):
        action = self.env.ref("quality_traceability.traceability_trace_open_action")
        for records in (self.order, self.sn1, self.customer_a, self.order.picking_ids):
            result = action.with_context(
                active_model=records._name, active_id=records.id, active_ids=records.ids
            ).run()
            trace = self.env["traceability.trace"].browse(result["res_id"])
            self.assertIn(self.sn1, trace.line_ids.lot_id, records._name)
        production = self.env["mrp.production"].search(
            [("lot_producing_id", "=", self.s1.id)]
        )
        result = action.with_context(
            active_model="mrp.production",
            active_id=production.id,
            active_ids=production.ids,
        ).run()
        trace = self.env["traceability.trace"].browse(result["res_id"])
        self.assertEqual(trace.direction, "backward")
        self.assertIn(self.v1, trace.line_ids.lot_id)
        with self.assertRaises(UserError):
            action.with_context(active_model="res.users", active_id=self.env.uid).run()
        for view in (
            "stock.view_production_lot_form",
            "mrp.mrp_production_form_view",
            "stock.view_picking_form",
            "sale.view_order_form",
            "purchase.purchase_order_form",
            "base.view_partner_form",
        ):
            model = self.env.ref(view).model
            arch = self.env[model].get_view(self.env.ref(view).id, "form")["arch"]
            self.assertIn(f"{action.id}", arch, view)

    def test_exports(self):
        trace = self._open(self.v1)
        result = trace.action_export_csv()
        attachment = self.env["ir.attachment"].browse(
            int(result["url"].split("/")[3].split("?")[0])
        )
        rows = list(
            csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode()))
        )
        self.assertEqual(rows[0][:4], ["Level", "Kind", "Product", "Lot/Serial"])
        self.assertEqual(len(rows), len(trace.line_ids) + 1)
        lot_cells = [row[3] for row in rows[1:]]
        self.assertIn("S-<b>1</b>", lot_cells)
        # A cell that a spreadsheet would read as a formula is quoted.
        self.assertIn("'=SN-1", lot_cells)
        self.assertNotIn("=SN-1", lot_cells)
        result = trace.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(result["url"].split("/")[3].split("?")[0])
        )
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(attachment.datas))
        )
        sheet = workbook.active
        self.assertEqual(sheet.cell(1, 4).value, "Lot/Serial")
        values = [sheet.cell(row, 4).value for row in range(2, sheet.max_row + 1)]
        self.assertIn("=SN-1", values)
        self.assertEqual(sheet.max_row, len(trace.line_ids) + 1)

    def test_export_table(self):
        """The exported trace cell by cell (dates pinned; transfers and orders,
        numbered by sequences, read as their symbol), in both formats."""
        lots = self.v1 | self.s1 | self.sn1
        lines = self.env["stock.move.line"].search(
            [("lot_id", "in", lots.ids)], order="id"
        )
        self.env.flush_all()
        base = datetime(2026, 3, 2, 8, 0, 0)
        for index, line in enumerate(lines):
            self.env.cr.execute(
                "UPDATE stock_move_line SET date = %s WHERE id = %s",
                [base + timedelta(minutes=index), line.id],
            )
        self.env.invalidate_all()
        symbols = {}
        for line in lines:
            for record in (line.picking_id, line.move_id.production_id):
                if record:
                    symbols.setdefault(record.display_name, f"<doc-{len(symbols)}>")
        symbols[self.order.display_name] = "<SO>"
        for order in lines.move_id.purchase_line_id.order_id:
            symbols[order.display_name] = "<PO>"
        trace = self._open(self.v1)
        for method, extension, expected in (
            ("action_export_csv", "csv", TRACE_CSV),
            ("action_export_xlsx", "xlsx", TRACE_XLSX),
        ):
            result = getattr(trace, method)()
            attachment = self.env["ir.attachment"].browse(
                int(result["url"].split("/")[3].split("?")[0])
            )
            self.assertEqual(attachment.name, f"trace-forward-V-1.{extension}")
            self.assertEqual(
                (attachment.res_model, attachment.res_id), (trace._name, trace.id)
            )
            data = base64.b64decode(attachment.datas)
            if extension == "csv":
                table = list(csv.reader(io.StringIO(data.decode())))
            else:
                sheet = openpyxl.load_workbook(io.BytesIO(data)).active
                self.assertEqual(sheet.title, "Trace")
                table = [
                    ["" if cell is None else cell for cell in row]
                    for row in sheet.iter_rows(values_only=True)
                ]
            table = [[symbols.get(cell, cell) for cell in row] for row in table]
            self.assertEqual(table, expected, method)

    def test_diagram_lots_and_partners(self):
        trace = self._open(self.v1)
        columns = trace.diagram_data["columns"]
        self.assertEqual(
            [column["kind"] for column in columns],
            ["receipt", "lots", "lots", "lots", "delivery"],
        )
        vendors, customers = columns[0], columns[-1]
        self.assertEqual(
            [(node["model"], node["id"], node["from"]) for node in vendors["nodes"]],
            [("res.partner", self.vendor.id, ["V-1"])],
        )
        self.assertEqual(vendors["arrow"], "→")
        self.assertEqual(
            [(node["model"], node["id"], node["from"]) for node in customers["nodes"]],
            [("res.partner", self.customer_a.id, ["=SN-1"])],
        )
        self.assertEqual(customers["arrow"], "←")
        # Names are data, drawn as text by the widget (never as markup).
        semi = columns[2]["nodes"][0]
        self.assertEqual(
            (semi["model"], semi["id"], semi["name"], semi["from"]),
            ("stock.lot", self.s1.id, "S-<b>1</b>", ["V-1"]),
        )
        # Backward, the trace runs from the customers to the vendors.
        trace = self._open(self.order)
        self.assertEqual(trace.direction, "backward")
        columns = trace.diagram_data["columns"]
        self.assertEqual(
            [(column["kind"], column["arrow"]) for column in columns],
            [
                ("delivery", "→"),
                ("lots", "←"),
                ("lots", "←"),
                ("lots", "←"),
                ("receipt", "←"),
            ],
        )
        self.assertEqual(columns[1]["nodes"][0]["id"], self.sn1.id)

    def test_events_in_date_order(self):
        """Under each lot its events in the order they happened (receipt before
        consumption), then where the lot is now."""
        trace = self._open(self.v1)
        v1_kinds = trace.line_ids.filtered(
            lambda line: line.lot_id == self.v1 and line.kind != "lot"
        ).mapped("kind")
        self.assertEqual(v1_kinds, ["receipt", "consumed", "stock"])
        s1_kinds = trace.line_ids.filtered(
            lambda line: line.lot_id == self.s1 and line.kind != "lot"
        ).mapped("kind")
        self.assertEqual(s1_kinds, ["made", "consumed", "stock"])
        # A later receipt of the same lot comes after the consumption.
        later = self.flows.receive(
            self.vendor,
            self.raw,
            [("V-1", 3)],
            date=fields.Datetime.now() + timedelta(days=2),
        )
        self.assertEqual(self.lot(self.raw, "V-1"), self.v1)
        trace = self._open(self.v1)
        v1_lines = trace.line_ids.filtered(
            lambda line: line.lot_id == self.v1 and line.kind != "lot"
        )
        self.assertEqual(
            v1_lines.mapped("kind"), ["receipt", "consumed", "receipt", "stock"]
        )
        self.assertEqual(v1_lines[2].order, later)
        dates = [line.date for line in v1_lines if line.kind != "stock"]
        self.assertEqual(dates, sorted(dates))

    def test_quantities_with_units(self):
        trace = self._open(self.v1)
        lots = trace.line_ids.filtered(lambda line: line.kind == "lot")
        self.assertFalse(any(lots.mapped("quantity_display")))
        self.assertTrue(lots[0].label.startswith("V-1 \u00b7 "))
        unit = self.raw.uom_id.name
        by_kind = {
            line.kind: line.quantity_display
            for line in trace.line_ids
            if line.lot_id == self.v1 and line.kind != "lot"
        }
        self.assertEqual(
            by_kind,
            {
                "receipt": f"10.00 {unit}",
                "consumed": f"-4.00 {unit}",
                "stock": f"6.00 {unit}",
            },
        )
        # Virtual and partners' locations are not named: the document and the
        # partner say it.
        consumed = trace.line_ids.filtered(lambda line: line.kind == "consumed")
        delivery = trace.line_ids.filtered(lambda line: line.kind == "delivery")
        self.assertFalse((consumed | delivery).location_id)
        receipt = trace.line_ids.filtered(lambda line: line.kind == "receipt")
        self.assertEqual(receipt.location_id.usage, "internal")

    def test_smart_buttons_open_the_trace_records(self):
        self.flows.deliver(self.customer_b, [(self.semi, [(self.s1, 1)])])
        trace = self._open(self.v1, user=self.user)
        self.assertEqual(
            (
                trace.lot_count,
                trace.customer_count,
                trace.delivery_count,
                trace.vendor_count,
            ),
            (3, 2, 2, 1),
        )
        expected = {
            "action_open_lots": ("stock.lot", self.v1 | self.s1 | self.sn1),
            "action_open_customers": ("res.partner", self.customer_a | self.customer_b),
            "action_open_deliveries": (
                "stock.picking",
                self.env["stock.picking"].search(
                    [
                        ("partner_id", "in", (self.customer_a | self.customer_b).ids),
                        ("picking_type_code", "=", "outgoing"),
                    ]
                ),
            ),
            "action_open_vendors": ("res.partner", self.vendor),
        }
        for method, (model, records) in expected.items():
            action = getattr(trace, method)()
            self.assertEqual(action["res_model"], model, method)
            self.assertIn("list", action["view_mode"].split(","), method)
            found = self.env[model].with_user(self.user).search(action["domain"])
            self.assertEqual(found, records, method)
            self.assertEqual(len(found), len(records))
        self.assertEqual(len(expected["action_open_deliveries"][1]), 2)

    def test_translated_labels(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["quality_traceability"], ["zh_CN"]
        )
        action = (
            self.env["traceability.trace"]
            .with_context(lang="zh_CN")
            ._action_open(self.v1)
        )
        trace = self.env["traceability.trace"].browse(action["res_id"])
        labels = {
            line.kind: line.label.strip("\u2003")
            for line in trace.line_ids
            if line.kind != "lot"
        }
        self.assertEqual(
            labels,
            {
                "receipt": "已收货",
                "consumed": "已消耗",
                "made": "已生产",
                "stock": "在库",
                "delivery": "已交货",
            },
        )
        action = self.env.ref("quality_traceability.traceability_trace_open_action")
        self.assertEqual(action.name, "Trace Genealogy")
        self.assertEqual(action.with_context(lang="zh_CN").name, "追溯谱系")
        arch = (
            self.env["stock.lot"]
            .with_context(lang="zh_CN")
            .get_view(self.env.ref("stock.view_production_lot_form").id, "form")["arch"]
        )
        self.assertIn("追溯谱系", arch)

    def test_trace_button_first_in_button_box(self):
        """The Trace Genealogy button leads the button box, before Odoo's own
        Traceability report, so it is not folded under "More"."""
        action = self.env.ref("quality_traceability.traceability_trace_open_action")
        for view in (
            "stock.view_production_lot_form",
            "mrp.mrp_production_form_view",
            "stock.view_picking_form",
        ):
            model = self.env.ref(view).model
            arch = etree.fromstring(
                self.env[model].get_view(self.env.ref(view).id, "form")["arch"]
            )
            first = arch.xpath("//div[@name='button_box']/*[1]")[0]
            self.assertEqual(first.get("name"), str(action.id), view)
            self.assertEqual(first.get("string"), "Trace Genealogy", view)

    def test_access(self):
        employee = new_test_user(self.env, "trace_no_group", groups="base.group_user")
        with self.assertRaises(AccessError):
            self._open(self.v1, user=employee)
        with self.assertRaises(UserError):
            self.env["traceability.trace"]._action_open(self.env["stock.lot"])


class TestTraceCompanies(TraceabilityCommon):
    """A trace follows only the allowed companies' records."""

    def test_two_companies(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Traceability Company B"})
        self.env.user.company_ids |= company_b
        flows_b = self.flows.with_company(company_b).with_context(
            allowed_company_ids=[company_b.id, company_a.id]
        )
        flows_b.receive(self.vendor, self.raw, [("B-1", 4)])
        lot_b = self.env["stock.lot"].search([("name", "=", "B-1")])
        # The bill of materials is shared by both companies.
        self.env["mrp.bom"].search(
            [("product_tmpl_id", "=", self.semi.product_tmpl_id.id)]
        ).company_id = False
        flows_b.produce(self.semi, 2, "B-S1", {self.raw: [(lot_b, 4)]})
        genealogy = self.env["traceability.genealogy"]
        both = genealogy.with_context(allowed_company_ids=[company_a.id, company_b.id])
        result = both.trace(lot_b)
        self.assertEqual(len(result.lots), 2)
        self.assertEqual(len(result.facts["consumed"]), 1)
        # Company A sees none of company B's moves: no link, no fact.
        only_a = genealogy.with_context(allowed_company_ids=[company_a.id])
        result = only_a.trace(lot_b)
        self.assertEqual(set(result.lots), set(lot_b.ids))
        self.assertFalse(result.edges)
        self.assertFalse(any(result.facts.values()))
        # A lot of company B is not traced for company A at all.
        lot_b.company_id = company_b
        self.assertFalse(only_a.trace(lot_b).lots)
        self.assertEqual(len(both.trace(lot_b).lots), 2)
        # A user of company A alone cannot open company B's lot.
        user_a = new_test_user(
            self.env,
            "trace_company_a",
            groups="quality_traceability.group_traceability_user",
            company_id=company_a.id,
            company_ids=[(6, 0, company_a.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["traceability.trace"].with_user(user_a)._action_open(
                lot_b.with_user(user_a)
            )


@tagged("post_install", "-at_install")
class TestTraceTour(HttpCase):
    def test_trace_tour(self):
        if not self.env.ref("quality_traceability.product_thermos_cup", False):
            self.skipTest("installed without demo data")
        self.start_tour(
            "/odoo/action-stock.action_production_lot_form",
            "quality_traceability_trace_tour",
            login="admin",
        )
