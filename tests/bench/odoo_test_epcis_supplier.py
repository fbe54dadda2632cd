"""The supplier EPCIS document of the capture benchmark, on a database where the
addons are installed.

Run by setup/test.sh through pytest-odoo on the database of the Odoo suite:
    setup/pytest-odoo.sh DB tests/bench/odoo_test_epcis_supplier.py
"""

import json

from epcis_supplier import prepare_supplier, supplier_document
from odoo_env import PROJECT_DIR
from odoo_test_genealogy import BenchCase

from odoo.tests import new_test_user

SCHEMA = PROJECT_DIR / "quality_traceability/data/epcis/EPCIS-JSON-Schema.json"


class TestSupplierDocument(BenchCase):
    """10 events: valid EPCIS 2.0, captured whole, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier = prepare_supplier(
            cls.env, prefix="TEPCB", products=2, orders=2, lots_per_line=2
        )
        cls.document = supplier_document(
            cls.supplier["gln"],
            cls.supplier["gtins"],
            cls.supplier["orders"].mapped("name"),
            events=10,
            transformations=2,
            prefix="TEPCB",
        )

    def test_valid_epcis(self):
        import jsonschema  # pylint: disable=import-outside-toplevel

        validator = jsonschema.Draft7Validator(
            json.loads(SCHEMA.read_text()),
            format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
        )
        errors = [error.message for error in validator.iter_errors(self.document)]
        self.assertFalse(errors, errors[:5])
        events = self.document["epcisBody"]["eventList"]
        self.assertEqual(len(events), 10)
        self.assertEqual(
            sorted(event["type"] for event in events).count("TransformationEvent"), 2
        )
        self.assertEqual(len({event["eventID"] for event in events}), 10)
        # Stable: the same arguments give the same document.
        again = supplier_document(
            self.supplier["gln"],
            self.supplier["gtins"],
            self.supplier["orders"].mapped("name"),
            events=10,
            transformations=2,
            prefix="TEPCB",
        )
        self.assertEqual(again, self.document)

    def test_captured_once(self):
        Event = self.env["traceability.epcis.event"]
        user = new_test_user(
            self.env,
            "tepcb_capture",
            groups="base.group_user,quality_traceability.group_traceability_user,"
            "purchase.group_purchase_user,stock.group_stock_user",
        )
        before = Event.search_count([])
        result = Event.with_user(user).capture(self.document, source="api")
        self.assertEqual(result["errors"], [])
        self.assertEqual((result["captured"], result["duplicates"]), (10, 0))
        self.assertEqual(Event.search_count([]), before + 10)
        again = Event.with_user(user).capture(self.document, source="api")
        self.assertEqual((again["captured"], again["duplicates"]), (0, 10))
        self.assertEqual(Event.search_count([]), before + 10)
