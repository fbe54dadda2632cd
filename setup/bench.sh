#!/usr/bin/env bash
# Runs benchmark NAME from tests/bench/bench_NAME.py on a copy of the generated genealogy.
# Usage: setup/bench.sh NAME [--scale S]      (scale 1: 1 raw lot -> 40 -> 1,000 lots,
#        setup/bench.sh generate [--scale S]   1,500 deliveries to 200 customers)
#        setup/bench.sh scale [--scale S]      (the same traces at scale 1 and at scale S,
#                                               default 100: tests/bench/bench_scale.py)
#        setup/bench.sh api-fuzz               (10,000 generated payloads to the device API,
#                                               tests/bench/api_fuzz.py: no 5xx, valid scans
#                                               stored once; ends with its "api-fuzz:" line)
#        setup/bench.sh import                 (100,000 rows of trace history through the
#                                               Import Trace History wizard against Odoo's
#                                               base_import: tests/bench/bench_import.py; on a
#                                               copy of qt_bench_tpl_1, else a fresh database)
# The genealogy is generated once per scale into a template database (qt_bench_tpl_<S>)
# and copied with createdb -T for every run. Scale 1 (or a fraction) is built through
# Odoo's flows (tests/bench/generate.py); a whole scale S > 1 is a copy of scale 1 whose
# genealogy is replicated S - 1 times in SQL (tests/bench/replicate.py). Each benchmark
# ends with one line
#   NAME: ours=<seconds> odoo=<seconds> ratio=<odoo/ours>
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

name=${1:-}
shift || true
scale=
force=0
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale=$2; shift 2 ;;
        --force) force=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
available=$(cd "$PROJECT_DIR/tests/bench" && ls bench_*.py 2>/dev/null | sed 's/^bench_//; s/\.py$//; s/_/-/g' | tr '\n' ' ' || true)
available="${available}api-fuzz "
[ -n "$scale" ] || { [ "$name" = scale ] && scale=100 || scale=1; }
if [ -z "$name" ]; then
    echo "usage: setup/bench.sh NAME [--scale S]; NAME is generate or one of: ${available:-none yet}" >&2
    exit 2
fi
have_odoo_tree || { echo "No Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo" >&2; exit 2; }
[ -x "$VENV/bin/python" ] || bash "$PROJECT_DIR/setup/install.sh"
export ODOO_SRC

template_of() { echo "qt_bench_tpl_$(echo "$1" | tr '.' '_')"; }
template_ready() {
    psql -d "$1" -Atc "select 1 from ir_config_parameter where key = 'traceability.bench_generated'" 2>/dev/null | grep -q 1
}
# The addons' code changed since the template was made or last updated: update its
# modules in place (about a minute), so that every copy has the current schema.
update_template() {
    local template=$1 code_digest
    code_digest=$(cd "$PROJECT_DIR" && find quality_traceability label_printing recall_management \
        -path '*/tests' -prune -o -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \) -print \
        | LC_ALL=C sort | xargs cat | sha1sum | cut -c1-16)
    if [ "$(psql -d "$template" -Atc "select value from ir_config_parameter where key = 'traceability.bench_code'")" != "$code_digest" ]; then
        log "template $template: updating $ADDONS to the current code"
        odoo_bin -d "$template" -u "$ADDONS" --stop-after-init --log-level=warn
        psql -d "$template" -qc "delete from ir_config_parameter where key = 'traceability.bench_code'"
        psql -d "$template" -qc "insert into ir_config_parameter (key, value) values ('traceability.bench_code', '$code_digest')"
    fi
}
# Scale S: through the flows (S = 1 or a fraction), or scale 1 copied S - 1 times.
make_template() {
    local scale=$1 template
    template=$(template_of "$scale")
    if [ $force = 1 ] || ! template_ready "$template"; then
        dropdb --if-exists "$template"
        if [[ $scale =~ ^[0-9]+$ ]] && [ "$scale" -gt 1 ]; then
            make_template 1
            log "template $template: scale 1 replicated $((scale - 1)) times"
            createdb -T "$(template_of 1)" "$template"
            psql -d "$template" -qc "delete from ir_config_parameter where key = 'traceability.bench_generated'"
            "$VENV/bin/python" "$PROJECT_DIR/tests/bench/replicate.py" "$template" --copies $((scale - 1))
        else
            log "template $template: installing $ADDONS without demo data"
            odoo_bin -d "$template" -i "$ADDONS" --without-demo=all --stop-after-init --log-level=warn
            "$VENV/bin/python" "$PROJECT_DIR/tests/bench/generate.py" "$template" --scale "$scale"
        fi
        # Statistics, as a live database has them (autovacuum may not have run yet).
        psql -d "$template" -qc "ANALYZE"
        psql -d "$template" -qc "insert into ir_config_parameter (key, value) values ('traceability.bench_generated', '$scale')"
        log "template $template: $(psql -d "$template" -Atc "select pg_size_pretty(pg_database_size(current_database()))") on disk"
    fi
    update_template "$template"
}
if [ "$name" = import ]; then
    # History import (tests/bench/bench_import.py): needs no genealogy. A copy of
    # the scale 1 template when it exists, else a fresh database with the addons
    # (no demo data). BENCH_DB_PREFIX names the database (default qt_bench).
    db=${BENCH_DB_PREFIX:-qt_bench}_import_$$
    trap 'dropdb --if-exists "$db"' EXIT
    if template_ready "$(template_of 1)"; then
        update_template "$(template_of 1)"
        createdb -T "$(template_of 1)" "$db"
    else
        log "no template $(template_of 1): a fresh database $db with $ADDONS"
        odoo_bin -d "$db" -i "$ADDONS" --without-demo=all --stop-after-init --log-level=warn
    fi
    "$VENV/bin/python" "$PROJECT_DIR/tests/bench/bench_import.py" "$db"
    exit $?
fi
template=$(template_of "$scale")
make_template "$scale"
[ "$name" = generate ] && exit 0
if [ "$name" = scale ]; then
    # Read-only traces, rolled back: run on the templates themselves (a copy of a
    # large scale would take minutes).
    [ "$scale" != 1 ] || { echo "scale: compare with a scale above 1 (--scale S)" >&2; exit 2; }
    make_template 1
    exec "$VENV/bin/python" "$PROJECT_DIR/tests/bench/bench_scale.py" "$(template_of 1)" "$template" "$scale"
fi

script=$PROJECT_DIR/tests/bench/bench_${name//-/_}.py
args=()
if [ "$name" = api-fuzz ]; then
    script=$PROJECT_DIR/tests/bench/api_fuzz.py
    args=(10000)
fi
[ -f "$script" ] || { echo "no benchmark '$name'; available: ${available:-none yet}" >&2; exit 2; }
db=qt_bench_run_$$
createdb -T "$template" "$db"
trap 'dropdb --if-exists "$db"' EXIT
# The template keeps the data; the copy gets the addons' current code.
odoo_bin -d "$db" -u "$ADDONS" --stop-after-init --log-level=warn
"$VENV/bin/python" "$script" "$db" "${args[@]}"
