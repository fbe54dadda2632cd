# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import subprocess
import tempfile
from pathlib import Path

from odoo.tests import new_test_user

from odoo.addons.quality_traceability.tests.common import TraceabilityCommon
from odoo.addons.quality_traceability.tools import gs1

GTIN_SHELL = "6901234560060"
GTIN_BOTTLE = "6901234560077"


def decode_png(content):
    """Texts of the barcodes in a PNG image, read with zxing-cpp."""
    import io

    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(content)), text_mode=zxingcpp.TextMode.Plain
    )
    return [barcode.text for barcode in found]


def decode_pdf(content, resolution=600):
    """Every barcode of every page of a PDF, read back with zxing-cpp from the
    page rasterised by pdftoppm: a list (per page) of zxing results."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory)
        (path / "labels.pdf").write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(resolution),
                "-gray",
                "-png",
                str(path / "labels.pdf"),
                str(path / "page"),
            ],
            check=True,
        )
        return [
            zxingcpp.read_barcodes(Image.open(image), text_mode=zxingcpp.TextMode.Plain)
            for image in sorted(path.glob("page-*.png"))
        ]


class LabelCommon(TraceabilityCommon):
    """The small factory of quality_traceability with GTINs, a lot of shells and
    two serial numbers of bottles made from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.semi.barcode = GTIN_SHELL
        cls.finished.barcode = GTIN_BOTTLE
        cls.flows.receive(cls.vendor, cls.raw, [("V-1", 10)])
        vendor_lot = cls.lot(cls.raw, "V-1")
        cls.shell_production = cls.flows.produce(
            cls.semi, 2, "S-1", {cls.raw: [(vendor_lot, 4)]}
        )
        cls.shell_lot = cls.shell_production.lot_producing_id
        cls.serials = cls.env["stock.lot"]
        for name in ("SN-1", "SN-2"):
            cls.serials |= cls.flows.produce(
                cls.finished, 1, name, {cls.semi: [(cls.shell_lot, 1)]}
            ).lot_producing_id
        cls.template = cls.env.ref("label_printing.label_template_gs1_lot")
        cls.trace_user = new_test_user(
            cls.env,
            login="label_user",
            groups="quality_traceability.group_traceability_user",
        )
        cls.trace_manager = new_test_user(
            cls.env,
            login="label_manager",
            groups="quality_traceability.group_traceability_manager",
        )

    @staticmethod
    def gs1_data(lot):
        return gs1.barcode_data(lot._traceability_gs1_elements())

    def wizard(self, records, **values):
        wizard = (
            self.env["label.print.wizard"]
            .with_context(active_model=records._name, active_ids=records.ids)
            .create(values)
        )
        return wizard

    def attachment_of(self, action):
        """The file of the job whose download ``action`` (a report action on the
        job, see ``label.print.log._file_action``) starts."""
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertTrue(action["close_on_report_download"])
        job = self.env["label.print.log"].browse(action["context"]["active_ids"])
        self.assertEqual(len(job), 1)
        return job.attachment_id
