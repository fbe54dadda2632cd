# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii
from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..models.traceability_hold import MANAGER_GROUP
from ..tools import history_import

#: Largest file the wizard reads.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
#: Records created per ``create()`` call.
CREATE_BATCH = 5000
#: The lot's production date (``stock.lot``, computed from manufacturing).
PRODUCED = "traceability_produced_date"
#: Kinds in the order they are written: the other kinds name the lots.
KIND_ORDER = ("lots", "links", "shipments", "checks")
#: Context of the creation of imported records: no creation message, no
#: follower and no tracking of the first values per record (tens of thousands
#: of rows: the record holds its values, with the file it came from).
#: Corrections of existing records are written without it: tracked in their
#: chatter.
CREATE_CONTEXT = {"tracking_disable": True}


class TraceabilityHistoryImport(models.TransientModel):
    """Import Trace History: the lots, genealogy links, shipments and check
    results of the system used before go-live, from an Excel workbook.

    *Check* reads the whole file and validates every row against the database
    without writing anything: counts of new, changed, unchanged and bad rows,
    and an error report (sheet, row, column, reason). *Import* does the same,
    then writes; it refuses while rows are bad unless *Skip Bad Rows* is
    ticked. Rows are matched by their natural key, so importing the same file
    again changes nothing and a corrected file updates what changed (through
    ``write``: the history's chatter shows the old value).

    Natural keys (in the wizard's company):

    - lot: product + lot name (an existing lot is matched, never duplicated);
    - link: parent lot + child lot + document reference;
    - shipment: lot + customer + document reference;
    - check result: lot + parameter + date + document reference.

    Lots: the product by default code, else barcode; in the other sheets by
    name, with the product column when the name is used by several products;
    a lot of the same file's Lots sheet counts as known. Customers: by
    internal reference, else tax ID, else exact name (each must designate one
    contact). Control points and parameters: by name. An empty optional cell
    changes nothing on an existing record. Dates without time zone are read in
    the user's time zone.
    """

    _name = "traceability.history.import"
    _description = "Import Trace History"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    kind = fields.Selection(
        selection=[
            ("all", "All (one sheet per kind)"),
            ("lots", "Lots"),
            ("links", "Genealogy Links"),
            ("shipments", "Shipments"),
            ("checks", "Check Results"),
        ],
        string="Template",
        required=True,
        default="all",
        help="The template to download. An uploaded workbook may hold sheets of "
        "any kind: each sheet's kind is told by its column headers.",
    )
    template_language = fields.Selection(
        selection=[("en", "English"), ("zh", "Chinese")],
        string="Header Language",
        required=True,
        default=lambda self: "zh" if (self.env.lang or "").startswith("zh") else "en",
    )
    template_file = fields.Binary(readonly=True, attachment=False)
    template_filename = fields.Char(readonly=True)
    file = fields.Binary(attachment=False)
    filename = fields.Char()
    skip_errors = fields.Boolean(
        string="Skip Bad Rows",
        help="Import the good rows of a file that still has bad rows; the bad "
        "rows are left out (see the error report).",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("checked", "Checked"), ("done", "Imported")],
        default="draft",
        required=True,
    )
    new_count = fields.Integer(string="New", readonly=True)
    changed_count = fields.Integer(string="Changed", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    error_count = fields.Integer(string="Bad Rows", readonly=True)
    summary = fields.Text(readonly=True)
    error_report = fields.Binary(readonly=True, attachment=False)
    error_report_name = fields.Char(readonly=True)

    @api.model
    def default_get(self, fields_list):
        self.check_access("create")
        self._check_manager()
        return super().default_get(fields_list)

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only traceability managers may import trace history.")
            )

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------
    def action_download_template(self):
        self.ensure_one()
        self._check_manager()
        self.check_access("write")
        kinds = history_import.KINDS if self.kind == "all" else (self.kind,)
        self.write(
            {
                "template_file": base64.b64encode(
                    history_import.template_xlsx(kinds, language=self.template_language)
                ),
                "template_filename": f"trace_history_{self.kind}_"
                f"{self.template_language}.xlsx",
            }
        )
        return self._download("template_file", "template_filename")

    def action_download_error_report(self):
        self.ensure_one()
        self._check_manager()
        self.check_access("read")
        return self._download("error_report", "error_report_name")

    def _download(self, field, filename_field):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/{field}"
            f"?download=true&filename_field={filename_field}",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Check and import
    # ------------------------------------------------------------------
    def action_check(self):
        self.ensure_one()
        self._check_manager()
        plan = self._plan()
        self._write_result(plan, "checked")
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        self._check_manager()
        plan = self._plan()
        if plan["errors"] and not self.skip_errors:
            raise UserError(
                self.env._(
                    "%(count)s row(s) of the file are bad: nothing was imported. "
                    "Check the file and download the error report, correct the "
                    "file, or tick Skip Bad Rows to import only the good rows.",
                    count=plan["bad_rows"] or len(plan["errors"]),
                )
            )
        self._execute(plan)
        self._write_result(plan, "done")
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _write_result(self, plan, state):
        counts = plan["counts"]
        lines = []
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for kind in KIND_ORDER:
            if kind not in plan["kinds"]:
                continue
            count = counts[kind]
            lines.append(
                self.env._(
                    "%(kind)s: %(new)s new, %(changed)s changed, %(unchanged)s "
                    "unchanged, %(bad)s bad",
                    kind=labels[kind],
                    new=count["new"],
                    changed=count["changed"],
                    unchanged=count["unchanged"],
                    bad=count["bad"],
                )
            )
        errors = plan["errors"]
        report = False
        if errors:
            report = base64.b64encode(
                history_import.error_report_xlsx(
                    errors,
                    headers=(
                        self.env._("Sheet"),
                        self.env._("Row"),
                        self.env._("Column"),
                        self.env._("Reason"),
                    ),
                    messages=self._messages(),
                )
            )
        self.write(
            {
                "state": state,
                "new_count": sum(count["new"] for count in counts.values()),
                "changed_count": sum(count["changed"] for count in counts.values()),
                "unchanged_count": sum(count["unchanged"] for count in counts.values()),
                "error_count": plan["bad_rows"],
                "summary": "\n".join(lines) or False,
                "error_report": report,
                "error_report_name": report
                and f"{(self.filename or 'history').rsplit('.', 1)[0]}_errors.xlsx",
            }
        )

    def _messages(self):
        """The reason of each error code, translated."""
        _ = self.env._
        return {
            "unknown_column": _("Unknown column."),
            "duplicate_column": _("The column appears twice."),
            "missing_column": _("Required column missing."),
            "unknown_sheet": _("No template has these column headers."),
            "required": _("A value is required."),
            "not_a_number": _("Not a number: %(value)s."),
            "not_a_date": _(
                "Not a date (YYYY-MM-DD [HH:MM[:SS]] or a date cell): %(value)s."
            ),
            "negative": _("The quantity cannot be negative."),
            "too_long": _("At most %(size)s characters."),
            "bad_file": _("The file is not an Excel workbook (.xlsx)."),
            "not_pass_fail": _(
                "Not a pass/fail result (pass, fail, OK, NG, 合格, 不合格): %(value)s."
            ),
            "unknown_product": _("No product has this default code or barcode."),
            "ambiguous_product": _(
                "%(count)s products have this default code or barcode."
            ),
            "untracked_product": _(
                "The product is not tracked by lots or serial numbers."
            ),
            "unknown_lot": _(
                "Unknown lot or serial number (not in the database, nor in the "
                "file's lots)."
            ),
            "ambiguous_lot": _(
                "%(count)s products have a lot of this name: fill in the product."
            ),
            "same_lot": _("A lot cannot be made from itself."),
            "unknown_customer": _(
                "No contact has this internal reference, tax ID or name."
            ),
            "ambiguous_customer": _(
                "%(count)s contacts have this internal reference, tax ID or name."
            ),
            "unknown_point": _("No control point of this name."),
            "unknown_parameter": _(
                "The control point measures no parameter of this name."
            ),
            "photo_value": _("Photos cannot be imported."),
            "duplicate_key": _("The same %(what)s as row %(first_row)s."),
        }

    # ------------------------------------------------------------------
    # The plan: every row read and validated, nothing written
    # ------------------------------------------------------------------
    def _read_file(self):
        try:
            data = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file could not be read.")) from error
        if not data:
            raise UserError(self.env._("Choose the file to import."))
        if len(data) > MAX_IMPORT_BYTES:
            raise UserError(
                self.env._(
                    "The file must be at most %(size)s MB.",
                    size=MAX_IMPORT_BYTES // (1024 * 1024),
                )
            )
        try:
            return history_import.read_workbook(data)
        except history_import.CellError as error:
            raise UserError(
                self.env._("The file is not an Excel workbook (.xlsx).")
            ) from error

    def _plan(self):
        """What importing the file would do: per kind, the records to create
        and the writes, the counts, and the errors."""
        sheets = self._read_file()
        plan = {
            "kinds": set(),
            "errors": [],
            "counts": defaultdict(
                lambda: {"new": 0, "changed": 0, "unchanged": 0, "bad": 0}
            ),
            "create": defaultdict(list),
            "update": defaultdict(list),
            "bad_rows": 0,
        }
        by_kind = defaultdict(list)
        for sheet in sheets:
            plan["errors"].extend(sheet.errors)
            if sheet.kind:
                by_kind[sheet.kind].append(sheet)
                plan["kinds"].add(sheet.kind)
        if not sheets:
            raise UserError(self.env._("The file holds no sheet to import."))
        resolver = _Resolver(self, sheets)
        for kind in KIND_ORDER:
            for sheet in by_kind[kind]:
                getattr(resolver, f"plan_{kind}")(sheet, plan)
        bad = {(error.sheet, error.row) for error in plan["errors"]}
        plan["bad_rows"] = len(bad)
        for sheet in sheets:
            if sheet.kind:
                plan["counts"][sheet.kind]["bad"] += sum(
                    1 for error_sheet, row in bad if error_sheet == sheet.title and row
                )
        return plan

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    def _execute(self, plan):
        """Write the plan: batched creates, one tracked write per changed
        record."""
        import_file = self.filename or ""
        company = self.company_id
        creating = self.with_context(**CREATE_CONTEXT).env
        lot_ids = {}
        new_lots = plan["create"]["lots"]
        Lot = creating["stock.lot"]
        # The production date is computed from the manufacturing orders that
        # made the lot: a value given to create() is recomputed (to nothing,
        # for a lot of the history), a written one is kept. Written once per
        # date, for the lots of that date.
        produced = defaultdict(list)
        for start in range(0, len(new_lots), CREATE_BATCH):
            batch = new_lots[start : start + CREATE_BATCH]
            values = [dict(vals) for _key, vals in batch]
            dates = [vals.pop(PRODUCED, None) for vals in values]
            lots = Lot.create(values)
            for (key, _vals), lot, date in zip(batch, lots, dates, strict=True):
                lot_ids[key] = lot.id
                if date:
                    produced[date].append(lot.id)
        for date, ids in produced.items():
            self.env["stock.lot"].browse(ids).write({PRODUCED: date})
        for record_id, vals in plan["update"]["lots"]:
            self.env["stock.lot"].browse(record_id).write(vals)

        def lot_id(value):
            return lot_ids[value] if isinstance(value, tuple) else value

        models_of = {
            "links": ("traceability.history.link", ("parent_lot_id", "child_lot_id")),
            "shipments": ("traceability.history.shipment", ("lot_id",)),
            "checks": ("traceability.history.check", ("lot_id",)),
        }
        for kind, (model, lot_fields) in models_of.items():
            vals_list = []
            for vals in plan["create"][kind]:
                vals = dict(vals, company_id=company.id, import_file=import_file)
                for name in lot_fields:
                    vals[name] = lot_id(vals[name])
                vals_list.append(vals)
            Model = creating[model]
            for start in range(0, len(vals_list), CREATE_BATCH):
                Model.create(vals_list[start : start + CREATE_BATCH])
            for record_id, vals in plan["update"][kind]:
                self.env[model].browse(record_id).write(vals)


class _Resolver:
    """The database lookups of one plan: one query per kind of key (products,
    lots, customers, control points, existing history), then dictionaries."""

    def __init__(self, wizard, sheets):
        self.wizard = wizard
        self.env = wizard.env
        self.company = wizard.company_id
        tz = self.env.user.tz or self.env.context.get("tz") or "UTC"
        try:
            self.tz = pytz.timezone(tz)
        except pytz.UnknownTimeZoneError:
            self.tz = pytz.utc
        self.companies = [self.company.id, False]
        self.quantity_digits = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        self.products = self._products(sheets)
        # Lots of the database by name: name -> [(lot id, product id)].
        self.lots = self._lots(sheets)
        # Lots of the file's lots sheets (valid rows): name -> [(key, product id)].
        self.file_lots = defaultdict(list)

    # Helpers ---------------------------------------------------------------
    def utc(self, moment):
        if moment is None:
            return None
        return self.tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def error(plan, sheet, row, column, code, **params):
        plan["errors"].append(
            history_import.RowError(
                sheet.title, row, column, code, tuple(params.items())
            )
        )

    @staticmethod
    def header(sheet, key):
        """The header of column ``key`` as ``sheet`` has it (its English text
        when the sheet lacks the column)."""
        found = dict(sheet.headers).get(key)
        if found:
            return found
        for column in history_import.TEMPLATES[sheet.kind]:
            if column.key == key:
                return column.english
        return key

    @staticmethod
    def _values(sheets, kind, *keys):
        return {
            values[key]
            for sheet in sheets
            if sheet.kind == kind
            for _row, values in sheet.rows
            for key in keys
            if values.get(key)
        }

    def _products(self, sheets):
        codes = set()
        for kind, key in (
            ("lots", "product"),
            ("links", "parent_product"),
            ("links", "child_product"),
            ("shipments", "product"),
            ("checks", "product"),
        ):
            codes |= self._values(sheets, kind, key)
        by_code, by_barcode = defaultdict(set), defaultdict(set)
        tracking = {}
        if codes:
            codes = list(codes)
            for product in self.env["product.product"].search_fetch(
                [
                    ("company_id", "in", self.companies),
                    "|",
                    ("default_code", "in", codes),
                    ("barcode", "in", codes),
                ],
                ["default_code", "barcode", "tracking"],
            ):
                tracking[product.id] = product.tracking
                if product.default_code:
                    by_code[product.default_code].add(product.id)
                if product.barcode:
                    by_barcode[product.barcode].add(product.id)
        # The default code first: a barcode counts when no product has the
        # text as its default code.
        found = {code: by_code.get(code) or by_barcode.get(code) for code in codes}
        self.tracking = tracking
        return found

    def _lots(self, sheets):
        names = set()
        for kind, keys in (
            ("lots", ("lot",)),
            ("links", ("parent_lot", "child_lot")),
            ("shipments", ("lot",)),
            ("checks", ("lot",)),
        ):
            names |= self._values(sheets, kind, *keys)
        lots = defaultdict(list)
        if names:
            for lot in self.env["stock.lot"].search_fetch(
                [("name", "in", list(names)), ("company_id", "in", self.companies)],
                ["name", "product_id"],
            ):
                lots[lot.name].append((lot.id, lot.product_id.id))
        return lots

    def product(self, plan, sheet, row, key, code):
        """The product id of ``code``, or None (an error recorded)."""
        found = self.products.get(code)
        column = self.header(sheet, key)
        if not found:
            self.error(plan, sheet, row, column, "unknown_product")
            return None
        if len(found) > 1:
            self.error(plan, sheet, row, column, "ambiguous_product", count=len(found))
            return None
        return next(iter(found))

    def lot(self, plan, sheet, row, values, lot_key, product_key):
        """The lot of a row: an id, a key of a lot of the file, or None (an
        error recorded)."""
        name = values[lot_key]
        product_id = None
        if values.get(product_key):
            product_id = self.product(
                plan, sheet, row, product_key, values[product_key]
            )
            if product_id is None:
                return None
        candidates = {product: lot for lot, product in self.file_lots.get(name, ())}
        candidates.update({product: lot for lot, product in self.lots.get(name, ())})
        if product_id is not None:
            candidates = {
                product: lot
                for product, lot in candidates.items()
                if product == product_id
            }
        column = self.header(sheet, lot_key)
        if not candidates:
            self.error(plan, sheet, row, column, "unknown_lot")
            return None
        if len(candidates) > 1:
            self.error(plan, sheet, row, column, "ambiguous_lot", count=len(candidates))
            return None
        return next(iter(candidates.values()))

    def duplicate(self, plan, sheet, row, seen, key, column, what):
        """Whether ``key`` was already on a row of the file (an error then)."""
        if key in seen:
            self.error(
                plan,
                sheet,
                row,
                column,
                "duplicate_key",
                what=what,
                first_row=seen[key],
            )
            return True
        seen[key] = row
        return False

    def changes(self, record, wanted):
        """The values of ``wanted`` that differ from ``record``'s (None: not
        given, no change)."""
        changed = {}
        for name, value in wanted.items():
            if value is None:
                continue
            old = record[name]
            if record._fields[name].type == "float":
                digits = 6 if name == "value_float" else self.quantity_digits
                same = not float_compare(old, value, precision_digits=digits)
            else:
                same = (old or False) == (value or False)
            if not same:
                changed[name] = value
        return changed

    def count(self, plan, kind, record, changed):
        counts = plan["counts"][kind]
        if record is None:
            counts["new"] += 1
        elif changed:
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1

    # Lots --------------------------------------------------------------------
    def plan_lots(self, sheet, plan):
        seen = {}
        rows = []
        for row, values in sheet.rows:
            product_id = self.product(plan, sheet, row, "product", values["product"])
            if product_id is None:
                continue
            if self.tracking.get(product_id, "none") == "none":
                self.error(
                    plan,
                    sheet,
                    row,
                    self.header(sheet, "product"),
                    "untracked_product",
                )
                continue
            key = (product_id, values["lot"])
            if self.duplicate(
                plan,
                sheet,
                row,
                seen,
                key,
                self.header(sheet, "lot"),
                self.wizard.env._("product and lot"),
            ):
                continue
            rows.append((row, key, values))
        known = {
            (product, name): lot_id
            for name, pairs in self.lots.items()
            for lot_id, product in pairs
        }
        records = {
            lot.id: lot
            for lot in self.env["stock.lot"].search_fetch(
                [("id", "in", [known[key] for _r, key, _v in rows if key in known])],
                ["ref", "expiration_date", "traceability_produced_date"],
            )
        }
        for _row, key, values in rows:
            wanted = {
                "ref": values.get("vendor_lot"),
                "expiration_date": self.utc(values.get("expiration_date")),
                "traceability_produced_date": self.utc(values.get("produced_date")),
            }
            lot_id = known.get(key)
            if lot_id:
                record = records[lot_id]
                changed = self.changes(record, wanted)
                if changed:
                    plan["update"]["lots"].append((lot_id, changed))
                self.count(plan, "lots", record, changed)
                continue
            vals = {
                "product_id": key[0],
                "name": key[1],
                "company_id": self.company.id,
            }
            vals.update({name: value for name, value in wanted.items() if value})
            plan["create"]["lots"].append((key, vals))
            self.file_lots[key[1]].append((key, key[0]))
            self.count(plan, "lots", None, None)

    # Links -------------------------------------------------------------------
    def _existing(self, model, rows, lot_field, key_of):
        """Existing history records of ``model`` among the lots of ``rows``
        (one query), by natural key."""
        lot_ids = {lot for _row, key, _values in rows if isinstance(lot := key[0], int)}
        if not lot_ids:
            return {}
        Model = self.env[model]
        records = Model.search_fetch(
            [("company_id", "=", self.company.id), (lot_field, "in", list(lot_ids))],
            [name for name in Model._fields if name in self._FETCH],
        )
        return {key_of(record): record for record in records}

    _FETCH = frozenset(
        (
            "parent_lot_id",
            "child_lot_id",
            "lot_id",
            "partner_id",
            "spec_id",
            "reference",
            "quantity",
            "date",
            "value_float",
            "value_is_set",
            "value_pass_fail",
            "value_text",
        )
    )

    def _plan_records(self, kind, model, rows, lot_field, key_of, wanted_of, plan):
        existing = self._existing(model, rows, lot_field, key_of)
        for _row, key, values in rows:
            record = existing.get(key)
            wanted = wanted_of(values)
            if record is None:
                plan["create"][kind].append(
                    dict(
                        self._key_vals(kind, key),
                        **{
                            name: value
                            for name, value in wanted.items()
                            if value is not None
                        },
                    )
                )
                self.count(plan, kind, None, None)
                continue
            changed = self.changes(record, wanted)
            if changed:
                plan["update"][kind].append((record.id, changed))
            self.count(plan, kind, record, changed)

    @staticmethod
    def _key_vals(kind, key):
        if kind == "links":
            return {
                "child_lot_id": key[0],
                "parent_lot_id": key[1],
                "reference": key[2],
            }
        if kind == "shipments":
            return {"lot_id": key[0], "partner_id": key[1], "reference": key[2]}
        return {
            "lot_id": key[0],
            "spec_id": key[1],
            "date": key[2],
            "reference": key[3],
            "control_point_id": key[4],
        }

    def plan_links(self, sheet, plan):
        _ = self.wizard.env._
        seen, rows = {}, []
        for row, values in sheet.rows:
            parent = self.lot(plan, sheet, row, values, "parent_lot", "parent_product")
            child = self.lot(plan, sheet, row, values, "child_lot", "child_product")
            if parent is None or child is None:
                continue
            if parent == child:
                self.error(
                    plan, sheet, row, self.header(sheet, "child_lot"), "same_lot"
                )
                continue
            key = (child, parent, values.get("reference") or "")
            if self.duplicate(
                plan,
                sheet,
                row,
                seen,
                key,
                self.header(sheet, "child_lot"),
                _("parent lot, child lot and reference"),
            ):
                continue
            rows.append((row, key, values))
        self._plan_records(
            "links",
            "traceability.history.link",
            rows,
            "child_lot_id",
            lambda link: (
                link.child_lot_id.id,
                link.parent_lot_id.id,
                link.reference or "",
            ),
            lambda values: {
                "quantity": values.get("quantity"),
                "date": self.utc(values.get("date")),
            },
            plan,
        )

    # Shipments ---------------------------------------------------------------
    def _customers(self, sheet):
        """Customer text -> partner ids, by internal reference, else tax ID,
        else exact name: one query per criterion."""
        texts = list({values["customer"] for _row, values in sheet.rows})
        found = {}
        Partner = self.env["res.partner"]
        for field in ("ref", "vat", "name"):
            left = [text for text in texts if text not in found]
            if not left:
                break
            matches = defaultdict(set)
            for partner in Partner.search_fetch(
                [(field, "in", left), ("company_id", "in", self.companies)], [field]
            ):
                matches[partner[field]].add(partner.id)
            found.update(matches)
        return found

    def plan_shipments(self, sheet, plan):
        _ = self.wizard.env._
        customers = self._customers(sheet)
        seen, rows = {}, []
        for row, values in sheet.rows:
            lot = self.lot(plan, sheet, row, values, "lot", "product")
            partners = customers.get(values["customer"])
            column = self.header(sheet, "customer")
            if not partners:
                self.error(plan, sheet, row, column, "unknown_customer")
                continue
            if len(partners) > 1:
                self.error(
                    plan, sheet, row, column, "ambiguous_customer", count=len(partners)
                )
                continue
            if lot is None:
                continue
            key = (lot, next(iter(partners)), values.get("reference") or "")
            if self.duplicate(
                plan,
                sheet,
                row,
                seen,
                key,
                self.header(sheet, "lot"),
                _("lot, customer and reference"),
            ):
                continue
            rows.append((row, key, values))
        self._plan_records(
            "shipments",
            "traceability.history.shipment",
            rows,
            "lot_id",
            lambda shipment: (
                shipment.lot_id.id,
                shipment.partner_id.id,
                shipment.reference or "",
            ),
            lambda values: {
                "quantity": values.get("quantity"),
                "date": self.utc(values.get("date")),
            },
            plan,
        )

    # Check results -----------------------------------------------------------
    def _points(self):
        """Control point name -> (point id, {parameter name -> spec}), names in
        the user's language and in English."""
        points = defaultdict(dict)
        for lang in {self.env.lang or "en_US", "en_US"}:
            Point = self.env["traceability.control.point"].with_context(lang=lang)
            for point in Point.search([("company_id", "in", self.companies)]):
                specs = points[point.name].setdefault(point.id, {})
                for spec in point.spec_ids:
                    specs[spec.name] = spec
        return points

    def plan_checks(self, sheet, plan):
        _ = self.wizard.env._
        points = self._points()
        seen, rows = {}, []
        for row, values in sheet.rows:
            lot = self.lot(plan, sheet, row, values, "lot", "product")
            found = points.get(values["control_point"], {})
            if len(found) != 1:
                self.error(
                    plan,
                    sheet,
                    row,
                    self.header(sheet, "control_point"),
                    "unknown_point",
                )
                continue
            ((point_id, specs),) = found.items()
            spec = specs.get(values["parameter"])
            if spec is None:
                self.error(
                    plan,
                    sheet,
                    row,
                    self.header(sheet, "parameter"),
                    "unknown_parameter",
                )
                continue
            measure = self._measure(plan, sheet, row, spec, values["value"])
            if lot is None or measure is None:
                continue
            date = self.utc(values["date"])
            key = (lot, spec.id, date, values.get("reference") or "", point_id)
            if self.duplicate(
                plan,
                sheet,
                row,
                seen,
                key[:4],
                self.header(sheet, "parameter"),
                _("lot, parameter, date and reference"),
            ):
                continue
            rows.append((row, key, measure))
        self._plan_records(
            "checks",
            "traceability.history.check",
            rows,
            "lot_id",
            lambda check: (
                check.lot_id.id,
                check.spec_id.id,
                check.date,
                check.reference or "",
                check.spec_id.control_point_id.id,
            ),
            lambda measure: measure,
            plan,
        )

    def _measure(self, plan, sheet, row, spec, value):
        """The value fields of a measure of ``spec``, as a check's value holds
        them (None and an error when the cell does not fit the parameter)."""
        column = self.header(sheet, "value")
        try:
            if spec.value_type == "numeric":
                number = history_import.parse_number(value)
                return {
                    "value_float": number,
                    "value_is_set": True,
                    "value_pass_fail": None,
                    "value_text": None,
                }
            if spec.value_type == "pass_fail":
                return {
                    "value_pass_fail": history_import.parse_pass_fail(value),
                    "value_float": None,
                    "value_is_set": None,
                    "value_text": None,
                }
            if spec.value_type == "text":
                return {
                    "value_text": history_import.parse_text(value),
                    "value_float": None,
                    "value_is_set": None,
                    "value_pass_fail": None,
                }
        except history_import.CellError as error:
            self.error(plan, sheet, row, column, error.code, **error.params)
            return None
        self.error(plan, sheet, row, column, "photo_value")
        return None
