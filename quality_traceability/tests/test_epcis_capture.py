# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""EPCIS 2.0 capture: vendors' documents pre-register lots on purchase orders
and declare the vendor's genealogy (``traceability.epcis.event.capture``)."""

import base64
import datetime
import json
import time
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..tools import epcis
from .common import TraceabilityCommon

EXAMPLES = Path(__file__).parent / "data" / "epcis" / "examples"
VENDOR_GLN = "0614141000005"
MOMENT = datetime.datetime(2026, 3, 1, 8, 30)


def example(name):
    """A GS1 example document (tests/data/epcis/examples, see its README)."""
    return json.loads((EXAMPLES / name).read_text())


class EpcisCaptureCommon(TraceabilityCommon):
    """A vendor with a GLN, an open purchase order of the resin and helpers
    that write the vendor's EPCIS documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.raw.write({"use_expiration_date": True, "expiration_time": 365})
        cls.vendor.traceability_gln = VENDOR_GLN
        cls.gtin = "0" + cls.raw.barcode
        cls.Event = cls.env["traceability.epcis.event"]
        cls.Declared = cls.env["traceability.declared.lot"]
        cls.order = cls.purchase(cls.vendor, cls.raw, 100, partner_ref="SO-V-1001")

    @classmethod
    def purchase(cls, vendor, product, quantity, partner_ref=False, env=None):
        order = (env or cls.env)["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "partner_ref": partner_ref,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": quantity,
                            "price_unit": 1.0,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        return order

    def shipping(self, lots, order=None, event_uid=None, gtin=None, **extra):
        """A shipping ObjectEvent of ``lots`` [(lot, quantity)], for the
        purchase order ``order`` (its name as CBV business transaction)."""
        event = epcis.object_event(
            MOMENT,
            quantities=[
                epcis.quantity_element(epcis.class_uri(gtin or self.gtin, lot), qty)
                for lot, qty in lots
            ],
            event_uid=event_uid,
            biz_step="shipping",
            disposition="in_transit",
            biz_transactions=(
                [epcis.biz_transaction("po", order.name, gln=VENDOR_GLN)]
                if order
                else None
            ),
        )
        event.update(extra)
        return event

    def document(self, events):
        return epcis.document(events, MOMENT)

    def capture(self, events, **kwargs):
        return self.Event.capture(self.document(events), **kwargs)

    def declared(self, order=None):
        return self.Declared.search(
            [("purchase_id", "=", (order or self.order).id)], order="id"
        )


@tagged("post_install", "-at_install")
class TestEpcisCapture(EpcisCaptureCommon):
    def test_shipping_declares_lots_and_fills_the_receipt(self):
        event = self.shipping(
            [("VL-A", 60)],
            order=self.order,
            event_uid="urn:uuid:11111111-0000-4000-8000-000000000001",
        )
        # The lot's expiry in the master data of its commissioning event
        # (ilmd: only in events that ADD).
        commissioning = epcis.object_event(
            MOMENT,
            action="ADD",
            quantities=[epcis.quantity_element(epcis.class_uri(self.gtin, "VL-A"), 60)],
            event_uid="urn:uuid:11111111-0000-4000-8000-000000000000",
            biz_step="commissioning",
        )
        commissioning["ilmd"] = {"cbvmda:itemExpirationDate": "2027-06-30"}
        with_dl_expiry = self.shipping(
            [("VL-B", 40)],
            order=self.order,
            event_uid="urn:uuid:11111111-0000-4000-8000-000000000002",
            quantityList=[
                {
                    "epcClass": f"https://example.com/01/{self.gtin}/10/VL-B?17=271231",
                    "quantity": 40,
                }
            ],
        )
        result = self.capture([commissioning, event, with_dl_expiry])
        self.assertEqual(result, {"captured": 3, "duplicates": 0, "errors": []})
        declared = self.declared()
        self.assertEqual(declared.mapped("lot_name"), ["VL-A", "VL-B"])
        self.assertEqual(declared.mapped("quantity"), [60.0, 40.0])
        self.assertEqual(
            [str(d.expiration_date.date()) for d in declared],
            ["2027-06-30", "2027-12-31"],
        )
        self.assertEqual(declared.purchase_line_id, self.order.order_line)
        self.assertEqual(declared.partner_id, self.vendor)
        self.assertFalse(any(declared.mapped("exceeds_order")))
        captured = declared.epcis_event_id
        self.assertEqual(len(captured), 2)
        self.assertEqual(set(captured.mapped("source")), {"api"})
        self.assertEqual(set(captured.mapped("biz_step")), {"shipping"})
        self.assertEqual(captured.purchase_id, self.order)
        self.assertEqual(captured.capture_user_id, self.env.user)
        self.assertEqual(json.loads(captured[:1].raw_json)["type"], "ObjectEvent")
        # The receipt took the declared lots at once: the warehouse validates.
        receipt = self.order.picking_ids
        self.assertEqual(receipt.traceability_declared_lot_count, 2)
        lines = receipt.move_line_ids.sorted("lot_name")
        self.assertEqual(lines.mapped("lot_name"), ["VL-A", "VL-B"])
        self.assertEqual(lines.mapped("quantity"), [60.0, 40.0])
        self.assertEqual(lines.traceability_declared_lot_id, declared)
        self.assertEqual(str(lines[0].expiration_date.date()), "2027-06-30")
        self.assertIs(receipt.button_validate(), True)
        lot = self.lot(self.raw, "VL-B")
        self.assertEqual(str(lot.expiration_date.date()), "2027-12-31")
        self.assertTrue(all(declared.mapped("received")))

    def test_fill_button_never_duplicates_and_flags_excess(self):
        receipt = self.order.picking_ids
        # The warehouse entered one lot before the vendor's document came.
        self.flows.set_move_lots(receipt.move_ids, [("VL-A", 30)], lot_field="lot_name")
        result = self.capture(
            [self.shipping([("VL-A", 30), ("VL-C", 50), ("VL-D", 30)], self.order)]
        )
        self.assertEqual(result["captured"], 1)
        declared = self.declared()
        # 110 declared on a line of 100: the last one is flagged.
        self.assertEqual(declared.mapped("exceeds_order"), [False, False, True])
        # What the warehouse entered is left as it is.
        self.assertEqual(receipt.move_line_ids.mapped("lot_name"), ["VL-A"])
        # A warehouse user (no traceability rights) confirms the rest.
        warehouse = new_test_user(
            self.env, "epcis_warehouse", groups="stock.group_stock_user"
        )
        mine = receipt.with_user(warehouse)
        self.assertEqual(mine.traceability_declared_lot_count, 3)
        mine.action_traceability_fill_declared_lots()
        self.assertEqual(
            sorted(receipt.move_line_ids.mapped("lot_name")), ["VL-A", "VL-C", "VL-D"]
        )
        mine.action_traceability_fill_declared_lots()
        self.assertEqual(len(receipt.move_line_ids), 3)
        self.assertIs(mine.button_validate(), True)
        self.assertEqual(self.order.order_line.qty_received, 110.0)

    def test_validation_fills_a_receipt_left_empty(self):
        receipt = self.order.picking_ids
        self.capture([self.shipping([("VL-E", 100)], self.order)])
        # Emptied by the warehouse after the capture: validating fills it.
        receipt.move_line_ids.unlink()
        self.assertIs(receipt.button_validate(), True)
        self.assertTrue(self.lot(self.raw, "VL-E"))

    def test_vendor_reference_and_vendor_fallback(self):
        # The vendor's reference of the order (partner_ref) as the reference.
        event = self.shipping([("VL-R", 10)])
        event["bizTransactionList"] = [
            {
                "type": "po",
                "bizTransaction": "https://vendor.example.com/orders/SO-V-1001",
            }
        ]
        self.assertEqual(self.capture([event])["captured"], 1)
        # No reference: the open order of the vendor named by its GLN.
        by_gln = self.shipping(
            [("VL-S", 10)],
            sourceList=[
                epcis.source_destination(
                    "owning_party", epcis.gln_uri(VENDOR_GLN, True)
                )
            ],
        )
        self.assertEqual(self.capture([by_gln])["captured"], 1)
        self.assertEqual(self.declared().mapped("lot_name"), ["VL-R", "VL-S"])
        # A second open order of the resin from that vendor: ambiguous.
        second = self.purchase(self.vendor, self.raw, 5)
        again = self.shipping(
            [("VL-T", 10)],
            sourceList=by_gln["sourceList"],
        )
        result = self.capture([again])
        self.assertEqual(result["captured"], 0)
        self.assertIn("several open purchase orders", result["errors"][0]["message"])
        self.assertIn(second.name, result["errors"][0]["message"])
        # No reference and no vendor: never guessed.
        result = self.capture([self.shipping([("VL-U", 10)])])
        self.assertIn("names no purchase order", result["errors"][0]["message"])
        self.assertEqual(len(self.declared()), 2)

    def test_per_event_errors(self):
        foreign = "04012345111118"  # a valid GTIN no product of ours has
        events = [
            self.shipping([("OK-1", 5)], self.order, event_uid="urn:uuid:e-ok"),
            # GTIN with a wrong check digit.
            self.shipping([("BAD-1", 5)], self.order, event_uid="urn:uuid:e-gtin"),
            self.shipping(
                [("BAD-2", 5)], self.order, gtin=foreign, event_uid="urn:uuid:e-prod"
            ),
            self.shipping([("BAD-3", 5)], event_uid="urn:uuid:e-po"),
            self.shipping([("BAD-4", 5)], self.order, event_uid="urn:uuid:e-ok"),
        ]
        events[1]["quantityList"][0]["epcClass"] = (
            f"https://id.gs1.org/01/{self.gtin[:-1]}9/10/BAD-1"
        )
        events[3]["bizTransactionList"] = [
            {"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000005:NOPE"}
        ]
        result = self.capture(events)
        self.assertEqual((result["captured"], result["duplicates"]), (1, 0))
        errors = {error["index"]: error for error in result["errors"]}
        self.assertEqual(sorted(errors), [1, 2, 3, 4])
        self.assertIn("Unknown GTIN", errors[1]["message"])
        self.assertEqual(errors[1]["eventID"], "urn:uuid:e-gtin")
        self.assertIn("Unknown product", errors[2]["message"])
        self.assertIn("No open purchase order", errors[3]["message"])
        self.assertIn("given twice", errors[4]["message"])
        self.assertEqual(self.declared().mapped("lot_name"), ["OK-1"])
        self.assertFalse(
            self.Event.search_count([("event_id", "in", ["urn:uuid:e-gtin"])])
        )

    def test_document_sent_twice_stores_nothing_twice(self):
        events = [
            self.shipping([("TW-1", 5)], self.order, event_uid="urn:uuid:tw-1"),
            # Without eventID: known by its content.
            self.shipping([("TW-2", 5)], self.order),
        ]
        first = self.capture(events)
        self.assertEqual(first, {"captured": 2, "duplicates": 0, "errors": []})
        counts = (self.Event.search_count([]), self.Declared.search_count([]))
        lines = len(self.order.picking_ids.move_line_ids)
        second = self.capture(events)
        self.assertEqual(second, {"captured": 0, "duplicates": 2, "errors": []})
        self.assertEqual(
            (self.Event.search_count([]), self.Declared.search_count([])), counts
        )
        self.assertEqual(len(self.order.picking_ids.move_line_ids), lines)
        generated = self.declared().epcis_event_id.filtered("event_id_generated")
        self.assertTrue(generated.event_id.startswith("urn:uuid:"))

    def test_schema_invalid_document_is_refused_whole(self):
        document = self.document([self.shipping([("SC-1", 5)], self.order)])
        del document["epcisBody"]["eventList"][0]["eventTime"]
        counts = (self.Event.search_count([]), self.Declared.search_count([]))
        with self.assertRaisesRegex(UserError, "not a valid EPCIS 2.0 document"):
            self.Event.capture(document)
        for bad in ([], "text", {"type": "EPCISDocument"}):
            with self.assertRaises(UserError):
                self.Event.capture(bad)
        self.assertEqual(
            (self.Event.search_count([]), self.Declared.search_count([])), counts
        )
        self.assertFalse(self.order.picking_ids.move_line_ids.filtered("lot_name"))

    def test_gs1_example_object_event(self):
        """GS1's Example_9.6.1-ObjectEvent.jsonld: a shipping event of two
        serial numbers for purchase order 12345678, then a receiving event
        (recorded only)."""
        product = self.env["product.product"].create(
            {
                "name": "GS1 example item",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "10614141073464",
            }
        )
        order = self.purchase(self.vendor, product, 2, partner_ref="12345678")
        result = self.Event.capture(example("Example_9.6.1-ObjectEvent.jsonld"))
        self.assertEqual(result, {"captured": 2, "duplicates": 0, "errors": []})
        declared = self.declared(order)
        self.assertEqual(declared.mapped("lot_name"), ["2017", "2018"])
        self.assertEqual(declared.mapped("quantity"), [1.0, 1.0])
        events = self.Event.search([("event_id", "like", "ni:///sha-256;")])
        self.assertEqual(sorted(events.mapped("effect")), ["declared_lots", "recorded"])
        self.assertEqual(
            sorted(order.picking_ids.move_line_ids.mapped("lot_name")),
            ["2017", "2018"],
        )

    def test_gs1_example_transformation_event(self):
        """GS1's Example_9.6.4-TransformationEventWithDigitalLink.jsonld: four
        serials made from five inputs, none of them products of ours."""
        product = self.env["product.product"].create(
            {
                "name": "GS1 example output",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "04012345778892",
            }
        )
        result = self.Event.capture(
            example("Example_9.6.4-TransformationEventWithDigitalLink.jsonld")
        )
        self.assertEqual(result, {"captured": 1, "duplicates": 0, "errors": []})
        rows = self.env["traceability.supplier.genealogy"].search(
            [("output_product_id", "=", product.id)]
        )
        self.assertEqual(len(rows), 4 * 5)
        self.assertEqual(
            sorted(set(rows.mapped("output_lot_name"))), ["25", "26", "27", "28"]
        )
        kg = rows.filtered(lambda row: row.input_lot_name == "4444")[:1]
        self.assertEqual((kg.input_quantity, kg.input_uom_code), (10.0, "KGM"))

    def test_transformation_shows_in_backward_trace(self):
        self.flows.receive(self.vendor, self.raw, [("VL-G", 10)])
        vendor_lot = self.lot(self.raw, "VL-G")
        self.flows.produce(self.semi, 5, "SHELL-G", {self.raw: [(vendor_lot, 10)]})
        shell = self.lot(self.semi, "SHELL-G")
        pellets = epcis.class_uri("04012345111118", "PEL-7")
        dye = epcis.class_uri("00614141777778", "DYE-3")
        oil = epcis.class_uri("04000001654321", "OIL-1")
        made = epcis.transformation_event(
            MOMENT,
            input_quantities=[
                epcis.quantity_element(pellets, 8, "KGM"),
                epcis.quantity_element(dye, 2, "KGM"),
            ],
            output_quantities=[
                epcis.quantity_element(epcis.class_uri(self.gtin, "VL-G"), 10)
            ],
            event_uid="urn:uuid:tr-1",
            biz_step="commissioning",
        )
        # One level further: the vendor's pellets made from oil.
        pellets_made = epcis.transformation_event(
            MOMENT,
            input_quantities=[epcis.quantity_element(oil, 9, "KGM")],
            output_quantities=[epcis.quantity_element(pellets, 8, "KGM")],
            event_uid="urn:uuid:tr-2",
            sources=[
                epcis.source_destination(
                    "owning_party", epcis.gln_uri(VENDOR_GLN, True)
                )
            ],
        )
        made["sourceList"] = pellets_made["sourceList"]
        result = self.capture([made, pellets_made])
        self.assertEqual(result["errors"], [])
        rows = self.env["traceability.supplier.genealogy"].search(
            [("output_lot_name", "=", "VL-G")]
        )
        self.assertEqual(rows.output_lot_id, vendor_lot)
        self.assertEqual(rows.partner_id, self.vendor)
        inputs = self.env["traceability.supplier.genealogy"]._supplier_declared_inputs(
            vendor_lot
        )
        self.assertEqual(
            [(depth, row.input_lot_name) for depth, row in inputs[vendor_lot.id]],
            [(0, "PEL-7"), (1, "OIL-1"), (0, "DYE-3")],
        )
        action = self.env["traceability.trace"]._action_open(
            shell, direction="backward"
        )
        trace = self.env["traceability.trace"].browse(action["res_id"])
        declared = trace.line_ids.filtered(
            lambda line: line.kind == "supplier_declared"
        )
        self.assertEqual(len(declared), 3)
        self.assertTrue(all("(supplier-declared)" in line.label for line in declared))
        self.assertEqual(declared.lot_id, vendor_lot)
        lines = trace.line_ids.sorted("sequence")
        vendor_row = lines.filtered(
            lambda line: line.kind == "lot" and line.lot_id == vendor_lot
        )
        # Below the vendor lot, one level deeper, the oil deeper still.
        self.assertGreater(declared[0].sequence, vendor_row.sequence)
        levels = {line.label.strip().split(" ")[0]: line.level for line in declared}
        self.assertEqual(levels["OIL-1"], levels["PEL-7"] + 1)
        self.assertGreater(levels["PEL-7"], vendor_row.level)
        # Exported with the trace.
        url = trace.action_export_csv()["url"]
        attachment = self.env["ir.attachment"].browse(
            int(url.split("/web/content/")[1].split("?")[0])
        )
        self.assertEqual(attachment.raw.count(b"Supplier-Declared Input"), 3)
        # Forward: not shown.
        trace.action_switch_direction()
        self.assertFalse(
            trace.line_ids.filtered(lambda line: line.kind == "supplier_declared")
        )

    def test_company_orders_never_cross(self):
        company_2 = self.env["res.company"].create({"name": "EPCIS Company Two"})
        env_2 = self.env(
            context=dict(self.env.context, allowed_company_ids=company_2.ids)
        )
        self.env.user.company_ids |= company_2
        order_2 = self.purchase(
            self.vendor, self.raw, 10, partner_ref="SO-C2", env=env_2
        )
        event = self.shipping([("C2-1", 5)], order_2, event_uid="urn:uuid:c2-1")
        result = self.capture([event])
        self.assertEqual(result["captured"], 0)
        self.assertIn("No open purchase order", result["errors"][0]["message"])
        # The same event in the second company: its own order.
        result = env_2["traceability.epcis.event"].capture(self.document([event]))
        self.assertEqual(result["captured"], 1)
        declared = env_2["traceability.declared.lot"].search(
            [("purchase_id", "=", order_2.id)]
        )
        self.assertEqual(declared.company_id, company_2)
        # And the first company still may capture the same eventID.
        self.assertFalse(
            self.Event.search(
                [
                    ("event_id", "=", "urn:uuid:c2-1"),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        )

    def test_import_wizard(self):
        user = new_test_user(
            self.env,
            "epcis_importer",
            groups="quality_traceability.group_traceability_user,purchase.group_purchase_user",
        )
        document = self.document([self.shipping([("WZ-1", 7)])])
        wizard_env = self.env(
            user=user,
            context=dict(active_model="purchase.order", active_id=self.order.id),
        )
        form = Form(wizard_env["traceability.epcis.import"])
        self.assertEqual(form.purchase_id, self.order)
        form.file = base64.b64encode(json.dumps(document).encode())
        wizard = form.save()
        wizard.action_import()
        self.assertEqual(
            (wizard.captured_count, wizard.duplicate_count, wizard.error_count),
            (1, 0, 0),
        )
        event = self.declared().epcis_event_id
        self.assertEqual((event.source, event.capture_user_id), ("import", user))
        # The same document again: its event (without eventID) is known.
        again = wizard_env["traceability.epcis.import"].create(
            {"file": base64.b64encode(json.dumps(document).encode())}
        )
        again.action_import()
        self.assertEqual(
            (again.captured_count, again.duplicate_count, again.error_count),
            (0, 1, 0),
        )
        # Another one, not from the order's form: no order to go to.
        other = self.document([self.shipping([("WZ-2", 7)])])
        again = wizard_env["traceability.epcis.import"].create(
            {
                "file": base64.b64encode(json.dumps(other).encode()),
                "purchase_id": False,
            }
        )
        again.action_import()
        self.assertEqual((again.captured_count, again.duplicate_count), (0, 0))
        self.assertEqual(again.error_count, 1)
        self.assertIn("names no purchase order", again.result_errors)
        self.assertIn("Event 1", again.result_errors)
        broken = wizard_env["traceability.epcis.import"].create(
            {"file": base64.b64encode(b"{not json")}
        )
        with self.assertRaisesRegex(UserError, "not a JSON"):
            broken.action_import()

    def test_large_document(self):
        """10,000 events in one document: set-based lookups, seconds."""
        events = [
            self.shipping([(f"BIG-{index}", 0.01)], self.order)
            for index in range(10000)
        ]
        document = self.document(events)
        start = time.perf_counter()
        result = self.Event.capture(document)
        elapsed = time.perf_counter() - start
        self.assertEqual((result["captured"], result["errors"]), (10000, []))
        self.assertLess(elapsed, 120)
        self.assertEqual(
            self.Declared.search_count([("lot_name", "=like", "BIG-%")]), 10000
        )
