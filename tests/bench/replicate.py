"""Make a benchmark database S times larger by copying its genealogy in SQL.

Usage: replicate.py DBNAME --copies N

The genealogy of scale 1 is built once through Odoo's flows (generate.py), which
records each table's highest id before it starts (``traceability.bench_baseline``):
the rows above it are the genealogy. Each copy inserts those rows again, set-based,
one statement per table for all copies:

- ids move by ``k * span`` (``span``: the table's number of ids used by the
  genealogy), and so does every foreign key to a copied row; foreign keys to the
  rows the genealogy shares (products, bills of materials, locations, operation
  types, companies, users) stay;
- names and references get the suffix ``-C<k>`` (lot names stay unique per product,
  trace codes per database, document names per company);
- many-to-many links between copied rows (consumed lines, chained moves) are
  copied with both ends moved.

Copy k is then a genealogy of its own with the shape of the original: a trace from
its raw lot reaches its own lots and customers only. Id sequences are moved past
the copies and the database is analyzed.
"""

import argparse
import json
import sys
import time

# Tables the genealogy uses but does not own: copies share them.
SHARED_PREFIXES = (
    "account_",
    "bus_",
    "ir_",
    "mail_",
    "mrp_bom",
    "mrp_routing",
    "mrp_workcenter",
    "product_",
    "res_company",
    "res_currency",
    "res_groups",
    "res_users",
    "stock_location",
    "stock_picking_type",
    "stock_route",
    "stock_rule",
    "stock_warehouse",
    "uom_",
)
# Text columns that name or refer to a document: suffixed in each copy.
NAME_COLUMNS = frozenset(
    [
        "name",
        "complete_name",
        "reference",
        "origin",
        "lot_name",
        "trace_code",
        "display_name",
    ]
)
TEXT_TYPES = frozenset(["character varying", "text"])


def record_baseline(cr):
    """Remember each table's highest id before the genealogy is made."""
    baseline = {}
    for table in _tables_with_id(cr):
        cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        baseline[table] = cr.fetchone()[0]
    cr.execute(
        "DELETE FROM ir_config_parameter WHERE key = 'traceability.bench_baseline'"
    )
    cr.execute(
        "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
        ("traceability.bench_baseline", json.dumps(baseline)),
    )


def _tables_with_id(cr):
    cr.execute(
        """
        SELECT c.table_name
          FROM information_schema.columns c
          JOIN information_schema.tables t
            ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND c.column_name = 'id'
           AND c.data_type = 'integer' AND t.table_type = 'BASE TABLE'
         ORDER BY 1
        """
    )
    return [row[0] for row in cr.fetchall()]


def _columns(cr, table):
    cr.execute(
        """
        SELECT column_name, data_type
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s
           AND is_generated = 'NEVER'
         ORDER BY ordinal_position
        """,
        [table],
    )
    return cr.fetchall()


def _foreign_keys(cr):
    """{(table, column): referenced table} of every one-column foreign key."""
    cr.execute(
        """
        SELECT src.relname, att.attname, dst.relname
          FROM pg_constraint con
          JOIN pg_class src ON src.oid = con.conrelid
          JOIN pg_class dst ON dst.oid = con.confrelid
          JOIN pg_namespace ns ON ns.oid = src.relnamespace
          JOIN pg_attribute att
            ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
         WHERE con.contype = 'f' AND ns.nspname = 'public'
           AND array_length(con.conkey, 1) = 1
        """
    )
    return {(table, column): target for table, column, target in cr.fetchall()}


def _unique_text_columns(cr, table):
    """Text columns of the table's unique indexes: a copy must change them."""
    cr.execute(
        """
        SELECT DISTINCT att.attname
          FROM pg_index ind
          JOIN pg_class tbl ON tbl.oid = ind.indrelid
          JOIN pg_attribute att
            ON att.attrelid = tbl.oid AND att.attnum = ANY(ind.indkey)
          JOIN pg_type typ ON typ.oid = att.atttypid
         WHERE ind.indisunique AND tbl.relname = %s
           AND typ.typname IN ('varchar', 'text')
        """,
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def plan_copies(cr):
    """The tables to copy, with their id ranges: ``{table: (base, span)}``,
    and the link tables between them: ``[(table, [columns])]``."""
    cr.execute(
        "SELECT value FROM ir_config_parameter"
        " WHERE key = 'traceability.bench_baseline'"
    )
    row = cr.fetchone()
    if not row:
        raise SystemExit(
            "no traceability.bench_baseline: make the database with generate.py"
        )
    baseline = json.loads(row[0])
    copied = {}
    for table in _tables_with_id(cr):
        if table not in baseline or table.startswith(SHARED_PREFIXES):
            continue
        cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        top = cr.fetchone()[0]
        if top > baseline[table]:
            copied[table] = (baseline[table], top - baseline[table])
    foreign_keys = _foreign_keys(cr)
    links = []
    cr.execute(
        """
        SELECT t.table_name
          FROM information_schema.tables t
         WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND NOT EXISTS (
               SELECT 1 FROM information_schema.columns c
                WHERE c.table_schema = 'public' AND c.table_name = t.table_name
                  AND c.column_name = 'id')
         ORDER BY 1
        """
    )
    for (table,) in cr.fetchall():
        columns = [name for name, _type in _columns(cr, table)]
        targets = [foreign_keys.get((table, column)) for column in columns]
        if all(targets) and any(target in copied for target in targets):
            links.append((table, columns))
    return copied, links, foreign_keys


def _moved(column, target, copied):
    """SQL of a foreign key's value in copy k."""
    base, span = copied[target]
    return (
        f'CASE WHEN src."{column}" > {base} '
        f'THEN src."{column}" + k * {span} ELSE src."{column}" END'
    )


def replicate(cr, copies, log=print):
    """Insert ``copies`` copies of the genealogy (copy numbers 1..copies, or
    continuing after the copies already made)."""
    if copies < 1:
        return {}
    copied, links, foreign_keys = plan_copies(cr)
    cr.execute(
        "SELECT value FROM ir_config_parameter"
        " WHERE key = 'traceability.bench_copies'"
    )
    row = cr.fetchone()
    if row:
        raise SystemExit(f"the database already holds {row[0]} copies")
    # Foreign keys are checked by the source rows' own consistency: skipping the
    # per-row triggers makes the copy several times faster.
    cr.execute("SET LOCAL session_replication_role = replica")
    counts = {}
    for table, (base, _span) in copied.items():
        started = time.monotonic()
        suffixed = NAME_COLUMNS | _unique_text_columns(cr, table)
        names, values = [], []
        for column, data_type in _columns(cr, table):
            names.append(f'"{column}"')
            target = foreign_keys.get((table, column))
            if column == "id":
                values.append(f"src.id + k * {copied[table][1]}")
            elif target in copied:
                values.append(_moved(column, target, copied))
            elif column in suffixed and data_type in TEXT_TYPES:
                values.append(f"src.\"{column}\" || '-C' || k")
            elif column == "parent_path":
                raise SystemExit(f"{table}.parent_path cannot be copied")
            else:
                values.append(f'src."{column}"')
        cr.execute(
            f'INSERT INTO "{table}" ({", ".join(names)}) '
            f"SELECT {', '.join(values)} "
            f'FROM "{table}" src CROSS JOIN generate_series(1, %s) k '
            f"WHERE src.id > %s ORDER BY k, src.id",
            [copies, base],
        )
        counts[table] = cr.rowcount
        cr.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT MAX(id) FROM "{table}"))'
        )
        log(f"  {table}: {counts[table]} rows in {time.monotonic() - started:.1f} s")
    for table, columns in links:
        conditions = " OR ".join(
            f'src."{column}" > {copied[foreign_keys[(table, column)]][0]}'
            for column in columns
            if foreign_keys[(table, column)] in copied
        )
        values = [
            _moved(column, foreign_keys[(table, column)], copied)
            if foreign_keys[(table, column)] in copied
            else f'src."{column}"'
            for column in columns
        ]
        quoted = ", ".join(f'"{column}"' for column in columns)
        cr.execute(
            f'INSERT INTO "{table}" ({quoted}) '
            f"SELECT {', '.join(values)} "
            f'FROM "{table}" src CROSS JOIN generate_series(1, %s) k '
            f"WHERE {conditions}",
            [copies],
        )
        counts[table] = cr.rowcount
        if counts[table]:
            log(f"  {table}: {counts[table]} rows")
    cr.execute("SET LOCAL session_replication_role = origin")
    cr.execute(
        "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
        ("traceability.bench_copies", str(copies)),
    )
    return counts


def main():
    import psycopg2

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dbname")
    parser.add_argument("--copies", type=int, required=True)
    args = parser.parse_args()
    started = time.monotonic()
    with psycopg2.connect(dbname=args.dbname) as connection:
        with connection.cursor() as cr:
            counts = replicate(
                cr, args.copies, log=lambda message: print(message, flush=True)
            )
    rows = sum(counts.values())
    print(
        f"replicated: {args.copies} copies, {rows} rows in {len(counts)} tables "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
