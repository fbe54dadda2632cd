#!/usr/bin/env bash
# Serves the three addons past one Odoo process, without Docker, with Debian's packages:
#   - a PostgreSQL streaming replica of the primary ($PGHOST:$PGPORT): a second cluster
#     made by pg_basebackup -R under $SCALE_DIR, run by the postgres OS user on
#     127.0.0.1:$REPLICA_PORT;
#   - Odoo with $WORKERS HTTP workers, the websocket process on $GEVENT_PORT and
#     --db_replica_host, so that readonly routes (the public trace page, the GS1 Digital
#     Link, the device lookup) read from the replica; --proxy-mode;
#   - nginx on $NGINX_LISTEN with limit_req on the public routes and the device API, and
#     /websocket proxied to the websocket process (setup/scale/nginx-odoo.conf.template).
#
# Usage: setup/scale.sh [start] [--workers N] [--no-replica]   (re)starts everything
#        setup/scale.sh stop                                    stops what it started
#        setup/scale.sh status
#
# Environment, all optional:
#   DB_NAME           traceability    database; created with demo data when missing
#   WORKERS           2               Odoo HTTP worker processes (--workers)
#   CRON_WORKERS      1               Odoo scheduled-action processes (--max-cron-threads)
#   HTTP_PORT         8069            Odoo's workers, on 127.0.0.1
#   GEVENT_PORT       8072            Odoo's websocket process, on 127.0.0.1
#   NGINX_LISTEN      127.0.0.1:8080  where nginx listens (0.0.0.0:80 to serve a network)
#   PUBLIC_RATE/PUBLIC_BURST  60r/m / 20    nginx limit per client on /trace/ and /01/
#   API_RATE/API_BURST        600r/m / 100  nginx limit per client on /traceability/api/
#   NGINX_UNLIMITED   (none)          addresses or CIDR ranges exempt from both limits
#   REPLICA_PORT      5433            the replica cluster, on 127.0.0.1
#   REPLICA_ROLE      traceability_replica    role the replica streams with
#   REPLICA_PASSWORD  traceability_replica    its password
#   SCALE_DIR         var/scale       replica data, configuration, logs, pid files
#   LOG_LEVEL         warn            Odoo's --log-level
#
# Changes to the primary, additive and made once: the role $REPLICA_ROLE (LOGIN
# REPLICATION) and, when the primary refuses it a replication connection from 127.0.0.1
# and its pg_hba.conf is a local file, one line appended to that file
#   host replication $REPLICA_ROLE 127.0.0.1/32 scram-sha-256
# followed by pg_reload_conf(). No replication slot: a replica stopped for long and no
# longer able to catch up (the primary recycled the WAL it needs) is made again from a
# new base backup at the next start. The replica copies the whole primary cluster
# (physical replication): every database, and it replays every write made to any of them.
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

DB_NAME=${DB_NAME:-traceability}
WORKERS=${WORKERS:-2}
CRON_WORKERS=${CRON_WORKERS:-1}
HTTP_PORT=${HTTP_PORT:-8069}
GEVENT_PORT=${GEVENT_PORT:-8072}
NGINX_LISTEN=${NGINX_LISTEN:-127.0.0.1:8080}
PUBLIC_RATE=${PUBLIC_RATE:-60r/m}
PUBLIC_BURST=${PUBLIC_BURST:-20}
API_RATE=${API_RATE:-600r/m}
API_BURST=${API_BURST:-100}
NGINX_UNLIMITED=${NGINX_UNLIMITED:-}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_ROLE=${REPLICA_ROLE:-traceability_replica}
REPLICA_PASSWORD=${REPLICA_PASSWORD:-traceability_replica}
SCALE_DIR=${SCALE_DIR:-$VAR_DIR/scale}
LOG_LEVEL=${LOG_LEVEL:-warn}
REPLICA_DATA=$SCALE_DIR/replica
TEMPLATES=$PROJECT_DIR/setup/scale

action=start
replica=1
while [ $# -gt 0 ]; do
    case "$1" in
        start|stop|status) action=$1 ;;
        --workers) WORKERS=$2; shift ;;
        --no-replica) replica=0 ;;
        *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
    esac
    shift
done

# ------------------------------------------------------------------ helpers
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS COMMAND...: true once COMMAND succeeds
    local seconds=$1; shift
    for _ in $(seq 1 "$seconds"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    return 1
}

as_postgres() { runuser -u postgres -- "$@"; }

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

pg_bin_dir() {  # the server binaries of the primary's major version
    local major
    major=$(psql -d postgres -Atc "select current_setting('server_version_num')::int / 10000")
    [ -x "/usr/lib/postgresql/$major/bin/postgres" ] || {
        echo "no PostgreSQL $major server binaries in /usr/lib/postgresql/$major/bin" >&2
        return 1
    }
    echo "/usr/lib/postgresql/$major/bin"
}

replica_psql() {  # replica_psql SQL: one value from the replica, as Odoo's role
    PGHOST=127.0.0.1 PGPORT=$REPLICA_PORT psql -d postgres -Atc "$1"
}

install_nginx() {
    if [ -x "$(nginx_bin)" ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "nginx is missing: install Debian's nginx package" >&2
        return 1
    fi
    log "apt-get install nginx"
    # Debian starts a package's service when it installs it (a default site on port
    # 80): this script runs its own nginx, so the package's service is kept stopped
    # during the install, the usual way (policy-rc.d), when no policy is in place.
    (
        policy=/usr/sbin/policy-rc.d
        if [ ! -e "$policy" ]; then
            trap 'rm -f "$policy"' EXIT
            printf '#!/bin/sh\nexit 101\n' > "$policy"
            chmod 755 "$policy"
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    )
}

# ------------------------------------------------------------------ database
ensure_database() {
    if psql -d "$DB_NAME" -Atc "select 1 from ir_module_module where name = 'recall_management' and state = 'installed'" 2>/dev/null | grep -q 1; then
        log "reusing database $DB_NAME"
    else
        log "installing $ADDONS with demo data into database $DB_NAME"
        odoo_bin -d "$DB_NAME" -i "$ADDONS" --stop-after-init --log-level=warn \
            --max-cron-threads=0 --http-port="$HTTP_PORT"
    fi
}

# ------------------------------------------------------------------ replica
primary_superuser() {  # primary_superuser SQL: runs SQL on the primary as a superuser
    if [ "$(psql -d postgres -Atc 'select rolsuper from pg_roles where rolname = current_user')" = t ]; then
        psql -d postgres -v ON_ERROR_STOP=1 -qAtc "$1"
    elif [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD \
            psql -p "$PGPORT" -d postgres -v ON_ERROR_STOP=1 -qAtc "$1"
    else
        echo "need a PostgreSQL superuser on the primary to run: $1" >&2
        return 1
    fi
}

replication_allowed() {
    PGPASSWORD=$REPLICA_PASSWORD psql "host=127.0.0.1 port=$PGPORT user=$REPLICA_ROLE dbname=replication replication=true" \
        -Atc "IDENTIFY_SYSTEM" >/dev/null 2>&1
}

prepare_primary() {
    local wal_level
    wal_level=$(psql -d postgres -Atc "show wal_level")
    if [ "$wal_level" = minimal ]; then
        echo "the primary runs with wal_level=minimal: set wal_level=replica and restart it" >&2
        return 1
    fi
    if [ "$(psql -d postgres -Atc "select count(*) from pg_roles where rolname = '$REPLICA_ROLE'")" = 0 ]; then
        log "primary: creating the role $REPLICA_ROLE (LOGIN REPLICATION)"
        primary_superuser "SET password_encryption = 'scram-sha-256'; CREATE ROLE \"$REPLICA_ROLE\" LOGIN REPLICATION PASSWORD '$REPLICA_PASSWORD'"
    fi
    replication_allowed && return 0
    local hba line
    hba=$(psql -d postgres -Atc "show hba_file")
    line="host    replication     $REPLICA_ROLE    127.0.0.1/32    scram-sha-256"
    if [ ! -w "$hba" ]; then
        echo "the primary refuses replication connections of $REPLICA_ROLE from 127.0.0.1; add to its pg_hba.conf:" >&2
        echo "    $line" >&2
        echo "and reload it (SELECT pg_reload_conf())" >&2
        return 1
    fi
    if ! grep -qxF "$line" "$hba"; then
        log "primary: appending to $hba: $line"
        printf '# setup/scale.sh: the local read replica streams with this role\n%s\n' "$line" >> "$hba"
    fi
    primary_superuser "SELECT pg_reload_conf()" >/dev/null
    wait_for 10 replication_allowed || {
        echo "the primary still refuses replication connections of $REPLICA_ROLE (see $hba)" >&2
        return 1
    }
}

replica_settings() {  # exports what the replica's postgresql.conf template needs
    local name
    for name in max_connections max_worker_processes max_prepared_transactions \
        max_locks_per_transaction max_wal_senders; do
        export "PRIMARY_${name^^}=$(psql -d postgres -Atc "show $name")"
    done
    export REPLICA_PORT SCALE_DIR REPLICA_DATA
}

make_replica() {
    local bin=$1
    log "replica: base backup of the primary ($(psql -d postgres -Atc "select pg_size_pretty(sum(pg_database_size(datname))) from pg_database")) into $REPLICA_DATA"
    rm -rf "$REPLICA_DATA"
    install -d -o postgres -g postgres -m 700 "$REPLICA_DATA"
    as_postgres env PGPASSWORD="$REPLICA_PASSWORD" "$bin/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" \
        -U "$REPLICA_ROLE" -D "$REPLICA_DATA" -R -X stream -c fast
    # The primary's access rules (Debian keeps them outside the data directory).
    local hba ident
    hba=$(psql -d postgres -Atc "show hba_file")
    ident=$(psql -d postgres -Atc "show ident_file")
    if [ -r "$hba" ]; then cp "$hba" "$REPLICA_DATA/pg_hba.conf"; else
        printf 'local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n' > "$REPLICA_DATA/pg_hba.conf"
    fi
    if [ -r "$ident" ]; then cp "$ident" "$REPLICA_DATA/pg_ident.conf"; else : > "$REPLICA_DATA/pg_ident.conf"; fi
    chown postgres:postgres "$REPLICA_DATA/pg_hba.conf" "$REPLICA_DATA/pg_ident.conf"
}

start_replica_cluster() {
    local bin=$1
    replica_settings
    # shellcheck disable=SC2016  # the variables envsubst replaces, not the shell
    envsubst '${REPLICA_PORT} ${SCALE_DIR} ${REPLICA_DATA} ${PRIMARY_MAX_CONNECTIONS} ${PRIMARY_MAX_WORKER_PROCESSES} ${PRIMARY_MAX_PREPARED_TRANSACTIONS} ${PRIMARY_MAX_LOCKS_PER_TRANSACTION} ${PRIMARY_MAX_WAL_SENDERS}' \
        < "$TEMPLATES/replica-postgresql.conf.template" > "$REPLICA_DATA/postgresql.conf"
    chown postgres:postgres "$REPLICA_DATA/postgresql.conf"
    install -d -o postgres -g postgres -m 755 "$SCALE_DIR/run"
    : > "$SCALE_DIR/replica.log"
    chown postgres:postgres "$SCALE_DIR/replica.log"
    as_postgres "$bin/pg_ctl" -D "$REPLICA_DATA" -l "$SCALE_DIR/replica.log" -w -t 60 \
        -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$SCALE_DIR/run" \
        start >/dev/null
}

replica_streaming() {
    [ "$(replica_psql "select status from pg_stat_wal_receiver")" = streaming ]
}

replica_segment() {  # the WAL segment the replica's startup process replays
    ps -o args= -u postgres | sed -n 's/.*traceability_replica: startup recovering \([0-9A-F]*\).*/\1/p' | head -1
}

wait_replica() {  # true once the replica streams; false when it cannot catch up
    local last="" segment quiet=0
    while [ $quiet -lt 60 ]; do
        replica_streaming 2>/dev/null && return 0
        # The primary recycled WAL that the replica still needs.
        grep -q "has already been removed" "$SCALE_DIR/replica.log" && return 1
        # Replaying what the primary wrote while it was stopped: wait while it advances.
        segment=$(replica_segment)
        if [ -n "$segment" ] && [ "$segment" != "$last" ]; then
            last=$segment quiet=0
        else
            quiet=$((quiet + 1))
        fi
        sleep 1
    done
    return 1
}

stop_replica() {
    [ -f "$REPLICA_DATA/postmaster.pid" ] || return 0
    local bin
    bin=/usr/lib/postgresql/$(cat "$REPLICA_DATA/PG_VERSION")/bin
    log "stopping the replica"
    as_postgres "$bin/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null 2>&1 || true
}

start_replica() {
    local bin
    bin=$(pg_bin_dir)
    [ "$(id -u)" = 0 ] || { echo "run as root: the replica runs as the postgres OS user" >&2; return 1; }
    prepare_primary
    install -d -m 755 "$SCALE_DIR"
    local fresh=0
    if [ ! -f "$REPLICA_DATA/standby.signal" ]; then
        make_replica "$bin"
        fresh=1
    fi
    start_replica_cluster "$bin"
    if ! wait_replica; then
        [ $fresh = 0 ] || { tail -20 "$SCALE_DIR/replica.log"; echo "the replica does not stream" >&2; return 1; }
        log "replica: cannot catch up with the primary; making it again"
        stop_replica
        make_replica "$bin"
        start_replica_cluster "$bin"
        wait_replica || { tail -20 "$SCALE_DIR/replica.log"; echo "the replica does not stream" >&2; return 1; }
    fi
    log "replica: streaming on 127.0.0.1:$REPLICA_PORT ($(replica_psql "select pg_is_in_recovery()") = in recovery)"
}

# ------------------------------------------------------------------ Odoo
start_odoo() {
    local replica_args=()
    [ $replica = 0 ] || replica_args=(--db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT")
    log "Odoo: $WORKERS workers on 127.0.0.1:$HTTP_PORT, websocket on $GEVENT_PORT, $([ $replica = 1 ] && echo "readonly routes on the replica" || echo "no replica")"
    : > "$SCALE_DIR/odoo.log"
    setsid "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
        --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
        "${replica_args[@]}" \
        -d "$DB_NAME" --db-filter="^${DB_NAME}\$" --no-database-list \
        --workers="$WORKERS" --max-cron-threads="$CRON_WORKERS" --proxy-mode \
        --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --gevent-port="$GEVENT_PORT" \
        --pidfile="$SCALE_DIR/odoo.pid" --logfile="$SCALE_DIR/odoo.log" --log-level="$LOG_LEVEL" \
        < /dev/null > "$SCALE_DIR/odoo.out" 2>&1 &
    wait_for 120 curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" || {
        tail -20 "$SCALE_DIR/odoo.log" "$SCALE_DIR/odoo.out"
        echo "Odoo did not answer on 127.0.0.1:$HTTP_PORT" >&2
        return 1
    }
}

stop_odoo() {
    alive "$SCALE_DIR/odoo.pid" || return 0
    local pid
    pid=$(cat "$SCALE_DIR/odoo.pid")
    log "stopping Odoo (process group $pid)"
    # setsid made the server the leader of its own group: its workers, websocket
    # and cron processes are in it.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$SCALE_DIR/odoo.pid"
}

# ------------------------------------------------------------------ nginx

start_nginx() {
    install_nginx
    local geo="" address
    for address in $NGINX_UNLIMITED; do geo="$geo$address 0; "; done
    # shellcheck disable=SC2016  # the variables envsubst replaces, not the shell
    (
        export ODOO_HOST=127.0.0.1 HTTP_PORT GEVENT_PORT NGINX_LISTEN PUBLIC_RATE PUBLIC_BURST \
            API_RATE API_BURST NGINX_UNLIMITED_GEO="$geo"
        envsubst '${ODOO_HOST} ${HTTP_PORT} ${GEVENT_PORT} ${NGINX_LISTEN} ${PUBLIC_RATE} ${PUBLIC_BURST} ${API_RATE} ${API_BURST} ${NGINX_UNLIMITED_GEO}' \
            < "$TEMPLATES/nginx-odoo.conf.template" > "$SCALE_DIR/nginx-odoo.conf"
    )
    mkdir -p "$SCALE_DIR/nginx-tmp"
    local user_line=""
    [ "$(id -u)" != 0 ] || ! id www-data >/dev/null 2>&1 || user_line="user www-data;"
    cat > "$SCALE_DIR/nginx.conf" <<EOF
# Written by setup/scale.sh: nginx in front of Odoo (see nginx-odoo.conf).
$user_line
worker_processes 2;
pid $SCALE_DIR/nginx.pid;
error_log $SCALE_DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path $SCALE_DIR/nginx-tmp/body;
    proxy_temp_path $SCALE_DIR/nginx-tmp/proxy;
    fastcgi_temp_path $SCALE_DIR/nginx-tmp/fastcgi;
    uwsgi_temp_path $SCALE_DIR/nginx-tmp/uwsgi;
    scgi_temp_path $SCALE_DIR/nginx-tmp/scgi;
    include $SCALE_DIR/nginx-odoo.conf;
}
EOF
    "$(nginx_bin)" -t -q -p "$SCALE_DIR" -c "$SCALE_DIR/nginx.conf"
    log "nginx on $NGINX_LISTEN (public $PUBLIC_RATE burst $PUBLIC_BURST, device API $API_RATE burst $API_BURST${NGINX_UNLIMITED:+, unlimited: $NGINX_UNLIMITED})"
    "$(nginx_bin)" -p "$SCALE_DIR" -c "$SCALE_DIR/nginx.conf"
    local url=http://$NGINX_LISTEN
    [ "${NGINX_LISTEN%:*}" != "$NGINX_LISTEN" ] || url=http://127.0.0.1:$NGINX_LISTEN
    url=${url/0.0.0.0/127.0.0.1}
    wait_for 30 curl -fsS -o /dev/null "$url/web/login" || {
        tail -20 "$SCALE_DIR/nginx-error.log"
        echo "nginx does not answer on $url" >&2
        return 1
    }
    echo "$url" > "$SCALE_DIR/url"
}

stop_nginx() {
    alive "$SCALE_DIR/nginx.pid" || return 0
    log "stopping nginx"
    local pid
    pid=$(cat "$SCALE_DIR/nginx.pid")
    "$(nginx_bin)" -p "$SCALE_DIR" -c "$SCALE_DIR/nginx.conf" -s quit 2>/dev/null || kill -QUIT "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
}

# ------------------------------------------------------------------ actions
status() {
    local running=0
    if alive "$SCALE_DIR/nginx.pid"; then echo "nginx: running, $(cat "$SCALE_DIR/url" 2>/dev/null)"; running=1; else echo "nginx: stopped"; fi
    if alive "$SCALE_DIR/odoo.pid"; then
        echo "Odoo: running, $(grep -cE 'odoo-bin' <(ps -o args= --ppid "$(cat "$SCALE_DIR/odoo.pid")") || true) child processes (workers, websocket, cron)"
        running=1
    else
        echo "Odoo: stopped"
    fi
    if [ -f "$REPLICA_DATA/postmaster.pid" ] && replica_psql "select 1" >/dev/null 2>&1; then
        echo "replica: running on 127.0.0.1:$REPLICA_PORT, $(replica_psql "select status from pg_stat_wal_receiver"), $(psql -d postgres -Atc "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$(replica_psql "select pg_last_wal_replay_lsn()")')") bytes of WAL behind the primary"
        running=1
    else
        echo "replica: stopped"
    fi
    [ $running = 1 ]
}

stop_all() {
    stop_nginx
    stop_odoo
    stop_replica
}

case "$action" in
    stop) stop_all ;;
    status) status ;;
    start)
        have_odoo_tree || { echo "No Odoo 18.0 tree at \$ODOO_SRC or /opt/odoo" >&2; exit 2; }
        [ -x "$VENV/bin/python" ] || bash "$PROJECT_DIR/setup/install.sh"
        install_nginx
        mkdir -p "$SCALE_DIR"
        stop_all
        ensure_database
        if [ $replica = 1 ]; then start_replica; fi
        start_odoo
        start_nginx
        log "serving database $DB_NAME at $(cat "$SCALE_DIR/url")/odoo (admin / admin); setup/scale.sh stop stops it"
        ;;
esac
