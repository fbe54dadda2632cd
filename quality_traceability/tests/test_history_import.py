# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Import Trace History (traceability.history.import): the dry run of each
template with bad rows, refusal and skipping, idempotent re-import,
corrections tracked in the chatter, Chinese headers and access."""

import base64
import datetime
import io

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import history_import

TRACE = "quality_traceability.group_traceability_"


def report_rows(wizard):
    """The error report's rows as (sheet, row, column, reason)."""
    data = base64.b64decode(wizard.error_report)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


@tagged("post_install", "-at_install")
class TestHistoryImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env, "hi_manager", groups=TRACE + "manager", tz="Europe/Brussels"
        )
        cls.trace_user = new_test_user(cls.env, "hi_user", groups=TRACE + "user")
        cls.stock_user = new_test_user(
            cls.env, "hi_stock", groups="stock.group_stock_user"
        )
        cls.portal_user = new_test_user(
            cls.env, "hi_portal", groups="base.group_portal"
        )
        Product = cls.env["product.product"]
        cls.raw, cls.finished, cls.other = Product.create(
            [
                {
                    "name": "HI Raw",
                    "default_code": "HI-RAW",
                    "barcode": "4012345000017",
                    "is_storable": True,
                    "tracking": "lot",
                },
                {
                    "name": "HI Finished",
                    "default_code": "HI-FIN",
                    "is_storable": True,
                    "tracking": "lot",
                },
                {
                    "name": "HI Other",
                    "default_code": "HI-OTH",
                    "is_storable": True,
                    "tracking": "lot",
                },
            ]
        )
        cls.untracked = Product.create(
            {"name": "HI Untracked", "default_code": "HI-NT", "is_storable": True}
        )
        cls.old_lot = cls.env["stock.lot"].create(
            {"name": "HI-OLD-1", "product_id": cls.finished.id}
        )
        # The same lot name for two products: named with its product only.
        cls.env["stock.lot"].create(
            [
                {"name": "HI-TWIN", "product_id": cls.raw.id},
                {"name": "HI-TWIN", "product_id": cls.other.id},
            ]
        )
        Partner = cls.env["res.partner"]
        cls.customer_ref = Partner.create(
            {"name": "HI Customer One", "ref": "HI-C001", "is_company": True}
        )
        cls.customer_vat = Partner.create(
            {"name": "HI Customer Two", "vat": "HI-VAT-2", "is_company": True}
        )
        Partner.create([{"name": "HI Twin Customer"}, {"name": "HI Twin Customer"}])
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "HI Incoming",
                "stage": "incoming",
                "product_ids": [Command.link(cls.raw.id)],
                "spec_ids": [
                    Command.create(
                        {
                            "name": "Width",
                            "value_type": "numeric",
                            "has_min": True,
                            "min_value": 9,
                            "has_max": True,
                            "max_value": 11,
                        }
                    ),
                    Command.create({"name": "Visual", "value_type": "pass_fail"}),
                    Command.create({"name": "Remark", "value_type": "text"}),
                ],
            }
        )

    # ------------------------------------------------------------------
    def _file(self, rows, language="en"):
        return base64.b64encode(
            history_import.template_xlsx(list(rows), language=language, rows=rows)
        )

    def _wizard(self, rows, user=None, language="en", **values):
        Wizard = self.env["traceability.history.import"].with_user(user or self.manager)
        return Wizard.create(
            dict(
                {"file": self._file(rows, language), "filename": "history.xlsx"},
                **values,
            )
        )

    def _counts(self, wizard):
        return (
            wizard.new_count,
            wizard.changed_count,
            wizard.unchanged_count,
            wizard.error_count,
        )

    def _history_counts(self):
        env = self.env
        return (
            env["stock.lot"].search_count([]),
            env["traceability.history.link"].search_count([]),
            env["traceability.history.shipment"].search_count([]),
            env["traceability.history.check"].search_count([]),
            env["mail.message"].search_count([]),
        )

    def _full_rows(self):
        return {
            "lots": [
                ["HI-RAW", "HI-R1", "2020-01-10", "2022-01-10", "V-77"],
                ["4012345000017", "HI-R2", None, None, None],  # by barcode
                ["HI-FIN", "HI-F1", datetime.datetime(2020, 2, 1, 8, 0), None, None],
            ],
            "links": [
                ["HI-RAW", "HI-R1", None, "HI-F1", 5, "2020-02-01", "WO-1"],
                [None, "HI-R2", None, "HI-F1", 2.5, "2020-02-01", "WO-1"],
                [None, "HI-R1", None, "HI-OLD-1", 1, None, None],
            ],
            "shipments": [
                [None, "HI-F1", "HI-C001", "2020-03-01 10:00", 4, "DN-1"],
                ["HI-FIN", "HI-OLD-1", "HI-VAT-2", "2020-03-02", 1, "DN-2"],
                [None, "HI-F1", "HI Customer Two", "2020-03-03", 3, "DN-3"],
            ],
            "checks": [
                [None, "HI-R1", "HI Incoming", "Width", 10.2, "2020-01-11", "QC-1"],
                [None, "HI-R1", "HI Incoming", "Visual", "NG", "2020-01-11", "QC-1"],
                [
                    None,
                    "HI-R1",
                    "HI Incoming",
                    "Remark",
                    "scratched",
                    "2020-01-11",
                    None,
                ],
            ],
        }

    # ------------------------------------------------------------------
    # Dry runs with bad rows
    # ------------------------------------------------------------------
    def test_lots_dry_run_with_bad_rows(self):
        before = self._history_counts()
        wizard = self._wizard(
            {
                "lots": [
                    ["HI-RAW", "HI-NEW-1", "2020-01-01", None, "V1"],  # row 2: good
                    ["NOPE", "HI-NEW-2", None, None, None],  # 3: unknown product
                    ["HI-NT", "HI-NEW-3", None, None, None],  # 4: not tracked
                    ["HI-RAW", "HI-NEW-4", "yesterday", None, None],  # 5: bad date
                    ["HI-RAW", "HI-NEW-1", None, None, None],  # 6: same key as 2
                    ["HI-RAW", None, None, None, None],  # 7: no lot name
                    ["HI-FIN", "HI-OLD-1", None, None, None],  # 8: existing
                ]
            }
        )
        wizard.action_check()
        self.assertEqual(wizard.state, "checked")
        self.assertEqual(self._counts(wizard), (1, 0, 1, 5))
        reasons = {
            (row, column): reason for _s, row, column, reason in report_rows(wizard)
        }
        self.assertEqual(
            sorted(reasons),
            [
                (3, "Product"),
                (4, "Product"),
                (5, "Production Date"),
                (6, "Lot/Serial Number"),
                (7, "Lot/Serial Number"),
            ],
        )
        self.assertIn("default code or barcode", reasons[3, "Product"])
        self.assertIn("not tracked", reasons[4, "Product"])
        self.assertIn("yesterday", reasons[5, "Production Date"])
        self.assertIn("row 2", reasons[6, "Lot/Serial Number"])
        self.assertEqual(self._history_counts(), before, "a dry run writes nothing")

    def test_links_dry_run_with_bad_rows(self):
        before = self._history_counts()
        wizard = self._wizard(
            {
                "lots": [["HI-RAW", "HI-L1", None, None, None]],
                "links": [
                    [
                        None,
                        "HI-L1",
                        None,
                        "HI-OLD-1",
                        1,
                        None,
                        "W",
                    ],  # 2: lot of the file
                    [None, "HI-NOWHERE", None, "HI-OLD-1", 1, None, "W"],  # 3
                    [None, "HI-OLD-1", None, "HI-OLD-1", 1, None, "W"],  # 4: itself
                    [None, "HI-TWIN", None, "HI-OLD-1", 1, None, "W"],  # 5: ambiguous
                    ["HI-OTH", "HI-TWIN", None, "HI-OLD-1", -2, None, "W"],  # 6
                    [None, "HI-L1", None, "HI-OLD-1", 3, None, "W"],  # 7: same as 2
                    ["HI-OTH", "HI-TWIN", None, "HI-OLD-1", 2, "2020-13-13", "W"],  # 8
                    ["HI-OTH", "HI-TWIN", None, "HI-OLD-1", 2, None, "W"],  # 9: good
                ],
            }
        )
        wizard.action_check()
        rows = {(row, column) for _s, row, column, _r in report_rows(wizard)}
        self.assertEqual(
            rows,
            {
                (3, "Parent Lot"),
                (4, "Child Lot"),
                (5, "Parent Lot"),
                (6, "Quantity"),
                (7, "Child Lot"),
                (8, "Date"),
            },
        )
        # 1 lot, 2 links new.
        self.assertEqual(self._counts(wizard), (3, 0, 0, 6))
        self.assertIn(
            "Genealogy Links: 2 new, 0 changed, 0 unchanged, 6 bad", wizard.summary
        )
        self.assertEqual(self._history_counts(), before)

    def test_shipments_dry_run_with_bad_rows(self):
        before = self._history_counts()
        wizard = self._wizard(
            {
                "shipments": [
                    [None, "HI-OLD-1", "HI-C001", "2020-01-01", 1, "D1"],  # 2 by ref
                    [None, "HI-OLD-1", "HI-VAT-2", "2020-01-01", 1, "D1"],  # 3 by VAT
                    [None, "HI-OLD-1", "Nobody Ltd", "2020-01-01", 1, "D1"],  # 4
                    [None, "HI-OLD-1", "HI Twin Customer", None, 1, "D1"],  # 5
                    [None, "HI-OLD-1", "HI Customer One", None, "many", "D9"],  # 6
                    [None, "HI-GONE", "HI-C001", None, 1, "D1"],  # 7
                    [None, "HI-OLD-1", "HI Customer One", None, 2, "D1"],  # 8 dup 2
                ]
            }
        )
        wizard.action_check()
        reasons = {
            (row, column): reason for _s, row, column, reason in report_rows(wizard)
        }
        self.assertEqual(
            sorted(reasons),
            [
                (4, "Customer"),
                (5, "Customer"),
                (6, "Quantity"),
                (7, "Lot/Serial Number"),
                (8, "Lot/Serial Number"),
            ],
        )
        self.assertIn("2 contacts", reasons[5, "Customer"])
        self.assertEqual(self._counts(wizard), (2, 0, 0, 5))
        self.assertEqual(self._history_counts(), before)

    def test_checks_dry_run_with_bad_rows(self):
        before = self._history_counts()
        wizard = self._wizard(
            {
                "checks": [
                    [None, "HI-OLD-1", "HI Incoming", "Width", 12, "2020-01-01", None],
                    [None, "HI-OLD-1", "HI Nowhere", "Width", 10, "2020-01-01", None],
                    [None, "HI-OLD-1", "HI Incoming", "Length", 10, "2020-01-01", None],
                    [
                        None,
                        "HI-OLD-1",
                        "HI Incoming",
                        "Width",
                        "wide",
                        "2020-01-01",
                        None,
                    ],
                    [
                        None,
                        "HI-OLD-1",
                        "HI Incoming",
                        "Visual",
                        "maybe",
                        "2020-01-01",
                        None,
                    ],
                    [None, "HI-OLD-1", "HI Incoming", "Visual", "OK", None, None],
                    [
                        None,
                        "HI-OLD-1",
                        "HI Incoming",
                        "Visual",
                        "OK",
                        "2020-01-01",
                        None,
                    ],
                ]
            }
        )
        wizard.action_check()
        rows = {(row, column) for _s, row, column, _r in report_rows(wizard)}
        self.assertEqual(
            rows,
            {
                (3, "Control Point"),
                (4, "Parameter"),
                (5, "Value"),
                (6, "Value"),
                (7, "Date"),
            },
        )
        self.assertEqual(self._counts(wizard), (2, 0, 0, 5))
        self.assertEqual(self._history_counts(), before)

    def test_unknown_sheet_and_columns(self):
        data = history_import.workbook_xlsx(
            [
                ("Notes", ["Anything", "Else"], [["a", "b"]]),
                (
                    "Lots",
                    ["Product", "Lot/Serial Number", "Colour"],
                    [["HI-RAW", "X", "red"]],
                ),
            ]
        )
        wizard = (
            self.env["traceability.history.import"]
            .with_user(self.manager)
            .create({"file": base64.b64encode(data), "filename": "odd.xlsx"})
        )
        wizard.action_check()
        self.assertEqual(
            {(sheet, column) for sheet, _row, column, _r in report_rows(wizard)},
            {("Notes", None), ("Lots", "Colour")},
        )
        with self.assertRaises(UserError):
            wizard.action_import()

    def test_not_a_workbook(self):
        wizard = (
            self.env["traceability.history.import"]
            .with_user(self.manager)
            .create(
                {"file": base64.b64encode(b"lot,product\n1,2\n"), "filename": "x.csv"}
            )
        )
        with self.assertRaisesRegex(UserError, "Excel workbook"):
            wizard.action_check()

    # ------------------------------------------------------------------
    # Import: refused with errors, skipping, idempotence, corrections
    # ------------------------------------------------------------------
    def test_import_refused_with_errors_unless_skipping(self):
        rows = self._full_rows()
        rows["shipments"].append([None, "HI-F1", "Nobody Ltd", None, 1, "DN-X"])
        rows["links"].append([None, "HI-NOWHERE", None, "HI-F1", 1, None, "WO-X"])
        before = self._history_counts()
        wizard = self._wizard(rows)
        with self.assertRaisesRegex(UserError, "nothing was imported"):
            wizard.action_import()
        self.assertEqual(self._history_counts(), before)
        wizard.skip_errors = True
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(self._counts(wizard), (12, 0, 0, 2))
        after = self._history_counts()
        self.assertEqual(
            tuple(b - a for a, b in zip(before[:4], after[:4], strict=True)),
            (3, 3, 3, 3),
        )
        Shipment = self.env["traceability.history.shipment"]
        self.assertFalse(Shipment.search([("reference", "=", "DN-X")]))
        self.assertFalse(
            self.env["traceability.history.link"].search([("reference", "=", "WO-X")])
        )

    def test_import_writes_what_the_file_says(self):
        wizard = self._wizard(self._full_rows())
        wizard.action_import()
        self.assertEqual(self._counts(wizard), (12, 0, 0, 0))
        lot = self.env["stock.lot"].search([("name", "=", "HI-R1")])
        self.assertEqual(lot.product_id, self.raw)
        self.assertEqual(lot.ref, "V-77")
        self.assertEqual(lot.company_id, self.company)
        # Brussels, winter: UTC+1.
        self.assertEqual(
            lot.traceability_produced_date, datetime.datetime(2020, 1, 9, 23)
        )
        self.assertEqual(lot.expiration_date, datetime.datetime(2022, 1, 9, 23))
        r2 = self.env["stock.lot"].search([("name", "=", "HI-R2")])
        self.assertEqual(r2.product_id, self.raw, "found by its barcode")
        f1 = self.env["stock.lot"].search([("name", "=", "HI-F1")])
        links = self.env["traceability.history.link"].search(
            [("child_lot_id", "=", f1.id)]
        )
        self.assertEqual(
            sorted((link.parent_lot_id.name, link.quantity) for link in links),
            [("HI-R1", 5.0), ("HI-R2", 2.5)],
        )
        self.assertEqual(links.mapped("import_file"), ["history.xlsx"] * 2)
        shipments = self.env["traceability.history.shipment"].search(
            [("lot_id", "in", (f1 | self.old_lot).ids)]
        )
        self.assertEqual(
            sorted((s.reference, s.partner_id.name, s.quantity) for s in shipments),
            [
                ("DN-1", "HI Customer One", 4.0),
                ("DN-2", "HI Customer Two", 1.0),
                ("DN-3", "HI Customer Two", 3.0),
            ],
        )
        checks = self.env["traceability.history.check"].search(
            [("lot_id", "=", lot.id)]
        )
        self.assertEqual(
            sorted((c.spec_id.name, c.result or False) for c in checks),
            [("Remark", False), ("Visual", "fail"), ("Width", "pass")],
        )
        # An old failure is history: it places no hold on the lot.
        self.assertEqual(lot.quality_state, "released")

    def test_reimport_changes_nothing(self):
        self._wizard(self._full_rows()).action_import()
        self.env.flush_all()
        self.env.cr.precommit.run()
        before = self._history_counts()
        tracking = self.env["mail.tracking.value"].search_count([])
        wizard = self._wizard(self._full_rows())
        wizard.action_check()
        self.assertEqual(self._counts(wizard), (0, 0, 12, 0))
        wizard.action_import()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(self._counts(wizard), (0, 0, 12, 0))
        self.assertEqual(self._history_counts(), before)
        self.assertEqual(self.env["mail.tracking.value"].search_count([]), tracking)

    def test_corrected_file_updates_and_tracks_the_old_value(self):
        self._wizard(self._full_rows()).action_import()
        self.env.flush_all()
        self.env.cr.precommit.run()
        rows = self._full_rows()
        rows["shipments"][0][4] = 6  # quantity 4 -> 6
        rows["links"][0][5] = "2020-02-02"  # date corrected
        rows["checks"][0][4] = 11.5  # width 10.2 -> 11.5: now a failure
        rows["lots"][0][4] = "V-78"  # vendor lot corrected
        before = self._history_counts()[:4]
        wizard = self._wizard(rows)
        wizard.action_check()
        self.assertEqual(self._counts(wizard), (0, 4, 8, 0))
        wizard.action_import()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(self._history_counts()[:4], before, "no new record")
        shipment = self.env["traceability.history.shipment"].search(
            [("reference", "=", "DN-1")]
        )
        self.assertEqual(shipment.quantity, 6.0)
        values = shipment.message_ids.tracking_value_ids
        self.assertEqual(
            [(v.field_id.name, v.old_value_float, v.new_value_float) for v in values],
            [("quantity", 4.0, 6.0)],
        )
        link = self.env["traceability.history.link"].search(
            [("reference", "=", "WO-1"), ("parent_lot_id.name", "=", "HI-R1")]
        )
        self.assertEqual(link.date, datetime.datetime(2020, 2, 1, 23))
        self.assertEqual(
            link.message_ids.tracking_value_ids.old_value_datetime,
            datetime.datetime(2020, 1, 31, 23),
        )
        check = self.env["traceability.history.check"].search(
            [("spec_id.name", "=", "Width")]
        )
        self.assertEqual((check.value_float, check.result), (11.5, "fail"))
        self.assertEqual(check.message_ids.tracking_value_ids.old_value_float, 10.2)
        lot = self.env["stock.lot"].search([("name", "=", "HI-R1")])
        self.assertEqual(lot.ref, "V-78")

    def test_existing_lot_is_matched(self):
        count = self.env["stock.lot"].search_count([])
        wizard = self._wizard({"lots": [["HI-FIN", "HI-OLD-1", None, None, "V-9"]]})
        wizard.action_import()
        self.assertEqual(self._counts(wizard), (0, 1, 0, 0))
        self.assertEqual(self.env["stock.lot"].search_count([]), count)
        self.assertEqual(self.old_lot.ref, "V-9")

    def test_chinese_headers(self):
        wizard = self._wizard(self._full_rows(), language="zh")
        wizard.action_import()
        self.assertEqual(self._counts(wizard), (12, 0, 0, 0))
        # The same file with English headers is the same history.
        again = self._wizard(self._full_rows(), language="en")
        again.action_check()
        self.assertEqual(self._counts(again), (0, 0, 12, 0))
        # The error report names the columns as the file does.
        bad = self._wizard(
            {"shipments": [[None, "HI-F1", "Nobody Ltd", None, 1, "DN-9"]]},
            language="zh",
        )
        bad.action_check()
        self.assertEqual(
            [(sheet, row, column) for sheet, row, column, _r in report_rows(bad)],
            [("发货", 2, "客户")],
        )

    def test_template_download(self):
        wizard = (
            self.env["traceability.history.import"]
            .with_user(self.manager)
            .create({"kind": "shipments", "template_language": "zh"})
        )
        action = wizard.action_download_template()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/{wizard.id}/template_file", action["url"])
        data = base64.b64decode(wizard.template_file)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(
            list(next(sheet.iter_rows(values_only=True))),
            history_import.headers_of("shipments", "zh"),
        )
        wizard.kind = "all"
        wizard.action_download_template()
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.template_file))
        )
        self.assertEqual(len(workbook.worksheets), 4)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_only_managers_import(self):
        wizard = self._wizard(self._full_rows())
        before = self._history_counts()
        for user in (self.trace_user, self.stock_user, self.portal_user):
            Wizard = self.env["traceability.history.import"].with_user(user)
            with self.assertRaises(AccessError):
                Wizard.default_get(["file"])
            with self.assertRaises(AccessError):
                Wizard.create({"file": self._file(self._full_rows())})
            # The manager's wizard, called by id as an RPC client would.
            theirs = wizard.with_user(user)
            for method in (
                theirs.action_import,
                theirs.action_check,
                theirs.action_download_template,
                theirs.action_download_error_report,
            ):
                with self.assertRaises(AccessError):
                    method()
            # Nor can they write the history directly.
            with self.assertRaises(AccessError):
                self.env["traceability.history.check"].with_user(user).create(
                    {
                        "lot_id": self.old_lot.id,
                        "control_point_id": self.point.id,
                        "spec_id": self.point.spec_ids[0].id,
                        "date": "2020-01-01",
                    }
                )
        self.assertEqual(self._history_counts(), before)

    def test_another_managers_wizard_is_out_of_reach(self):
        other = new_test_user(self.env, "hi_manager_2", groups=TRACE + "manager")
        wizard = self._wizard(self._full_rows())
        with self.assertRaises(AccessError):
            wizard.with_user(other).action_import()
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "HI-R1")]))

    def test_other_company_is_out_of_reach(self):
        """A manager of another company names this company's lot and customer:
        unknown to them, nothing written."""
        company_2 = self.env["res.company"].create({"name": "HI Second Company"})
        manager_2 = new_test_user(
            self.env,
            "hi_manager_c2",
            groups=TRACE + "manager",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        lot = self.env["stock.lot"].create(
            {
                "name": "HI-C1-ONLY",
                "product_id": self.finished.id,
                "company_id": self.company.id,
            }
        )
        self.customer_ref.company_id = self.company
        before = self._history_counts()
        wizard = self._wizard(
            {
                "lots": [["HI-FIN", "HI-C1-ONLY", None, None, "V-HACK"]],
                "shipments": [[None, "HI-C1-ONLY", "HI-C001", None, 1, "DN-HACK"]],
            },
            user=manager_2,
        )
        self.assertEqual(wizard.company_id, company_2)
        wizard.action_check()
        self.assertEqual(
            [(row, column) for _s, row, column, _r in report_rows(wizard)],
            [(2, "Customer")],
        )
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self._history_counts(), before)
        self.assertFalse(lot.ref, "the other company's lot is untouched")

    def test_imported_check_is_evidence(self):
        self._wizard(self._full_rows()).action_import()
        check = (
            self.env["traceability.history.check"]
            .search([("spec_id.name", "=", "Width")])
            .with_user(self.manager)
        )
        with self.assertRaises(UserError):
            check.unlink()
        with self.assertRaises(UserError):
            check.write({"reference": "QC-2"})
        with self.assertRaises(UserError):
            check.write({"date": "2021-01-01"})
        check.write({"value_float": 9.5})  # a correction
        self.assertEqual(check.result, "pass")
