import pytest
from conftest import load_module

plan_module = load_module("tests/bench/genealogy_plan.py")
plan_genealogy = plan_module.plan_genealogy


def test_benchmark_shape():
    plan = plan_genealogy(40, 1000, 1500, 200)
    assert len(plan.intermediate_qty) == 40
    assert len(plan.finished_qty) == 1000
    assert len(plan.delivery_lot) == 1500
    assert set(plan.delivery_customer) == set(range(200))
    # Every finished lot is shipped at least once and keeps one unit.
    assert set(plan.delivery_lot) == set(range(1000))
    assert sorted(set(plan.finished_qty)) == [2, 3]
    assert plan.finished_qty.count(3) == 500
    # What the intermediates make is exactly what the finished lots consume.
    consumed = [0] * 40
    for index, qty in enumerate(plan.finished_qty):
        consumed[plan.finished_source[index]] += qty
    assert list(plan.intermediate_qty) == consumed
    assert plan.raw_qty == sum(plan.finished_qty) == 1500 + 1000


def test_small_shape():
    plan = plan_genealogy(2, 5, 8, 3)
    assert plan.finished_qty == (3, 3, 3, 2, 2)
    assert plan.finished_source == (0, 1, 0, 1, 0)
    assert plan.intermediate_qty == (8, 5)
    assert plan.delivery_lot == (0, 1, 2, 3, 4, 0, 1, 2)
    assert plan.delivery_customer == (0, 1, 2, 0, 1, 2, 0, 1)
    assert plan.raw_qty == 13


@pytest.mark.parametrize(
    "args",
    [(0, 1, 1, 1), (3, 2, 5, 1), (1, 5, 4, 1), (1, 1, 1, 0)],
)
def test_bad_shapes(args):
    with pytest.raises(ValueError):
        plan_genealogy(*args)
