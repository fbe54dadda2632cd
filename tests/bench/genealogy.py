"""The scale genealogy of the benchmarks, built through Odoo's business flows.

One raw lot feeds ``intermediates`` lots, which feed ``finished`` lots shipped in
``deliveries`` deliveries (one unit each, round robin over lots and customers; every
finished lot keeps one unit in stock), plus a control chain from another raw lot of
the same product that shares customers but must never appear in the raw lot's trace.

Used by ``generate.py`` (the benchmark template) and checked by
``odoo_test_genealogy.py`` (pytest-odoo, run by ``setup/test.sh``).
"""

import logging
import time

from genealogy_plan import plan_genealogy
from odoo_env import load_project_module

from odoo import Command

Flows = load_project_module("quality_traceability/tests/flows.py").Flows

_logger = logging.getLogger(__name__)


def prepare_scale_products(env, prefix):
    """A raw material, an intermediate and a finished good, all tracked by lot,
    with a one-component bill of materials at each level."""
    uom = env.ref("uom.product_uom_unit")
    products = env["product.product"].create(
        [
            {
                "name": f"{prefix} {label}",
                "default_code": f"{prefix}-{code}",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "uom_id": uom.id,
                "uom_po_id": uom.id,
                "standard_price": 1.0,
                "list_price": 2.0,
                "sale_ok": code == "FIN",
                "purchase_ok": code == "RAW",
            }
            for label, code in (
                ("Raw Material", "RAW"),
                ("Intermediate", "INT"),
                ("Finished Good", "FIN"),
            )
        ]
    )
    raw, intermediate, finished = products
    env["mrp.bom"].create(
        [
            {
                "product_tmpl_id": parent.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": child.id, "product_qty": 1})
                ],
            }
            for parent, child in ((intermediate, raw), (finished, intermediate))
        ]
    )
    return raw, intermediate, finished


def generate_genealogy(
    env,
    intermediates=40,
    finished=1000,
    deliveries=1500,
    customers=200,
    control_finished=10,
    prefix="GEN",
    progress=None,
):
    """Build the genealogy of the given shape in ``env``.

    :param progress: optional callable ``progress(records_done)`` called after
        each document, e.g. to commit and report throughput
    :return: dict of the records made, for the tests and the benchmarks
    :raises ValueError: unless ``0 < intermediates <= finished <= deliveries`` and
        ``customers >= 1``
    """
    plan = plan_genealogy(intermediates, finished, deliveries, customers)
    control_plan = control_finished and plan_genealogy(
        min(2, control_finished), control_finished, control_finished, customers
    )
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    flows = Flows(env)
    started = time.monotonic()
    done = 0

    def tick(count=1):
        nonlocal done
        done += count
        if progress:
            progress(done)

    raw, intermediate, finished_product = prepare_scale_products(env, prefix)
    vendor = env["res.partner"].create({"name": f"{prefix} Vendor", "is_company": True})
    partners = env["res.partner"].create(
        [
            {"name": f"{prefix} Customer {index:04d}", "is_company": True}
            for index in range(customers)
        ]
    )
    tick(customers + 1)

    raw_name, control_raw_name = f"{prefix}-RAW-0001", f"{prefix}-RAW-CTRL"
    flows.receive(vendor, raw, [(raw_name, plan.raw_qty)])
    if control_plan:
        flows.receive(vendor, raw, [(control_raw_name, control_plan.raw_qty)])
    tick(2)
    Lot = env["stock.lot"]
    raw_lot = Lot.search([("product_id", "=", raw.id), ("name", "=", raw_name)])
    control_raw_lot = Lot.search(
        [("product_id", "=", raw.id), ("name", "=", control_raw_name)]
    )

    def build_chain(source_lot, tag, chain_plan):
        inter_lots = Lot
        for index, qty in enumerate(chain_plan.intermediate_qty):
            production = flows.produce(
                intermediate,
                qty,
                f"{prefix}-{tag}INT-{index:05d}",
                {raw: [(source_lot, qty)]},
            )
            inter_lots |= production.lot_producing_id
            tick()
        fin_lots = Lot
        for index, qty in enumerate(chain_plan.finished_qty):
            source = inter_lots[chain_plan.finished_source[index]]
            production = flows.produce(
                finished_product,
                qty,
                f"{prefix}-{tag}FIN-{index:05d}",
                {intermediate: [(source, qty)]},
            )
            fin_lots |= production.lot_producing_id
            tick()
        orders = env["sale.order"]
        for lot_index, customer_index in zip(
            chain_plan.delivery_lot, chain_plan.delivery_customer, strict=True
        ):
            orders |= flows.deliver(
                partners[customer_index],
                [(finished_product, [(fin_lots[lot_index], 1)])],
            )
            tick()
        return inter_lots, fin_lots, orders

    inter_lots, fin_lots, orders = build_chain(raw_lot, "", plan)
    control_inter = control_fin = Lot
    control_orders = env["sale.order"]
    if control_plan:
        control_inter, control_fin, control_orders = build_chain(
            control_raw_lot, "C", control_plan
        )
    elapsed = time.monotonic() - started
    _logger.info(
        "Genealogy %s: %d documents in %.1f s (%.1f per second)",
        prefix,
        done,
        elapsed,
        done / elapsed if elapsed else 0.0,
    )
    return {
        "products": (raw, intermediate, finished_product),
        "raw_lot": raw_lot,
        "intermediate_lots": inter_lots,
        "finished_lots": fin_lots,
        "sale_orders": orders,
        "customers": partners,
        "control_raw_lot": control_raw_lot,
        "control_lots": control_inter | control_fin,
        "control_sale_orders": control_orders,
        "documents": done,
        "seconds": elapsed,
    }
