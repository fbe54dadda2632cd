# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A recall's scope as a GS1 EPCIS 2.0 document (the Scope page's EPCIS 2.0
button), checked against GS1's EPCIS 2.0 JSON Schema (quality_traceability's
tests/data/epcis, from github.com/gs1/EPCIS)."""

import base64
import json
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.quality_traceability.tests.common import rpc

from .test_recall import RecallCommon

SCHEMA = (
    Path(__file__).parents[2]
    / "quality_traceability"
    / "data"
    / "epcis"
    / "EPCIS-JSON-Schema.json"
)


@tagged("post_install", "-at_install")
class TestRecallEpcis(RecallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import jsonschema  # pylint: disable=import-outside-toplevel

        cls.validator = jsonschema.Draft7Validator(
            json.loads(SCHEMA.read_text()),
            format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
        )
        # With the company's GLN, business transactions are CBV 2.0 URNs that
        # end with the transfer's name (GS1's example GLN, EPCIS 2.0 section 9).
        cls.env.company.traceability_gln = "0614141000005"

    def _document(self, action):
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        return attachment, json.loads(base64.b64decode(attachment.datas))

    def test_scope_as_epcis(self):
        recall = self._recall(self.rv1)
        delivered = recall.scope_line_ids.filtered(
            lambda line: line.kind == "delivered"
        )
        self.assertTrue(delivered)
        attachment, document = self._document(
            recall.with_user(self.manager).action_export_epcis()
        )
        # A private attachment of the exporter.
        self.assertEqual((attachment.res_model, attachment.res_id), (False, 0))
        self.assertEqual(attachment.create_uid, self.manager)
        with self.assertRaises(AccessError):
            rpc(self.env, self.reader, "ir.attachment", "read", [attachment.ids])
        errors = [error.message for error in self.validator.iter_errors(document)]
        self.assertEqual(errors, [], "EPCIS 2.0 JSON Schema (gs1/EPCIS)")
        events = document["epcisBody"]["eventList"]
        shipped = [
            transaction["bizTransaction"]
            for event in events
            if event.get("bizStep") == "shipping"
            for transaction in event.get("bizTransactionList", [])
            if transaction["type"] == "desadv"
        ]
        # Every delivery of the scope is a shipping event (transfer names are
        # percent-encoded in the business transaction's URI).
        for picking in delivered.picking_id:
            name = picking.name.replace("/", "%2F")
            self.assertTrue(
                [uri for uri in shipped if uri.endswith(f":{name}")], picking.name
            )
        # Every manufacturing order of the scope is a transformation.
        transformations = [
            event for event in events if event["type"] == "TransformationEvent"
        ]
        productions = self.env["mrp.production"].search(
            [("lot_producing_id", "in", recall.lot_ids.lot_id.ids)]
        )
        self.assertEqual(len(productions), 3)
        self.assertEqual(len(transformations), len(productions))
        # The same events as the export of the same lots by the same user (times
        # are in the exporter's time zone).
        same = (
            self.env["traceability.epcis"]
            .with_user(self.manager)
            .export_lots(recall.lot_ids.lot_id.ids)
        )
        self.assertEqual(same["epcisBody"], document["epcisBody"])

    def test_outsiders_get_no_document(self):
        recall = self._recall(self.rv1)
        outsider = new_test_user(
            self.env, "recall_epcis_outsider", groups="base.group_user"
        )
        attachments = self.env["ir.attachment"].search_count([])
        with self.assertRaises(AccessError):
            rpc(
                self.env, outsider, "recall.recall", "action_export_epcis", [recall.ids]
            )
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
