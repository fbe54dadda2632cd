# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The result of a genealogy trace and the graph walks done on it.

Plain Python: the engine (``traceability.genealogy``) fills a :class:`TraceResult`
from two SQL statements (the lots reached, then what is asked about them); levels
and the indented tree are computed here.
"""

from collections import defaultdict, deque
from collections.abc import MutableMapping
from dataclasses import dataclass, field

FORWARD = "forward"
BACKWARD = "backward"

#: Kinds of facts the engine returns about the lots of a trace, besides the lots
#: themselves and the edges between them.
FACT_KINDS = (
    "made",  # the lot was produced: production, date, quantity
    "consumed",  # consumed by a done manufacturing order
    "receipt",  # received from a vendor: picking, partner, purchase order
    "vendor_return",  # sent back to a vendor
    "delivery",  # delivered to a customer: picking, partner, sale order, date
    "return",  # returned by a customer
    "stock",  # on hand in an internal location (quant)
    "reserved",  # reserved in an open transfer
    "wip",  # reserved for an open manufacturing order
    "scrap",  # scrapped
)

#: What a trace can return besides its lots.
TRACE_PARTS = ("edges",) + FACT_KINDS

#: Keys of a fact and their SQL types: the engine's statement selects these
#: columns, in this order, from each of its parts (a part gives NULL for the
#: keys it lacks).
FACT_COLUMNS = {
    "kind": "varchar",
    "lot_id": "int4",
    "other_lot_id": "int4",
    "production_id": "int4",
    "unbuild_id": "int4",
    "picking_id": "int4",
    "partner_id": "int4",
    "commercial_partner_id": "int4",
    "order_id": "int4",
    "location_id": "int4",
    "package_id": "int4",
    "date": "timestamp",
    "quantity": "float8",
    "reserved_quantity": "float8",
    # Facts and edges known only from the history imported from before go-live
    # (traceability.history.link and .shipment): marked, with the document
    # reference of the previous system and the id of the history record.
    "imported": "bool",
    "reference": "varchar",
    "history_id": "int4",
}

#: Keys of a fact, in the order of the engine's rows.
FACT_KEYS = tuple(FACT_COLUMNS)

#: The kind of the engine's rows that are edges, not facts.
EDGE_KIND = "edge"

#: Key of an edge -> the key of the engine's row that holds it: an edge's row
#: has the consumed lot as its lot and the produced lot as its other lot.
EDGE_KEYS = {
    "src": "lot_id",
    "dst": "other_lot_id",
    "production_id": "production_id",
    "unbuild_id": "unbuild_id",
    "date": "date",
    "quantity": "quantity",
    "imported": "imported",
    "reference": "reference",
    "history_id": "history_id",
}


class Facts(MutableMapping):
    """Kind of :data:`FACT_KINDS` -> list of fact dicts (keys: :data:`FACT_KEYS`).

    The engine adds its rows (tuples in the order of :data:`FACT_KEYS`) with
    :meth:`add_rows`; a kind's dicts are made when the kind is first read, so that
    a caller who needs one column of thousands of facts (:meth:`column`) does not
    pay for dicts it never reads.
    """

    def __init__(self):
        self._rows = {kind: [] for kind in FACT_KINDS}
        self._dicts = {}

    def add_rows(self, kind, rows):
        """Add the engine's ``rows`` of ``kind`` (after the dicts already read)."""
        if kind in self._dicts:
            self._dicts[kind] += [
                dict(zip(FACT_KEYS, row, strict=True)) for row in rows
            ]
        else:
            self._rows.setdefault(kind, []).extend(rows)

    def column(self, kind, key):
        """The values of ``key`` in the facts of ``kind``, in their order."""
        if kind in self._dicts:
            return [fact.get(key) for fact in self._dicts[kind]]
        index = FACT_KEYS.index(key)
        return [row[index] for row in self._rows[kind]]

    def __getitem__(self, kind):
        facts = self._dicts.get(kind)
        if facts is None:
            rows = self._rows[kind]
            facts = self._dicts[kind] = [
                dict(zip(FACT_KEYS, row, strict=True)) for row in rows
            ]
            rows.clear()
        return facts

    def __setitem__(self, kind, facts):
        self._rows[kind] = []
        self._dicts[kind] = facts

    def __delitem__(self, kind):
        del self._rows[kind]
        self._dicts.pop(kind, None)

    def __contains__(self, kind):
        return kind in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)

    def __repr__(self):
        counts = ", ".join(
            f"{kind}: {len(self._dicts.get(kind) or self._rows[kind])}" for kind in self
        )
        return f"Facts({counts})"


@dataclass
class TraceResult:
    """What a trace found.

    ``lots`` maps lot id to a dict with ``name``, ``product_id``, ``company_id`` and
    ``level`` (distance from the nearest root, in the trace's direction).
    ``edges`` are dicts with ``src`` (the consumed lot), ``dst`` (the produced lot),
    ``production_id`` or ``unbuild_id``, ``date`` and ``quantity`` (of ``src``);
    an edge known only from the imported history has ``imported`` true, its
    ``reference`` and the ``history_id`` of its link.
    ``facts`` maps each kind of :data:`FACT_KINDS` to a list of dicts with
    ``kind``, ``lot_id`` and, depending on the kind, ``picking_id``, ``partner_id``,
    ``commercial_partner_id``, ``order_id``, ``production_id``, ``location_id``,
    ``package_id``, ``date``, ``quantity``, ``reserved_quantity``; imported
    deliveries (no picking) have ``imported`` true, ``reference`` and
    ``history_id`` (of the shipment).
    """

    direction: str
    root_ids: tuple
    lots: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)

    def add_rows(self, rows):
        """Add the engine's ``rows`` (tuples in the order of :data:`FACT_KEYS`):
        those of :data:`EDGE_KIND` to the edges, the others to the facts of their
        kind."""
        kind_index = FACT_KEYS.index("kind")
        rows_by_kind = defaultdict(list)
        for row in rows:
            rows_by_kind[row[kind_index]].append(row)
        edge_indexes = [
            (key, FACT_KEYS.index(column)) for key, column in EDGE_KEYS.items()
        ]
        self.edges += [
            {key: row[index] for key, index in edge_indexes}
            for row in rows_by_kind.pop(EDGE_KIND, ())
        ]
        for kind, kind_rows in rows_by_kind.items():
            self.facts.add_rows(kind, kind_rows)

    @property
    def lot_ids(self):
        return set(self.lots)

    @property
    def deliveries(self):
        return self.facts["delivery"]

    @property
    def delivery_picking_ids(self):
        return self._ids("delivery", "picking_id")

    @property
    def customer_ids(self):
        return self._ids("delivery", "commercial_partner_id")

    @property
    def imported_customer_ids(self):
        """The customers known from imported deliveries only."""
        return {
            fact["commercial_partner_id"]
            for fact in self.facts["delivery"]
            if fact.get("imported") and fact.get("commercial_partner_id")
        } - {
            fact["commercial_partner_id"]
            for fact in self.facts["delivery"]
            if not fact.get("imported")
        }

    @property
    def receipt_picking_ids(self):
        return self._ids("receipt", "picking_id")

    @property
    def vendor_ids(self):
        return self._ids("receipt", "commercial_partner_id")

    def _ids(self, kind, key):
        """The set of ``key`` values in the facts of ``kind``, without empty ones."""
        return {value for value in self.facts.column(kind, key) if value}

    def children(self):
        """Lot id -> the lot ids one step further in the trace's direction."""
        return adjacency(self.edges, self.direction)

    def facts_by_lot(self):
        """Lot id -> list of ``(kind, fact)`` in the order of :data:`FACT_KINDS`."""
        result = defaultdict(list)
        for kind in FACT_KINDS:
            for fact in self.facts[kind]:
                result[fact["lot_id"]].append((kind, fact))
        return result


def adjacency(edges, direction):
    """Lot id -> sorted lot ids one step further, following ``direction``."""
    children = defaultdict(set)
    for edge in edges:
        if direction == FORWARD:
            children[edge["src"]].add(edge["dst"])
        else:
            children[edge["dst"]].add(edge["src"])
    return {lot: sorted(nexts) for lot, nexts in children.items()}


def compute_levels(root_ids, edges, direction):
    """Shortest distance of every reachable lot from the roots (breadth first).

    Cycles (a lot re-made from itself through rework or unbuild) end the walk.
    """
    children = adjacency(edges, direction)
    levels = {root: 0 for root in root_ids}
    queue = deque(root_ids)
    while queue:
        lot = queue.popleft()
        for child in children.get(lot, ()):
            if child not in levels:
                levels[child] = levels[lot] + 1
                queue.append(child)
    return levels


def tree_rows(result, sort_key=None):
    """The trace as an indented tree, depth first from each root.

    Yields ``(level, lot_id, parent_lot_id, repeated)``: a lot reached again
    through another path (a diamond) or a cycle is yielded once more with
    ``repeated=True`` and is not expanded again, so the tree stays linear in the
    size of the graph.
    """
    children = result.children()
    seen = set()
    key = sort_key or (lambda lot_id: lot_id)
    stack = [(0, root, None) for root in sorted(result.root_ids, key=key, reverse=True)]
    while stack:
        level, lot_id, parent = stack.pop()
        repeated = lot_id in seen
        yield level, lot_id, parent, repeated
        if repeated:
            continue
        seen.add(lot_id)
        for child in sorted(children.get(lot_id, ()), key=key, reverse=True):
            stack.append((level + 1, child, lot_id))
