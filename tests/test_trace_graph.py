from conftest import load_module

graph = load_module("quality_traceability/tools/trace_graph.py")


def edge(src, dst):
    return {"src": src, "dst": dst}


# Raw lots 1 and 2 feed 3; 3 feeds 4 and 5; 2 also feeds 5 (a diamond); 5 is
# unbuilt back into 2 (a cycle).
EDGES = [edge(1, 3), edge(2, 3), edge(3, 4), edge(3, 5), edge(2, 5), edge(5, 2)]


def test_adjacency_follows_direction():
    forward = graph.adjacency(EDGES, graph.FORWARD)
    assert forward == {1: [3], 2: [3, 5], 3: [4, 5], 5: [2]}
    backward = graph.adjacency(EDGES, graph.BACKWARD)
    assert backward == {3: [1, 2], 4: [3], 5: [2, 3], 2: [5]}


def test_levels_are_shortest_distances_and_cycles_end():
    assert graph.compute_levels((1,), EDGES, graph.FORWARD) == {
        1: 0,
        3: 1,
        4: 2,
        5: 2,
        2: 3,
    }
    assert graph.compute_levels((2,), EDGES, graph.FORWARD) == {2: 0, 3: 1, 5: 1, 4: 2}
    assert graph.compute_levels((4,), EDGES, graph.BACKWARD) == {
        4: 0,
        3: 1,
        1: 2,
        2: 2,
        5: 3,
    }


def test_tree_rows_show_a_repeated_lot_once_expanded():
    result = graph.TraceResult(direction=graph.FORWARD, root_ids=(1,), edges=EDGES)
    rows = list(graph.tree_rows(result))
    assert rows == [
        (0, 1, None, False),
        (1, 3, 1, False),
        (2, 4, 3, False),
        (2, 5, 3, False),
        (3, 2, 5, False),
        (4, 3, 2, True),
        (4, 5, 2, True),
    ]


def test_result_properties():
    result = graph.TraceResult(direction=graph.FORWARD, root_ids=(1,))
    result.lots = {1: {"name": "L1"}, 3: {"name": "L3"}}
    result.facts["delivery"] = [
        {"lot_id": 3, "picking_id": 10, "commercial_partner_id": 7},
        {"lot_id": 3, "picking_id": 11, "commercial_partner_id": 7},
        {"lot_id": 3, "picking_id": None, "commercial_partner_id": None},
    ]
    result.facts["receipt"] = [
        {"lot_id": 1, "picking_id": 5, "commercial_partner_id": 9}
    ]
    assert result.lot_ids == {1, 3}
    assert result.delivery_picking_ids == {10, 11}
    assert result.customer_ids == {7}
    assert result.receipt_picking_ids == {5}
    assert result.vendor_ids == {9}
    by_lot = result.facts_by_lot()
    assert [kind for kind, _fact in by_lot[1]] == ["receipt"]
    assert [kind for kind, _fact in by_lot[3]] == ["delivery"] * 3
    assert set(graph.TRACE_PARTS) == {"edges", *graph.FACT_KINDS}


def fact_row(kind, lot_id, picking_id=None, partner=None):
    """A row as the engine fetches it, in the order of FACT_KEYS."""
    values = dict.fromkeys(graph.FACT_KEYS)
    values.update(
        kind=kind, lot_id=lot_id, picking_id=picking_id, commercial_partner_id=partner
    )
    return tuple(values[key] for key in graph.FACT_KEYS)


def test_facts_from_rows_read_as_dicts_and_columns():
    facts = graph.Facts()
    rows = [fact_row("delivery", 3, 10, 7), fact_row("delivery", 4, None, None)]
    facts.add_rows("delivery", rows)
    facts.add_rows("receipt", [fact_row("receipt", 1, 5, 9)])
    # Columns come from the rows, before any dict is made...
    assert facts.column("delivery", "picking_id") == [10, None]
    assert facts.column("receipt", "commercial_partner_id") == [9]
    assert facts.column("stock", "location_id") == []
    # ... and dicts, once made, are the same objects on every read.
    deliveries = facts["delivery"]
    assert deliveries == [dict(zip(graph.FACT_KEYS, row, strict=True)) for row in rows]
    assert facts["delivery"] is deliveries
    assert facts.column("delivery", "lot_id") == [3, 4]
    # Rows added after the dicts were read are read too.
    facts.add_rows("delivery", [fact_row("delivery", 5, 12, 7)])
    assert [fact["lot_id"] for fact in facts["delivery"]] == [3, 4, 5]
    assert facts.column("delivery", "picking_id") == [10, None, 12]
    assert list(facts) == list(graph.FACT_KINDS)
    assert len(facts) == len(graph.FACT_KINDS)
    assert sum(len(kind_facts) for kind_facts in facts.values()) == 4


def test_facts_replaced_by_a_caller():
    facts = graph.Facts()
    facts.add_rows("delivery", [fact_row("delivery", 3, 10, 7)])
    facts["delivery"] = [{"lot_id": 8, "picking_id": 20}]
    assert facts.column("delivery", "picking_id") == [20]
    assert facts.column("delivery", "commercial_partner_id") == [None]
    del facts["delivery"]
    assert "delivery" not in facts
    assert not any(facts.values())
    facts.add_rows("delivery", [fact_row("delivery", 9, 30, 7)])
    assert facts.column("delivery", "picking_id") == [30]
    assert repr(facts).startswith("Facts(made: 0,")
    assert "delivery: 1" in repr(facts)


def test_result_ids_from_rows():
    result = graph.TraceResult(direction=graph.FORWARD, root_ids=(1,))
    result.facts.add_rows(
        "delivery",
        [
            fact_row("delivery", 3, 10, 7),
            fact_row("delivery", 3, 11, 7),
            fact_row("delivery", 4, None, None),
            fact_row("delivery", 4, False, False),
        ],
    )
    result.facts.add_rows("receipt", [fact_row("receipt", 1, 5, 9)])
    assert result.delivery_picking_ids == {10, 11}
    assert result.customer_ids == {7}
    assert result.receipt_picking_ids == {5}
    assert result.vendor_ids == {9}
    assert [fact["picking_id"] for fact in result.deliveries] == [10, 11, None, False]


def test_result_rows_read_by_name():
    # Rows in the order of FACT_KEYS: edges go to the edges, facts to their kind.
    assert graph.FACT_KEYS == tuple(graph.FACT_COLUMNS)
    assert graph.FACT_KEYS[0] == "kind"
    assert set(graph.EDGE_KEYS.values()) <= set(graph.FACT_KEYS)
    values = dict.fromkeys(graph.FACT_KEYS)
    values.update(
        kind=graph.EDGE_KIND,
        lot_id=1,
        other_lot_id=3,
        production_id=40,
        date="2026-01-02",
        quantity=2.5,
    )
    edge_row = tuple(values[key] for key in graph.FACT_KEYS)
    result = graph.TraceResult(direction=graph.FORWARD, root_ids=(1,))
    result.add_rows([edge_row, fact_row("delivery", 3, 10, 7)])
    assert result.edges == [
        {
            "src": 1,
            "dst": 3,
            "production_id": 40,
            "unbuild_id": None,
            "date": "2026-01-02",
            "quantity": 2.5,
            "imported": None,
            "reference": None,
            "history_id": None,
        }
    ]
    assert result.delivery_picking_ids == {10}
    assert graph.EDGE_KIND not in result.facts
    assert result.facts["delivery"][0]["kind"] == "delivery"


def test_imported_history_rows():
    # An edge and a delivery of the imported history: marked, with their
    # reference and history record, the delivery without a picking.
    assert {"imported", "reference", "history_id"} <= set(graph.FACT_KEYS)
    assert graph.FACT_COLUMNS["imported"] == "bool"
    values = dict.fromkeys(graph.FACT_KEYS)
    values.update(
        kind=graph.EDGE_KIND,
        lot_id=1,
        other_lot_id=3,
        imported=True,
        reference="WO-2019-1",
        history_id=70,
        quantity=6.0,
    )
    edge_row = tuple(values[key] for key in graph.FACT_KEYS)
    values = dict.fromkeys(graph.FACT_KEYS)
    values.update(
        kind="delivery",
        lot_id=3,
        partner_id=8,
        commercial_partner_id=7,
        imported=True,
        reference="DN-2019-7",
        history_id=80,
    )
    shipment_row = tuple(values[key] for key in graph.FACT_KEYS)
    result = graph.TraceResult(direction=graph.FORWARD, root_ids=(1,))
    result.add_rows([edge_row, shipment_row, fact_row("delivery", 3, 10, 9)])
    result.lots = {1: {}, 3: {}}
    assert result.edges[0]["imported"] is True
    assert result.edges[0]["reference"] == "WO-2019-1"
    assert result.edges[0]["history_id"] == 70
    assert result.children() == {1: [3]}
    assert graph.compute_levels((1,), result.edges, graph.FORWARD) == {1: 0, 3: 1}
    # Customers: the imported one counts; its delivery has no picking.
    assert result.customer_ids == {7, 9}
    assert result.delivery_picking_ids == {10}
    assert result.imported_customer_ids == {7}
    [imported] = [fact for fact in result.deliveries if fact["imported"]]
    assert imported["reference"] == "DN-2019-7"
    assert imported["picking_id"] is None


def test_imported_customer_also_known_from_odoo_is_not_imported_only():
    result = graph.TraceResult(direction=graph.FORWARD, root_ids=(1,))
    result.facts["delivery"] = [
        {"lot_id": 1, "picking_id": None, "commercial_partner_id": 7, "imported": True},
        {"lot_id": 1, "picking_id": 5, "commercial_partner_id": 7, "imported": False},
        {"lot_id": 1, "picking_id": 6, "commercial_partner_id": 8},
    ]
    assert result.customer_ids == {7, 8}
    assert result.imported_customer_ids == set()
