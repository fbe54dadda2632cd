"""import: 100,000 rows of trace history kept before go-live (lots, genealogy
links, shipments) imported by the Import Trace History wizard against the same
lots and deliveries loaded through Odoo's generic import (``base_import``), the
way a user would try without the wizard; then forward traces of imported raw
lots (10, by ``traceability.genealogy.trace``) must equal the ground truth of
the files.

Prints
    import: ours=<s> odoo=<s> ratio=<odoo/ours>
    import-trace: ok (<n> raw lots traced forward: <n> lots, <n> shipments ...)

The history (``generate()``, deterministic, seed 16), for R rows
(BENCH_IMPORT_ROWS, default 100,000): R/5 lots of 50 lot-tracked products, in
three levels (R/25 raw lots; 2R/25 intermediate lots, each made of 2 raw lots;
2R/25 finished lots, each made of 3 intermediate lots): 2R/5 genealogy links;
production dates by day (about 30 lots a day; the wizard writes the
computed production date once per date, see its ``_execute``); each finished
lot shipped 5 times, 4 lots per delivery note to one of 200
customers: 2R/5 shipments in R/10 delivery notes. At 100,000 rows: 20,000
lots, 40,000 links, 40,000 shipments (10,000 delivery notes).

Ours: three .xlsx files (lots, links, shipments, English headers) imported one
after the other by ``traceability.history.import.action_import`` as the
administrator (a traceability manager, not the superuser): reading the file,
validating every row against the database, writing. Each file is a committed
transaction.

Odoo: ``base_import.import.execute_import`` as the same user, in batches of
2,000 rows as the import screen sends them, of
- the same lots as ``stock.lot`` rows (product by its default code, which the
  import's name search finds; lot name, vendor lot in ``ref``, expiration
  date: the production date is computed by Odoo, not importable);
- the same shipments as ``stock.picking`` rows, one delivery order per
  delivery note with one move per lot (product, quantity, lot), customer by
  name, operation type by name: draft deliveries (validating them would
  further need the lots in stock).
The genealogy links have no equivalent in Odoo's generic import (manufacturing
orders cannot be imported done with their consumed lots): Odoo's side imports
nothing for them, so the ratio favours Odoo. Odoo's side is rolled back.

The database: a copy of the benchmark template (qt_bench_tpl_1) when it
exists, else a fresh database with the three addons, without demo data
(setup/bench.sh import); this script adds its products and customers.

Usage: bench_import.py DBNAME
"""

import base64
import datetime
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from odoo_env import PROJECT_DIR, bench_line, load_project_module, odoo_env

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
PRODUCTS = 50
CUSTOMERS = 200
LINES_PER_NOTE = 4
SHIPMENTS_PER_LOT = 5
SEED = 16
ODOO_BATCH = 2000
START = datetime.datetime(2019, 1, 1, 8, 0)


def product_code(index):
    return f"BI-P{index:03d}"


def customer_name(index):
    return f"Bench Import Customer {index:03d}"


def generate(rows=ROWS, seed=SEED):
    """The history of ``rows`` rows, as the rows of the three templates
    (lists in the template's column order):
    ``{"lots": [...], "links": [...], "shipments": [...]}``."""
    rng = random.Random(seed)
    lot_count = rows // 5
    raw_count = lot_count // 5
    mid_count = lot_count * 2 // 5
    fin_count = lot_count - raw_count - mid_count
    names = [f"BI-L{index:06d}" for index in range(lot_count)]
    raw = range(raw_count)
    mid = range(raw_count, raw_count + mid_count)
    fin = range(raw_count + mid_count, lot_count)
    lots = []
    for index, name in enumerate(names):
        # A production day (legacy systems record days): about 30 lots a day.
        produced = START + datetime.timedelta(days=index // 30)
        lots.append(
            [
                product_code(index % PRODUCTS),
                name,
                produced,
                produced + datetime.timedelta(days=730),
                f"V-{rng.randrange(10**6):06d}",
            ]
        )
    links = []
    for children, parents, count in ((mid, raw, 2), (fin, mid, 3)):
        for child in children:
            for parent in rng.sample(parents, count):
                links.append(
                    [
                        None,
                        names[parent],
                        None,
                        names[child],
                        round(rng.uniform(1, 100), 2),
                        lots[child][2],
                        f"WO-{child:06d}",
                    ]
                )
    shipments = []
    notes = fin_count * SHIPMENTS_PER_LOT // LINES_PER_NOTE
    for note in range(notes):
        customer = customer_name(rng.randrange(CUSTOMERS))
        date = START + datetime.timedelta(days=400, hours=note)
        for line in range(LINES_PER_NOTE):
            lot = fin[(note * LINES_PER_NOTE + line) % fin_count]
            shipments.append(
                [
                    None,
                    names[lot],
                    customer,
                    date,
                    rng.randrange(1, 50),
                    f"DN-{note:06d}",
                ]
            )
    return {"lots": lots, "links": links, "shipments": shipments}


def ground_truth(history, root):
    """The forward trace of lot name ``root`` according to the files: the
    lots made from it at any level (itself included) and the shipments of
    those lots as (lot, customer, reference)."""
    children = defaultdict(set)
    for _pp, parent, _cp, child, *_rest in history["links"]:
        children[parent].add(child)
    reached, todo = {root}, [root]
    while todo:
        for child in children[todo.pop()]:
            if child not in reached:
                reached.add(child)
                todo.append(child)
    shipments = {
        (lot, customer, reference)
        for _p, lot, customer, _d, _q, reference in history["shipments"]
        if lot in reached
    }
    return reached, shipments


def tools():
    return load_project_module("quality_traceability/tools/history_import.py")


def write_files(history, directory):
    """The three history files of ``history`` (the wizard's templates) and
    the two of Odoo's generic import, in ``directory``."""
    history_import = tools()
    paths = {}
    for kind in ("lots", "links", "shipments"):
        path = Path(directory) / f"history_{kind}.xlsx"
        path.write_bytes(history_import.template_xlsx([kind], rows=history))
        paths[kind] = path
    lots = [
        [code, name, vendor, expiry]
        for code, name, _made, expiry, vendor in history["lots"]
    ]
    path = Path(directory) / "odoo_lots.xlsx"
    path.write_bytes(
        history_import.workbook_xlsx(
            [
                (
                    "Lots",
                    [
                        "Product",
                        "Lot/Serial Number",
                        "Internal Reference",
                        "Expiration Date",
                    ],
                    lots,
                )
            ]
        )
    )
    paths["odoo_lots"] = path
    codes = {name: code for code, name, *_rest in history["lots"]}
    pickings, previous = [], None
    for _p, lot, customer, date, quantity, reference in history["shipments"]:
        head = (
            [reference, customer, "Delivery Orders", date]
            if reference != previous
            else [None, None, None, None]
        )
        previous = reference
        pickings.append([*head, codes[lot], lot, quantity, lot])
    path = Path(directory) / "odoo_pickings.xlsx"
    path.write_bytes(
        history_import.workbook_xlsx(
            [
                (
                    "Deliveries",
                    [
                        "Source Document",
                        "Contact",
                        "Operation Type",
                        "Scheduled Date",
                        "Stock Moves/Product",
                        "Stock Moves/Description",
                        "Stock Moves/Demand",
                        "Stock Moves/Serial Numbers",
                    ],
                    pickings,
                )
            ]
        )
    )
    paths["odoo_pickings"] = path
    return paths


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


def prepare(dbname):
    """The products and customers the history names (once per database)."""
    with odoo_env(dbname) as env:
        Product = env["product.product"]
        if not Product.search_count([("default_code", "=", product_code(0))]):
            Product.create(
                [
                    {
                        "name": f"Bench Import Product {index:03d}",
                        "default_code": product_code(index),
                        "is_storable": True,
                        "tracking": "lot",
                    }
                    for index in range(PRODUCTS)
                ]
            )
            env["res.partner"].create(
                [
                    {"name": customer_name(index), "is_company": True}
                    for index in range(CUSTOMERS)
                ]
            )
        admin = env.ref("base.user_admin")
        if not admin.tz:
            admin.tz = "UTC"
        return admin.id


def ours(dbname, user_id, paths):
    """The wizard's import of the three files, each committed; the counts."""
    counts = []
    for kind in ("lots", "links", "shipments"):
        with odoo_env(dbname) as env:
            env = env(user=user_id, su=False)
            wizard = env["traceability.history.import"].create(
                {
                    "file": base64.b64encode(paths[kind].read_bytes()),
                    "filename": paths[kind].name,
                }
            )
            wizard.action_import()
            counts.append((kind, wizard.new_count, wizard.error_count))
    return counts


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPTIONS = {
    "has_headers": True,
    "advanced": True,
    "keep_matches": False,
    "date_format": "%Y-%m-%d",
    "datetime_format": "%Y-%m-%d %H:%M:%S",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "separator": ",",
    "quoting": '"',
    "encoding": "utf-8",
    "sheet": "",
    "name_create_enabled_fields": {},
    "import_set_empty_fields": [],
    "import_skip_records": [],
    "fallback_values": {},
    "limit": ODOO_BATCH,
}
ODOO_FIELDS = {
    "odoo_lots": ("stock.lot", ["product_id", "name", "ref", "expiration_date"]),
    "odoo_pickings": (
        "stock.picking",
        [
            "origin",
            "partner_id",
            "picking_type_id",
            "scheduled_date",
            "move_ids/product_id",
            "move_ids/name",
            "move_ids/product_uom_qty",
            "move_ids/lot_ids",
        ],
    ),
}


def odoo_import(env, model, path, fields):
    """``path`` imported into ``model`` through base_import as the import
    screen does it: batches of ODOO_BATCH rows until the file is done."""
    record = env["base_import.import"].create(
        {
            "res_model": model,
            "file": path.read_bytes(),
            "file_name": path.name,
            "file_type": XLSX,
        }
    )
    columns = list(fields)
    skip, ids = 0, 0
    while True:
        result = record.execute_import(
            fields, columns, dict(OPTIONS, skip=skip), dryrun=False
        )
        errors = [m for m in result["messages"] if m.get("type") == "error"]
        if errors:
            sys.exit(f"import: Odoo's import of {path.name} failed: {errors[:3]}")
        ids += len(result["ids"] or [])
        skip = result.get("nextrow") or 0
        if not skip:
            return ids


def odoo(dbname, user_id, paths):
    """Odoo's generic import of the same lots and deliveries (rolled back);
    the number of records each import created."""
    with odoo_env(dbname) as env:
        env = env(user=user_id, su=False)
        counts = [
            (
                key,
                odoo_import(
                    env, *ODOO_FIELDS[key][:1], paths[key], ODOO_FIELDS[key][1]
                ),
            )
            for key in ("odoo_lots", "odoo_pickings")
        ]
        env.cr.rollback()
    return counts


def check_trace(dbname, user_id, history, roots=10):
    """The forward trace of ``roots`` raw lots (spread over the raw lots), by
    the genealogy engine, equals the files' ground truth: the lots reached and
    the imported shipments, as (lot, customer, reference)."""
    raw_count = len(history["lots"]) // 5
    names = [history["lots"][index * raw_count // roots][1] for index in range(roots)]
    total_lots = total_shipments = 0
    with odoo_env(dbname) as env:
        env = env(user=user_id, su=False)
        for root in names:
            lots, shipments = ground_truth(history, root)
            lot = env["stock.lot"].search([("name", "=", root)])
            result = env["traceability.genealogy"].trace(lot, "forward")
            found_lots = {values["name"] for values in result.lots.values()}
            lot_names = {
                record.id: record.name
                for record in env["stock.lot"].browse(list(result.lots))
            }
            partners = {
                partner.id: partner.name
                for partner in env["res.partner"].browse(
                    list({fact["partner_id"] for fact in result.deliveries})
                )
            }
            found_shipments = {
                (
                    lot_names[fact["lot_id"]],
                    partners[fact["partner_id"]],
                    fact["reference"],
                )
                for fact in result.deliveries
                if fact.get("imported")
            }
            if found_lots != lots or found_shipments != shipments:
                sys.exit(
                    f"import-trace: FAILED for {root}: lots {len(found_lots)} "
                    f"(expected {len(lots)}, {len(found_lots ^ lots)} differ), "
                    f"shipments {len(found_shipments)} (expected {len(shipments)}, "
                    f"{len(found_shipments ^ shipments)} differ)"
                )
            total_lots += len(lots)
            total_shipments += len(shipments)
    return roots, total_lots, total_shipments


def main():
    dbname = sys.argv[1]
    user_id = prepare(dbname)
    start = time.perf_counter()
    history = generate()
    with tempfile.TemporaryDirectory(prefix="bench_import_") as directory:
        paths = write_files(history, directory)
        print(
            f"import: {sum(len(rows) for rows in history.values())} rows generated "
            f"and written in {time.perf_counter() - start:.1f} s "
            f"({', '.join(f'{k} {len(v)}' for k, v in history.items())})",
            flush=True,
        )
        start = time.perf_counter()
        odoo_counts = odoo(dbname, user_id, paths)
        odoo_time = time.perf_counter() - start
        print(f"import: odoo created {odoo_counts} in {odoo_time:.1f} s", flush=True)
        start = time.perf_counter()
        counts = ours(dbname, user_id, paths)
        ours_time = time.perf_counter() - start
        print(
            f"import: ours (kind, new, bad) {counts} in {ours_time:.1f} s", flush=True
        )
        if any(bad for _kind, _new, bad in counts) or [
            new for _k, new, _b in counts
        ] != [len(history[kind]) for kind in ("lots", "links", "shipments")]:
            sys.exit("import: the wizard did not import every row")
    print(bench_line("import", ours_time, odoo_time))
    roots, lots, shipments = check_trace(dbname, user_id, history)
    print(
        f"import-trace: ok ({roots} raw lots traced forward: {lots} lots, "
        f"{shipments} shipments as in the files)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR / "tests" / "bench"))
    main()
