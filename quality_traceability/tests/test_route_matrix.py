# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.main import rate_limiter
from .common import TraceabilityCommon

ADDONS = ("quality_traceability", "label_printing", "recall_management")
ROLES = ("anonymous", "portal_a", "portal_b", "internal")

# Every route of the addons: the requests made on it and the status each
# visitor gets (anonymous, portal user of customer A, of customer B, internal
# user outside our groups). A request names the URL it builds (see ``_url``).
# 303: redirected (to the login page, or to /my when the notice is not theirs).
ROUTE_MATRIX = {
    "/trace/<string:code>": [
        ("GET", "trace_lot_a", (200, 200, 200, 200)),
        ("GET", "trace_unknown", (404, 404, 404, 404)),
    ],
    # A certificate of analysis no manager has published: not found, for all.
    "/trace/<string:code>/coa": [
        ("GET", "coa_lot_a", (404, 404, 404, 404)),
        ("GET", "coa_unknown", (404, 404, 404, 404)),
    ],
    "/01/<string:gtin>/10/<path:lot>": [
        ("GET", "link_lot_a", (200, 200, 200, 200)),
        ("GET", "link_unknown", (404, 404, 404, 404)),
    ],
    "/01/<string:gtin>/21/<path:serial>": [
        ("GET", "link_serial", (200, 200, 200, 200)),
    ],
    "/01/<string:gtin>": [
        ("GET", "link_product", (200, 200, 200, 200)),
    ],
    "/01/<string:gtin>/<path:qualifiers>": [
        ("GET", "link_qualified", (200, 200, 200, 200)),
        ("GET", "link_malformed", (400, 400, 400, 400)),
    ],
    "/00/<path:sscc>": [
        ("GET", "link_sscc", (404, 404, 404, 404)),
    ],
    "/.well-known/gs1resolver": [
        ("GET", "resolver_description", (200, 200, 200, 200)),
    ],
    "/my/traced-products": [
        ("GET", "traced_products", (303, 200, 200, 200)),
    ],
    "/my/traced-products/page/<int:page>": [
        ("GET", "traced_products_page_2", (303, 200, 200, 200)),
    ],
    "/my/recalls": [
        ("GET", "recalls", (303, 200, 200, 200)),
        ("GET", "recalls_sorted", (303, 200, 200, 200)),
    ],
    "/my/recalls/page/<int:page>": [
        ("GET", "recalls_page_2", (303, 200, 200, 200)),
    ],
    "/my/recalls/<int:notice_id>": [
        ("GET", "notice_a", (303, 200, 303, 303)),
        ("GET", "notice_b", (303, 303, 200, 303)),
        # The e-mailed link (with the token) opens the notice for anyone.
        ("GET", "notice_a_token", (200, 200, 200, 200)),
        # Another company's notice, to another partner.
        ("GET", "notice_c2", (303, 303, 303, 303)),
    ],
    "/my/nonconformances/<int:nonconformance_id>": [
        # Customer A's company is the vendor of nc_a, customer B's of nc_b.
        ("GET", "nc_a", (303, 200, 303, 303)),
        ("GET", "nc_a_token", (200, 200, 200, 200)),
        # The token of one nonconformance does not open another.
        ("GET", "nc_b_token_a", (303, 303, 200, 303)),
    ],
    "/traceability/api/v1/lookup": [
        # A browser session is no API key; the internal user's key: not a
        # traceability user.
        ("GET", "lookup", (401, 403, 403, 403)),
        ("GET", "lookup_key", (403, 403, 403, 403)),
    ],
    "/traceability/api/v1/scans": [
        # A browser session is no API key.
        ("POST", "scans", (401, 403, 403, 403)),
        # The internal user's own API key: not a traceability user.
        ("POST", "scans_key", (403, 403, 403, 403)),
    ],
}
# Strings that a page may show only to whom it belongs: customer A's, customer
# B's and the second company's.
SEEDS = {
    "a": ("MX Route Alpha", "MX Route Alice", "MXR-ALPHA-1"),
    "b": ("MX Route Bravo", "MX Route Bob", "MXR-BRAVO-1"),
    "c2": ("MXR-SECOND-CO",),
}
# What each visitor may see: its own customer's strings.
OWN = {"anonymous": (), "portal_a": ("a",), "portal_b": ("b",), "internal": ()}
# Strings a request shows by design (the lot of the public page asked for).
SHOWS = {
    "trace_lot_a": ("MXR-ALPHA-1",),
    "link_lot_a": ("MXR-ALPHA-1",),
    "link_qualified": ("MXR-ALPHA-1",),
    "notice_a_token": SEEDS["a"],
    "nc_a_token": SEEDS["a"],
}

# What must be on the page (it is not an empty page passing the leak checks).
MUST_SHOW = {
    ("anonymous", "trace_lot_a"): "MXR-ALPHA-1",
    ("portal_b", "link_lot_a"): "MXR-ALPHA-1",
    ("portal_a", "traced_products"): "MXR-ALPHA-1",
    ("portal_b", "traced_products"): "MXR-BRAVO-1",
    ("anonymous", "notice_a_token"): "MXR-ALPHA-1",
    ("portal_a", "notice_a"): "MXR-ALPHA-1",
    ("portal_b", "notice_b"): "MXR-BRAVO-1",
    ("portal_a", "nc_a"): "MXR-ALPHA-1",
    ("anonymous", "nc_a_token"): "MXR-ALPHA-1",
    ("portal_b", "nc_b_token_a"): "MXR-BRAVO-1",
}


def addon_routes():
    """The routes declared by our addons' controllers, read from their
    classes: a new route without a row fails the test."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    prefixes = tuple(f"odoo.addons.{addon}." for addon in ADDONS)
    routes = set()
    for cls in subclasses(http.Controller):
        if not cls.__module__.startswith(prefixes):
            continue
        for value in vars(cls).values():
            routing = getattr(value, "original_routing", None)
            if routing:
                routes.update(routing.get("routes") or [])
    return sorted(routes)


@tagged("post_install", "-at_install")
class TestRouteMatrix(TraceabilityCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        alpha, alice, lot_a = SEEDS["a"]
        bravo, bob, lot_b = SEEDS["b"]
        cls.customer_a.name, cls.customer_b.name = alpha, bravo
        contact_a, contact_b = cls.env["res.partner"].create(
            [
                {"name": alice, "parent_id": cls.customer_a.id},
                {"name": bob, "parent_id": cls.customer_b.id},
            ]
        )
        cls.flows.receive(cls.vendor, cls.raw, [(lot_a, 5), (lot_b, 5)])
        cls.lot_a, cls.lot_b = cls.lot(cls.raw, lot_a), cls.lot(cls.raw, lot_b)
        cls.flows.deliver(cls.customer_a, [(cls.raw, [(cls.lot_a, 1)])])
        cls.flows.deliver(cls.customer_b, [(cls.raw, [(cls.lot_b, 1)])])
        cls.finished.barcode = "6901234560077"
        cls.serial = cls.env["stock.lot"].create(
            {"name": "MXS-0001", "product_id": cls.finished.id}
        )
        company_2 = cls.env["res.company"].create({"name": "MX Route Company Two"})
        cls.lot_c2 = cls.env["stock.lot"].create(
            {
                "name": SEEDS["c2"][0],
                "product_id": cls.semi.id,
                "company_id": company_2.id,
            }
        )
        # A recall of both customers' lots, scoped and notified through its
        # actions: each notice lists its customer's delivered lot.
        recall = cls.env["recall.recall"].create(
            {
                "reason": "MX route recall",
                "consumer_instructions": "Stop using it and bring it back.",
                "source_lot_ids": [(6, 0, (cls.lot_a | cls.lot_b).ids)],
            }
        )
        recall.action_scope()
        recall.action_notify_customers()
        cls.notice_a, cls.notice_b = (
            recall.customer_ids.filtered(lambda n, p=partner: n.partner_id == p)
            for partner in (cls.customer_a, cls.customer_b)
        )
        recall_c2 = cls.env["recall.recall"].create(
            {
                "reason": "MX route recall two",
                "company_id": company_2.id,
                "source_lot_ids": [(6, 0, cls.lot_c2.ids)],
            }
        )
        cls.notice_c2 = cls.env["recall.customer"].create(
            {
                "recall_id": recall_c2.id,
                "partner_id": cls.vendor.id,
                "date_notified": fields.Datetime.now(),
            }
        )
        # Vendor nonconformances sent to customers A and B (vendors too).
        cls.nc_a, cls.nc_b = cls.env["traceability.nonconformance"].create(
            [
                {"lot_id": lot.id, "partner_id": partner.id, "responsibility": "vendor"}
                for lot, partner in (
                    (cls.lot_a, cls.customer_a),
                    (cls.lot_b, cls.customer_b),
                )
            ]
        )
        (cls.nc_a | cls.nc_b).action_ask_vendor_root_cause()
        now = fields.Datetime.now()
        cls.users = {
            "anonymous": None,
            "portal_a": new_test_user(
                cls.env,
                "mx_route_a",
                groups="base.group_portal",
                partner_id=contact_a.id,
            ),
            "portal_b": new_test_user(
                cls.env,
                "mx_route_b",
                groups="base.group_portal",
                partner_id=contact_b.id,
            ),
            "internal": new_test_user(
                cls.env, "mx_route_user", groups="base.group_user"
            ),
        }
        cls.internal_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.users["internal"])
            ._generate(None, "MX", now + timedelta(days=1))
        )
        # Supplier portal: an open order of customer A (as a vendor) and one
        # of customer B.
        cls.po_a, cls.po_b = cls.env["purchase.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": cls.raw.id, "product_qty": 5})
                    ],
                }
                for partner in (cls.customer_a, cls.customer_b)
            ]
        )
        (cls.po_a | cls.po_b).button_confirm()

    def setUp(self):
        super().setUp()
        rate_limiter.reset()

    def _url(self, name):
        gtin = "0" + self.raw.barcode
        epcis_b = f"https://id.gs1.org/01/{gtin}/10/{self.lot_b.name}"
        return {
            "trace_lot_a": f"/trace/{self.lot_a.trace_code}",
            "trace_unknown": "/trace/MXunknownCode0000",
            "coa_lot_a": f"/trace/{self.lot_a.trace_code}/coa",
            "coa_unknown": "/trace/MXunknownCode0000/coa",
            "link_lot_a": f"/01/{gtin}/10/{self.lot_a.name}",
            "link_unknown": f"/01/{gtin}/10/MXR-NONE",
            "link_serial": f"/01/0{self.finished.barcode}/21/{self.serial.name}",
            "link_product": f"/01/{gtin}",
            "link_qualified": f"/01/{gtin}/22/V1/10/{self.lot_a.name}",
            "link_malformed": f"/01/{gtin}/99/{self.lot_a.name}",
            "link_sscc": "/00/106141411234567897",
            "resolver_description": "/.well-known/gs1resolver",
            "traced_products": "/my/traced-products",
            "traced_products_page_2": "/my/traced-products/page/2",
            "recalls": "/my/recalls",
            "recalls_sorted": "/my/recalls?sortby=no_such_order",
            "recalls_page_2": "/my/recalls/page/2",
            "notice_a": f"/my/recalls/{self.notice_a.id}",
            "notice_b": f"/my/recalls/{self.notice_b.id}",
            "notice_a_token": (
                f"/my/recalls/{self.notice_a.id}"
                f"?access_token={self.notice_a._portal_ensure_token()}"
            ),
            "notice_c2": f"/my/recalls/{self.notice_c2.id}",
            "nc_a": f"/my/nonconformances/{self.nc_a.id}",
            "nc_a_token": self.nc_a.get_portal_url(),
            "nc_b_token_a": (
                f"/my/nonconformances/{self.nc_b.id}"
                f"?access_token={self.nc_a.access_token}"
            ),
            "supplier_orders": "/my/supplier/orders",
            "supplier_orders_page_2": "/my/supplier/orders/page/2",
            "supplier_order_a": f"/my/supplier/orders/{self.po_a.id}",
            "supplier_order_a_token": (
                f"/my/supplier/orders/{self.po_a.id}"
                f"?access_token={self.po_a._portal_ensure_token()}"
            ),
            "supplier_order_b_token_a": (
                f"/my/supplier/orders/{self.po_b.id}"
                f"?access_token={self.po_a._portal_ensure_token()}"
            ),
            "supplier_ncs": "/my/supplier/nonconformances",
            "supplier_ncs_page_2": "/my/supplier/nonconformances/page/2",
            "scans": "/traceability/api/v1/scans",
            "scans_key": "/traceability/api/v1/scans",
            "lookup": f"/traceability/api/v1/lookup?code={self.lot_b.name}",
            "lookup_key": f"/traceability/api/v1/lookup?code={self.lot_b.name}",
            "epcis_events": f"/traceability/epcis/events?MATCH_anyEPCClass={epcis_b}",
            "epcis_events_key": (
                f"/traceability/epcis/events?MATCH_anyEPCClass={epcis_b}"
            ),
            "epcis_capture": "/traceability/epcis/capture",
            "epcis_capture_key": "/traceability/epcis/capture",
        }[name]

    def _request(self, method, name):
        url = self._url(name)
        if name in ("lookup_key", "epcis_events_key"):
            return self.url_open(
                url,
                headers={"Authorization": f"Bearer {self.internal_key}"},
                allow_redirects=False,
            )
        if method == "GET":
            return self.url_open(url, allow_redirects=False)
        headers = {"Content-Type": "application/json"}
        if name in ("scans_key", "epcis_capture_key"):
            headers["Authorization"] = f"Bearer {self.internal_key}"
        body = json.dumps(
            {"scans": [{"code": self.lot_b.name, "control_point": "MX", "values": {}}]}
        )
        return self.url_open(url, data=body, headers=headers, allow_redirects=False)

    def test_every_route_has_rows(self):
        self.assertEqual(addon_routes(), sorted(ROUTE_MATRIX))

    def test_route_matrix(self):
        problems = []
        for index, role in enumerate(ROLES):
            user = self.users[role]
            self.authenticate(user and user.login, user and user.login)
            forbidden = {
                seed
                for key, seeds in SEEDS.items()
                if key not in OWN[role]
                for seed in seeds
            }
            for route, requests in ROUTE_MATRIX.items():
                for method, name, statuses in requests:
                    response = self._request(method, name)
                    if response.status_code != statuses[index]:
                        problems.append(
                            f"{role:9} {method} {route} ({name}): expected "
                            f"{statuses[index]} got {response.status_code}"
                        )
                    shown = MUST_SHOW.get((role, name))
                    if shown and shown not in response.text:
                        problems.append(
                            f"{role:9} {method} {route} ({name}): misses {shown}"
                        )
                    leaked = sorted(
                        seed
                        for seed in forbidden - set(SHOWS.get(name, ()))
                        if seed in response.text
                    )
                    if leaked:
                        problems.append(
                            f"{role:9} {method} {route} ({name}): shows {leaked}"
                        )
        self.assertFalse(problems, "\n" + "\n".join(problems))


# EPCIS query: a browser session is no traceability user's key here (portal,
# internal outside the group); the internal user's own key: not a
# traceability user.
ROUTE_MATRIX["/traceability/epcis/events"] = [
    ("GET", "epcis_events", (401, 403, 403, 403)),
    ("GET", "epcis_events_key", (403, 403, 403, 403)),
]

# EPCIS capture: a browser session is no API key (401 without one, 403 for a
# signed-in user outside the traceability users); the internal user's own
# key: not a traceability user.
ROUTE_MATRIX["/traceability/epcis/capture"] = [
    ("POST", "epcis_capture", (401, 403, 403, 403)),
    ("POST", "epcis_capture_key", (403, 403, 403, 403)),
]

# Supplier portal: customers A and B are vendors too (po_a, po_b, nc_a, nc_b).
ROUTE_MATRIX["/my/supplier/orders"] = [
    ("GET", "supplier_orders", (303, 200, 200, 200)),
]
ROUTE_MATRIX["/my/supplier/orders/page/<int:page>"] = [
    ("GET", "supplier_orders_page_2", (303, 200, 200, 200)),
]
ROUTE_MATRIX["/my/supplier/orders/<int:order_id>"] = [
    ("GET", "supplier_order_a", (303, 200, 303, 303)),
    # The e-mailed link (with the token) opens the order for anyone.
    ("GET", "supplier_order_a_token", (200, 200, 200, 200)),
    # The token of one order does not open another.
    ("GET", "supplier_order_b_token_a", (303, 303, 200, 303)),
]
ROUTE_MATRIX["/my/supplier/nonconformances"] = [
    ("GET", "supplier_ncs", (303, 200, 200, 200)),
]
ROUTE_MATRIX["/my/supplier/nonconformances/page/<int:page>"] = [
    ("GET", "supplier_ncs_page_2", (303, 200, 200, 200)),
]
SHOWS["supplier_order_a_token"] = SEEDS["a"]
MUST_SHOW.update(
    {
        ("portal_a", "supplier_orders"): "o_supplier_order_row",
        ("portal_b", "supplier_orders"): "o_supplier_order_row",
        ("portal_a", "supplier_order_a"): "o_supplier_declare_form",
        ("anonymous", "supplier_order_a_token"): "o_supplier_declare_form",
        ("portal_b", "supplier_order_b_token_a"): "o_supplier_declare_form",
        ("portal_a", "supplier_ncs"): "MXR-ALPHA-1",
        ("portal_b", "supplier_ncs"): "MXR-BRAVO-1",
    }
)
