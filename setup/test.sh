#!/usr/bin/env bash
# The project's test command:
#   (a) lint: ruff, pylint-odoo (mandatory rc blocks, advisory rc reports),
#       oca-checks-odoo-module, oca-checks-po, msgfmt, docker-compose config;
#   (b) plain-Python tests in tests/ (pytest, no Odoo);
#   (c) the Odoo suite on a fresh database: the three addons installed with demo data
#       and --test-enable (TransactionCase, HttpCase, tours in headless Chromium),
#       install without demo / uninstall / re-install, and setup/run.sh serving /web/login;
#   (d) var/last-odoo-suite: HEAD, counts, PASS/FAIL/SKIPPED, date.
# Ends with one line "N passed, N failed". Exit status non-zero on any failure.
#
# Options: --no-lint, --no-plain, --no-odoo, --keep-db (keep the test databases).
set -uo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"
cd "$PROJECT_DIR" || exit 2

run_lint=1 run_plain=1 run_odoo=1 keep_db=0
for arg in "$@"; do
    case "$arg" in
        --no-lint) run_lint=0 ;;
        --no-plain) run_plain=0 ;;
        --no-odoo) run_odoo=0 ;;
        --keep-db) keep_db=1 ;;
        *) echo "unknown option $arg" >&2; exit 2 ;;
    esac
done

passed=0 failed=0
summary=()
check() {  # check NAME COMMAND...: one counted harness check
    local name=$1; shift
    if "$@"; then
        passed=$((passed + 1)); summary+=("ok      $name")
    else
        failed=$((failed + 1)); summary+=("FAILED  $name")
    fi
}
count() {  # count NAME PASSED FAILED: a test runner's own counts
    passed=$((passed + $2)); failed=$((failed + $3))
    if [ "$3" -eq 0 ]; then summary+=("ok      $1: $2 passed"); else summary+=("FAILED  $1: $2 passed, $3 failed"); fi
}

bash "$PROJECT_DIR/setup/install.sh" || { echo "setup/install.sh failed" >&2; exit 2; }
ADDON_DIRS=(quality_traceability label_printing recall_management)

# ---------------------------------------------------------------- (a) lint
if [ $run_lint = 1 ]; then
    log "lint"
    L=$LINT_VENV/bin
    check "ruff check" "$L/ruff" check --no-fix --no-cache .
    check "ruff format" "$L/ruff" format --check --no-cache .
    check "pylint-odoo (mandatory)" "$L/pylint" --rcfile=.pylintrc-mandatory "${ADDON_DIRS[@]}"
    log "pylint-odoo advisory checks (reported, not blocking):"
    "$L/pylint" --rcfile=.pylintrc --exit-zero "${ADDON_DIRS[@]}"
    check "oca-checks-odoo-module" "$L/oca-checks-odoo-module" "${ADDON_DIRS[@]/%//__manifest__.py}"
    mapfile -t po_files < <(ls ./*/i18n/*.po ./*/i18n/*.pot 2>/dev/null)
    check "oca-checks-po" "$L/oca-checks-po" "${po_files[@]}"
    po_complete() {
        local po stats ok=0
        for addon in "${ADDON_DIRS[@]}"; do
            for po in "$addon/i18n/$addon.pot" "$addon/i18n/zh_CN.po"; do
                [ -f "$po" ] || { echo "missing $po"; ok=1; continue; }
                stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$po: $stats"; ok=1; }
                case "$po:$stats" in *.po:*untranslated*|*.po:*fuzzy*) echo "$po: $stats"; ok=1 ;; esac
            done
        done
        return $ok
    }
    check "translations (zh_CN complete)" po_complete
    if command -v docker-compose >/dev/null 2>&1; then
        check "docker-compose config" docker-compose -f docker-compose.yml config -q
    else
        check "docker-compose config (docker-compose missing)" false
    fi
fi

# ---------------------------------------------------------------- (b) plain tests
if [ $run_plain = 1 ]; then
    log "plain-Python tests"
    out=$VAR_DIR/pytest.log
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    p=$(grep -Eo '[0-9]+ passed' "$out" | tail -1 | grep -Eo '[0-9]+'); p=${p:-0}
    f=$(grep -Eo '[0-9]+ (failed|error)' "$out" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    count "pytest tests/" "$p" "$f"
fi

# ---------------------------------------------------------------- (c) Odoo suite
odoo_state=SKIPPED odoo_counts="no Odoo tree"
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

odoo_suite() {
    local db=qt_test_$$ log_file=$VAR_DIR/odoo-suite.log
    dropdb --if-exists "$db" 2>/dev/null
    log "Odoo suite: installing $ADDONS with demo data and running their tests on database $db"
    odoo_bin -d "$db" -i "$ADDONS" --test-enable \
        --test-tags "/quality_traceability,/label_printing,/recall_management" \
        --stop-after-init --log-level=info --http-port="$(free_port)" --max-cron-threads=0 \
        > "$log_file" 2>&1
    local rc=$?
    local report
    report=$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log_file" | tail -1)
    local nf ne nt
    nf=$(sed -E 's/.* ([0-9]+) failed, .*/\1/' <<<"$report")
    ne=$(sed -E 's/.* ([0-9]+) error\(s\) of .*/\1/' <<<"$report")
    nt=$(sed -E 's/.* of ([0-9]+) tests .*/\1/' <<<"$report")
    [ -n "$report" ] || { nf=0; ne=1; nt=0; echo "no test report in $log_file"; }
    # Skipped tests (a tour without websocket-client, a missing browser...) are failures here:
    # Odoo counts them as run.
    local skipped errors
    skipped=$(grep -cE ' (INFO|WARNING) .*(skipped|SkipTest)' "$log_file")
    errors=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log_file")
    grep -E ' (INFO|WARNING) .*(skipped|SkipTest)|^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |^(FAIL|ERROR):' "$log_file" | head -40
    local bad=$((nf + ne + skipped))
    [ "$bad" -eq 0 ] && [ "$errors" -gt 0 ] && bad=1
    [ "$bad" -eq 0 ] && [ "$rc" -ne 0 ] && bad=1
    [ "$nt" -eq 0 ] && bad=$((bad + 1))
    local good=$((nt - nf - ne - skipped)); [ "$good" -lt 0 ] && good=0
    log "Odoo: $report; skipped: $skipped; error lines: $errors; exit: $rc (log: $log_file)"
    count "Odoo suite ($nt tests, $skipped skipped, $errors error lines)" "$good" "$bad"
    odoo_counts="$good passed, $bad failed of $nt Odoo tests"
    [ "$bad" -eq 0 ] && odoo_state=PASS || odoo_state=FAIL

    # setup/run.sh serves the backend of that database: /web/login answers, admin logs in.
    check "setup/run.sh serves /web/login and admin logs in" serve_smoke "$db"
    # Two users scoping and blocking the same recall at once (commits: last on $db).
    check "recall: two users scope and block at once" \
        env ODOO_SRC="$ODOO_SRC" "$VENV/bin/python" "$PROJECT_DIR/tests/bench/recall_concurrency.py" "$db"
    # Device API: each batch three times from four clients at once; each scan stored once.
    check "device API: concurrent retries store each scan once" \
        env ODOO_SRC="$ODOO_SRC" "$VENV/bin/python" "$PROJECT_DIR/tests/bench/scans_concurrency.py" "$db"
    [ $keep_db = 1 ] || dropdb --if-exists "$db"
}

serve_smoke() {
    local db=$1 port pid ok=1
    port=$(free_port)
    DB_NAME=$db HTTP_PORT=$port "$PROJECT_DIR/setup/run.sh" --no-install > "$VAR_DIR/run-smoke.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/web/login" 2>/dev/null && { ok=0; break; }
        sleep 1
    done
    if [ $ok = 0 ]; then
        local answer
        answer=$(curl -fsS -H 'Content-Type: application/json' \
            -d "{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{\"db\":\"$db\",\"login\":\"admin\",\"password\":\"admin\"}}" \
            "http://127.0.0.1:$port/web/session/authenticate")
        grep -q '"uid": *2' <<<"$answer" || { echo "admin login failed: ${answer:0:300}"; ok=1; }
    else
        echo "no answer from /web/login"; tail -20 "$VAR_DIR/run-smoke.log"
    fi
    pkill -TERM -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    return $ok
}

module_state_is() {  # module_state_is DB STATE MODULE...
    local db=$1 state=$2; shift 2
    local names
    names=$(printf "'%s'," "$@"); names=${names%,}
    [ "$(psql -d "$db" -Atc "select count(*) from ir_module_module where name in ($names) and state = '$state'")" = "$#" ]
}

install_cycle() {
    local db=qt_cycle_$$ log_file=$VAR_DIR/install-cycle.log ok=0
    dropdb --if-exists "$db" 2>/dev/null
    : > "$log_file"
    log "install without demo, separately, uninstall and re-install on database $db"
    step() { odoo_bin -d "$db" --stop-after-init --log-level=warn --without-demo=all --max-cron-threads=0 "$@" >> "$log_file" 2>&1; }
    step -i label_printing && module_state_is "$db" installed quality_traceability label_printing \
        && module_state_is "$db" uninstalled recall_management || { echo "label_printing alone failed"; ok=1; }
    step -i recall_management && module_state_is "$db" installed recall_management || { echo "recall_management failed"; ok=1; }
    [ "$(psql -d "$db" -Atc "select count(*) from ir_model_data where module = 'quality_traceability' and name = 'product_thermos_cup'")" = 0 ] \
        || { echo "demo data loaded although --without-demo"; ok=1; }
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
        -d "$db" --log-level=warn --no-http >> "$log_file" 2>&1 <<'PY'
modules = env["ir.module.module"].search([("name", "in", ["quality_traceability", "label_printing", "recall_management"])])
modules.button_immediate_uninstall()
env.cr.commit()
PY
    module_state_is "$db" uninstalled quality_traceability label_printing recall_management \
        || { echo "uninstall failed"; ok=1; }
    [ "$(psql -d "$db" -Atc "select count(*) from res_groups g join ir_model_data d on d.res_id = g.id and d.model = 'res.groups' where d.module in ('quality_traceability', 'recall_management')")" = 0 ] \
        || { echo "groups left after uninstall"; ok=1; }
    step -i "$ADDONS" && module_state_is "$db" installed quality_traceability label_printing recall_management \
        || { echo "re-install failed"; ok=1; }
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log_file"; then ok=1; fi
    [ $ok = 0 ] || tail -30 "$log_file"
    [ $keep_db = 1 ] || dropdb --if-exists "$db"
    return $ok
}

if [ $run_odoo = 1 ]; then
    if have_odoo_tree; then
        odoo_suite
        check "install without demo, separately, uninstall, re-install" install_cycle
        [ "$failed" -eq 0 ] || [ "$odoo_state" != PASS ] || odoo_state=FAIL
    else
        echo "ODOO SUITE SKIPPED: no Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo"
    fi
    {
        echo "commit: $(git rev-parse HEAD 2>/dev/null || echo none)$( [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && echo ' (dirty)')"
        echo "result: $odoo_state"
        echo "counts: $odoo_counts; all checks: $passed passed, $failed failed"
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "odoo: $ODOO_SRC"
    } > "$VAR_DIR/last-odoo-suite"
fi

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
[ "$odoo_state" = SKIPPED ] && [ $run_odoo = 1 ] && echo "ODOO SUITE SKIPPED: no Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
