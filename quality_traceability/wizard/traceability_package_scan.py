# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class TraceabilityPackageScan(models.TransientModel):
    """Put boxes on a pallet, or take them off, by scanning their labels.

    The pallet's code and the boxes' codes are what a scanner sends: the GS1
    data of an SSCC label ("00…", "(00)…", with or without symbology
    identifier), its Digital Link, the bare SSCC or the package's name. Every
    code must name a package the user may read: an unknown code stops the
    whole scan, nothing is changed, and the codes are kept for the user to
    correct. Each change is kept in the packing history as a scan.
    """

    _name = "traceability.package.scan"
    _description = "Scan Boxes onto a Pallet"

    mode = fields.Selection(
        selection=[("pack", "Put on the pallet"), ("unpack", "Take off the pallet")],
        required=True,
        default="pack",
    )
    pallet_code = fields.Char(
        string="Pallet", required=True, help="Scan the pallet's SSCC label."
    )
    box_codes = fields.Text(
        string="Boxes",
        required=True,
        help="Scan the label of each box: one code a line.",
    )

    @api.model
    def default_get(self, fields_list):
        # Nothing, not even the defaults, for a user who may not scan.
        self.check_access("create")
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "stock.quant.package" and context.get(
            "active_id"
        ):
            pallet = self.env["stock.quant.package"].browse(context["active_id"])
            values["pallet_code"] = pallet.traceability_sscc or pallet.name
        return values

    def _find(self, code):
        return self.env["stock.quant.package"]._traceability_find_by_code(code)

    def action_apply(self):
        """Apply the scan; raises UserError (nothing changed) on an unknown
        code, a box scanned as its own pallet or a box not on that pallet."""
        self.ensure_one()
        pallet = self._find(self.pallet_code)
        if not pallet:
            raise UserError(
                self.env._("No pallet has the code %(code)s.", code=self.pallet_code)
            )
        codes = [code.strip() for code in (self.box_codes or "").splitlines()]
        codes = list(dict.fromkeys(code for code in codes if code))
        if not codes:
            raise UserError(self.env._("Scan at least one box."))
        boxes = self.env["stock.quant.package"]
        unknown = []
        for code in codes:
            box = self._find(code)
            if box:
                boxes |= box
            else:
                unknown.append(code)
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown codes, nothing was changed: %(codes)s",
                    codes=", ".join(unknown),
                )
            )
        if pallet in boxes:
            raise UserError(
                self.env._(
                    "%(pallet)s was scanned as the pallet and as a box.",
                    pallet=pallet.display_name,
                )
            )
        scan = boxes.with_context(traceability_packing_source="scan")
        if self.mode == "pack":
            if pallet.traceability_level != "pallet":
                pallet.traceability_level = "pallet"
            scan.filtered(
                lambda box: box.parent_package_id != pallet
            ).parent_package_id = pallet
        else:
            elsewhere = boxes.filtered(lambda box: box.parent_package_id != pallet)
            if elsewhere:
                raise UserError(
                    self.env._(
                        "Not on %(pallet)s, nothing was changed: %(boxes)s",
                        pallet=pallet.display_name,
                        boxes=", ".join(elsewhere.mapped("display_name")),
                    )
                )
            scan.parent_package_id = False
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s boxes scanned on %(pallet)s.",
                    count=len(boxes),
                    pallet=pallet.display_name,
                )
                if self.mode == "pack"
                else self.env._(
                    "%(count)s boxes taken off %(pallet)s.",
                    count=len(boxes),
                    pallet=pallet.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
