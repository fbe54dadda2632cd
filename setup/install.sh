#!/usr/bin/env bash
# Installs what the project needs: system packages (Debian, when root), the PostgreSQL role,
# a virtualenv with the Odoo tree's requirements and the project's own, and the linters.
# Safe to run again: every step is skipped when already done.
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

APT_PACKAGES="wkhtmltopdf chromium libldap2-dev libsasl2-dev libpq-dev docker-compose gettext
poppler-utils fonts-noto-cjk postgresql-client"

install_system_packages() {
    local missing=()
    for pkg in $APT_PACKAGES; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        log "missing system packages (install them yourself): ${missing[*]}"
        return 0
    fi
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

start_postgres() {
    if ! pg_isready -h "$PGHOST" -p "$PGPORT" >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null; then
        log "starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
        for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p "$PGPORT" >/dev/null 2>&1 && break; sleep 1; done
    fi
}

install_venv() {
    local stamp="$VENV/.project-installed"
    local want
    want=$({ cat "$ODOO_SRC/requirements.txt" 2>/dev/null; cat "$PROJECT_DIR/requirements.txt"; } | sha1sum | cut -c1-12)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local constraints="$VAR_DIR/pip-constraints.txt"
    # Odoo pins cbor2==5.4.2, which only builds with an older setuptools.
    echo 'setuptools<80' > "$constraints"
    log "installing Python requirements into $VENV"
    "$VENV/bin/pip" install -q --upgrade 'pip<25' wheel 'setuptools<80' 2>&1 | grep -v 'is ignored' || true
    if have_odoo_tree; then
        PIP_CONSTRAINT="$constraints" "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt"
        # Make the tree importable without writing into it.
        local site
        site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
        echo "$ODOO_SRC" > "$site/odoo-tree.pth"
    fi
    PIP_CONSTRAINT="$constraints" "$VENV/bin/pip" install -q -r "$PROJECT_DIR/requirements.txt"
    echo "$want" > "$stamp"
}

install_lint_venv() {
    local stamp="$LINT_VENV/.project-installed"
    local want
    want=$(sha1sum "$PROJECT_DIR/setup/requirements-lint.txt" | cut -c1-12)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    [ -x "$LINT_VENV/bin/python" ] || python3 -m venv "$LINT_VENV"
    log "installing linters into $LINT_VENV"
    "$LINT_VENV/bin/pip" install -q --upgrade 'pip<25'
    "$LINT_VENV/bin/pip" install -q -r "$PROJECT_DIR/setup/requirements-lint.txt"
    echo "$want" > "$stamp"
}

install_system_packages
start_postgres
ensure_pg_role
install_lint_venv
install_venv
if ! have_odoo_tree; then
    log "no Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo: only the linters and plain tests can run"
fi
