# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import tagged

from .common import rpc
from .test_access_matrix import ADDONS, MatrixCommon

# Arguments of the public methods that take some (besides the record ids):
# plausible values, so that a refusal is the method's and not a bad call's.
# Each value is a function of the test case.
ARGS = {
    "create": lambda case, model: [{}],
    "write": lambda case, model: [{}],
    "default_get": lambda case, model: [list(case.env[model]._fields)],
    "read_group": lambda case, model: [[], ["check_count:sum"], ["company_id"]],
    "action_void": lambda case, model: (
        [] if model == "traceability.check.void" else ["Voided by an attacker"]
    ),
    "action_release": lambda case, model: ["Released by an attacker"],
    "export_trace": lambda case, model: [case.lot_b.ids],
    "action_export_trace": lambda case, model: [case.lot_b.ids],
    "export_lots": lambda case, model: [case.lot_b.ids],
    "export_products": lambda case, model: [case.lot_b.product_id.ids],
    "scanner_lookup": lambda case, model: [case.lot_b.name],
    "scanner_submit": lambda case, model: [
        case.lot_b.id,
        case.point_b.id,
        {case.point_b.spec_ids.name: 10.0},
    ],
    "record_scans": lambda case, model: [
        [
            {
                "client_uid": "mx-attack-1",
                "lot_id": case.lot_b.id,
                "control_point": case.point_b.id,
                "values": {case.point_b.spec_ids.name: 10.0},
            }
        ]
    ],
    "query_events": lambda case, model: [
        {
            "MATCH_anyEPCClass": f"https://id.gs1.org/01/06901234560053/10/{case.lot_b.name}"
        }
    ],
}
# Context the client sends with some calls: the records a wizard opens with.
CONTEXT = {
    ("label.print.wizard", "default_get"): lambda case: {
        "active_model": "mrp.production",
        "active_ids": case.production.ids,
    },
    ("label.serial.wizard", "default_get"): lambda case: {
        "active_model": "mrp.production",
        "active_id": case.production.id,
    },
    ("recall.create.wizard", "default_get"): lambda case: {
        "active_model": "stock.lot",
        "active_ids": case.lot_b.ids,
    },
}
# Methods called on the model (no record ids).
MODEL_METHODS = {
    "create",
    "default_get",
    "read_group",
    "scanner_lookup",
    "scanner_submit",
    "record_scans",
    "traceability_overview_data",
    "export_trace",
    "export_lots",
    "export_products",
    "action_export_trace",
    "query_events",
}


def opens_unreadable_view(case, role, result):
    """An action that only opens a view of a model the caller cannot read: it
    carries nothing but the ids the caller sent."""
    return (
        isinstance(result, dict)
        and result.get("type") == "ir.actions.act_window"
        and not case.env[result["res_model"]]
        .with_user(case.users[role])
        .has_access("read")
    )


# What a caller outside our groups may get back instead of a refusal, and why
# it is harmless: (model, method) -> check of the result. Anything else must be
# refused with AccessError or UserError.
HARMLESS = {
    # Buttons that open a list or a wizard of a model these users cannot read
    # (checks, holds, the hold and void wizards, nonconformances): the action
    # holds only the ids the caller sent; the view then refuses.
    ("stock.lot", "action_traceability_place_hold"): opens_unreadable_view,
    ("stock.lot", "action_view_traceability_checks"): opens_unreadable_view,
    ("stock.lot", "action_view_traceability_holds"): opens_unreadable_view,
    ("traceability.check", "action_open_void_wizard"): opens_unreadable_view,
    ("traceability.control.point", "action_view_checks"): opens_unreadable_view,
    ("traceability.hold", "action_open_release_wizard"): opens_unreadable_view,
    ("res.partner", "action_view_traceability_nonconformances"): (
        opens_unreadable_view
    ),
    # Opens the quants of a package the caller may read (its name is in the
    # title): the list shows only the quants the caller may read.
    ("stock.quant.package", "action_label_open_content"): lambda case, role, result: (
        case.package.with_user(case.users[role]).has_access("read")
    ),
    # Echoes the ids the client sent (its own context), reads nothing: the
    # wizard itself cannot be created without the group.
    ("recall.create.wizard", "default_get"): lambda case, role, result: (
        not case.env["recall.create.wizard"]
        .with_user(case.users[role])
        .has_access("create")
    ),
    # The scanner screen's submit: the lot is looked up among the lots the
    # caller may read, so an existing lot answers "unknown" as a missing one;
    # nothing is stored.
    ("traceability.scan", "scanner_submit"): lambda case, role, result: (
        result.get("status") == "error"
        and "id" not in result
        and not case.env["traceability.check"].search_count(
            [("lot_id", "=", case.lot_b.id), ("create_uid", "=", case.users[role].id)]
        )
    ),
}
# Create, write and unlink of the core models we extend follow the core ACL
# (tested by Odoo): called only when the ACL refuses them, to show that our
# overrides refuse as well rather than act first.
CRUD = {"create", "write", "unlink"}


def public_methods(env):
    """(model, method) of every public method defined by our addons' classes,
    on their models and on the core models they extend."""
    found = set()
    for name in env.registry:
        model = env[name]
        for cls in type(model).mro():
            module = getattr(cls, "__module__", "") or ""
            if not module.startswith(tuple(f"odoo.addons.{a}." for a in ADDONS)):
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("_") or not callable(value):
                    continue
                try:
                    get_public_method(model, attr)
                except (AccessError, AttributeError):
                    continue
                found.add((name, attr))
    return sorted(found)


@tagged("post_install", "-at_install")
class TestPublicMethods(MatrixCommon):
    """Every public method of the addons, called over RPC by a portal user and
    by an internal user outside the addons' groups, on real records (customer
    B's and company 1's): refused, or nothing of substance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        one = cls.records[cls.company_1]
        cls.lot_b = one["stock.lot"]
        cls.point_b = one["traceability.control.point"]
        cls.production = cls.env["mrp.production"].create(
            {"product_id": cls.product.id, "product_qty": 1}
        )
        cls.package = cls.env["stock.quant.package"].create({"name": "MX-PACK-1"})
        cls.picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.env.ref("stock.picking_type_out").id,
                "partner_id": cls.customer_b.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": cls.product.name,
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "location_id": cls.env.ref("stock.stock_location_stock").id,
                            "location_dest_id": cls.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        }
                    )
                ],
            }
        )
        cls.targets = dict(
            one,
            **{
                "mrp.production": cls.production,
                "res.company": cls.company_1,
                "res.partner": cls.customer_b,
                "stock.location": cls.env.ref("stock.stock_location_stock"),
                "stock.move": cls.picking.move_ids,
                "stock.move.line": cls.env["stock.move.line"].create(
                    {
                        "move_id": cls.picking.move_ids.id,
                        "picking_id": cls.picking.id,
                        "product_id": cls.product.id,
                        "lot_id": cls.lot_b.id,
                        "quantity": 1,
                        "location_id": cls.env.ref("stock.stock_location_stock").id,
                        "location_dest_id": cls.env.ref(
                            "stock.stock_location_customers"
                        ).id,
                    }
                ),
                "stock.picking": cls.picking,
                "stock.quant.package": cls.package,
            },
        )

    def _target(self, model):
        Model = self.env[model]
        if Model._transient:
            # A wizard opened by someone else (the superuser).
            return self._wizard(model, self.env.user, self.company_1)
        return self.targets.get(model, Model.browse())

    def _call(self, role, model, method):
        """Outcome of the call as ``role``: ("refused", message) or
        ("returned", result); rolled back either way."""
        args = ARGS[method](self, model) if method in ARGS else []
        if method not in MODEL_METHODS:
            target = self._target(model)
            self.assertTrue(target, f"no record of {model} to call {method} on")
            args = [target.ids, *args]
        context = CONTEXT[(model, method)](self) if (model, method) in CONTEXT else None
        user = self.users[role]
        # A request starts with an empty cache: nothing read by the set-up
        # may answer for the caller.
        self.env.flush_all()
        self.env.invalidate_all()
        try:
            with self.env.cr.savepoint():
                result = rpc(self.env, user, model, method, args, context=context)
                self.env.flush_all()
                raise _Returned(result)
        except _Returned as returned:
            return "returned", returned.result
        except (AccessError, UserError) as error:
            return "refused", str(error)
        except Exception as error:  # noqa: BLE001 - an RPC client gets a 500
            return "error", repr(error)
        finally:
            self.env.invalidate_all()

    def test_methods_are_listed(self):
        methods = public_methods(self.env)
        self.assertIn(("traceability.hold", "action_release"), methods)
        self.assertIn(("stock.lot", "action_traceability_place_hold"), methods)
        self.assertNotIn(("traceability.genealogy", "trace"), methods)

    def test_outsiders_get_nothing(self):
        problems = []
        for model, method in public_methods(self.env):
            for role in ("portal_a", "internal"):
                if (
                    method in CRUD
                    and self.env.registry[model]._original_module not in ADDONS
                    and self.env[model].with_user(self.users[role]).has_access(method)
                ):
                    continue
                outcome, result = self._call(role, model, method)
                if outcome == "refused":
                    continue
                check = HARMLESS.get((model, method))
                if check and check(self, role, result):
                    continue
                problems.append(
                    f"{role:9} {model}.{method}() {outcome}: {result!r:.300}"
                )
        self.assertFalse(problems, "\n" + "\n".join(problems))


class _Returned(Exception):
    def __init__(self, result):
        super().__init__()
        self.result = result


# EPCIS capture: a valid, empty EPCIS 2.0 document (refused before it is read).
ARGS["capture"] = lambda case, model: [
    {
        "@context": "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": []},
    }
]
MODEL_METHODS.add("capture")
