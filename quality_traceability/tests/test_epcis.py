# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""EPCIS 2.0 export of traces, checked against GS1's EPCIS 2.0 JSON Schema
(tests/data/epcis, from github.com/gs1/EPCIS) and against the genealogy engine's
answer on the same lots."""

import base64
import datetime
import json
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import epcis, gs1
from .common import TraceabilityCommon, rpc

SCHEMA = Path(__file__).parents[1] / "data" / "epcis" / "EPCIS-JSON-Schema.json"
COMPANY_GLN = "0614141000005"
CUSTOMER_GLN = "4012345000009"
# Business transactions of the company: CBV 2.0 urn:epcglobal:cbv:bt form.
BT = f"urn:epcglobal:cbv:bt:{COMPANY_GLN}:"


def gtin13(body):
    return body + gs1.check_digit(body)


@tagged("post_install", "-at_install")
class TestEpcisExport(TraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Imported here: a machine without it (requirements.txt) fails these
        # tests only, not the import of the addon's other tests.
        import jsonschema  # pylint: disable=import-outside-toplevel

        schema = json.loads(SCHEMA.read_text())
        checker = jsonschema.Draft7Validator.FORMAT_CHECKER
        cls.validator = jsonschema.Draft7Validator(schema, format_checker=checker)
        cls.scope = cls.env["ir.config_parameter"].sudo().get_param("database.uuid")
        cls.semi.barcode = gtin13("690123456007")
        cls.finished.barcode = gtin13("690123456008")
        cls.env.company.traceability_gln = COMPANY_GLN
        cls.customer_a.traceability_gln = CUSTOMER_GLN
        # Diamond: two vendor lots feed two shells; shells feed serials.
        cls.flows.receive(cls.vendor, cls.raw, [("V-A", 20), ("V-B", 20)])
        va, vb = cls.lot(cls.raw, "V-A"), cls.lot(cls.raw, "V-B")
        cls.flows.produce(cls.semi, 4, "S-1", {cls.raw: [(va, 4), (vb, 4)]})
        cls.flows.produce(cls.semi, 4, "S-2", {cls.raw: [(vb, 8)]})
        s1, s2 = cls.lot(cls.semi, "S-1"), cls.lot(cls.semi, "S-2")
        cls.flows.produce(cls.finished, 1, "SN-1", {cls.semi: [(s1, 1)]})
        cls.flows.produce(cls.finished, 1, "SN-2", {cls.semi: [(s2, 1)]})
        cls.sn1, cls.sn2 = cls.lot(cls.finished, "SN-1"), cls.lot(cls.finished, "SN-2")
        cls.flows.deliver(cls.customer_a, [(cls.finished, [(cls.sn1, 1)])])
        cls.flows.deliver(cls.customer_b, [(cls.finished, [(cls.sn2, 1)])])
        cls.flows.deliver(cls.customer_b, [(cls.semi, [(s2, 0.5)])])
        cls.va, cls.vb, cls.s1, cls.s2 = va, vb, s1, s2
        # Checks: one passed, one failed (which holds the lot).
        point = cls.env["traceability.control.point"].create(
            {
                "name": "Shell visual",
                "stage": "final",
                "product_ids": [Command.link(cls.semi.id)],
                "spec_ids": [
                    Command.create({"name": "Visual", "value_type": "pass_fail"})
                ],
            }
        )
        cls.checks = cls.env["traceability.check"]
        for lot, result in ((s1, "pass"), (s2, "fail")):
            cls.checks |= cls.checks.create(
                {
                    "control_point_id": point.id,
                    "lot_id": lot.id,
                    "value_ids": [
                        Command.create(
                            {"spec_id": point.spec_ids.id, "value_pass_fail": result}
                        )
                    ],
                }
            )
        # A recall's hold on a delivered serial.
        cls.env["traceability.hold"].sudo()._place(cls.sn1, "recall", note="Recall")
        # V-A's rest packed into a box, then unpacked.
        cls.box = cls.env["stock.quant.package"].create({"name": "EPC-BOX-1"})
        cls.pack_a = cls._internal(va, 16, package=cls.box)
        cls.unpack_a = cls._internal(va, 16, from_package=cls.box)
        cls.trace_user = new_test_user(
            cls.env,
            "epc_trace_user",
            groups="base.group_user,quality_traceability.group_traceability_user",
            tz="Asia/Shanghai",
        )
        cls.internal = new_test_user(cls.env, "epc_internal", groups="base.group_user")
        cls.stock_user = new_test_user(
            cls.env, "epc_stock", groups="base.group_user,stock.group_stock_user"
        )
        cls.portal = new_test_user(cls.env, "epc_portal", groups="base.group_portal")
        cls.exporter = cls.env["traceability.epcis"].with_user(cls.trace_user)

    @classmethod
    def _internal(cls, lot, quantity, package=None, from_package=None):
        """An internal transfer of ``lot`` in stock, into ``package`` or out of
        ``from_package``."""
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": quantity,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.stock_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        cls.flows.set_move_lots(picking.move_ids, [(lot, quantity)])
        picking.move_line_ids.write(
            {
                "package_id": from_package.id if from_package else False,
                "result_package_id": package.id if package else False,
            }
        )
        cls.flows.validate_picking(picking)
        return picking

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def assertValid(self, document):
        errors = [error.message for error in self.validator.iter_errors(document)]
        self.assertEqual(errors, [], "EPCIS 2.0 JSON Schema (gs1/EPCIS)")
        # Plain JSON: the same after a round trip.
        self.assertEqual(json.loads(json.dumps(document)), document)

    def uri(self, lot):
        gtin = gs1.to_gtin14(lot.product_id.barcode)
        if lot.product_id.tracking == "serial":
            return epcis.instance_uri(gtin, lot.name)
        return epcis.class_uri(gtin, lot.name)

    @staticmethod
    def ids_of(event, *keys):
        """The identifiers in ``keys`` of ``event`` (EPC lists and the classes
        of quantity lists)."""
        found = set()
        for key in keys:
            for item in event.get(key, ()):
                found.add(item["epcClass"] if isinstance(item, dict) else item)
        return found

    def events(self, document, event_type=None, biz_step=None):
        return [
            event
            for event in document["epcisBody"]["eventList"]
            if (not event_type or event["type"] == event_type)
            and (not biz_step or event.get("bizStep") == biz_step)
        ]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_forward_document_is_valid(self):
        document = self.exporter.export_trace(self.vb.ids)
        self.assertValid(document)
        self.assertEqual(document["type"], "EPCISDocument")
        self.assertEqual(document["schemaVersion"], "2.0")
        self.assertEqual(
            document["@context"],
            "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        )
        kinds = {event["type"] for event in self.events(document)}
        self.assertEqual(kinds, {"ObjectEvent", "TransformationEvent"})
        # The user's time zone: Asia/Shanghai, no daylight saving.
        for event in self.events(document):
            self.assertEqual(event["eventTimeZoneOffset"], "+08:00")
            self.assertTrue(event["eventTime"].endswith("+08:00"))

    def test_every_edge_is_a_transformation(self):
        trace = self.env["traceability.genealogy"].trace(self.vb, "forward")
        self.assertTrue(trace.edges)
        document = self.exporter.export_trace(self.vb.ids)
        transformations = {
            event["eventID"]: event
            for event in self.events(document, "TransformationEvent")
        }
        lots = self.env["stock.lot"].browse
        for edge in trace.edges:
            event = transformations[
                epcis.event_id(self.scope, "mrp.production", edge["production_id"])
            ]
            self.assertIn(
                self.uri(lots(edge["src"])),
                self.ids_of(event, "inputEPCList", "inputQuantityList"),
            )
            self.assertIn(
                self.uri(lots(edge["dst"])),
                self.ids_of(event, "outputEPCList", "outputQuantityList"),
            )
        self.assertEqual(
            len(transformations), len({edge["production_id"] for edge in trace.edges})
        )
        # Every lot the order consumed, even those the trace did not reach: S-1
        # was made of V-A and V-B; quantities in the product's unit (Units: no
        # uom, a count).
        s1_event = next(
            event
            for event in transformations.values()
            if self.uri(self.s1) in self.ids_of(event, "outputQuantityList")
        )
        self.assertEqual(
            sorted(
                (item["epcClass"], item["quantity"])
                for item in s1_event["inputQuantityList"]
            ),
            sorted([(self.uri(self.va), 4.0), (self.uri(self.vb), 4.0)]),
        )
        self.assertEqual(s1_event["bizTransactionList"][0]["type"], "prodorder")

    def test_every_delivery_is_shipping(self):
        trace = self.env["traceability.genealogy"].trace(self.vb, "forward")
        self.assertEqual(len(trace.deliveries), 3)
        document = self.exporter.export_trace(self.vb.ids)
        shipping = self.events(document, "ObjectEvent", "shipping")
        customers = {
            self.customer_a.id: epcis.gln_uri(CUSTOMER_GLN, party=True),
            self.customer_b.id: epcis.stable_uri(
                self.scope, "res.partner", self.customer_b.id
            ),
        }
        for delivery in trace.deliveries:
            picking = self.env["stock.picking"].browse(delivery["picking_id"])
            lot = self.env["stock.lot"].browse(delivery["lot_id"])
            matching = [
                event
                for event in shipping
                if self.uri(lot) in self.ids_of(event, "epcList", "quantityList")
                and {
                    "type": "desadv",
                    "bizTransaction": f"{BT}{picking.name.replace('/', '%2F')}",
                }
                in event["bizTransactionList"]
            ]
            self.assertEqual(len(matching), 1, picking.name)
            event = matching[0]
            self.assertEqual(event["action"], "OBSERVE")
            self.assertEqual(event["disposition"], "in_transit")
            self.assertIn(
                {
                    "type": "owning_party",
                    "destination": customers[delivery["commercial_partner_id"]],
                },
                event["destinationList"],
            )
            self.assertIn(
                {"type": "owning_party", "source": epcis.gln_uri(COMPANY_GLN, True)},
                event["sourceList"],
            )
            self.assertIn(
                {
                    "type": "po",
                    "bizTransaction": f"{BT}{picking.sale_id.name}",
                },
                event["bizTransactionList"],
            )
        self.assertEqual(len(shipping), len(trace.deliveries))

    def test_receipt_is_receiving(self):
        document = self.exporter.export_trace(self.sn1.ids, "backward")
        self.assertValid(document)
        receiving = self.events(document, "ObjectEvent", "receiving")
        received = set()
        for event in receiving:
            received |= self.ids_of(event, "quantityList")
            self.assertEqual(
                event["sourceList"],
                [
                    {
                        "type": "owning_party",
                        "source": epcis.stable_uri(
                            self.scope, "res.partner", self.vendor.id
                        ),
                    },
                    {
                        "type": "location",
                        "source": epcis.stable_uri(
                            self.scope, "res.partner", self.vendor.id, "location"
                        ),
                    },
                ],
            )
            self.assertEqual(
                {item["type"] for item in event["bizTransactionList"]},
                {"po", "recadv"},
            )
            # The company's GLN stands for its warehouse without one.
            self.assertEqual(event["bizLocation"]["id"], epcis.gln_uri(COMPANY_GLN))
        self.assertEqual(received, {self.uri(self.va), self.uri(self.vb)})

    def test_checks_and_holds(self):
        document = self.exporter.export_trace(self.vb.ids)
        inspecting = {
            event["eventID"]: event
            for event in self.events(document, "ObjectEvent", "inspecting")
        }
        for check, disposition in zip(
            self.checks, ("conformant", "non_conformant"), strict=True
        ):
            event = inspecting[
                epcis.event_id(self.scope, "traceability.check", check.id)
            ]
            self.assertEqual(event["disposition"], disposition)
            self.assertEqual(
                self.ids_of(event, "quantityList"), {self.uri(check.lot_id)}
            )
        holding = self.events(document, "ObjectEvent", "holding")
        by_lot = {}
        for event in holding:
            for uri in self.ids_of(event, "epcList", "quantityList"):
                by_lot.setdefault(uri, set()).add(event["disposition"])
        # The failed check held S-2; the recall held SN-1.
        self.assertEqual(by_lot[self.uri(self.s2)], {"non_conformant"})
        self.assertEqual(by_lot[self.uri(self.sn1)], {"recalled"})

    def test_released_hold(self):
        hold = self.env["traceability.hold"].search([("lot_id", "=", self.sn1.id)])
        hold.sudo().write(
            {
                "state": "released",
                "released_by_id": self.env.user.id,
                "date_released": fields.Datetime.now(),
                "release_reason": "Not affected",
            }
        )
        document = self.exporter.export_lots(self.sn1.ids)
        self.assertValid(document)
        holding = self.events(document, "ObjectEvent", "holding")
        self.assertEqual(
            [(event["disposition"], event["epcList"]) for event in holding],
            [("recalled", [self.uri(self.sn1)]), ("active", [self.uri(self.sn1)])],
        )

    def test_lot_without_gs1_code(self):
        """A lot whose name GS1 cannot encode (spaces are outside character set
        82): a stable URN of the database instead of a Digital Link."""
        self.flows.receive(self.vendor, self.raw, [("V C 1", 5)])
        odd = self.lot(self.raw, "V C 1")
        document = self.exporter.export_lots(odd.ids)
        self.assertValid(document)
        stable = epcis.stable_uri(self.scope, "stock.lot", odd.id)
        for event in self.events(document):
            self.assertEqual(self.ids_of(event, "quantityList"), {stable})
        self.assertEqual(len(self.events(document)), 2)

    def test_lots_of_another_company_are_refused(self):
        company = self.env["res.company"].create({"name": "EPC Other Company"})
        lot = self.env["stock.lot"].create(
            {"name": "EPC-OTHER", "product_id": self.raw.id, "company_id": company.id}
        )
        for method in ("export_trace", "export_lots"):
            with self.assertRaises(AccessError):
                getattr(self.exporter, method)(lot.ids)

    def test_packing_and_unpacking(self):
        document = self.exporter.export_trace(self.va.ids)
        self.assertValid(document)
        aggregations = self.events(document, "AggregationEvent")
        box = epcis.stable_uri(self.scope, "stock.quant.package", self.box.id)
        self.assertEqual(
            {event["parentID"] for event in aggregations}, {box}, "no SSCC: a URN"
        )
        # With an SSCC, its Digital Link.
        self.box.traceability_sscc = gs1.sscc("0614141", 123456789, extension_digit=1)
        document = self.exporter.export_trace(self.va.ids)
        self.assertValid(document)
        aggregations = self.events(document, "AggregationEvent")
        box = epcis.sscc_uri(self.box.traceability_sscc)
        self.assertEqual(
            sorted((e["action"], e["bizStep"], e["parentID"]) for e in aggregations),
            [("ADD", "packing", box), ("DELETE", "unpacking", box)],
        )
        for event in aggregations:
            self.assertEqual(
                event["childQuantityList"],
                [{"epcClass": self.uri(self.va), "quantity": 16.0}],
            )

    def test_commissioning(self):
        document = self.exporter.export_trace(self.va.ids)
        self.assertValid(document)
        events = self.events(document)
        commissioning = self.events(document, "ObjectEvent", "commissioning")
        commissioned = set()
        for event in commissioning:
            self.assertEqual((event["action"], event["disposition"]), ("ADD", "active"))
            commissioned |= self.ids_of(event, "epcList", "quantityList")
        # Every lot of the trace: V-A at its receipt, S-1 and SN-1 by their
        # manufacturing orders.
        trace = self.env["traceability.genealogy"].trace(self.va, "forward")
        lots = self.env["stock.lot"].browse(sorted(trace.lot_ids))
        self.assertEqual(commissioned, {self.uri(lot) for lot in lots})
        for lot in lots:
            mentions = [
                index
                for index, event in enumerate(events)
                if self.uri(lot)
                in self.ids_of(
                    event,
                    "epcList",
                    "quantityList",
                    "outputEPCList",
                    "outputQuantityList",
                    "childEPCs",
                    "childQuantityList",
                )
            ]
            self.assertEqual(events[mentions[0]]["bizStep"], "commissioning")

    def test_export_lots_of_a_scope(self):
        scope = self.sn1 | self.s1
        document = self.exporter.export_lots(scope.ids)
        self.assertValid(document)
        shipped = set()
        for event in self.events(document, "ObjectEvent", "shipping"):
            shipped |= self.ids_of(event, "epcList", "quantityList")
        self.assertEqual(shipped, {self.uri(self.sn1)})
        holding = self.events(document, "ObjectEvent", "holding")
        self.assertEqual([event["disposition"] for event in holding], ["recalled"])
        inspected = self.events(document, "ObjectEvent", "inspecting")
        self.assertEqual(
            [self.ids_of(event, "quantityList") for event in inspected],
            [{self.uri(self.s1)}],
        )
        # The manufacturing orders of the scope's lots, with all their inputs.
        transformations = self.events(document, "TransformationEvent")
        self.assertEqual(len(transformations), 2)

    def test_export_products_between_dates(self):
        now = fields.Datetime.now()
        hour = datetime.timedelta(hours=1)
        document = self.exporter.export_products(self.semi.ids, now - hour, now + hour)
        self.assertValid(document)
        shipped = set()
        for event in self.events(document, "ObjectEvent", "shipping"):
            shipped |= self.ids_of(event, "epcList", "quantityList")
        self.assertEqual(shipped, {self.uri(self.s2)})
        self.assertEqual(
            len(self.events(document, "TransformationEvent")),
            len(self.semi_and_their_orders()),
        )
        empty = self.exporter.export_products(
            self.semi.ids, "2000-01-01 00:00:00", "2000-01-02 00:00:00"
        )
        self.assertValid(empty)
        self.assertEqual(empty["epcisBody"]["eventList"], [])
        later = self.exporter.export_products(self.semi.ids, now + hour)
        self.assertEqual(later["epcisBody"]["eventList"], [])

    def semi_and_their_orders(self):
        """The manufacturing orders that made or consumed S-1 and S-2."""
        lines = self.env["stock.move.line"].search(
            [("lot_id", "in", (self.s1 | self.s2).ids), ("state", "=", "done")]
        )
        return lines.move_id.production_id | lines.move_id.raw_material_production_id

    def test_event_ids_are_stable(self):
        first = self.exporter.export_trace(self.vb.ids)
        second = self.exporter.export_trace(self.vb.ids)
        self.assertEqual(first["epcisBody"], second["epcisBody"])
        ids = [event["eventID"] for event in self.events(first)]
        self.assertEqual(len(ids), len(set(ids)))
        # The same event from another trace has the same id.
        backward = self.exporter.export_trace(self.sn1.ids, "backward")
        shared = {event["eventID"] for event in self.events(backward)} & set(ids)
        self.assertTrue(shared)
        for event in self.events(backward):
            if event["eventID"] in shared:
                self.assertIn(event, self.events(first))

    def test_download(self):
        action = self.exporter.action_export_trace(self.vb.ids)
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual(attachment.mimetype, "application/ld+json")
        # A private attachment of the exporter (see test_attacks_epcis).
        self.assertEqual((attachment.res_model, attachment.res_id), (False, 0))
        self.assertEqual(attachment.create_uid, self.trace_user)
        document = json.loads(base64.b64decode(attachment.datas))
        self.assertValid(document)
        self.assertEqual(
            document["epcisBody"], self.exporter.export_trace(self.vb.ids)["epcisBody"]
        )

    def test_lot_action_menu(self):
        """Lots > Action > Export EPCIS: the traceability user downloads the
        document; the action is not even offered to an inventory user."""
        for xmlid, direction in (
            ("quality_traceability.stock_lot_epcis_forward_action", "forward"),
            ("quality_traceability.stock_lot_epcis_backward_action", "backward"),
        ):
            action = self.env.ref(xmlid)
            result = (
                action.with_user(self.trace_user)
                .with_context(active_model="stock.lot", active_ids=self.vb.ids)
                .run()
            )
            attachment = self.env["ir.attachment"].browse(
                int(result["url"].split("/")[-1].split("?")[0])
            )
            document = json.loads(base64.b64decode(attachment.datas))
            self.assertValid(document)
            self.assertEqual(
                document["epcisBody"],
                self.exporter.export_trace(self.vb.ids, direction)["epcisBody"],
            )
            with self.assertRaises(AccessError):
                action.with_user(self.stock_user).with_context(
                    active_model="stock.lot", active_ids=self.vb.ids
                ).run()
            bindings = (
                self.env["ir.actions.actions"]
                .with_user(self.stock_user)
                .get_bindings("stock.lot")
            )
            self.assertNotIn(action.id, [a["id"] for a in bindings.get("action", [])])

    def test_refused_outside_the_group(self):
        for user in (self.internal, self.stock_user, self.portal):
            for method, ids in (
                ("export_trace", self.vb.ids),
                ("export_lots", self.vb.ids),
                ("export_products", self.raw.ids),
                ("action_export_trace", self.vb.ids),
            ):
                with self.assertRaises(AccessError):
                    getattr(self.env["traceability.epcis"].with_user(user), method)(ids)
                with self.assertRaises(AccessError):
                    rpc(self.env, user, "traceability.epcis", method, [ids])
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "stock.lot"), ("res_id", "=", self.vb.id)]
            )
        )
        # Through RPC, the traceability user gets the document.
        document = rpc(
            self.env,
            self.trace_user,
            "traceability.epcis",
            "export_trace",
            [self.vb.ids],
        )
        self.assertValid(document)

    def test_gln_fields(self):
        self.assertEqual(self.env.company.partner_id.traceability_gln, COMPANY_GLN)
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        for record in (self.customer_b, warehouse, self.env.company):
            with self.assertRaises(ValidationError):
                record.traceability_gln = "0614141000006"
            with self.assertRaises(ValidationError):
                record.traceability_gln = "061414100000"
        warehouse.traceability_gln = "4012345000016"
        document = self.exporter.export_trace(self.sn1.ids, "backward")
        for event in self.events(document, "ObjectEvent", "receiving"):
            self.assertEqual(
                event["bizLocation"]["id"], "https://id.gs1.org/414/4012345000016"
            )
