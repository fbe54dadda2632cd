#!/usr/bin/env bash
# Runs the addons' Odoo tests under pytest (pytest-odoo) on an existing database where the
# three addons are installed, without updating any module: every test runs as if
# post-install, HttpCase tests only with --odoo-http. A developer's loop; setup/test.sh
# stays the project's test command.
#
#   setup/pytest-odoo.sh DB [PYTEST_ARGS...]    (default: the three addons' tests/)
#   setup/pytest-odoo.sh traceability quality_traceability/tests/test_check.py -q -k void
#
# Writes var/pytest-odoo.conf (addons path and database credentials of setup/common.sh)
# and runs pytest with `-p odoo` (pytest.ini turns the plugin off for the plain tests).
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"
cd "$PROJECT_DIR"

if [ $# -lt 1 ] || [[ $1 == -* ]]; then
    echo "usage: $0 DB [PYTEST_ARGS...]" >&2
    exit 2
fi
db=$1
shift
have_odoo_tree || { echo "no Odoo 18.0 tree at $ODOO_SRC" >&2; exit 2; }

conf=$VAR_DIR/pytest-odoo.conf
(
    umask 077
    cat > "$conf" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
CONF
)
[ $# -gt 0 ] || set -- quality_traceability/tests label_printing/tests recall_management/tests
exec "$VENV/bin/python" -m pytest -p odoo -p no:cacheprovider \
    --odoo-database="$db" --odoo-config="$conf" "$@"
