"""epcis: the EPCIS 2.0 export of the raw lot's whole forward trace against
gathering the same lots and deliveries through Odoo's own traceability report,
followed lot by lot as in the trace benchmark; then the capture of a supplier's
document of 10,000 events, sent twice.

Prints
    epcis-export: ours=<s> odoo=<s> ratio=<odoo/ours>
    epcis-capture: 10000 events, <n> lost, <n> duplicated on a second send
    epcis-capture-time: first=<s> second=<s>

Export: ``traceability.epcis.export_trace(raw, "forward")`` as a traceability
user; Odoo's side: ``report_forward`` of the trace benchmark (the report of each
lot and every "used in" jump) and the manufacturing orders that made the lots it
reached. Not timed: the document is validated against GS1's EPCIS 2.0 JSON
Schema and must name exactly the lots, manufacturing orders and deliveries of
Odoo's side.

Capture: ``traceability.epcis.event.capture(document, source="api")`` of the
document of ``epcis_supplier.py`` (shipping ObjectEvents against open purchase
orders of a vendor, TransformationEvents of the vendor). Lost = events sent -
events stored - events reported in error; there must be no error, nothing lost,
and the second send must store no row (each event a duplicate).

Usage: bench_epcis.py DBNAME (run by setup/bench.sh epcis); BENCH_EPCIS_EVENTS
changes the number of events captured.
"""

import json
import os
import sys
import time

from epcis_supplier import prepare_supplier, supplier_document
from odoo_env import PROJECT_DIR, bench_line, median_times_in_turns, odoo_env
from trace_common import lots, report_oracle

EVENTS = int(os.environ.get("BENCH_EPCIS_EVENTS", "10000"))
TRANSFORMATIONS = EVENTS // 5
REPEAT_OURS = 5
REPEAT_ODOO = 3
SCHEMA = PROJECT_DIR / "quality_traceability/data/epcis/EPCIS-JSON-Schema.json"
USER_GROUPS = (
    "base.group_user",
    "quality_traceability.group_traceability_user",
    "purchase.group_purchase_user",
    "stock.group_stock_user",
)


def bench_user(env):
    """A traceability user of the main company (purchases and stock too)."""
    return env["res.users"].create(
        {
            "name": "EPCIS Bench",
            "login": "epcis-bench",
            "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in USER_GROUPS])],
        }
    )


def document_uris(document):
    """The lot URIs, transformation ids and delivery (desadv) transactions a
    document names."""
    lot_uris, productions, deliveries = set(), set(), set()
    for event in document["epcisBody"]["eventList"]:
        for key in ("epcList", "childEPCs", "inputEPCList", "outputEPCList"):
            lot_uris.update(event.get(key, ()))
        for key in (
            "quantityList",
            "childQuantityList",
            "inputQuantityList",
            "outputQuantityList",
        ):
            lot_uris.update(element["epcClass"] for element in event.get(key, ()))
        if event["type"] == "TransformationEvent":
            productions.add(event["transformationID"])
        if event.get("bizStep") == "shipping":
            deliveries.update(
                transaction["bizTransaction"]
                for transaction in event.get("bizTransactionList", ())
                if transaction["type"] == "desadv"
            )
    return {"lots": lot_uris, "productions": productions, "deliveries": deliveries}


def expected_uris(env, user_env, odoo_answer):
    """The URIs the export gives to what Odoo's side found."""
    from odoo.addons.quality_traceability.tools import (  # noqa: PLC0415
        epcis,
    )

    Epcis = user_env["traceability.epcis"]
    context = Epcis._context_of(sorted(odoo_answer["lots"]))
    scope = context["scope"]
    pickings = env["stock.picking"].browse(sorted(odoo_answer["deliveries"]))
    return {
        "lots": {lot["uri"] for lot in context["lots"].values()},
        "productions": {
            epcis.stable_uri(scope, "mrp.production", production_id)
            for production_id in odoo_answer["productions"]
        },
        "deliveries": {
            epcis.biz_transaction(
                "desadv",
                picking.name,
                picking.company_id.traceability_gln or None,
                scope,
            )["bizTransaction"]
            for picking in pickings
        },
    }


def validate(document):
    import jsonschema  # noqa: PLC0415

    validator = jsonschema.Draft7Validator(
        json.loads(SCHEMA.read_text()),
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )
    errors = [error.message for error in validator.iter_errors(document)]
    if errors:
        print(f"epcis-export: the document fails the EPCIS 2.0 schema: {errors[:3]}")
        sys.exit(1)


def bench_export(env, user_env):
    raw, _finished = lots(env)
    oracle = report_oracle()

    def ours():
        return user_env["traceability.epcis"].export_trace(raw.ids, "forward")

    def odoo():
        lot_ids, deliveries = oracle.report_forward(env, raw)
        productions = env["mrp.production"].search(
            [("lot_producing_id", "in", list(lot_ids)), ("state", "=", "done")]
        )
        return {
            "lots": lot_ids,
            "deliveries": deliveries,
            "productions": set(productions.ids),
        }

    ours_time, document, odoo_time, odoo_answer = median_times_in_turns(
        ours,
        odoo,
        REPEAT_OURS,
        REPEAT_ODOO,
        before=lambda: (env.invalidate_all(), user_env.invalidate_all()),
    )
    validate(document)
    found = document_uris(document)
    expected = expected_uris(env, user_env, odoo_answer)
    differ = False
    for key in ("lots", "productions", "deliveries"):
        if found[key] != expected[key]:
            differ = True
            extra = sorted(found[key] - expected[key])[:5]
            missing = sorted(expected[key] - found[key])[:5]
            print(f"epcis-export: {key} differ: only ours {extra}, only odoo {missing}")
    if differ:
        sys.exit(1)
    print(
        f"epcis-export document: {len(document['epcisBody']['eventList'])} events, "
        f"{len(found['lots'])} lots, {len(found['productions'])} manufacturing "
        f"orders, {len(found['deliveries'])} deliveries; valid EPCIS 2.0"
    )
    print(bench_line("epcis-export", ours_time, odoo_time))


def bench_capture(env, user_env):
    supplier = prepare_supplier(
        env, prefix="EPCB", products=5, orders=20, lots_per_line=EVENTS // 100 or 1
    )
    document = supplier_document(
        supplier["gln"],
        supplier["gtins"],
        supplier["orders"].mapped("name"),
        events=EVENTS,
        transformations=TRANSFORMATIONS,
        prefix="EPCB",
    )
    env.flush_all()
    Event = env["traceability.epcis.event"]
    capture = user_env["traceability.epcis.event"]
    before = Event.search_count([])
    start = time.perf_counter()
    first = capture.capture(document, source="api")
    env.flush_all()
    first_time = time.perf_counter() - start
    stored = Event.search_count([]) - before
    start = time.perf_counter()
    second = capture.capture(document, source="api")
    env.flush_all()
    second_time = time.perf_counter() - start
    duplicated = Event.search_count([]) - before - stored
    lost = EVENTS - stored - len(first["errors"])
    for error in first["errors"][:5]:
        print(f"epcis-capture error: {error}")
    print(
        f"epcis-capture: {EVENTS} events, {lost} lost, {duplicated} duplicated "
        "on a second send"
    )
    print(f"epcis-capture-time: first={first_time:.4f} second={second_time:.4f}")
    if (
        first["errors"]
        or lost
        or duplicated
        or first["captured"] != EVENTS
        or second["duplicates"] != EVENTS
        or second["errors"]
    ):
        print(
            f"epcis-capture: first {first['captured']} captured, "
            f"{first['duplicates']} duplicates, {len(first['errors'])} errors; "
            f"second {second['captured']} captured, {second['duplicates']} "
            f"duplicates, {len(second['errors'])} errors"
        )
        sys.exit(1)


def main():
    dbname = sys.argv[1]
    with odoo_env(dbname) as env:
        user = bench_user(env)
        user_env = env(user=user.id)
        try:
            bench_export(env, user_env)
            bench_capture(env, user_env)
        finally:
            env.cr.rollback()


if __name__ == "__main__":
    main()
