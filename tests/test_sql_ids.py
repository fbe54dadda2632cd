import pytest
from conftest import load_module

sql_ids = load_module("quality_traceability/tools/sql_ids.py")


def test_int_array_literal():
    assert sql_ids.int_array_literal([3, 1, 2]) == "{3,1,2}"
    assert sql_ids.int_array_literal([]) == "{}"
    # Only integers get in.
    with pytest.raises(ValueError):
        sql_ids.int_array_literal(["1);DROP TABLE stock_lot;--"])
