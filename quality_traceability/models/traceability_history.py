# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

#: Fields naming a genealogy link of the history: never changed once stored
#: (the natural key of the link, a unique index).
LINK_KEY_FIELDS = ("company_id", "parent_lot_id", "child_lot_id", "reference")
#: Fields naming a shipment of the history: never changed once stored.
SHIPMENT_KEY_FIELDS = ("company_id", "lot_id", "partner_id", "reference")


def _stored_value(record, name):
    """The value of field ``name`` of ``record`` as ``write`` receives it."""
    value = record[name]
    if record._fields[name].type == "many2one":
        return value.id
    return value or ""


def _written_value(record, name, value):
    if record._fields[name].type == "many2one":
        return value.id if isinstance(value, models.BaseModel) else (value or False)
    return value or ""


def _empty_reference(vals_list):
    """An empty reference is stored as "" (part of the natural key: two links
    without a reference are the same link)."""
    return [
        dict(vals, reference="")
        if "reference" in vals and not vals["reference"]
        else vals
        for vals in vals_list
    ]


def _check_quantities(env, vals_list):
    """Refuse a quantity that is not a finite number of at least zero (as
    the import does): a NaN or an infinity would otherwise fail deep in the
    ORM, a negative quantity turn a shipment into a return."""
    for vals in vals_list:
        quantity = vals.get("quantity")
        if isinstance(quantity, bool) or quantity is None:
            continue
        try:
            number = float(quantity)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number < 0:
            raise ValidationError(
                env._(
                    "The quantity of the history must be a number of at least "
                    "zero, not %(quantity)s.",
                    quantity=quantity,
                )
            )


def _check_companies(records, fnames):
    """Refuse records whose lot or customer (the many2one fields ``fnames``)
    belongs to a company other than the record's or a parent of it: the check
    of Odoo's ``check_company`` fields, in one statement for all the records
    instead of one search per record and field (30% of the time of creating
    the 80,000 links and shipments of setup/bench.sh import)."""
    records.flush_recordset(["company_id", *fnames])
    mismatches = SQL(" OR ").join(
        SQL(
            """EXISTS(SELECT FROM %(table)s other
                       WHERE other.id = rec.%(column)s
                         AND other.company_id IS NOT NULL
                         AND other.company_id::text != ALL(
                             string_to_array(company.parent_path, '/')))""",
            table=SQL.identifier(
                records.env[records._fields[fname].comodel_name]._table
            ),
            column=SQL.identifier(fname),
        )
        for fname in fnames
    )
    records.env.cr.execute(
        SQL(
            """SELECT rec.id FROM %s rec
                 JOIN res_company company ON company.id = rec.company_id
                WHERE rec.id = ANY(%s) AND (%s)
                LIMIT 1""",
            SQL.identifier(records._table),
            records.ids,
            mismatches,
        )
    )
    row = records.env.cr.fetchone()
    if row:
        record = records.browse(row[0])
        raise UserError(
            records.env._(
                "%(record)s belongs to %(company)s: its lots and customer must be "
                "of that company or shared.",
                record=record.display_name or record._description,
                company=record.company_id.display_name,
            )
        )


def _check_keys_unchanged(records, vals, key_fields, message):
    """Refuse a write that changes a key field of one of ``records``; writing
    the value already stored (an import updating a known row) is accepted."""
    for name in key_fields:
        if name not in vals:
            continue
        for record in records:
            new = _written_value(record, name, vals[name])
            if _stored_value(record, name) != new:
                raise UserError(message)


class TraceabilityHistoryLink(models.Model):
    """One genealogy link known from before go-live: lot ``child_lot_id`` was
    made from lot ``parent_lot_id`` (an old work order, a spreadsheet of the
    previous system).

    The genealogy engine (``traceability.genealogy``) walks these links as it
    walks the move lines of Odoo's manufacturing orders, so that a trace or a
    recall of a lot made before the addons were installed reaches what was
    made from it. History is evidence: created and corrected (quantity, date)
    by traceability managers, the corrections tracked in the chatter; never
    deleted, and the lots and reference of a link never changed (a wrong
    link is answered by a new record, not an edit).
    """

    _name = "traceability.history.link"
    _description = "Imported Genealogy Link"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "reference"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    parent_lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Parent Lot/Serial",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        help="The lot consumed (a component, an ingredient).",
    )
    child_lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Child Lot/Serial",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        help="The lot made from the parent lot.",
    )
    parent_product_id = fields.Many2one(
        related="parent_lot_id.product_id", string="Parent Product"
    )
    child_product_id = fields.Many2one(
        related="child_lot_id.product_id", string="Child Product"
    )
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial",
        compute="_compute_lot_id",
        search="_search_lot_id",
        help="Search links by a lot on either side (parent or child).",
    )
    quantity = fields.Float(digits="Product Unit of Measure", tracking=True)
    date = fields.Datetime(tracking=True)
    reference = fields.Char(
        required=True,
        default="",
        help="The document of the previous system (work order, batch record).",
    )
    import_file = fields.Char(
        readonly=True, help="The file this link was imported from."
    )

    _sql_constraints = [
        (
            "traceability_history_link_key_uniq",
            "unique(company_id, parent_lot_id, child_lot_id, reference)",
            "This genealogy link is already in the history.",
        )
    ]

    def _compute_lot_id(self):
        # Only searched (the lot's History button): a link has two lots.
        self.lot_id = False

    def _search_lot_id(self, operator, value):
        return [
            "|",
            ("parent_lot_id", operator, value),
            ("child_lot_id", operator, value),
        ]

    @api.constrains("company_id", "parent_lot_id", "child_lot_id")
    def _check_history_companies(self):
        _check_companies(self, ["parent_lot_id", "child_lot_id"])

    @api.constrains("parent_lot_id", "child_lot_id")
    def _check_not_itself(self):
        for link in self:
            if link.parent_lot_id == link.child_lot_id:
                raise ValidationError(
                    self.env._(
                        "A lot cannot be made from itself (%(lot)s).",
                        lot=link.parent_lot_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        _check_quantities(self.env, vals_list)
        return super().create(_empty_reference(vals_list))

    def write(self, vals):
        _check_quantities(self.env, [vals])
        [vals] = _empty_reference([vals])
        _check_keys_unchanged(
            self,
            vals,
            LINK_KEY_FIELDS,
            self.env._(
                "The company, lots and reference of a history link cannot be "
                "changed: record a new link instead."
            ),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("A history link is kept as evidence: it cannot be deleted.")
        )


class TraceabilityHistoryShipment(models.Model):
    """One delivery of a lot to a customer known from before go-live.

    The genealogy engine gives these shipments as deliveries marked
    *imported*: a recall of an old lot reaches the customers known only from
    the history. Evidence, like :class:`TraceabilityHistoryLink`.
    """

    _name = "traceability.history.shipment"
    _description = "Imported Shipment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "reference"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Lot/Serial",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id")
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    quantity = fields.Float(digits="Product Unit of Measure", tracking=True)
    date = fields.Datetime(tracking=True)
    reference = fields.Char(
        required=True,
        default="",
        help="The document of the previous system (delivery note, invoice).",
    )
    import_file = fields.Char(
        readonly=True, help="The file this shipment was imported from."
    )

    _sql_constraints = [
        (
            "traceability_history_shipment_key_uniq",
            "unique(company_id, lot_id, partner_id, reference)",
            "This shipment is already in the history.",
        )
    ]

    @api.constrains("company_id", "lot_id", "partner_id")
    def _check_history_companies(self):
        _check_companies(self, ["lot_id", "partner_id"])

    @api.model_create_multi
    def create(self, vals_list):
        _check_quantities(self.env, vals_list)
        return super().create(_empty_reference(vals_list))

    def write(self, vals):
        _check_quantities(self.env, [vals])
        [vals] = _empty_reference([vals])
        _check_keys_unchanged(
            self,
            vals,
            SHIPMENT_KEY_FIELDS,
            self.env._(
                "The company, lot, customer and reference of a history shipment "
                "cannot be changed: record a new shipment instead."
            ),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("A history shipment is kept as evidence: it cannot be deleted.")
        )
