"""print-latency: the time from a manufacturing order marked done (through
XML-RPC, as the button does), and from a passing final check sent through the
device API asking for its labels, to the label's bytes at a label printer on
127.0.0.1, over 20 of each, with the Odoo server running as in production (one
scheduled-action thread).

The labels are queued in the transaction of the event, which also triggers the
sending action; the server's scheduled-action thread is woken when that
transaction commits. Ends with one ``print-latency: median=<s> max=<s>`` line
per source.

Usage: bench_print_latency.py DBNAME (run by setup/bench.sh print-latency)
"""

import json
import statistics
import sys
import time
import urllib.request
import xmlrpc.client
from datetime import datetime, timedelta

from bench_scans import free_port, start_server
from odoo_env import load_project_module, odoo_env

Flows = load_project_module("quality_traceability/tests/flows.py").Flows
FakePrinter = load_project_module("label_printing/tests/fake_printer.py").FakePrinter

ORDERS = 20
PASSWORD = "bench-production-password"
GTIN = "6901234560077"


def prepare(dbname, printer_port):
    """A product with a GS1 lot label sent to the printer, automatic printing of
    finished lots, and ``ORDERS`` manufacturing orders ready to be marked done."""
    with odoo_env(dbname) as env:
        env = env(context=dict(env.context, tracking_disable=True))
        flows = Flows(env)
        tracked = {"type": "consu", "is_storable": True, "tracking": "lot"}
        component, product = env["product.product"].create(
            [
                dict(tracked, name="Latency Resin"),
                dict(tracked, name="Latency Bottle", barcode=GTIN),
            ]
        )
        env["mrp.bom"].create(
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    (0, 0, {"product_id": component.id, "product_qty": 1})
                ],
            }
        )
        vendor = env["res.partner"].create({"name": "Latency Vendor"})
        flows.receive(vendor, component, [("LAT-RESIN", ORDERS)])
        resin = env["stock.lot"].search([("name", "=", "LAT-RESIN")])
        printer = env["label.printer"].create(
            {"name": "Latency Printer", "host": "127.0.0.1", "port": printer_port}
        )
        template = env["label.template"]._find_for(product, "lot")
        template.printer_id = printer
        env.company.label_auto_print_production = True
        orders = []
        for index in range(ORDERS):
            production = env["mrp.production"].create(
                {"product_id": product.id, "product_qty": 1}
            )
            production.action_confirm()
            lot = env["stock.lot"].create(
                {"name": f"LAT-{index:03d}", "product_id": product.id}
            )
            production.write({"lot_producing_id": lot.id, "qty_producing": 1})
            flows.set_move_lots(production.move_raw_ids, [(resin, 1)])
            orders.append((production.id, lot.name))
        user = env["res.users"].create(
            {
                "name": "Latency Production",
                "login": "bench_latency",
                "password": PASSWORD,
                "groups_id": [(4, env.ref("mrp.group_mrp_user").id)],
            }
        )
        # The final inspection station: a device with an API key.
        point = env["traceability.control.point"].create(
            {
                "name": "Latency final test",
                "stage": "final",
                "product_ids": [(4, product.id)],
                "spec_ids": [(0, 0, {"name": "Seal", "value_type": "pass_fail"})],
            }
        )
        device = env["res.users"].create(
            {
                "name": "Latency Station",
                "login": "bench_latency_station",
                "password": PASSWORD,
                "groups_id": [
                    (4, env.ref("quality_traceability.group_traceability_user").id)
                ],
            }
        )
        key = (
            env["res.users.apikeys"]
            .with_user(device)
            ._generate(None, "station", datetime.now() + timedelta(days=1))
        )
        env.cr.commit()
        return orders, user.id, {"point": point.id, "key": key}


def main():
    dbname = sys.argv[1]
    printer = FakePrinter()
    orders, uid, station = prepare(dbname, printer.port)
    port = free_port()
    server = start_server(dbname, port, cron_threads=1)
    latencies, check_latencies = [], []
    try:
        models = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/object")
        for production_id, lot_name in orders:
            before = len(printer.received)
            start = time.perf_counter()
            models.execute_kw(
                dbname,
                uid,
                PASSWORD,
                "mrp.production",
                "button_mark_done",
                [[production_id]],
            )
            while len(printer.received) <= before:
                if time.perf_counter() - start > 30:
                    sys.exit(f"print-latency: no label for {lot_name} after 30 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - start)
            if lot_name.encode() not in printer.received[before]:
                sys.exit(f"print-latency: another label than {lot_name} arrived")
        # The same lots pass their final inspection at a station asking for
        # their labels.
        for index, (_production_id, lot_name) in enumerate(orders):
            before = len(printer.received)
            start = time.perf_counter()
            result = post_scan(port, station, lot_name, index)
            if result.get("labels") is not True:
                sys.exit(f"print-latency: no label asked for {lot_name}: {result}")
            while len(printer.received) <= before:
                if time.perf_counter() - start > 30:
                    sys.exit(f"print-latency: no label for {lot_name} after 30 s")
                time.sleep(0.005)
            check_latencies.append(time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=60)
        printer.close()
    print(
        f"print-latency: median={statistics.median(latencies):.3f} "
        f"max={max(latencies):.3f} ({ORDERS} orders, from the call marking one "
        "done to its label's bytes at the printer)"
    )
    print(
        f"print-latency: median={statistics.median(check_latencies):.3f} "
        f"max={max(check_latencies):.3f} ({ORDERS} passing final checks, from "
        "the device API request to the label's bytes at the printer)"
    )


def post_scan(port, station, lot_name, index):
    """One passing final check through the device API, asking for labels."""
    body = {
        "device_id": "LATENCY-STATION",
        "scans": [
            {
                "client_uid": f"latency-{index}",
                "code": lot_name,
                "control_point": station["point"],
                "values": {"Seal": "pass"},
                "print_label": True,
            }
        ],
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/traceability/api/v1/scans",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {station['key']}",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"][0]


if __name__ == "__main__":
    main()
