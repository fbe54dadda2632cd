"""A supplier's EPCIS 2.0 document of the capture benchmark.

A vendor (with a GLN) ships lots of GTIN'd, lot-tracked products against open
purchase orders of ours: one shipping ``ObjectEvent`` per lot shipped (its
purchase order as ``po`` business transaction, the vendor as owning party of
the source, the lot's expiry as AI 17 of its class URI (an ``ilmd`` goes
with ADD events only)), and one ``TransformationEvent``
per lot of some of them, made by the vendor from lots of its own raw material
(a GTIN that is not ours).

``prepare_supplier`` creates the vendor, the products and the confirmed
purchase orders in a database; ``supplier_document`` builds the document from
plain values (no database), so the same events come out for the same
arguments. Used by ``bench_epcis.py`` (setup/bench.sh epcis) and checked by
``odoo_test_epcis_supplier.py`` (pytest-odoo, setup/test.sh).
"""

import datetime
import uuid

from odoo import Command

CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
DIGITAL_LINK = "https://id.gs1.org"
# A company prefix of the example ranges of GS1 (no real company's).
VENDOR_PREFIX = "0614142"
START = datetime.datetime(
    2026, 3, 2, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)


def check_digit(digits):
    """GS1 check digit (mod 10) of ``digits``."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1)
        for index, digit in enumerate(reversed(digits))
    )
    return str((10 - total % 10) % 10)


# The vendor's own raw material (GTIN-14, packaging indicator 1): not ours.
RAW_GTIN = "1061414299999" + check_digit("1061414299999")


def gtin13(item):
    body = f"{VENDOR_PREFIX}{item:05d}"
    return body + check_digit(body)


def vendor_gln(prefix):
    body = f"{VENDOR_PREFIX}{sum(map(ord, prefix)) % 100000:05d}"
    return body + check_digit(body)


def prepare_supplier(env, prefix="EPCB", products=5, orders=20, lots_per_line=80):
    """The vendor (with a GLN), ``products`` lot-tracked products with a GTIN
    and ``orders`` confirmed purchase orders, each with a line of every
    product for ``lots_per_line`` lots of 10 units.

    :return: dict ``vendor``, ``gln``, ``products`` (recordset), ``gtins``
        (GTIN-14 of each product, in order), ``orders`` (recordset)
    """
    gln = vendor_gln(prefix)
    vendor = env["res.partner"].create(
        {"name": f"{prefix} Supplier", "is_company": True, "traceability_gln": gln}
    )
    uom = env.ref("uom.product_uom_unit")
    items = [sum(map(ord, prefix)) * 10 % 90000 + index for index in range(products)]
    records = env["product.product"].create(
        [
            {
                "name": f"{prefix} Component {index + 1}",
                "default_code": f"{prefix}-C{index + 1}",
                "barcode": gtin13(item),
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "uom_id": uom.id,
                "uom_po_id": uom.id,
                "purchase_ok": True,
                "standard_price": 1.0,
            }
            for index, item in enumerate(items)
        ]
    )
    purchase_orders = env["purchase.order"].create(
        [
            {
                "partner_id": vendor.id,
                "partner_ref": f"{prefix}-SO-{number + 1:04d}",
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": 10 * lots_per_line,
                            "price_unit": 1.0,
                        }
                    )
                    for product in records
                ],
            }
            for number in range(orders)
        ]
    )
    purchase_orders.button_confirm()
    return {
        "vendor": vendor,
        "gln": gln,
        "products": records,
        "gtins": ["0" + product.barcode for product in records],
        "orders": purchase_orders,
    }


def _event_id(prefix, kind, index):
    name = f"epcis-bench:{prefix}:{kind}:{index}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _class(gtin, lot):
    """Class-level Digital Link of a lot (names of letters, digits and "-")."""
    return f"{DIGITAL_LINK}/01/{gtin}/10/{lot}"


def _time(moment):
    return moment.isoformat(timespec="milliseconds")


def supplier_document(
    gln, gtins, order_names, events=10000, transformations=2000, prefix="EPCB"
):
    """The vendor's EPCIS 2.0 document of ``events`` events: ``events -
    transformations`` shipping ObjectEvents (lot ``<prefix>-L<n>`` of the
    products in turn, 10 units each, on the orders in turn), and
    ``transformations`` TransformationEvents making the first shipped lots
    from lots of the vendor's raw material; times one minute apart from
    :data:`START`, with their +08:00 offset. Event ids are stable
    ``urn:uuid``s of ``prefix`` and the event's number.
    """
    shipments = events - transformations
    if shipments < 1 or transformations < 0 or transformations > shipments:
        raise ValueError("need at least one shipment, and no more transformations")
    party = f"{DIGITAL_LINK}/417/{gln}"
    place = f"{DIGITAL_LINK}/414/{gln}"
    event_list = []
    for index in range(transformations):
        gtin = gtins[index % len(gtins)]
        event_list.append(
            {
                "type": "TransformationEvent",
                "eventID": _event_id(prefix, "made", index),
                "eventTime": _time(START + datetime.timedelta(minutes=index)),
                "eventTimeZoneOffset": "+08:00",
                "inputQuantityList": [
                    {
                        "epcClass": _class(RAW_GTIN, f"{prefix}-R{index // 10 + 1}"),
                        "quantity": 2.5,
                        "uom": "KGM",
                    }
                ],
                "outputQuantityList": [
                    {
                        "epcClass": _class(gtin, f"{prefix}-L{index + 1}"),
                        "quantity": 10,
                    }
                ],
                "bizStep": "commissioning",
                "disposition": "active",
                "readPoint": {"id": place},
                "bizLocation": {"id": place},
            }
        )
    base = START + datetime.timedelta(days=10)
    for index in range(shipments):
        gtin = gtins[index % len(gtins)]
        order = order_names[(index // len(gtins)) % len(order_names)]
        expiry = (base + datetime.timedelta(days=365)).strftime("%y%m%d")
        event_list.append(
            {
                "type": "ObjectEvent",
                "eventID": _event_id(prefix, "shipped", index),
                "eventTime": _time(base + datetime.timedelta(minutes=index)),
                "eventTimeZoneOffset": "+08:00",
                "action": "OBSERVE",
                "quantityList": [
                    {
                        "epcClass": _class(gtin, f"{prefix}-L{index + 1}")
                        + f"?17={expiry}",
                        "quantity": 10,
                    }
                ],
                "bizStep": "shipping",
                "disposition": "in_transit",
                "readPoint": {"id": place},
                "bizTransactionList": [
                    {
                        "type": "po",
                        "bizTransaction": f"urn:epcglobal:cbv:bt:{gln}:{order}",
                    }
                ],
                "sourceList": [{"type": "owning_party", "source": party}],
            }
        )
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _time(START + datetime.timedelta(days=20)),
        "sender": party,
        "epcisBody": {"eventList": event_list},
    }
