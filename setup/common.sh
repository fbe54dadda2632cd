#!/usr/bin/env bash
# Shared settings of the set-up scripts: sourced, never run on its own.
# shellcheck disable=SC2034
PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${VENV:-$PROJECT_DIR/.venv}
LINT_VENV=${LINT_VENV:-$PROJECT_DIR/.venv-lint}
PGHOST=${PGHOST:-localhost}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-odoo}
PGPASSWORD=${PGPASSWORD:-odoo}
export PGHOST PGPORT PGUSER PGPASSWORD
ADDONS="quality_traceability,label_printing,recall_management"
VAR_DIR=$PROJECT_DIR/var
mkdir -p "$VAR_DIR"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

have_odoo_tree() { [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/addons/stock" ]; }

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
        --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
        "$@"
}

# Creates the PostgreSQL role Odoo logs in with, when the server lets us.
ensure_pg_role() {
    if psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        return 0
    fi
    log "creating PostgreSQL role $PGUSER"
    local sql="CREATE ROLE \"$PGUSER\" LOGIN SUPERUSER CREATEDB PASSWORD '$PGPASSWORD'"
    if PGUSER=postgres PGPASSWORD= psql -d postgres -c "$sql" >/dev/null 2>&1; then
        return 0
    elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD psql -p "$PGPORT" -d postgres -c "$sql" >/dev/null
    else
        log "cannot create the PostgreSQL role $PGUSER: create it (LOGIN CREATEDB) yourself"
        return 1
    fi
}
