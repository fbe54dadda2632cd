# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Boxes and pallets move from label_printing to quality_traceability.

The SSCC, the level and the pallet of a package were fields of label_printing
(``label_sscc``, ``label_level``, ``parent_package_id``); they are fields of this
addon now (``traceability_sscc``, ``traceability_level``, ``parent_package_id``).
Their columns are renamed in place, so that no value is lost, and the records
describing them change owner, so that updating label_printing does not drop them.
"""

from odoo.tools.sql import column_exists

_RENAMED = {"label_sscc": "traceability_sscc", "label_level": "traceability_level"}
_KEPT = ("parent_package_id", "child_package_ids")


def _field_xmlid(name):
    return f"field_stock_quant_package__{name}"


def migrate(cr, version):
    if not column_exists(cr, "stock_quant_package", "label_sscc"):
        return
    cr.execute(
        "ALTER TABLE stock_quant_package "
        "DROP CONSTRAINT IF EXISTS stock_quant_package_label_sscc_unique"
    )
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'label_printing'
           AND name = 'constraint_stock_quant_package_label_sscc_unique'
        """
    )
    cr.execute(
        "DELETE FROM ir_model_constraint "
        "WHERE name = 'stock_quant_package_label_sscc_unique'"
    )
    cr.execute("DROP INDEX IF EXISTS stock_quant_package__label_sscc_index")
    for old, new in _RENAMED.items():
        if column_exists(cr, "stock_quant_package", new):
            continue
        cr.execute(
            f'ALTER TABLE stock_quant_package RENAME COLUMN "{old}" TO "{new}"'  # noqa: S608
        )
        cr.execute(
            """
            UPDATE ir_model_fields SET name = %s
             WHERE model = 'stock.quant.package' AND name = %s
            """,
            [new, old],
        )
        cr.execute(
            """
            UPDATE ir_model_data
               SET module = 'quality_traceability', name = %s
             WHERE module = 'label_printing' AND name = %s
            """,
            [_field_xmlid(new), _field_xmlid(old)],
        )
        cr.execute(
            """
            UPDATE ir_model_data
               SET module = 'quality_traceability',
                   name = replace(name, %s, %s)
             WHERE module = 'label_printing' AND model = 'ir.model.fields.selection'
               AND name LIKE %s
            """,
            [
                f"__{old}__",
                f"__{new}__",
                f"selection__stock_quant_package__{old}__%",
            ],
        )
    cr.execute(
        """
        UPDATE ir_model_data SET module = 'quality_traceability'
         WHERE module = 'label_printing' AND name = ANY(%s)
        """,
        [[_field_xmlid(name) for name in _KEPT]],
    )
