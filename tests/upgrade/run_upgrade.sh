#!/usr/bin/env bash
# Upgrade from an earlier release: installs the addons as they were at commit
# UPGRADE_FROM (read from git, never from a copy), records boxes and pallets with
# SSCCs there, then updates the database to the working tree's addons and checks
# that every value survived where the fields live now.
# Usage: tests/upgrade/run_upgrade.sh [DB]      (exit status 0 when all checks hold)
set -uo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/../../setup/common.sh"
# The last release where boxes and pallets were fields of label_printing.
UPGRADE_FROM=${UPGRADE_FROM:-c721618}
db=${1:-qt_upgrade_$$}
old=$(mktemp -d)
trap 'rm -rf "$old"; [ "${KEEP_DB:-0}" = 1 ] || dropdb --if-exists "$db" 2>/dev/null' EXIT

if ! git -C "$PROJECT_DIR" cat-file -e "$UPGRADE_FROM^{commit}" 2>/dev/null; then
    echo "commit $UPGRADE_FROM is not in this clone (a shallow clone?): fetch the history" >&2
    exit 1
fi
git -C "$PROJECT_DIR" archive "$UPGRADE_FROM" quality_traceability label_printing recall_management \
    | tar -x -C "$old" || exit 1

run_odoo() {  # run_odoo ADDONS_DIR [shell] ARGS...
    local dir=$1 command=(); shift
    [ "$1" = shell ] && { command=(shell); shift; }
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${command[@]}" \
        --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$dir" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
        -d "$db" --http-port="${UPGRADE_HTTP_PORT:-8369}" --max-cron-threads=0 --log-level=warn "$@"
}

dropdb --if-exists "$db" 2>/dev/null
log "installing the addons of $UPGRADE_FROM on $db"
run_odoo "$old" -i "$ADDONS" --without-demo=all --stop-after-init > "$VAR_DIR/upgrade-install.log" 2>&1 \
    || { tail -20 "$VAR_DIR/upgrade-install.log"; exit 1; }

log "recording boxes and pallets the old way"
run_odoo "$old" shell --no-http > "$VAR_DIR/upgrade-before.log" 2>&1 <<'PY'
env.company.label_gs1_company_prefix = "0614141"
Package = env["stock.quant.package"]
pallet = Package.create({"name": "UPG-PALLET", "label_level": "pallet"})
box = Package.create({"name": "UPG-BOX", "parent_package_id": pallet.id})
loose = Package.create({"name": "UPG-LOOSE"})
(pallet | box).action_assign_sscc()
env["ir.config_parameter"].set_param(
    "upgrade.expected",
    repr({p.name: (p.label_sscc, p.label_level, p.parent_package_id.name or False)
          for p in pallet | box | loose}),
)
# EXTENSION POINT (before): more old-release data to carry over goes here.
# Packing history: a lot received into the box on the pallet (before the history
# was kept); the update's backfill must record it.
product = env["product.product"].create(
    {"name": "UPG Kettle", "type": "consu", "is_storable": True, "tracking": "lot"}
)
warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
supplier = env.ref("stock.stock_location_suppliers")
receipt = env["stock.picking"].create({
    "picking_type_id": warehouse.in_type_id.id,
    "location_id": supplier.id,
    "location_dest_id": warehouse.lot_stock_id.id,
    "move_ids": [(0, 0, {
        "name": product.name, "product_id": product.id, "product_uom_qty": 4,
        "product_uom": product.uom_id.id, "location_id": supplier.id,
        "location_dest_id": warehouse.lot_stock_id.id,
    })],
})
receipt.action_confirm()
receipt.move_ids.move_line_ids = [(2, line.id) for line in receipt.move_ids.move_line_ids] + [
    (0, 0, {
        "picking_id": receipt.id, "product_id": product.id, "quantity": 4,
        "lot_name": "UPG-LOT", "location_id": supplier.id,
        "location_dest_id": warehouse.lot_stock_id.id, "result_package_id": box.id,
    })
]
receipt.move_ids.picked = True
assert receipt.button_validate() is True and receipt.state == "done"
env.cr.commit()
print("BEFORE-OK")
PY
grep -q BEFORE-OK "$VAR_DIR/upgrade-before.log" || { tail -30 "$VAR_DIR/upgrade-before.log"; exit 1; }

log "updating to the working tree's addons"
run_odoo "$PROJECT_DIR" -u "$ADDONS" --stop-after-init > "$VAR_DIR/upgrade-update.log" 2>&1 \
    || { tail -30 "$VAR_DIR/upgrade-update.log"; exit 1; }
if grep -E " (ERROR|CRITICAL) " "$VAR_DIR/upgrade-update.log"; then
    echo "errors in the update's log" >&2
    exit 1
fi

log "checking the values where they live now"
run_odoo "$PROJECT_DIR" shell --no-http > "$VAR_DIR/upgrade-after.log" 2>&1 <<'PY'
import ast

from odoo.tools.sql import column_exists

failures = []
expected = ast.literal_eval(env["ir.config_parameter"].get_param("upgrade.expected"))
Package = env["stock.quant.package"]
for name, (sscc, level, parent) in expected.items():
    package = Package.search([("name", "=", name)])
    got = (package.traceability_sscc, package.traceability_level,
           package.parent_package_id.name or False)
    if got != (sscc, level, parent):
        failures.append(f"{name}: {got} != {(sscc, level, parent)}")
if not all(sscc for sscc, level, _parent in expected.values() if level == "pallet"):
    failures.append("the old release assigned no SSCC")
for column in ("label_sscc", "label_level"):
    if column_exists(env.cr, "stock_quant_package", column):
        failures.append(f"column {column} is still there")
fields_left = env["ir.model.fields"].search_count(
    [("model", "=", "stock.quant.package"), ("name", "in", ("label_sscc", "label_level"))]
)
if fields_left:
    failures.append(f"{fields_left} old field descriptions left")
owners = dict(env.cr.execute("""
    SELECT f.name, d.module FROM ir_model_fields f
      JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
     WHERE f.model = 'stock.quant.package'
       AND f.name IN ('traceability_sscc', 'traceability_level', 'parent_package_id')
""") or env.cr.fetchall())
if set(owners.values()) != {"quality_traceability"} or len(owners) != 3:
    failures.append(f"owners of the fields: {owners}")
pallet = Package.search([("name", "=", "UPG-PALLET")])
try:
    with env.cr.savepoint():
        Package.search([("name", "=", "UPG-LOOSE")]).traceability_sscc = pallet.traceability_sscc
        env.cr.flush()
    failures.append("a second package took the pallet's SSCC")
except Exception as error:  # the unique constraint of the new column
    if "unique" not in str(error).lower():
        failures.append(f"duplicate SSCC refused for another reason: {error}")
box = Package.search([("name", "=", "UPG-BOX")])
if box.parent_package_id._traceability_find_by_code(f"(00){pallet.traceability_sscc}") != pallet:
    failures.append("the pallet is not found by its SSCC")
# EXTENSION POINT (after): checks of more carried-over data go here; append to failures.
# Packing history from the backfill: the receipt into the box, the box on the pallet.
from odoo import fields
Event = env["traceability.package.event"]
packed = Event.search([("package_id", "=", box.id), ("lot_id.name", "=", "UPG-LOT")])
if [(e.action, e.quantity, e.source) for e in packed] != [("pack", 4.0, "migration")]:
    failures.append(f"packing history of the box: {packed.read(['action', 'quantity', 'source'])}")
linked = Event.search([("child_package_id", "=", box.id), ("package_id", "=", pallet.id)])
if [(e.action, e.source) for e in linked] != [("pack", "migration")]:
    failures.append(f"history of the box on the pallet: {linked.read(['action', 'source'])}")
if pallet._traceability_lots().mapped("name") != ["UPG-LOT"]:
    failures.append(f"lots of the pallet: {pallet._traceability_lots().mapped('name')}")
if pallet._traceability_content_at(fields.Datetime.now())["boxes"] != box:
    failures.append("the box is not on the pallet in the history")
if Event._traceability_backfill_history():
    failures.append("a second backfill recorded events again")
print("\n".join(f"UPGRADE-FAILURE {failure}" for failure in failures) or "AFTER-OK")
PY
if ! grep -q AFTER-OK "$VAR_DIR/upgrade-after.log"; then
    grep UPGRADE-FAILURE "$VAR_DIR/upgrade-after.log" || tail -30 "$VAR_DIR/upgrade-after.log"
    exit 1
fi
log "upgrade from $UPGRADE_FROM: every value carried over"
