#!/usr/bin/env bash
# Takes the README's screenshots, in English and in Simplified Chinese:
# docs/screenshots/<name>-en.png and <name>-zh.png.
#
# Creates a fresh database $DB_NAME (default "screenshots", dropped first if it
# exists) with the three addons, their demo data and zh_CN (English stays the
# database's language: `--load-language=zh_CN` alone would make Chinese the
# language of the records the install creates, such as "WH/库存"), prepares what the
# screens need through Odoo's own flows (setup/screenshots.py), serves it on
# 127.0.0.1 and takes each screen with headless Chromium (Debian's `chromium`).
# Options:
#   --keep-db      keep the database (and print how to serve it) instead of dropping it
#   --only NAME..  take only these shots (trace, control-chart, recall,
#                  label-template, public-trace, portal-recalls, scanner)
# Environment: DB_NAME, HTTP_PORT (default: a free port), OUT_DIR
# (default docs/screenshots), CHROMIUM (default: chromium on the PATH).
# Bounded in time: each step has a timeout. Takes 2 to 5 minutes on 2 cores, most
# of it the install; the 14 shots take about a minute.
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

DB_NAME=${DB_NAME:-screenshots}
OUT_DIR=${OUT_DIR:-$PROJECT_DIR/docs/screenshots}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
keep_db=0
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --keep-db) keep_db=1 ;;
        --only)
            shift
            while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do
                only+=("$1")
                shift
            done
            continue
            ;;
        *)
            echo "Unknown option: $1 (see the head of $0)" >&2
            exit 2
            ;;
    esac
    shift
done

if ! have_odoo_tree; then
    echo "No Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo: set ODOO_SRC to an Odoo 18.0 checkout." >&2
    exit 2
fi
if [ -z "$CHROMIUM" ]; then
    echo "No chromium: apt-get install chromium" >&2
    exit 2
fi
[ -x "$VENV/bin/python" ] || bash "$PROJECT_DIR/setup/install.sh"
HTTP_PORT=${HTTP_PORT:-$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
STATE=$VAR_DIR/screenshots-$DB_NAME.json
LOG=$VAR_DIR/screenshots-$DB_NAME.log
started=$(date +%s)
server_pid=

cleanup() {
    local status=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        # timeout passes the signal on to Odoo; a second one stops it at once.
        for signal in TERM TERM KILL; do
            kill -s $signal "$server_pid" 2>/dev/null || true
            for _ in $(seq 20); do
                kill -0 "$server_pid" 2>/dev/null || break
                sleep 0.5
            done
            kill -0 "$server_pid" 2>/dev/null || break
        done
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ $keep_db = 1 ]; then
        log "database $DB_NAME kept: DB_NAME=$DB_NAME setup/run.sh --no-install serves it"
    else
        dropdb --if-exists "$DB_NAME" 2>/dev/null || log "could not drop database $DB_NAME"
    fi
    rm -f "$STATE"
    log "done in $(($(date +%s) - started)) s (Odoo's log: $LOG)"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# odoo_bin (setup/common.sh) bounded in time: timeout runs it in a process group
# of its own and ends the whole group after SECONDS, or when it is signalled.
odoo_bounded() {
    local seconds=$1
    shift
    timeout "$seconds" bash -c '. "$0" && odoo_bin "$@"' "$PROJECT_DIR/setup/common.sh" "$@"
}

ensure_pg_role
dropdb --if-exists "$DB_NAME"
log "installing $ADDONS with demo data and zh_CN into database $DB_NAME"
odoo_bounded 900 -d "$DB_NAME" -i "$ADDONS" --load-language=en_US,zh_CN --stop-after-init \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --max-cron-threads=0 \
    --log-level=warn </dev/null >"$LOG" 2>&1 || {
    tail -n 30 "$LOG" >&2
    exit 1
}

log "preparing the data of the screens"
ODOO_SRC=$ODOO_SRC timeout 600 "$VENV/bin/python" "$PROJECT_DIR/setup/screenshots.py" \
    prepare --db "$DB_NAME" --state "$STATE" </dev/null >>"$LOG" 2>&1 || {
    tail -n 30 "$LOG" >&2
    exit 1
}

log "serving $DB_NAME on 127.0.0.1:$HTTP_PORT"
# exec: $! is then timeout's own pid, that cleanup signals.
(exec timeout 1800 bash -c '. "$0" && odoo_bin "$@"' "$PROJECT_DIR/setup/common.sh" \
    -d "$DB_NAME" --db-filter="^${DB_NAME}\$" \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --max-cron-threads=0 --workers=0 \
    --log-level=warn </dev/null >>"$LOG" 2>&1) &
server_pid=$!

log "taking the screenshots into $OUT_DIR"
shoot=(--url "http://127.0.0.1:$HTTP_PORT" --db "$DB_NAME" --state "$STATE" --out "$OUT_DIR"
    --chromium "$CHROMIUM")
[ ${#only[@]} = 0 ] || shoot+=(--only "${only[@]}")
timeout 900 "$VENV/bin/python" "$PROJECT_DIR/setup/screenshots.py" shoot "${shoot[@]}"
