# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The EPCIS export attacked over the path a user really has (RPC in the user's
own environment): records of another company, data of records the caller
cannot read, bad input, the downloaded attachment and the GLN fields."""

import base64
import json

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import epcis, gs1
from .common import TraceabilityCommon, rpc

PARTNER_GLN = "4012345000009"
COMPANY_A_GLN = "0614141000005"
# A GLN that nobody but the other company's partner has.
SECRET_GLN = "5412345000013"
CLEAN_ERRORS = (UserError, ValidationError, AccessError)


@tagged("post_install", "-at_install")
class TestEpcisAttacks(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "EPCA Company B"})
        cls.semi.barcode = "690123456007" + gs1.check_digit("690123456007")
        cls.customer_a.traceability_gln = PARTNER_GLN
        # With GLNs, the names of orders and transfers are in the documents.
        cls.company_a.traceability_gln = COMPANY_A_GLN
        cls.company_b.traceability_gln = "541234500002" + gs1.check_digit(
            "541234500002"
        )
        cls.scope = cls.env["ir.config_parameter"].sudo().get_param("database.uuid")
        # Company A: V-1 received, made into S-1 and S-2, both delivered.
        cls.flows.receive(cls.vendor, cls.raw, [("EPCA-V-1", 20)])
        cls.v1 = cls.lot(cls.raw, "EPCA-V-1")
        cls.production_1 = cls.flows.produce(
            cls.semi, 4, "EPCA-S-1", {cls.raw: [(cls.v1, 8)]}
        )
        cls.production_2 = cls.flows.produce(
            cls.semi, 4, "EPCA-S-2", {cls.raw: [(cls.v1, 8)]}
        )
        cls.s1 = cls.lot(cls.semi, "EPCA-S-1")
        cls.s2 = cls.lot(cls.semi, "EPCA-S-2")
        cls.flows.deliver(cls.customer_a, [(cls.semi, [(cls.s1, 2)])])
        cls.secret_partner = cls.env["res.partner"].create(
            {
                "name": "EPCA Secret Customer",
                "is_company": True,
                "traceability_gln": SECRET_GLN,
            }
        )
        cls.flows.deliver(cls.secret_partner, [(cls.semi, [(cls.s1, 1)])])
        # A check of S-1 (failed) and a hold on it.
        point = cls.env["traceability.control.point"].create(
            {
                "name": "EPCA visual",
                "stage": "final",
                "product_ids": [Command.link(cls.semi.id)],
                "spec_ids": [
                    Command.create({"name": "Visual", "value_type": "pass_fail"})
                ],
            }
        )
        cls.check = cls.env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": cls.s1.id,
                "value_ids": [
                    Command.create(
                        {"spec_id": point.spec_ids.id, "value_pass_fail": "fail"}
                    )
                ],
            }
        )
        cls.env["traceability.hold"].sudo()._place(cls.s2, "recall", note="EPCA")
        # Company B: a lot of its own product, and a lot of the shared raw
        # product (no company: readable by all, its receipt is B's).
        cls.product_b = cls.env["product.product"].create(
            {
                "name": "EPCA Product B",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "company_id": cls.company_b.id,
            }
        )
        flows_b = cls.flows.with_company(cls.company_b)
        flows_b.receive(cls.vendor, cls.product_b, [("EPCA-B-SECRET", 7)])
        cls.lot_b = cls.lot(cls.product_b, "EPCA-B-SECRET")
        assert cls.lot_b.company_id == cls.company_b
        cls.receipt_b = flows_b.receive(
            cls.vendor, cls.raw, [("EPCA-B-SHARED", 9)]
        ).picking_ids
        cls.shared_b = cls.lot(cls.raw, "EPCA-B-SHARED")
        user_groups = "base.group_user,quality_traceability.group_traceability_user"
        cls.trace_user = new_test_user(
            cls.env,
            "epca_trace_a",
            groups=user_groups,
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.trace_user_b = new_test_user(
            cls.env,
            "epca_trace_b",
            groups=user_groups,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.stock_user = new_test_user(
            cls.env,
            "epca_stock",
            groups="base.group_user,stock.group_stock_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.portal = new_test_user(cls.env, "epca_portal", groups="base.group_portal")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def export(self, method, *args, user=None, context=None):
        return rpc(
            self.env,
            user or self.trace_user,
            "traceability.epcis",
            method,
            list(args),
            context=context,
        )

    def text(self, document):
        return json.dumps(document)

    def lot_uri(self, lot):
        """The stable URI of a lot whose product has no GTIN."""
        return epcis.stable_uri(self.scope, "stock.lot", lot.id)

    def reference(self, record, company):
        """The business transaction URI of ``record`` (an order, a transfer)
        of ``company``, which has a GLN."""
        return epcis.biz_transaction("po", record.name, company.traceability_gln)[
            "bizTransaction"
        ]

    def move_to_company_b(self, table, ids):
        """Give records of company A to company B behind the ORM's back: the
        state a trace meets when it crosses into another company."""
        self.env.flush_all()
        self.env.cr.execute(
            f"UPDATE {table} SET company_id = %s WHERE id = ANY(%s)",  # noqa: S608
            (self.company_b.id, list(ids)),
        )
        self.env.invalidate_all()

    def assertCleanRefusal(self, method, *args):
        """``method`` called over RPC with ``args`` either answers or refuses
        with an error a user can read: never a database error or a Python
        error (a server error of the request), and the transaction stays
        usable. Returns the refusal, if any."""
        refusal = None
        try:
            with self.env.cr.savepoint():
                self.export(method, *args)
        except CLEAN_ERRORS as error:
            refusal = error
        except Exception as error:  # noqa: BLE001
            self.fail(f"{method}{args!r}: {type(error).__name__}: {error}")
        # The cursor still works.
        self.assertTrue(self.env["stock.lot"].search_count([("id", "=", self.v1.id)]))
        return refusal

    # ------------------------------------------------------------------
    # Other company
    # ------------------------------------------------------------------
    def test_lot_of_another_company(self):
        """Ids of company B's lot passed directly, alone, among company A's
        lots, or with company B forced in the context: refused, and no
        attachment is made."""
        attachments = self.env["ir.attachment"].search_count([])
        for method in ("export_trace", "export_lots", "action_export_trace"):
            for ids in (self.lot_b.ids, [self.v1.id, self.lot_b.id]):
                with self.refused(AccessError, "."):
                    self.export(method, ids)
                for companies in (self.company_b.ids, [self.company_b.id] * 2):
                    with self.refused(AccessError, "."):
                        self.export(
                            method,
                            ids,
                            context={"allowed_company_ids": companies},
                        )
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        # The user of company B gets its lot, and nothing of company A.
        document = self.export("export_trace", self.lot_b.ids, user=self.trace_user_b)
        self.assertIn(self.lot_uri(self.lot_b), self.text(document))
        self.assertNotIn("EPCA-V-1", self.text(document))

    def test_products_of_another_company(self):
        """``export_products`` of a product of company B, or of a product
        shared by both: only company A's lots, over any date range."""
        document = self.export("export_products", self.product_b.ids)
        self.assertEqual(document["epcisBody"]["eventList"], [])
        for dates in ((), ("1900-01-01 00:00:00", "9999-12-31 23:59:59")):
            document = self.export("export_products", self.raw.ids, *dates)
            text = self.text(document)
            self.assertIn("EPCA-V-1", text)
            for secret in (
                "EPCA-B-SHARED",
                self.reference(self.receipt_b, self.company_b),
                self.reference(self.receipt_b.purchase_id, self.company_b),
            ):
                self.assertNotIn(secret, text)

    def test_shared_lot_received_by_another_company(self):
        """A lot of a shared product (no company: the user of A may read it)
        received by company B: its trace shows nothing of B's receipt."""
        for method in ("export_trace", "export_lots"):
            document = self.export(method, self.shared_b.ids)
            self.assertEqual(document["epcisBody"]["eventList"], [], method)
            for secret in (
                self.receipt_b.name,
                self.reference(self.receipt_b, self.company_b),
            ):
                self.assertNotIn(secret, self.text(document))

    def test_trace_crossing_into_another_company(self):
        """A lot of company A whose forward trace goes on in company B (S-1's
        manufacturing order, lot and deliveries given to B): the user of A
        gets V-1's own events, nothing of B's lot, order, deliveries or
        customers."""
        production = self.production_1
        lines = self.env["stock.move.line"].search([("lot_id", "=", self.s1.id)])
        deliveries = lines.picking_id
        self.assertTrue(deliveries)
        self.move_to_company_b("stock_lot", self.s1.ids)
        self.move_to_company_b("mrp_production", production.ids)
        self.move_to_company_b("stock_move", (production.move_finished_ids).ids)
        self.move_to_company_b("stock_move", lines.move_id.ids)
        self.move_to_company_b("stock_move_line", lines.ids)
        self.move_to_company_b("stock_picking", deliveries.ids)
        self.move_to_company_b("traceability_check", self.check.ids)
        for method in ("export_trace", "export_lots"):
            text = self.text(self.export(method, self.v1.ids))
            self.assertIn("EPCA-V-1", text)
            if method == "export_trace":
                self.assertIn("EPCA-S-2", text)
            secrets = ["EPCA-S-1", PARTNER_GLN, SECRET_GLN]
            for record in [*production, *deliveries, *deliveries.sale_id]:
                secrets += [
                    self.reference(record, company)
                    for company in (self.company_a, self.company_b)
                ]
            for secret in secrets:
                self.assertNotIn(secret, text, method)
        # S-1 itself is refused.
        with self.refused(AccessError, "."):
            self.export("export_trace", self.s1.ids)

    # ------------------------------------------------------------------
    # Records the caller cannot read
    # ------------------------------------------------------------------
    def test_partner_the_user_cannot_read(self):
        """S-1 delivered to a customer restricted to company B: the export
        names neither its GLN nor its name (the user cannot read it)."""
        self.move_to_company_b("res_partner", self.secret_partner.ids)
        with self.assertRaises(AccessError):
            self.secret_partner.with_user(self.trace_user).read(["traceability_gln"])
        text = self.text(self.export("export_trace", self.s1.ids))
        self.assertIn(PARTNER_GLN, text)
        self.assertNotIn(SECRET_GLN, text)
        self.assertNotIn("EPCA Secret Customer", text)
        for uri in (
            epcis.stable_uri(self.scope, "res.partner", self.secret_partner.id),
            epcis.stable_uri(
                self.scope, "res.partner", self.secret_partner.id, "location"
            ),
        ):
            self.assertNotIn(uri, text)

    def test_checks_and_holds_of_another_company(self):
        """A check and a hold of company A's lots that belong to company B:
        no inspecting or holding event for them."""
        document = self.export("export_trace", self.v1.ids)
        steps = [event.get("bizStep") for event in document["epcisBody"]["eventList"]]
        self.assertIn("inspecting", steps)
        self.assertIn("holding", steps)
        # The recall's hold on S-2 and the failed check's hold on S-1.
        hold = self.env["traceability.hold"].search(
            [("lot_id", "in", (self.s1 | self.s2).ids)]
        )
        self.assertTrue(hold)
        self.move_to_company_b("traceability_check", self.check.ids)
        self.move_to_company_b("traceability_hold", hold.ids)
        document = self.export("export_trace", self.v1.ids)
        steps = [event.get("bizStep") for event in document["epcisBody"]["eventList"]]
        self.assertNotIn("inspecting", steps)
        self.assertNotIn("holding", steps)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_lot_ids(self):
        """Strings, negative, unknown, nested or non-list ids: a clean answer
        or a clean refusal, never a server error."""
        for method in ("export_trace", "export_lots", "action_export_trace"):
            for ids in (
                ["abc"],
                ["1; DROP TABLE stock_lot"],
                [-1],
                [0],
                [2**31 + 5],
                [10**30],
                [1.5],
                [[self.v1.id]],
                [{"id": self.v1.id}],
                [None],
                [True],
                "abc",
                5,
                None,
                {"a": 1},
            ):
                self.assertCleanRefusal(method, ids)
        for ids in (["abc"], [-1], [10**30], [[1]], 5, None):
            self.assertCleanRefusal("export_products", ids)
        # Unknown ids: an empty document, not an error.
        document = self.export("export_trace", [-1, 987654321])
        self.assertEqual(document["epcisBody"]["eventList"], [])

    def test_bad_dates_and_direction(self):
        for method, ids in (
            ("export_lots", self.v1.ids),
            ("export_products", self.raw.ids),
        ):
            for dates in (
                ("garbage", None),
                (None, "2024-13-45"),
                (12345, None),
                ([2024, 1, 1], None),
                ({"a": 1}, None),
            ):
                self.assertCleanRefusal(method, ids, *dates)
            with self.refused(UserError, "."):
                self.export(method, ids, "not a date")
        for method in ("export_trace", "action_export_trace"):
            for direction in ("sideways", "", None, 1, ["forward"], {"x": 1}):
                self.assertCleanRefusal(method, self.v1.ids, direction)
            with self.refused(UserError, "direction"):
                self.export(method, self.v1.ids, "sideways")

    # ------------------------------------------------------------------
    # The downloaded attachment
    # ------------------------------------------------------------------
    def download(self):
        action = self.export("action_export_trace", self.v1.ids)
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        document = json.loads(base64.b64decode(attachment.datas))
        steps = [event.get("bizStep") for event in document["epcisBody"]["eventList"]]
        self.assertIn("inspecting", steps)
        return attachment

    def read_as(self, user, attachment):
        return rpc(self.env, user, "ir.attachment", "read", [attachment.ids, ["datas"]])

    def test_attachment_readers(self):
        """The document downloaded by ``action_export_trace`` (with the trace's
        checks and holds) is read back by its exporter, not by a portal user
        (no access to lots)."""
        attachment = self.download()
        self.assertTrue(self.read_as(self.trace_user, attachment)[0]["datas"])
        with self.refused(AccessError, "."):
            self.read_as(self.portal, attachment)

    def test_attachment_not_read_by_lot_readers(self):
        """The attachment is the exporter's alone: whoever may read the first
        lot may not read the document, which holds more than that lot.

        - a traceability user of company B, when the lot has no company (a
          product shared by the companies): company A's whole trace is in the
          document, and ``export_trace`` does not show it to that user;
        - an inventory user of company A: the check results are in it, and an
          inventory user has no access to ``traceability.check``."""
        attachment = self.download()
        self.assertFalse(self.v1.company_id)
        # What B's user may see of the same trace: none of A's events.
        own = self.export("export_trace", self.v1.ids, user=self.trace_user_b)
        self.assertNotIn("EPCA-S-1", self.text(own))
        self.assertNotIn(PARTNER_GLN, self.text(own))
        exported = json.loads(base64.b64decode(attachment.datas))
        self.assertIn("EPCA-S-1", self.text(exported))
        self.assertIn(PARTNER_GLN, self.text(exported))
        with self.assertRaises(AccessError):
            self.read_as(self.trace_user_b, attachment)
        # The inventory user reads the lot but not its checks, nor the document.
        self.v1.with_user(self.stock_user).check_access("read")
        with self.assertRaises(AccessError):
            self.check.with_user(self.stock_user).check_access("read")
        with self.assertRaises(AccessError):
            self.read_as(self.stock_user, attachment)

    # ------------------------------------------------------------------
    # GLN fields
    # ------------------------------------------------------------------
    def test_gln_write_refused(self):
        """Users who may not change partners, warehouses or companies cannot
        set their GLN over RPC."""
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_a.id)], limit=1
        )
        for user in (self.trace_user, self.stock_user, self.portal):
            for record in (self.customer_b, warehouse, self.company_a):
                before = record.traceability_gln
                with self.refused(AccessError, "."):
                    rpc(
                        self.env,
                        user,
                        record._name,
                        "write",
                        [record.ids, {"traceability_gln": PARTNER_GLN}],
                    )
                self.assertEqual(record.traceability_gln, before)

    def test_gln_invalid_values(self):
        """Invalid GLNs are refused with a ValidationError."""
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_a.id)], limit=1
        )
        for record in (self.customer_b, warehouse, self.company_a):
            for value in (
                "abc",
                "401234500000",
                "4012345000008",
                " 401234500000",
                "４０１２３４５０００００９",
                "40123450000O9",
                # A valid GLN followed by more digits: refused, not cut to 13.
                "40123450000091234",
            ):
                with self.refused(ValidationError, "."):
                    record.write({"traceability_gln": value})
