# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_is_zero, float_round

from ..tools import gs1


class StockQuantPackage(models.Model):
    """Boxes and pallets: the SSCC, the level and the pallet a box is on."""

    _inherit = "stock.quant.package"
    _rec_names_search = ["name", "traceability_sscc"]

    traceability_level = fields.Selection(
        selection=[("box", "Box"), ("pallet", "Pallet")],
        string="Level",
        default="box",
        help="Box or pallet; empty means a box.",
    )
    traceability_sscc = fields.Char(
        string="SSCC",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="Serial Shipping Container Code (GS1 AI 00) of this box or pallet.",
    )
    parent_package_id = fields.Many2one(
        comodel_name="stock.quant.package",
        string="On Pallet",
        index="btree_not_null",
        ondelete="restrict",
    )
    child_package_ids = fields.One2many(
        comodel_name="stock.quant.package",
        inverse_name="parent_package_id",
        string="Boxes",
    )

    _sql_constraints = [
        (
            "traceability_sscc_unique",
            "unique(traceability_sscc)",
            "An SSCC must be unique.",
        )
    ]

    @api.constrains("parent_package_id")
    def _check_parent_package_id(self):
        if self._has_cycle("parent_package_id"):
            raise ValidationError(self.env._("A package cannot contain itself."))

    @api.constrains("traceability_sscc")
    def _check_traceability_sscc(self):
        for package in self.filtered("traceability_sscc"):
            try:
                gs1.validate("00", package.traceability_sscc)
            except gs1.GS1Error as error:
                raise ValidationError(
                    self.env._(
                        "%(sscc)s is not a valid SSCC: %(error)s",
                        sscc=package.traceability_sscc,
                        error=error,
                    )
                ) from error

    def _traceability_descendants(self):
        """The packages and everything on them (one recursive query)."""
        self.flush_model(["parent_package_id"])
        self.env.cr.execute(
            """
            WITH RECURSIVE tree(id) AS (
                SELECT id FROM stock_quant_package WHERE id = ANY(%s)
                UNION
                SELECT child.id FROM stock_quant_package child
                JOIN tree ON child.parent_package_id = tree.id
            )
            SELECT id FROM tree
            """,
            [self.ids],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _traceability_sscc_of_code(self, code):
        """The SSCC of a scanned or typed code: GS1 data with AI 00 (with or
        without a symbology identifier, or in brackets "(00)..."), a GS1 Digital
        Link ".../00/<sscc>", or a bare 18-digit SSCC; False otherwise."""
        code = (code or "").strip()
        if not code:
            return False
        if code.lower().startswith(("http://", "https://")):
            # A GS1 Digital Link: its path from the SSCC key on, read as the
            # resolver reads it ("/00/<sscc>" or "/sscc/<sscc>").
            path = urlsplit(code).path
            key = next((key for key in ("/00/", "/sscc/") if key in path), None)
            if not key:
                return False
            try:
                request = gs1.parse_resolver_request(path[path.rindex(key) :])
            except gs1.GS1Error:
                return False
            return request.get("00") or False
        try:
            sscc = dict(gs1.parse(code)).get("00")
        except gs1.GS1Error:
            sscc = False
        if not sscc and len(code) == 18 and code.isdigit():
            sscc = code
        return sscc or False

    @api.model
    def _traceability_find_by_code(self, code):
        """The package of a scanned or typed code (see _traceability_sscc_of_code),
        or of its name, among the packages the caller may read."""
        sscc = self._traceability_sscc_of_code(code)
        if sscc:
            return self.search([("traceability_sscc", "=", sscc)], limit=1)
        return self.search([("name", "=", (code or "").strip())], limit=1)

    # ------------------------------------------------------------------
    # Packing history
    # ------------------------------------------------------------------
    traceability_package_event_count = fields.Integer(
        string="Packing Events",
        compute="_compute_traceability_package_event_count",
        groups="stock.group_stock_user",
    )
    traceability_shipped_content_html = fields.Html(
        string="Content When Shipped",
        compute="_compute_traceability_shipped_content_html",
        sanitize=False,
        groups="stock.group_stock_user",
        help="What was in the package and on it when it last left for a "
        "customer, replayed from the packing history (its content now if it "
        "never left).",
    )

    def _traceability_package_event_domain(self):
        return [
            "|",
            ("package_id", "in", self.ids),
            ("child_package_id", "in", self.ids),
        ]

    def _compute_traceability_package_event_count(self):
        Event = self.env["traceability.package.event"]
        counts = defaultdict(int)
        for field in ("package_id", "child_package_id"):
            for package, count in Event._read_group(
                [(field, "in", self.ids)], [field], ["__count"]
            ):
                counts[package.id] += count
        for package in self:
            package.traceability_package_event_count = counts[package.id]

    def _compute_traceability_shipped_content_html(self):
        for package in self:
            if not package.id:
                package.traceability_shipped_content_html = False
                continue
            package.traceability_shipped_content_html = (
                package._traceability_content_html(
                    package._traceability_shipped_content()
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        packages = super().create(vals_list)
        Event = self.env["traceability.package.event"]
        vals = []
        for package in packages.filtered("parent_package_id"):
            vals += Event._traceability_link_values(
                package, self.browse(), package.parent_package_id
            )
        Event._traceability_record(vals)
        return packages

    def write(self, vals):
        if "parent_package_id" not in vals:
            return super().write(vals)
        before = {package: package.parent_package_id for package in self}
        result = super().write(vals)
        Event = self.env["traceability.package.event"]
        # The scan wizard says the change came from scanned labels.
        source = (
            "scan"
            if self.env.context.get("traceability_packing_source") == "scan"
            else "link"
        )
        events = []
        for package, old_parent in before.items():
            if package.parent_package_id != old_parent:
                events += Event._traceability_link_values(
                    package, old_parent, package.parent_package_id, source=source
                )
        Event._traceability_record(events)
        return result

    def action_view_traceability_package_events(self):
        """The packing history of the packages: what was packed into them or
        taken out, and the pallets they were put on or taken off."""
        self.env["traceability.package.event"].check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "quality_traceability.traceability_package_event_action"
        )
        action["domain"] = self._traceability_package_event_domain()
        action["context"] = {}
        if len(self) == 1:
            action["name"] = self.env._(
                "Packing History of %(package)s", package=self.display_name
            )
        return action

    # Replay -------------------------------------------------------------
    def _traceability_ever_tree(self):
        """The package and every package that was ever on it (or is now), at
        any depth, among the records the caller may read."""
        self.ensure_one()
        Event = self.env["traceability.package.event"]
        tree = self
        frontier = self
        while frontier:
            children = (
                Event.search(
                    [
                        ("package_id", "in", frontier.ids),
                        ("child_package_id", "!=", False),
                    ]
                ).child_package_id
                | frontier.child_package_ids
            )
            frontier = children - tree
            tree |= frontier
        return tree

    @api.model
    def _traceability_apply(self, event, parents, content):
        """Apply one event to ``parents`` (pallet id of each package id) and
        ``content`` ({package id: {(product id, lot id): quantity}})."""
        package_id = event.package_id.id
        if event.child_package_id:
            child_id = event.child_package_id.id
            if event.action == "pack":
                parents[child_id] = package_id
            elif parents.get(child_id) == package_id:
                parents.pop(child_id)
            return
        sign = 1 if event.action == "pack" else -1
        key = (event.product_id.id, event.lot_id.id)
        content[package_id][key] += sign * event.quantity

    def _traceability_replay(self, events):
        """Replay ``events`` (in the order of the history) from an empty state:
        (pallet of each package id, content of each package id)."""
        parents = {}
        content = defaultdict(lambda: defaultdict(float))
        for event in events:
            self._traceability_apply(event, parents, content)
        return parents, content

    @api.model
    def _traceability_subtree(self, root_id, parents):
        """Ids of ``root_id`` and of the packages on it per ``parents``."""
        children = defaultdict(list)
        for child, parent in parents.items():
            children[parent].append(child)
        tree, todo = [], [root_id]
        while todo:
            package_id = todo.pop()
            if package_id in tree:
                continue
            tree.append(package_id)
            todo += children[package_id]
        return tree

    def _traceability_history(self, tree):
        """The events of the packages of ``tree`` (the caller's), in the order
        they happened."""
        return self.env["traceability.package.event"].search(
            [("package_id", "in", tree.ids)], order="date, id"
        )

    def _traceability_content(self, events, date, move_line=None):
        """The content of the package replayed from ``events`` (sorted) up to
        ``date`` included; with ``move_line``, only up to the first event its
        transfer (or the line alone) recorded then, excluded."""
        self.ensure_one()
        first_of_line = None
        if move_line:
            first_of_line = min(
                (
                    event.id
                    for event in events
                    if event.date == move_line.date
                    and (
                        event.move_line_id == move_line
                        or (
                            move_line.picking_id
                            and event.picking_id == move_line.picking_id
                        )
                    )
                ),
                default=None,
            )
        kept = events.filtered(
            lambda event: event.date <= date
            and (first_of_line is None or event.id < first_of_line)
        )
        parents, content = self._traceability_replay(kept)
        tree_ids = self._traceability_subtree(self.id, parents)
        Product = self.env["product.product"]
        Lot = self.env["stock.lot"]
        lines, totals = [], defaultdict(float)
        for package_id in tree_ids:
            for (product_id, lot_id), quantity in content[package_id].items():
                product = Product.browse(product_id)
                quantity = float_round(
                    quantity, precision_rounding=product.uom_id.rounding
                )
                if float_is_zero(quantity, precision_rounding=product.uom_id.rounding):
                    continue
                lines.append(
                    {
                        "package": self.browse(package_id),
                        "product": product,
                        "lot": Lot.browse(lot_id),
                        "quantity": quantity,
                        "uom": product.uom_id,
                    }
                )
                totals[(product_id, lot_id)] += quantity
        return {
            "date": date,
            "package": self,
            "boxes": self.browse([pid for pid in tree_ids if pid != self.id]),
            "lines": lines,
            "totals": {
                (Product.browse(product_id), Lot.browse(lot_id)): quantity
                for (product_id, lot_id), quantity in totals.items()
            },
            "move_line": move_line or self.env["stock.move.line"],
        }

    def _traceability_content_at(self, date):
        """What was in the package and on it at ``date``, replayed from the
        packing history: a dict with ``boxes`` (the packages on it then),
        ``lines`` (package, product, lot, quantity, uom of each content) and
        ``totals`` ({(product, lot): quantity} over the whole tree; lot empty
        for untracked products)."""
        self.ensure_one()
        date = fields.Datetime.to_datetime(date)
        tree = self._traceability_ever_tree()
        return self._traceability_content(self._traceability_history(tree), date)

    def _traceability_shipment_line(self, tree, events):
        """The last done move line to a customer that took the package away:
        one of the packages then on it (or the package itself) as source or
        destination package."""
        lines = self.env["stock.move.line"].search(
            [
                ("state", "=", "done"),
                ("location_dest_id.usage", "=", "customer"),
                ("location_id.usage", "!=", "customer"),
                "|",
                ("package_id", "in", tree.ids),
                ("result_package_id", "in", tree.ids),
            ],
            order="date desc, id desc",
        )
        for line in lines:
            content = self._traceability_content(events, line.date, move_line=line)
            on_it = self | content["boxes"]
            if line.package_id in on_it or line.result_package_id in on_it:
                return line, content
        return self.env["stock.move.line"], None

    def _traceability_shipped_content(self):
        """The content (as _traceability_content_at) when the package last left
        for a customer, or now if it never did; ``move_line`` is the line that
        shipped it (empty if never shipped)."""
        self.ensure_one()
        tree = self._traceability_ever_tree()
        events = self._traceability_history(tree)
        _line, content = self._traceability_shipment_line(tree, events)
        if content is None:
            content = self._traceability_content(events, fields.Datetime.now())
        return content

    def _traceability_lots(self):
        """Every lot that was ever in the package or in a package while it was
        on it, and those in it now (stock.lot)."""
        lot_ids = set()
        for package in self:
            tree = package._traceability_ever_tree()
            parents = {}
            content = defaultdict(lambda: defaultdict(float))
            for event in package._traceability_history(tree):
                package._traceability_apply(event, parents, content)
                if event.action != "pack" or event.package_id.id not in set(
                    package._traceability_subtree(package.id, parents)
                ):
                    continue
                if not event.child_package_id:
                    lot_ids.add(event.lot_id.id)
                    continue
                # A box put on the tree brings the lots in it and on it.
                for package_id in package._traceability_subtree(
                    event.child_package_id.id, parents
                ):
                    lot_ids.update(
                        lot_id
                        for (_product_id, lot_id), quantity in content[
                            package_id
                        ].items()
                        if lot_id and quantity > 0
                    )
            # Among the packages the caller may read.
            tree = self.search([("id", "in", package._traceability_descendants().ids)])
            lot_ids.update(tree.quant_ids.lot_id.ids)
        lot_ids.discard(False)
        return self.env["stock.lot"].browse(sorted(lot_ids))

    def _traceability_content_html(self, content):
        """A table of ``content`` (see _traceability_content_at)."""
        self.ensure_one()
        line = content["move_line"]
        if line:
            title = self.env._(
                "Shipped on %(date)s by %(reference)s",
                date=fields.Datetime.to_string(
                    fields.Datetime.context_timestamp(self, line.date)
                ),
                reference=line.reference or line.picking_id.name or "",
            )
        else:
            title = self.env._("Not shipped: its content now.")
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td>%s</td>"
                "<td class='text-end'>%s</td><td>%s</td></tr>"
            )
            % (
                item["package"].display_name,
                item["product"].display_name,
                item["lot"].name or "",
                f"{item['quantity']:g}",
                item["uom"].name,
            )
            for item in content["lines"]
        )
        if not rows:
            rows = Markup("<tr><td colspan='5'>%s</td></tr>") % self.env._("Empty")
        return Markup(
            "<p>%s</p><table class='table table-sm o_traceability_shipped_content'>"
            "<thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (
            title,
            self.env._("Package"),
            self.env._("Product"),
            self.env._("Lot/Serial Number"),
            self.env._("Quantity"),
            self.env._("Unit"),
            rows,
        )
