# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ids passed to SQL statements in bulk."""


def int_array_literal(ids):
    """``ids`` as one PostgreSQL array literal, ``"{1,2,3}"``, to pass as a single
    query parameter cast to ``int[]``: cheaper to send and parse than an
    ``ARRAY[...]`` of thousands of ids, and the planner sees its length."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"
