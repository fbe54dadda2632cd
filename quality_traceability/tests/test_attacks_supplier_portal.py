# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on the supplier portal and on the imported trace history: another
vendor's portal user, a customer's portal user, an anonymous visitor, a
dishonest vendor and a broken client, over the paths they really have (the
portal's pages, JSON-RPC with their own session, the models as themselves).
Each attack is refused and changes nothing."""

import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .test_supplier_portal import PDF, SupplierPortalCommon, SupplierScorecardCommon

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"|csrf_token: "([^"]+)"')


def declare(case, order, user, line, lot_name, quantity, **kwargs):
    """Declare as ``user`` through the model method the portal calls
    (``case``: a test class or case of :class:`SupplierPortalCommon`)."""
    env = case.env(user=user)
    found, author = env["purchase.order"].browse(order.id)._traceability_portal_access()
    kwargs.setdefault(
        "values", {str(case.melt.id): "10.4", str(case.appearance.id): "pass"}
    )
    return env["traceability.declared.lot"]._portal_declare(
        found, author, line.id, lot_name, quantity, **kwargs
    )


class AttackCommon(SupplierPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One declaration of each vendor, A's with a certificate.
        cls.mine = declare(
            cls,
            cls.order_a,
            cls.vendor_user,
            cls.resin_line,
            "ATK-A-1",
            "2",
            certificate=("coa.pdf", PDF),
        )
        cls.theirs = declare(
            cls, cls.order_b, cls.vendor_b_user, cls.order_b.order_line, "ATK-B-1", "2"
        )
        cls.certificate = cls.mine.sudo().certificate_id

    def _snapshot(self):
        self.env.invalidate_all()
        lots = self.env["traceability.declared.lot"].search([])
        return (
            [
                (lot.id, lot.lot_name, lot.quantity, lot.certificate_id.id)
                for lot in lots
            ],
            self.env["traceability.declared.lot.value"]
            .search([])
            .read(["value_float", "value_pass_fail", "value_text"]),
            self.certificate.raw,
            self.env["ir.attachment"].search_count([]),
        )


@tagged("post_install", "-at_install")
class TestAttackSupplierPortalModel(AttackCommon):
    """The models as a portal user reaches them (``with_user``: what
    ``/web/dataset/call_kw`` runs) and the declaration's input checks."""

    def test_tiny_quantity_is_refused(self):
        """A positive quantity the line's unit rounds to zero would store a
        declaration of 0."""
        before = self._snapshot()
        for quantity in ("1e-9", "0.0000001", "0.0001"):
            with self.subTest(quantity=quantity):
                with self.assertRaisesRegex(UserError, "above zero"):
                    declare(
                        self,
                        self.order_a,
                        self.vendor_user,
                        self.resin_line,
                        "ATK-TINY",
                        quantity,
                    )
        self.assertEqual(self._snapshot(), before)

    def test_dates_out_of_range_are_refused(self):
        """Year 1 or 9999: no lot is made or expires then (and year 1 is
        out of reach of a time zone west of UTC)."""
        before = self._snapshot()
        for field in ("production_date", "expiration_date"):
            for text in ("0001-01-01", "1899-12-31", "9999-12-31", "3000-01-01"):
                with self.subTest(field=field, text=text):
                    with self.assertRaisesRegex(UserError, "between"):
                        declare(
                            self,
                            self.order_a,
                            self.vendor_user,
                            self.resin_line,
                            "ATK-DATE",
                            "1",
                            **{field: text},
                        )
        self.assertEqual(self._snapshot(), before)

    def test_junk_is_refused(self):
        before = self._snapshot()
        line, user = self.resin_line, self.vendor_user
        values = {str(self.melt.id): "10", str(self.appearance.id): "pass"}
        cases = [
            ({"lot_name": "L" * 129}, "printable"),
            ({"lot_name": "ATK\x00NUL"}, "printable"),
            ({"lot_name": "ATK\u202eRTL"}, "printable"),
            ({"quantity": "inf"}, "must be a number"),
            ({"quantity": "-inf"}, "must be a number"),
            ({"quantity": "1e10"}, "must be a number"),
            ({"quantity": "-0"}, "above zero"),
            ({"quantity": None}, "must be a number"),
            ({"production_date": "2026-02-30"}, "must be a date"),
            ({"production_date": "yesterday"}, "must be a date"),
            ({"expiration_date": "2027-01-01<b>x</b>"}, "must be a date"),
            (
                {"values": dict(values, **{str(self.remark.id): "bad\x00text"})},
                "cannot be stored",
            ),
            (
                {"values": dict(values, **{str(self.remark.id): "x" * 100000})},
                "longer than",
            ),
            ({"values": dict(values, **{str(self.melt.id): "nan"})}, "finite"),
            ({"values": dict(values, **{str(self.melt.id): "1e400"})}, "finite"),
            (
                {"certificate": ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))},
                "larger than 10 MB",
            ),
            ({"certificate": ("coa.pdf", b"\x89PNG\r\n\x1a\n")}, "must be a PDF"),
        ]
        for kwargs, message in cases:
            kwargs = dict(kwargs)
            lot_name = kwargs.pop("lot_name", "ATK-JUNK")
            quantity = kwargs.pop("quantity", "1")
            with self.subTest(message=message, lot=lot_name[:20]):
                with self.assertRaisesRegex(UserError, message):
                    declare(
                        self, self.order_a, user, line, lot_name, quantity, **kwargs
                    )
        self.assertEqual(self._snapshot(), before)

    def test_markup_in_a_lot_name_stays_text(self):
        """A lot name with markup is declared as text; the chatter note
        escapes it."""
        name = '<img src=x onerror="alert(1)">'
        declare(self, self.order_a, self.vendor_user, self.resin_line, name, "1")
        body = self.order_a.message_ids[:1].body
        self.assertNotIn("<img", body)
        self.assertIn("&lt;img", body)

    def test_unsafe_certificate_name_is_replaced(self):
        declared = declare(
            self,
            self.order_a,
            self.vendor_user,
            self.resin_line,
            "ATK-NAME",
            "1",
            certificate=("../../etc/\x00passwd", PDF),
        )
        self.assertEqual(declared.sudo().certificate_id.name, "certificate.pdf")

    def test_other_vendor_sees_nothing_over_rpc(self):
        """Vendor B's and a customer's portal users: search, count, group,
        name search and read of vendor A's declarations and values."""
        for user in (self.vendor_b_user, self.customer_user):
            for model, record in (
                ("traceability.declared.lot", self.mine),
                ("traceability.declared.lot.value", self.mine.sudo().value_ids[:1]),
            ):
                with self.subTest(user=user.login, model=model):
                    Model = self.env[model].with_user(user)
                    domain = [("id", "=", record.id)]
                    self.assertFalse(Model.search(domain))
                    self.assertEqual(Model.search_count(domain), 0)
                    self.assertFalse(Model.search_read(domain, ["id"]))
                    groups = Model.read_group([], ["partner_id"], ["partner_id"])
                    self.assertNotIn(
                        self.vendor_a.id,
                        [
                            group["partner_id"] and group["partner_id"][0]
                            for group in groups
                        ],
                    )
                    with self.assertRaises(AccessError):
                        Model.browse(record.id).read(["display_name"])
        for user in (self.vendor_b_user, self.customer_user):
            names = (
                self.env["traceability.declared.lot"].with_user(user).name_search("ATK")
            )
            self.assertNotIn(self.mine.id, [rid for rid, _name in names])
        # Nor vendor A's certificate.
        for user in (self.vendor_b_user, self.customer_user):
            with self.assertRaises(AccessError):
                self.certificate.with_user(user).read(["raw"])

    def test_other_vendor_sees_no_order_nor_price(self):
        for user in (self.vendor_b_user, self.customer_user):
            with self.subTest(user=user.login):
                Order = self.env["purchase.order"].with_user(user)
                Line = self.env["purchase.order.line"].with_user(user)
                self.assertNotIn(self.order_a, Order.search([]))
                self.assertFalse(Line.search([("order_id", "=", self.order_a.id)]))
                with self.assertRaises(AccessError):
                    Line.browse(self.resin_line.id).read(["price_unit"])
                # The declaration's order line is not a way in either.
                with self.assertRaises(AccessError):
                    self.env["traceability.declared.lot"].with_user(user).browse(
                        self.mine.id
                    ).read(["purchase_line_id"])

    def test_vendor_cannot_change_its_declaration_afterwards(self):
        """The dishonest vendor: its own declaration, values and certificate
        are read-only for it, whatever the path."""
        before = self._snapshot()
        user = self.vendor_user
        lot = self.mine.with_user(user)
        value = self.mine.sudo().value_ids[:1].with_user(user)
        Attachment = self.env["ir.attachment"].with_user(user)
        attempts = [
            lambda: lot.write({"quantity": 9.0}),
            lambda: lot.write({"lot_name": "ATK-A-2"}),
            lambda: lot.write({"certificate_id": False}),
            lambda: lot.unlink(),
            lambda: lot.copy(),
            lambda: self.env["traceability.declared.lot"]
            .with_user(user)
            .create(
                {
                    "purchase_line_id": self.resin_line.id,
                    "product_id": self.resin.id,
                    "lot_name": "ATK-HAND",
                    "quantity": 1.0,
                    "source": "portal",
                }
            ),
            lambda: value.write({"value_float": 10.0}),
            lambda: value.unlink(),
            lambda: self.env["traceability.declared.lot.value"]
            .with_user(user)
            .create({"declared_lot_id": self.mine.id, "spec_id": self.melt.id}),
            lambda: self.certificate.with_user(user).write({"raw": b"%PDF-forged"}),
            lambda: self.certificate.with_user(user).unlink(),
            lambda: Attachment.create(
                {
                    "name": "forged.pdf",
                    "raw": b"%PDF-forged",
                    "res_model": "traceability.declared.lot",
                    "res_id": self.mine.id,
                }
            ),
        ]
        for index, attempt in enumerate(attempts):
            with self.subTest(attempt=index):
                with self.assertRaises(UserError):
                    attempt()
        self.assertEqual(self._snapshot(), before)

    def test_warehouse_user_cannot_change_a_declaration(self):
        """A careless warehouse user reads declarations, changes none."""
        before = self._snapshot()
        clerk = new_test_user(self.env, "atk_clerk", groups="stock.group_stock_user")
        lot = self.mine.with_user(clerk)
        self.assertEqual(lot.lot_name, "ATK-A-1")
        for attempt in (
            lambda: lot.write({"quantity": 1.0}),
            lambda: lot.unlink(),
            lambda: lot.value_ids.write({"value_float": 1.0}),
            lambda: self.certificate.with_user(clerk).write({"raw": b"%PDF-x"}),
        ):
            with self.assertRaises(UserError):
                attempt()
        self.assertEqual(self._snapshot(), before)

    def test_history_is_closed_to_portal_and_warehouse_users(self):
        clerk = new_test_user(self.env, "atk_clerk2", groups="stock.group_stock_user")
        for user in (self.vendor_user, self.customer_user, clerk):
            for model in ("traceability.history.link", "traceability.history.shipment"):
                with self.subTest(user=user.login, model=model):
                    Model = self.env[model].with_user(user)
                    with self.assertRaises(AccessError):
                        Model.search([])
                    with self.assertRaises(AccessError):
                        Model.search_count([])
                    with self.assertRaises(AccessError):
                        Model.create({"reference": "ATK"})


@tagged("post_install", "-at_install")
class TestAttackSupplierScorecard(SupplierScorecardCommon):
    def test_scorecard_counts_only_our_checks_of_the_vendor(self):
        """Declaring lots (even failing values) changes no scorecard figure:
        the card comes from our checks only."""
        partner = self.vendor_user.partner_id
        card = partner._traceability_supplier_scorecard()
        for index in range(3):
            declare(
                self,
                self.order_a,
                self.vendor_user,
                self.resin_line,
                f"ATK-SC-{index}",
                "1",
            )
        self.assertEqual(partner._traceability_supplier_scorecard(), card)
        # Vendor B's card holds none of vendor A's checks.
        card_b = self.vendor_b_user.partner_id._traceability_supplier_scorecard()
        self.assertEqual(card_b["checks"], 1)

    def test_nonconformances_of_another_vendor_stay_closed(self):
        for user in (self.vendor_b_user, self.customer_user):
            with self.assertRaises(AccessError):
                self.nc_a.with_user(user).read(["name"])


@tagged("post_install", "-at_install")
class TestAttackSupplierPortalHttp(AttackCommon, HttpCase):
    """The same attacks over HTTP."""

    def _login(self, user):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        match = CSRF_RE.search(response.text)
        return match.group(1) or match.group(2)

    def _post(self, order, csrf, files=None, **fields):
        data = {
            "csrf_token": csrf,
            "line_id": str(self.resin_line.id),
            "lot_name": "ATK-H-1",
            "quantity": "1",
            f"spec_{self.melt.id}": "10.4",
            f"spec_{self.appearance.id}": "pass",
        }
        data.update(fields)
        return self.url_open(
            f"/my/supplier/orders/{order.id}",
            data=data,
            files=files,
            allow_redirects=False,
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_broken_client_posts_junk(self):
        self._login(self.vendor_user)
        csrf = self._csrf(f"/my/supplier/orders/{self.order_a.id}")
        before = self._snapshot()
        for index, (fields, message) in enumerate(
            (
                ({"quantity": "1e-9"}, "above zero"),
                ({"quantity": "NaN"}, "must be a number"),
                ({"quantity": "-1"}, "above zero"),
                ({"lot_name": "X" * 5000}, "printable"),
                ({"production_date": "0001-01-01"}, "between"),
                ({"expiration_date": "9999-12-31"}, "between"),
                ({"line_id": "not-a-number"}, "no such line"),
                ({"line_id": ""}, "no such line"),
                ({f"spec_{self.remark.id}": "\x00"}, "cannot be stored"),
                ({"spec_9999999": "1"}, "do not check"),
            )
        ):
            with self.subTest(fields=fields):
                fields.setdefault("lot_name", f"ATK-J-{index}")
                response = self._post(self.order_a, csrf, **fields)
                self.assertEqual(response.status_code, 400, response.text[:500])
                self.assertIn(message, response.text)
        response = self._post(
            self.order_a,
            csrf,
            files={"certificate": ("coa.pdf", b"<html>x</html>", "application/pdf")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("must be a PDF", response.text)
        # Over 10 MB, in lines: the portal refuses it.
        big = b"%PDF-1.4\n" + (b"0" * 1023 + b"\n") * (10 * 1024 + 1)
        response = self._post(
            self.order_a,
            csrf,
            files={"certificate": ("big.pdf", big, "application/pdf")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("larger than 10 MB", response.text)
        # Over 10 MB in one line: the request parser refuses it first.
        with mute_logger("odoo.http", "odoo.addons.http_routing.models.ir_http"):
            response = self._post(
                self.order_a,
                csrf,
                files={"certificate": ("big.pdf", b"%PDF-" + b"0" * 11 * 2**20)},
            )
        self.assertGreaterEqual(response.status_code, 400)
        self.assertEqual(self._snapshot(), before)

    def test_unknown_order_and_wrong_method(self):
        self._login(self.vendor_user)
        csrf = self._csrf(f"/my/supplier/orders/{self.order_a.id}")
        before = self._snapshot()
        missing = self.env["purchase.order"].search([], order="id desc", limit=1).id + 1
        response = self.url_open(
            f"/my/supplier/orders/{missing}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        with mute_logger("odoo.http"):
            response = self._post(self.env["purchase.order"].browse(missing), csrf)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._snapshot(), before)

    def test_certificate_download_is_the_vendors_only(self):
        url = f"/web/content/{self.certificate.id}"
        for user in (self.vendor_b_user, self.customer_user, None):
            with self.subTest(user=user and user.login):
                self._login(user)
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (303, 403, 404))
                self.assertNotIn(PDF, response.content)

    def test_rpc_of_a_portal_user(self):
        """The vendor's own session on ``/web/dataset/call_kw``: it reads its
        declarations, neither another vendor's, nor writes, nor calls the
        portal's private methods."""
        before = self._snapshot()
        self._login(self.vendor_user)
        found = self._call_kw(
            "traceability.declared.lot", "search_read", [[]], {"fields": ["lot_name"]}
        )
        self.assertEqual([row["lot_name"] for row in found], ["ATK-A-1"])
        self.assertEqual(
            self._call_kw(
                "traceability.declared.lot",
                "search_count",
                [[("id", "=", self.theirs.id)]],
            ),
            0,
        )
        refused = [
            ("traceability.declared.lot", "read", [[self.theirs.id], ["lot_name"]]),
            ("traceability.declared.lot", "write", [[self.mine.id], {"quantity": 9}]),
            ("traceability.declared.lot", "unlink", [[self.mine.id]]),
            (
                "traceability.declared.lot",
                "_portal_declare",
                [self.order_a.id, self.vendor_user.partner_id.id, 1, "ATK-RPC", "1"],
            ),
            (
                "traceability.declared.lot.value",
                "write",
                [self.mine.sudo().value_ids.ids, {"value_float": 1}],
            ),
            ("ir.attachment", "write", [[self.certificate.id], {"raw": "forged"}]),
            ("purchase.order", "read", [[self.order_b.id], ["amount_total"]]),
            ("traceability.history.link", "search_read", [[]]),
            ("traceability.history.shipment", "search_read", [[]]),
            ("traceability.genealogy", "trace", [[self.order_a.id]]),
            ("res.partner", "_traceability_supplier_scorecard", [[self.vendor_b.id]]),
        ]
        for model, method, args in refused:
            with self.subTest(model=model, method=method):
                with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                    self._call_kw(model, method, args)
        self.assertEqual(self._snapshot(), before)

    def test_anonymous_rpc_and_guessed_tokens(self):
        before = self._snapshot()
        self._login(None)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._call_kw("traceability.declared.lot", "search_read", [[]])
        token = self.order_a._portal_ensure_token()
        csrf = self._csrf("/web/login")
        for guess in ("", token[:-1], token.upper(), token + "x", "' OR 1=1 --"):
            with self.subTest(guess=guess):
                response = self.url_open(
                    f"/my/supplier/orders/{self.order_a.id}?access_token={guess}",
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 303)
                with mute_logger("odoo.http"):
                    response = self._post(self.order_a, csrf, access_token=guess)
                self.assertEqual(response.status_code, 404)
        # Vendor A's token does not open vendor B's order.
        with mute_logger("odoo.http"):
            response = self._post(self.order_b, csrf, access_token=token)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._snapshot(), before)

    def test_token_holder_page_shows_no_other_order(self):
        """A logged-in customer with vendor A's link looks only, and the page
        holds none of vendor B's lots."""
        token = self.order_a._portal_ensure_token()
        self._login(self.customer_user)
        page = self.url_open(
            f"/my/supplier/orders/{self.order_a.id}?access_token={token}"
        ).text
        self.assertIn("ATK-A-1", page)
        self.assertNotIn("ATK-B-1", page)
        self.assertNotIn("o_supplier_declare_form", page)

    def test_internal_user_never_declares(self):
        """A warehouse user (internal) posting the vendor's form, even with
        the order's link: refused, nothing declared."""
        before = self._snapshot()
        token = self.order_a._portal_ensure_token()
        self._login(self.trace_user)
        csrf = self._csrf(f"/my/supplier/orders/{self.order_a.id}?access_token={token}")
        for access_token in (None, token):
            with self.subTest(token=bool(access_token)), mute_logger("odoo.http"):
                fields = {"access_token": access_token} if access_token else {}
                response = self._post(self.order_a, csrf, **fields)
                self.assertIn(response.status_code, (403, 404))
        self.assertEqual(self._snapshot(), before)

    def test_repeated_posts_declare_once(self):
        self._login(self.vendor_user)
        csrf = self._csrf(f"/my/supplier/orders/{self.order_a.id}")
        self.assertEqual(self._post(self.order_a, csrf).status_code, 200)
        after = self._snapshot()
        for _index in range(3):
            response = self._post(self.order_a, csrf, lot_name=" ATK-H-1 ")
            self.assertEqual(response.status_code, 400)
            self.assertIn("already declared", response.text)
        self.assertEqual(self._snapshot(), after)


@tagged("post_install", "-at_install")
class TestAttackHistory(SupplierPortalCommon):
    """The imported history corrected by a careless manager over RPC (JSON
    carries NaN and Infinity)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lot = cls.env["stock.lot"]
        cls.old_parent = Lot.create({"name": "ATK-OLD-P", "product_id": cls.resin.id})
        cls.old_child = Lot.create({"name": "ATK-OLD-C", "product_id": cls.resin.id})
        cls.link = cls.env["traceability.history.link"].create(
            {
                "parent_lot_id": cls.old_parent.id,
                "child_lot_id": cls.old_child.id,
                "reference": "ATK-WO-1",
                "quantity": 4.0,
            }
        )
        cls.shipment = cls.env["traceability.history.shipment"].create(
            {
                "lot_id": cls.old_child.id,
                "partner_id": cls.customer_a.id,
                "reference": "ATK-DN-1",
                "quantity": 4.0,
            }
        )
        cls.manager = new_test_user(
            cls.env,
            "atk_hist_manager",
            groups="quality_traceability.group_traceability_manager",
        )

    def test_manager_cannot_store_junk_quantities(self):
        for record in (self.link, self.shipment):
            for quantity in (float("nan"), float("inf"), -float("inf"), -1.0):
                with self.subTest(model=record._name, quantity=quantity):
                    with self.assertRaises(UserError), self.env.cr.savepoint():
                        record.with_user(self.manager).write({"quantity": quantity})
                        record.flush_recordset()
                    record.invalidate_recordset()
                    self.assertEqual(record.quantity, 4.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["traceability.history.link"].with_user(self.manager).create(
                {
                    "parent_lot_id": self.old_child.id,
                    "child_lot_id": self.old_parent.id,
                    "reference": "ATK-WO-NAN",
                    "quantity": float("nan"),
                }
            ).flush_recordset()
