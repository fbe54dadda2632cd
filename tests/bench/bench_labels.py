"""Benchmark: 1,000 GS1 lot labels of the generated genealogy.

Ours: label_printing's bulk PDF (reportlab, one page per label) and its ZPL,
against Odoo's own lot labels on the same lots in the same run:
``stock.report_lot_label`` (QWeb + wkhtmltopdf) and
``stock.label_lot_template_view`` (ZPL), both with GS1 DataMatrix (the user gets
Odoo's "Print GS1 barcodes for lots" group). The generated finished product has no
barcode: it gets a valid GTIN first, in this transaction, rolled back at the end.

Ends with the lines ``labels-pdf: ...`` and ``labels-zpl: ...``.
"""

import re
import sys

from odoo_env import bench_line, median_times_in_turns, odoo_env

LOT_COUNT = 1000
GTIN_BODY = "061414100000"  # GS1's example company prefix 0614141
# Medians of this many runs, the two sides in turns: Odoo's PDF takes minutes,
# the ZPL texts milliseconds (more runs keep them steady).
REPEAT_OURS_PDF = 5
REPEAT_ODOO_PDF = 1
REPEAT_OURS_ZPL = 15
REPEAT_ODOO_ZPL = 7


def ean13(body):
    """``body`` (12 digits) with its GS1 mod-10 check digit."""
    total = sum(
        int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body)
    )
    return body + str((10 - total % 10) % 10)


def main():
    dbname = sys.argv[1]
    with odoo_env(dbname) as env:
        lots = env["stock.lot"].search(
            [("name", "=like", "GEN-FIN-%")], order="name", limit=LOT_COUNT
        )
        if len(lots) < LOT_COUNT:
            sys.exit("not enough GEN-FIN lots: run setup/bench.sh generate first")
        product = lots.product_id
        product.barcode = ean13(GTIN_BODY)
        env.ref("stock.group_stock_lot_print_gs1").users = [(4, env.user.id)]
        template = env.ref("label_printing.label_template_gs1_lot")
        reports = env["ir.actions.report"]
        env.flush_all()

        # ZPL first: Odoo's PDF leaves a process that has rendered tens of
        # megabytes, which no print request of a worker starts from.
        ours_zpl_time, ours_zpl, odoo_zpl_time, odoo_zpl = median_times_in_turns(
            lambda: template._render(lots, "zpl")[0],
            lambda: reports._render_qweb_text("stock.label_lot_template", lots.ids)[0],
            REPEAT_OURS_ZPL,
            REPEAT_ODOO_ZPL,
            # Both sides read from the database, as a new request would.
            before=env.invalidate_all,
        )
        ours_pdf_time, ours_pdf, odoo_pdf_time, odoo_pdf = median_times_in_turns(
            lambda: template._render(lots, "bulk_pdf")[0],
            lambda: reports.with_context(force_report_rendering=True)._render_qweb_pdf(
                "stock.action_report_lot_label", lots.ids
            )[0],
            REPEAT_OURS_PDF,
            REPEAT_ODOO_PDF,
            before=env.invalidate_all,
        )
        pages = len(re.findall(rb"/Type /Page\b", ours_pdf))
        ours_labels = ours_zpl.count(b"^XA")
        odoo_labels = odoo_zpl.count(b"^XA")
        if pages != LOT_COUNT or ours_labels != LOT_COUNT or odoo_labels < LOT_COUNT:
            sys.exit(
                f"unexpected output: {pages} pages, {ours_labels} ZPL labels (ours), "
                f"{odoo_labels} (odoo)"
            )
        print(
            f"{LOT_COUNT} GS1 lot labels of {product.display_name} "
            f"(GTIN {product.barcode}): our PDF {len(ours_pdf) // 1024} KiB, "
            f"Odoo's {len(odoo_pdf) // 1024} KiB; our ZPL {len(ours_zpl) // 1024} "
            f"KiB with FNC1, Odoo's {len(odoo_zpl) // 1024} KiB"
        )
        print(bench_line("labels-pdf", ours_pdf_time, odoo_pdf_time))
        print(bench_line("labels-zpl", ours_zpl_time, odoo_zpl_time))
        env.cr.rollback()


if __name__ == "__main__":
    main()
