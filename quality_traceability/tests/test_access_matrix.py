# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

ADDONS = ("quality_traceability", "label_printing", "recall_management")

# Columns of MATRIX, in this order.
ROLES = (
    "public",  # base.group_public
    "portal_a",  # portal user of customer A
    "portal_b",  # portal user of customer B
    "internal",  # base.group_user only
    "stock",  # Inventory / User
    "trace_user",  # Traceability / User
    "trace_manager",  # Traceability / Manager
    "recall_manager",  # Recall Manager
    "manager_c2",  # Traceability / Manager of the second company only
)

# What each role may do with a record of its own company (for portal users on
# recall notices: their own customer's notice; for wizards: one they opened),
# as four letters "crwu" (create, read, write, unlink), "-" where refused.
# Records of another company, another customer's notice and another user's
# wizard are never readable, writable or deletable (checked for every row).
# Append-only models refuse "w" and "u" (and "c" to users) whatever the ACL:
# the matrix holds what a real write()/unlink() call does.
NONE = " ".join(["----"] * 9)
# fmt: off
MATRIX = {
    #                               pub  ptA  ptB  int  stk  tUsr tMgr rMgr mgC2
    "traceability.check":             "---- ---- ---- ---- ---- cr-- cr-- cr-- cr--",
    "traceability.check.value":       "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.check.void":        "---- ---- ---- ---- ---- ---- crwu ---- crwu",
    "traceability.control.point":     "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "traceability.control.spec":      "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "traceability.epcis":             NONE,
    "traceability.export.mixin":      NONE,
    "traceability.genealogy":         NONE,
    "traceability.gauge":             "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "traceability.gauge.calibration": "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.gauge.calibration.wizard": (
                                      "---- ---- ---- ---- ---- ---- crwu ---- crwu"),
    "traceability.overview":          NONE,
    "traceability.hold":              "---- ---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    "traceability.hold.wizard":       "---- ---- ---- ---- ---- crw- crw- crw- crw-",
    "traceability.package.scan":      "---- ---- ---- ---- crw- crw- crw- crw- crw-",
    "traceability.exposure":          "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.exposure.line":     "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.partial.rejection": "---- ---- ---- ---- ---- ---- crw- ---- crw-",
    "traceability.lot.event":         "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.nonconformance":    "---- ---- ---- ---- ---- crw- crwu crw- crwu",
    "traceability.nonconformance.action": "---- ---- ---- ---- ---- crw- crwu crw- crwu",  # noqa: E501
    "traceability.nonconformance.why": "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    "traceability.root.cause":        "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "traceability.quality.report":    "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.report.table":      NONE,
    "traceability.report.trace":      NONE,
    "traceability.scan":              NONE,
    "traceability.spc.point":         "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.trace":             "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    "traceability.trace.line":        "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    "label.package.scan":             "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    "label.print.log":                "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "label.print.wizard":             "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    "label.printer":                  "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "label.serial.wizard":            "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    "label.template":                 "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "label.template.element":         "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "label.template.rule":            "---- ---- ---- ---- ---- -r-- crwu -r-- crwu",
    "recall.create.wizard":           "---- ---- ---- ---- ---- ---- ---- crwu ----",
    "recall.customer":                "---- -r-- -r-- ---- ---- -r-- -r-- crwu -r--",
    "recall.lot":                     "---- ---- ---- ---- ---- -r-- -r-- -rw- -r--",
    "recall.notify.wizard":           "---- ---- ---- ---- ---- ---- ---- crwu ----",
    "recall.recall":                  "---- ---- ---- ---- ---- -r-- -r-- crwu -r--",
    "recall.report.fsma204":          NONE,
    "recall.report.one_up_one_down":  NONE,
    "recall.report.scope":            NONE,
    "recall.scope.line":              "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.package.event":     "---- ---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    # EPCIS capture: evidence created by capture() only.
    "traceability.epcis.event":       "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.declared.lot":      "---- ---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    # Supplier portal: certificate values of a declared lot.
    "traceability.declared.lot.value": "---- ---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    "traceability.supplier.genealogy": "---- ---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "traceability.epcis.import":      "---- ---- ---- ---- ---- crwu crwu crwu crwu",
    # Legacy trace history: corrected (quantity, date) by managers, never deleted.
    "traceability.history.link":      "---- ---- ---- ---- ---- -r-- crw- -r-- crw-",
    "traceability.history.shipment":  "---- ---- ---- ---- ---- -r-- crw- -r-- crw-",
    "traceability.history.check":     "---- ---- ---- ---- ---- -r-- crw- -r-- crw-",
    "traceability.history.import":    "---- ---- ---- ---- ---- ---- crw- ---- crw-",
}
# fmt: on

# Append-only models: the harmless field a real write() tries. Their create()
# is tried too, with the values of ``_create_values``.
APPEND_ONLY = {
    "traceability.check": ("notes", "Changed"),
    "traceability.check.value": ("value_text", "Changed"),
    "traceability.hold": ("note", "Changed"),
    "label.print.log": ("name", "Changed"),
    "recall.scope.line": ("quantity", 99.0),
    "traceability.package.event": ("quantity", 99.0),
}
REFUSALS = (AccessError, UserError, ValidationError)


class Allowed(Exception):
    """Raised inside a savepoint to roll back a call that went through."""


def addon_models(env):
    """Names of the models defined (``_name``) by our addons, read from the
    registry: a new model without a row in MATRIX fails the test."""
    return sorted(
        name for name in env.registry if env.registry[name]._original_module in ADDONS
    )


class MatrixCommon(TransactionCase):
    """Two companies, the users of ROLES and one record of every model of the
    addons in each company; portal notices for customers A and B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_1 = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "MX Second Company"})
        cls.customer_a, cls.customer_b, cls.customer_c = cls.env["res.partner"].create(
            [
                {"name": "MX Customer Alpha", "is_company": True},
                {"name": "MX Customer Bravo", "is_company": True},
                {"name": "MX Customer Charlie", "is_company": True},
            ]
        )
        contact_a, contact_b = cls.env["res.partner"].create(
            [
                {"name": "MX Alice", "parent_id": cls.customer_a.id},
                {"name": "MX Bob", "parent_id": cls.customer_b.id},
            ]
        )
        trace = "quality_traceability.group_traceability_"
        cls.users = {
            "public": new_test_user(cls.env, "mx_public", groups="base.group_public"),
            "portal_a": new_test_user(
                cls.env,
                "mx_portal_a",
                groups="base.group_portal",
                partner_id=contact_a.id,
            ),
            "portal_b": new_test_user(
                cls.env,
                "mx_portal_b",
                groups="base.group_portal",
                partner_id=contact_b.id,
            ),
            "internal": new_test_user(cls.env, "mx_internal", groups="base.group_user"),
            "stock": new_test_user(
                cls.env, "mx_stock", groups="stock.group_stock_user"
            ),
            "trace_user": new_test_user(
                cls.env, "mx_trace_user", groups=trace + "user"
            ),
            "trace_manager": new_test_user(
                cls.env, "mx_trace_manager", groups=trace + "manager"
            ),
            "recall_manager": new_test_user(
                cls.env,
                "mx_recall_manager",
                groups="recall_management.group_recall_manager",
            ),
            "manager_c2": new_test_user(
                cls.env,
                "mx_manager_c2",
                groups=trace + "manager",
                company_id=cls.company_2.id,
                company_ids=[Command.set(cls.company_2.ids)],
            ),
        }
        cls.product = cls.env["product.product"].create(
            {
                "name": "MX Widget",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.serial_product = cls.env["product.product"].create(
            {
                "name": "MX Serial Widget",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        cls.records = {
            cls.company_1: cls._company_records(cls.company_1, "ONE"),
            cls.company_2: cls._company_records(cls.company_2, "TWO"),
        }
        one = cls.records[cls.company_1]
        cls.notice_a = one["recall.customer"]
        cls.notice_b = cls._notice(one["recall.recall"], cls.customer_b)

    @classmethod
    def _notice(cls, recall, partner):
        return cls.env["recall.customer"].create(
            {
                "recall_id": recall.id,
                "partner_id": partner.id,
                "date_notified": fields.Datetime.now(),
            }
        )

    @classmethod
    def _company_records(cls, company, tag):
        """One record of each stored model in ``company``; names carry ``tag``
        (distinctive strings for the leak checks of the routes)."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        lot = env["stock.lot"].create(
            {
                "name": f"MX-{tag}-LOT",
                "product_id": cls.product.id,
                "company_id": company.id,
            }
        )
        point = env["traceability.control.point"].create(
            {
                "name": f"MX {tag} incoming",
                "company_id": company.id,
                "stage": "incoming",
                "product_ids": [Command.link(cls.product.id)],
                "spec_ids": [
                    Command.create(
                        {
                            "name": "Width",
                            "value_type": "numeric",
                            "target": 10,
                            "has_min": True,
                            "min_value": 9,
                            "has_max": True,
                            "max_value": 11,
                        }
                    )
                ],
            }
        )
        check = env["traceability.check"].create(
            {
                "control_point_id": point.id,
                "lot_id": lot.id,
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": point.spec_ids.id,
                            "value_float": 10.0,
                            "value_is_set": True,
                        }
                    )
                ],
            }
        )
        nonconformance = env["traceability.nonconformance"].create(
            {"lot_id": lot.id, "company_id": company.id}
        )
        nc_why = env["traceability.nonconformance.why"].create(
            {"nonconformance_id": nonconformance.id, "name": f"MX {tag} why"}
        )
        nc_action = env["traceability.nonconformance.action"].create(
            {"nonconformance_id": nonconformance.id, "description": f"MX {tag} do"}
        )
        root_cause = env["traceability.root.cause"].create(
            {"name": f"MX {tag} cause", "company_id": company.id}
        )
        env["traceability.hold"]._place(lot, "manual", note=f"MX {tag} hold")
        gauge = env["traceability.gauge"].create(
            {"name": f"MX {tag} gauge", "code": f"MX-{tag}-G", "company_id": company.id}
        )
        gauge._record_calibration(fields.Date.today(), "pass")
        template = env["label.template"].create(
            {"name": f"MX {tag} template", "company_id": company.id}
        )
        element = env["label.template.element"].create(
            {"template_id": template.id, "kind": "text", "text": tag, "x": 2, "y": 2}
        )
        rule = env["label.template.rule"].create(
            {"template_id": template.id, "product_id": cls.product.id}
        )
        printer = env["label.printer"].create(
            {"name": f"MX {tag} printer", "host": "127.0.0.1", "company_id": company.id}
        )
        log = env["label.print.log"].create(
            {
                "name": f"MX {tag} job",
                "output": "pdf",
                "company_id": company.id,
                "lot_ids": [Command.link(lot.id)],
            }
        )
        recall = env["recall.recall"].create(
            {
                "reason": f"MX {tag} recall reason",
                "company_id": company.id,
                "source_lot_ids": [Command.link(lot.id)],
            }
        )
        recall_lot = env["recall.lot"].create(
            {"recall_id": recall.id, "company_id": company.id, "lot_id": lot.id}
        )
        scope_line = env["recall.scope.line"].create(
            {
                "recall_id": recall.id,
                "company_id": company.id,
                "kind": "stock",
                "lot_id": lot.id,
                "quantity": 1.0,
            }
        )
        customer = cls.customer_a if tag == "ONE" else cls.customer_c
        notice = cls._notice(recall, customer)
        in_company = [("company_id", "=", company.id)]
        records = {
            "stock.lot": lot,
            "traceability.control.point": point,
            "traceability.control.spec": point.spec_ids,
            "traceability.check": check,
            "traceability.check.value": check.value_ids,
            "traceability.nonconformance": nonconformance,
            "traceability.nonconformance.action": nc_action,
            "traceability.nonconformance.why": nc_why,
            "traceability.root.cause": root_cause,
            "traceability.gauge": gauge,
            "traceability.gauge.calibration": gauge.calibration_ids,
            "traceability.hold": env["traceability.hold"].search(
                [("lot_id", "=", lot.id)], limit=1
            ),
            "label.template": template,
            "label.template.element": element,
            "label.template.rule": rule,
            "label.printer": printer,
            "label.print.log": log,
            "recall.recall": recall,
            "recall.lot": recall_lot,
            "recall.scope.line": scope_line,
            "recall.customer": notice,
        }
        # Packing history: putting a box on a pallet records an event.
        box, pallet = env["stock.quant.package"].create(
            [
                {"name": f"MX-{tag}-BOX"},
                {"name": f"MX-{tag}-PALLET", "traceability_level": "pallet"},
            ]
        )
        box.parent_package_id = pallet
        records["traceability.package.event"] = env[
            "traceability.package.event"
        ].search([("child_package_id", "=", box.id)])
        # EPCIS capture: a captured event, a declared lot, a declared input.
        epcis_event = env["traceability.epcis.event"].create(
            {
                "event_id": f"urn:uuid:mx-{tag}",
                "event_type": "ObjectEvent",
                "company_id": company.id,
                "source": "api",
            }
        )
        records["traceability.epcis.event"] = epcis_event
        records["traceability.declared.lot"] = env["traceability.declared.lot"].create(
            {
                "company_id": company.id,
                "product_id": cls.product.id,
                "lot_name": f"MX-{tag}-DECLARED",
                "quantity": 1.0,
                "epcis_event_id": epcis_event.id,
            }
        )
        records["traceability.declared.lot.value"] = env[
            "traceability.declared.lot.value"
        ].create(
            {
                "declared_lot_id": records["traceability.declared.lot"].id,
                "spec_id": point.spec_ids.id,
                "value_float": 10.0,
                "value_is_set": True,
            }
        )
        records["traceability.supplier.genealogy"] = env[
            "traceability.supplier.genealogy"
        ].create(
            {
                "company_id": company.id,
                "output_product_id": cls.product.id,
                "output_lot_name": lot.name,
                "input_gtin": "04012345111118",
                "input_lot_name": f"MX-{tag}-INPUT",
                "epcis_event_id": epcis_event.id,
            }
        )
        # Legacy trace history: a link from the lot to a lot made of it, and a
        # shipment of that lot.
        history_lot = env["stock.lot"].create(
            {
                "name": f"MX-{tag}-HISTORY",
                "product_id": cls.product.id,
                "company_id": company.id,
            }
        )
        records["traceability.history.link"] = env["traceability.history.link"].create(
            {
                "company_id": company.id,
                "parent_lot_id": lot.id,
                "child_lot_id": history_lot.id,
                "reference": f"MX-{tag}-WO",
            }
        )
        records["traceability.history.shipment"] = env[
            "traceability.history.shipment"
        ].create(
            {
                "company_id": company.id,
                "lot_id": history_lot.id,
                "partner_id": customer.id,
                "reference": f"MX-{tag}-DN",
            }
        )
        # An imported check result of the previous system.
        records["traceability.history.check"] = env[
            "traceability.history.check"
        ].create(
            {
                "company_id": company.id,
                "lot_id": lot.id,
                "control_point_id": point.id,
                "spec_id": point.spec_ids.id,
                "date": fields.Datetime.now(),
                "value_float": 10.0,
                "value_is_set": True,
            }
        )
        env.flush_all()
        for view in (
            "traceability.lot.event",
            "traceability.quality.report",
            "traceability.spc.point",
        ):
            records[view] = env[view].search(in_company, limit=1)
        return records

    # ------------------------------------------------------------------
    # Records of the matrix
    # ------------------------------------------------------------------
    def _company(self, role):
        return self.company_2 if role == "manager_c2" else self.company_1

    def _wizard(self, model, user, company):
        """A wizard opened by ``user`` in ``company`` (created as that user in
        superuser mode: the record is theirs whatever their rights)."""
        env = self.env(
            user=user.id, su=True, context={"allowed_company_ids": company.ids}
        )
        records = self.records[company]
        if model == "traceability.trace.line":
            trace = self._wizard("traceability.trace", user, company)
            return env[model].create({"trace_id": trace.id, "kind": "lot"})
        if model == "traceability.exposure.line":
            exposure = self._wizard("traceability.exposure", user, company)
            return env[model].create(
                {"exposure_id": exposure.id, "lot_id": records["stock.lot"].id}
            )
        values = {
            "traceability.trace": {
                "res_model": "stock.lot",
                "res_ids": json.dumps(records["stock.lot"].ids),
                "name": records["stock.lot"].name,
            },
            "traceability.check.void": {
                "check_id": records["traceability.check"].id,
                "reason": "MX void",
            },
            "traceability.exposure": {"check_id": records["traceability.check"].id},
            "traceability.partial.rejection": {
                "check_id": records["traceability.check"].id,
                "location_id": self.env.ref("stock.stock_location_stock").id,
                "quarantine_location_id": self.env.ref("stock.stock_location_stock").id,
                "quantity": 1,
                "reason": "MX partial rejection",
            },
            "traceability.package.scan": {"pallet_code": "MX", "box_codes": "MX"},
            "traceability.hold.wizard": {
                "reason": "MX hold",
                "lot_ids": [Command.set(records["stock.lot"].ids)],
            },
            "traceability.gauge.calibration.wizard": {
                "gauge_id": records["traceability.gauge"].id
            },
            "label.package.scan": {"code": "MX-PACKAGE"},
            "label.print.wizard": {
                "lot_ids": [Command.set(records["stock.lot"].ids)],
            },
            "label.serial.wizard": {
                "product_id": self.serial_product.id,
                "company_id": company.id,
            },
            "recall.notify.wizard": {"recall_id": records["recall.recall"].id},
            "traceability.epcis.import": {"file": "e30="},
            "traceability.history.import": {"kind": "lots"},
            "recall.create.wizard": {
                "reason": "MX wizard reason",
                "lot_ids": [Command.set(records["stock.lot"].ids)],
            },
        }[model]
        return env[model].create(values)

    def _create_values(self, home):
        """Values of a new record like ``home`` of an append-only model."""
        if home._name == "traceability.check":
            return {
                "control_point_id": home.control_point_id.id,
                "lot_id": home.lot_id.id,
                "value_ids": [
                    Command.create(
                        {
                            "spec_id": home.control_point_id.spec_ids.id,
                            "value_float": 10.0,
                            "value_is_set": True,
                        }
                    )
                ],
            }
        if home._name == "traceability.check.value":
            return {"check_id": home.check_id.id, "spec_id": home.spec_id.id}
        if home._name == "traceability.hold":
            return {
                "lot_id": home.lot_id.id,
                "company_id": home.company_id.id,
                "reason": "manual",
                "placed_by_id": self.env.uid,
                "date_placed": fields.Datetime.now(),
            }
        if home._name == "label.print.log":
            return {"name": "New", "output": "pdf", "company_id": home.company_id.id}
        return {
            "recall_id": home.recall_id.id,
            "company_id": home.company_id.id,
            "kind": "stock",
        }

    def _home_and_foreign(self, model, role):
        """The record ``role`` works on, and the records it must never reach."""
        user = self.users[role]
        company = self._company(role)
        other = self.company_1 if company == self.company_2 else self.company_2
        Model = self.env[model]
        if Model._abstract:
            return Model.browse(), []
        if Model._transient:
            # Another user's wizard, in the same company and, when the wizard
            # has a company, in the other one.
            foreign = [self._wizard(model, self.env.user, company)]
            if "company_id" in Model._fields:
                foreign.append(self._wizard(model, self.env.user, other))
            return self._wizard(model, user, company), foreign
        if model == "recall.customer" and role in ("portal_a", "portal_b"):
            own, theirs = (
                (self.notice_a, self.notice_b)
                if role == "portal_a"
                else (self.notice_b, self.notice_a)
            )
            return own, [theirs, self.records[self.company_2][model]]
        return self.records[company][model], [self.records[other][model]]

    # ------------------------------------------------------------------
    # What Odoo allows
    # ------------------------------------------------------------------
    def _goes_through(self, call):
        """Whether ``call`` is accepted; rolled back either way."""
        try:
            with self.env.cr.savepoint():
                call()
                self.env.flush_all()
                raise Allowed
        except Allowed:
            return True
        except REFUSALS:
            return False
        finally:
            self.env.invalidate_all()

    def _allowed(self, model, role):
        """The "crwu" letters of what ``role`` may really do, and the foreign
        records (with the operation) it reaches."""
        user = self.users[role]
        home, foreign = self._home_and_foreign(model, role)
        company = self._company(role)
        as_user = self.env(
            user=user.id, su=False, context={"allowed_company_ids": company.ids}
        )
        Model = as_user[model]
        mine = home.with_env(as_user)
        append_only = APPEND_ONLY.get(model)
        letters = ""
        can = Model.has_access("create")
        if can and append_only:
            values = self._create_values(home.sudo())
            can = self._goes_through(lambda: Model.create(values))
        letters += "c" if can else "-"
        letters += "r" if mine and mine.has_access("read") else "-"
        can = bool(mine) and mine.has_access("write")
        if can and append_only:
            name, value = append_only
            can = self._goes_through(lambda: mine.write({name: value}))
        letters += "w" if can else "-"
        can = bool(mine) and mine.has_access("unlink")
        if can and append_only:
            can = self._goes_through(mine.unlink)
        letters += "u" if can else "-"
        reached = [
            f"{operation} {record}"
            for record in foreign
            for operation in ("read", "write", "unlink")
            if record.with_env(as_user).has_access(operation)
        ]
        return letters, reached


@tagged("post_install", "-at_install")
class TestAccessMatrix(MatrixCommon):
    def test_every_model_has_a_row(self):
        self.assertEqual(
            addon_models(self.env),
            sorted(MATRIX),
            "Each model of the addons needs its row in MATRIX.",
        )

    def test_every_record_exists(self):
        for company, records in self.records.items():
            for model, record in records.items():
                self.assertEqual(len(record), 1, f"{model} of {company.name}")

    def test_matrix(self):
        differences = []
        for model in addon_models(self.env):
            for role, expected in zip(
                ROLES, MATRIX.get(model, NONE).split(), strict=True
            ):
                letters, reached = self._allowed(model, role)
                if letters != expected:
                    differences.append(
                        f"{model:30} {role:15} expected {expected} got {letters}"
                    )
                if reached:
                    differences.append(
                        f"{model:30} {role:15} reaches {', '.join(reached)}"
                    )
        self.assertFalse(differences, "\n" + "\n".join(differences))
