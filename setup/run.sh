#!/usr/bin/env bash
# Serves Odoo with the three addons, without Docker:
# creates (or reuses) database $DB_NAME (default "traceability"), installs the addons with
# demo data, and serves the backend on 127.0.0.1:$HTTP_PORT (default 8069).
# Options: --no-install (serve the database as it is), any other option goes to odoo-bin.
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

DB_NAME=${DB_NAME:-traceability}
HTTP_PORT=${HTTP_PORT:-8069}
install=1
extra=()
for arg in "$@"; do
    case "$arg" in
        --no-install) install=0 ;;
        *) extra+=("$arg") ;;
    esac
done

if ! have_odoo_tree; then
    echo "No Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo: set ODOO_SRC to an Odoo 18.0 checkout." >&2
    exit 2
fi
[ -x "$VENV/bin/python" ] || bash "$PROJECT_DIR/setup/install.sh"

if [ $install = 1 ]; then
    if psql -d "$DB_NAME" -Atc "select 1 from ir_module_module where name = 'recall_management' and state = 'installed'" 2>/dev/null | grep -q 1; then
        log "reusing database $DB_NAME"
    else
        log "installing $ADDONS with demo data into database $DB_NAME"
        odoo_bin -d "$DB_NAME" -i "$ADDONS" --stop-after-init --log-level=warn
    fi
fi

log "Odoo: http://127.0.0.1:$HTTP_PORT/odoo  (database $DB_NAME, login admin, password admin)"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
    --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
    -d "$DB_NAME" --db-filter="^${DB_NAME}\$" --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
    "${extra[@]}"
