#!/usr/bin/env bash
# Refreshes each addon's .pot from a database with the three addons and their demo data,
# and merges it into zh_CN.po (new terms appear untranslated: translate them, and
# setup/test.sh checks that none is left).
# Usage: setup/i18n.sh [DBNAME]   (default: a fresh database, dropped afterwards)
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"
have_odoo_tree || { echo "No Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo" >&2; exit 2; }
db=${1:-}
fresh=0
if [ -z "$db" ]; then
    db=qt_i18n_$$ fresh=1
    log "installing $ADDONS with demo data into $db"
    odoo_bin -d "$db" -i "$ADDONS" --stop-after-init --log-level=warn
fi
for addon in ${ADDONS//,/ }; do
    pot=$PROJECT_DIR/$addon/i18n/$addon.pot
    odoo_bin -d "$db" --i18n-export="$pot" --modules="$addon" --stop-after-init --log-level=warn
    po=$PROJECT_DIR/$addon/i18n/zh_CN.po
    if [ -f "$po" ]; then
        msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
    else
        msginit --no-translator --locale=zh_CN --input="$pot" --output-file="$po"
    fi
    msgfmt --statistics -o /dev/null "$po" 2>&1 | sed "s|^|$addon zh_CN: |"
done
[ $fresh = 0 ] || dropdb --if-exists "$db"
