# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import math

from markupsafe import Markup
from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, mute_logger

from .traceability_scan import ScanError, storable

#: A certificate of analysis: a PDF of at most this size.
MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
MAX_LOT_NAME = 128
MAX_QUANTITY = 1e9
#: The dates a vendor declares for a lot (production, expiry) fall in this range.
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2999, 12, 31)
PORTAL_UNIQUE_INDEX = "traceability_declared_lot_portal_uniq"

#: Fields a declaration is made of: never changed once stored.
EVIDENCE_FIELDS = frozenset(
    [
        "company_id",
        "partner_id",
        "purchase_line_id",
        "product_id",
        "lot_name",
        "quantity",
        "uom_code",
        "expiration_date",
        "production_date",
        "source",
        "epcis_event_id",
        "exceeds_order",
        "certificate_id",
    ]
)


class TraceabilityDeclaredLot(models.Model):
    """A lot (or serial number) a vendor declares on a purchase order line
    before the goods arrive: its name, quantity and dates, as the vendor gave
    them (an EPCIS shipping event, a supplier portal).

    The receipt of the order line takes them as its move lines
    (:meth:`stock.picking._traceability_fill_declared_lots`): the warehouse
    confirms what the vendor declared instead of typing it. Declarations are
    evidence: stored once, never changed nor deleted (a correction is a new
    declaration).
    """

    _name = "traceability.declared.lot"
    _description = "Vendor-Declared Lot"
    _order = "id desc"
    _rec_name = "lot_name"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Vendor", readonly=True, index=True
    )
    purchase_line_id = fields.Many2one(
        comodel_name="purchase.order.line",
        string="Purchase Order Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    purchase_id = fields.Many2one(
        related="purchase_line_id.order_id", string="Purchase Order", store=True
    )
    product_id = fields.Many2one(
        comodel_name="product.product", required=True, readonly=True, index=True
    )
    lot_name = fields.Char(string="Vendor Lot/Serial", required=True, readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_code = fields.Char(
        string="Declared Unit",
        readonly=True,
        help="Unit of the quantity as the vendor gave it (UN/ECE Recommendation "
        "20 code); empty for a number of units in the order line's unit.",
    )
    expiration_date = fields.Datetime(readonly=True)
    production_date = fields.Date(readonly=True)
    source = fields.Selection(
        [("epcis", "EPCIS"), ("portal", "Supplier Portal")],
        required=True,
        readonly=True,
        default="epcis",
    )
    epcis_event_id = fields.Many2one(
        comodel_name="traceability.epcis.event",
        string="EPCIS Event",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    exceeds_order = fields.Boolean(
        readonly=True,
        help="When declared, the quantities declared on the order line exceeded "
        "its ordered quantity. Received all the same; the warehouse checks.",
    )
    value_ids = fields.One2many(
        comodel_name="traceability.declared.lot.value",
        inverse_name="declared_lot_id",
        string="Certificate Values",
        readonly=True,
    )
    certificate_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Certificate of Analysis",
        readonly=True,
        help="The vendor's certificate of analysis (PDF) for this lot.",
    )
    move_line_ids = fields.One2many(
        comodel_name="stock.move.line",
        inverse_name="traceability_declared_lot_id",
        string="Receipt Lines",
        readonly=True,
    )
    received = fields.Boolean(compute="_compute_received")

    def init(self):
        # A lot is declared once per order line from the portal, even by two
        # requests at the same time (see _portal_declare).
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s "
                "(purchase_line_id, lot_name) WHERE source = 'portal'",
                SQL.identifier(PORTAL_UNIQUE_INDEX),
                SQL.identifier(self._table),
            )
        )

    @api.depends("move_line_ids.state")
    def _compute_received(self):
        for declared in self:
            # sudo: whether its lot arrived, for whoever reads the declaration
            # (its vendor in the portal reads no transfer).
            declared.received = any(
                line.state == "done" for line in declared.sudo().move_line_ids
            )

    def write(self, vals):
        if not self.env.su and EVIDENCE_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "A declared lot cannot be changed: it is what the vendor "
                    "declared. A new declaration corrects it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("A declared lot cannot be deleted."))

    # ------------------------------------------------------------------
    # Supplier portal
    # ------------------------------------------------------------------
    @api.model
    def _portal_certificate_specs(self, product, company):
        """The measurements a vendor declares for a lot of ``product``: those
        of our incoming control points for it (photos excepted: the
        certificate's PDF stands for them)."""
        # sudo: a vendor reads the parameters it declares, not our control
        # points.
        points = (
            self.env["traceability.control.point"]
            .sudo()
            ._find_applicable(product, stages=["incoming"], company=company)
        )
        return points.spec_ids.filtered(lambda spec: spec.value_type != "photo")

    @api.model
    def _portal_line_refusal(self, line):
        """Why no lot can be declared on purchase ``line`` now (a message), or
        False when it can."""
        order = line.order_id
        if order.state != "purchase":
            return self.env._(
                "%(order)s is not an open purchase order: lots are declared on "
                "confirmed orders that are neither locked nor cancelled.",
                order=order.name,
            )
        if line.product_id.tracking == "none":
            return self.env._(
                "%(product)s is not tracked by lot or serial number: there is "
                "nothing to declare.",
                product=line.product_id.display_name,
            )
        rounding = line.product_uom.rounding
        if (
            float_compare(
                line.qty_received, line.product_qty, precision_rounding=rounding
            )
            >= 0
        ):
            return self.env._(
                "%(product)s of %(order)s is fully received.",
                product=line.product_id.display_name,
                order=order.name,
            )
        return False

    @api.model
    def _portal_declare(
        self,
        order,
        author,
        line_id,
        lot_name,
        quantity,
        production_date=None,
        expiration_date=None,
        values=None,
        certificate=None,
    ):
        """Declare a lot from the supplier portal on a line of ``order`` (from
        :meth:`purchase.order._traceability_portal_access`, for which
        ``author`` may declare): the lot, its quantity in the line's unit, its
        dates, the values of its certificate of analysis (``{spec id: text}``,
        checked as our device checks are) and the certificate's PDF
        (``(file name, bytes)``). Raises UserError on a refused declaration,
        which leaves nothing behind; fills the open receipts of the line."""
        order.ensure_one()
        vendor = order.partner_id.commercial_partner_id
        if not author or author.commercial_partner_id != vendor:
            raise UserError(self.env._("Only the vendor declares lots on its order."))
        line = order.order_line.filtered(lambda line: str(line.id) == str(line_id))
        if not line or line.display_type:
            raise UserError(self.env._("This order has no such line."))
        refusal = self._portal_line_refusal(line)
        if refusal:
            raise UserError(refusal)
        product = line.product_id
        lot_name = (lot_name or "").strip()
        if not lot_name:
            raise UserError(self.env._("Give the lot or serial number."))
        if len(lot_name) > MAX_LOT_NAME or not lot_name.isprintable():
            raise UserError(
                self.env._(
                    "A lot or serial number holds at most %(limit)s printable "
                    "characters.",
                    limit=MAX_LOT_NAME,
                )
            )
        number = self._portal_quantity(quantity)
        # A positive quantity the line's unit rounds to zero would be stored
        # as a declaration of nothing.
        if float_is_zero(number, precision_rounding=line.product_uom.rounding):
            raise UserError(self.env._("The quantity must be above zero."))
        if product.tracking == "serial" and number != 1:
            raise UserError(
                self.env._(
                    "%(product)s is tracked by serial number: declare each serial "
                    "number with a quantity of 1.",
                    product=product.display_name,
                )
            )
        produced = self._portal_date(production_date, self.env._("production date"))
        expiry = self._portal_date(expiration_date, self.env._("expiry date"))
        if produced and expiry and expiry < produced:
            raise UserError(
                self.env._(
                    "The expiry date %(expiry)s is before the production "
                    "date %(production)s.",
                    expiry=expiry,
                    production=produced,
                )
            )
        # sudo: the totals and names declared on the line, whoever declared
        # them; the caller may declare on it (checked above).
        declared = self.sudo().search([("purchase_line_id", "=", line.id)])
        duplicate = self.env._(
            "%(lot)s is already declared on this line: a lot is declared once "
            "per order line.",
            lot=lot_name,
        )
        if lot_name in declared.mapped("lot_name"):
            raise UserError(duplicate)
        value_vals = self._portal_values(product, order.company_id, values or {})
        pdf = self._portal_certificate(certificate)
        exceeds = (
            float_compare(
                sum(declared.mapped("quantity")) + number,
                line.product_qty,
                precision_rounding=line.product_uom.rounding,
            )
            > 0
        )
        vals = {
            "company_id": order.company_id.id,
            "partner_id": order.partner_id.id,
            "purchase_line_id": line.id,
            "product_id": product.id,
            "lot_name": lot_name,
            "quantity": number,
            "production_date": produced or False,
            "expiration_date": (
                datetime.datetime.combine(expiry, datetime.time()) if expiry else False
            ),
            "source": "portal",
            "exceeds_order": exceeds,
            "value_ids": [fields.Command.create(value) for value in value_vals],
        }
        try:
            # sudo: declarations are evidence nobody creates by hand; the
            # vendor's right on this line was checked above and every value
            # built here.
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                lot = self.sudo().create(vals)
                lot.flush_recordset()
        except IntegrityError as error:
            # The same lot declared by another request at the same time.
            if error.diag.constraint_name != PORTAL_UNIQUE_INDEX:
                raise
            raise UserError(duplicate) from None
        if pdf:
            name, content = pdf
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "raw": content,
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": lot.id,
                    }
                )
            )
            lot.write({"certificate_id": attachment.id})
        # sudo: the vendor writes in the order's chatter as itself.
        order.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Lot %(lot)s of %(product)s declared: %(quantity)s %(uom)s.",
                lot=lot_name,
                product=product.display_name,
                quantity=number,
                uom=line.product_uom.name,
            ),
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        # sudo: the receipt takes the declared lots as its move lines, as for
        # an EPCIS declaration; the vendor has no right on our transfers.
        receipts = line.move_ids.picking_id.filtered(
            lambda picking: picking.picking_type_code == "incoming"
            and picking.state not in ("done", "cancel")
        )
        # Each new declaration adds its line while the receipt holds only
        # declared lots; once the warehouse typed lots of its own, only moves
        # left without lots are filled (what the warehouse entered stays).
        typed = receipts.move_line_ids.filtered(
            lambda line: (line.lot_id or line.lot_name)
            and not line.traceability_declared_lot_id
        )
        receipts.sudo()._traceability_fill_declared_lots(only_empty=bool(typed))
        return lot.sudo(False)

    @api.model
    def _portal_quantity(self, text):
        try:
            number = float(str(text or "").strip().replace(",", "."))
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or abs(number) > MAX_QUANTITY:
            raise UserError(self.env._("The quantity must be a number."))
        if number <= 0:
            raise UserError(self.env._("The quantity must be above zero."))
        return number

    @api.model
    def _portal_date(self, text, label):
        text = (text or "").strip()
        if not text:
            return None
        try:
            # The whole text: Date.to_date would drop what follows a date.
            value = datetime.datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise UserError(
                self.env._("The %(label)s must be a date (YYYY-MM-DD).", label=label)
            ) from None
        if not MIN_DATE <= value <= MAX_DATE:
            raise UserError(
                self.env._(
                    "The %(label)s must be between %(first)s and %(last)s.",
                    label=label,
                    first=MIN_DATE,
                    last=MAX_DATE,
                )
            )
        return value

    @api.model
    def _portal_values(self, product, company, values):
        """The values of a certificate of analysis as
        ``traceability.declared.lot.value`` fields, checked with the code that
        checks the values our devices send (``traceability.scan``)."""
        specs = self._portal_certificate_specs(product, company)
        by_id = {str(spec.id): spec for spec in specs}
        if set(map(str, values)) - set(by_id):
            raise UserError(
                self.env._("The certificate names a parameter we do not check.")
            )
        given = {str(key): value for key, value in values.items()}
        Scan = self.env["traceability.scan"]
        result = []
        missing = []
        for key, spec in by_id.items():
            value = given.get(key)
            if isinstance(value, str):
                value = value.strip()
            if value is None or value == "":
                if spec.required:
                    missing.append(spec.name)
                continue
            try:
                vals = Scan._value_vals(spec, value)
            except ScanError as error:
                raise UserError(error.args[0]) from None
            if spec.value_type == "numeric":
                vals["value_is_set"] = True
            result.append(vals)
        if missing:
            raise UserError(
                self.env._(
                    "Missing required value(s) of the certificate: %(names)s.",
                    names=", ".join(missing),
                )
            )
        return result

    @api.model
    def _portal_certificate(self, certificate):
        """``(name, bytes)`` of a PDF certificate, or None when none is given;
        refuses anything that is not a PDF of at most 10 MB."""
        if not certificate:
            return None
        name, content = certificate
        if not content:
            return None
        if len(content) > MAX_CERTIFICATE_BYTES:
            raise UserError(
                self.env._("The certificate of analysis is larger than 10 MB.")
            )
        if not content.startswith(b"%PDF-"):
            raise UserError(self.env._("The certificate of analysis must be a PDF."))
        name = (name or "").strip().replace("/", "_").replace("\\", "_")
        if not name or not storable(name):
            name = "certificate.pdf"
        return name[:128], content
