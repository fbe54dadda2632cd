# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import TraceabilityCommon


@tagged("post_install", "-at_install")
class TestProductionDate(TraceabilityCommon):
    """One production date for a lot: the lot form, the labels and the public
    trace page show the end of the last done manufacturing order that made
    it, else the lot's creation day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows.receive(cls.vendor, cls.raw, [("PD-V1", 10)])
        cls.v1 = cls.lot(cls.raw, "PD-V1")
        cls.production = cls.flows.produce(
            cls.semi, 2, "PD-S1", {cls.raw: [(cls.v1, 4)]}
        )
        cls.s1 = cls.lot(cls.semi, "PD-S1")
        # The order ended on another day than its finished move was dated
        # (a backdated flow, a corrected end date).
        cls.production.date_finished = datetime(2024, 3, 5, 10, 30)
        cls.flows.backdate(cls.production.move_finished_ids, datetime(2024, 3, 1, 8))

    def _three_dates(self, lot):
        """The day of the lot form, of a label and of the public page."""
        form_date = fields.Datetime.to_datetime(Form(lot).traceability_produced_date)
        form_day = (form_date or lot.create_date).date()
        public_day = lot._traceability_public_values()["production_date"]
        if "label.template" not in self.env:
            return form_day, form_day, public_day
        template = self.env["label.template"].create(
            {
                "name": "Production date",
                "element_ids": [
                    Command.create(
                        {
                            "kind": "text",
                            "field": "production_date",
                            "x": 1,
                            "y": 1,
                            "width": 40,
                        }
                    )
                ],
            }
        )
        [values] = template._label_values(lot)
        label_day = date.fromisoformat(values["production_date"])
        return form_day, label_day, public_day

    def test_made_by_a_manufacturing_order(self):
        self.assertEqual(
            self.s1.traceability_produced_date, datetime(2024, 3, 5, 10, 30)
        )
        self.assertEqual(self._three_dates(self.s1), (date(2024, 3, 5),) * 3)

    def test_bought_lot_uses_its_creation_day(self):
        self.assertFalse(self.v1.traceability_produced_date)
        day = self.v1.create_date.date()
        self.assertEqual(self._three_dates(self.v1), (day,) * 3)
