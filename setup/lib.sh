# shellcheck shell=bash
# Bootstrap shared by ./setup/run and ./setup/test. Every step checks first and skips
# what is already done, so a second run takes seconds.
#
# Settings (environment variables):
#   ODOO_PATH      Odoo 18.0 source tree. Default: $ROMS_HOME/odoo-18.0, cloned from the
#                  official 18.0 branch when missing.
#   ROMS_HOME      Where ROMS keeps things outside the repository.
#                  Default: ${XDG_DATA_HOME:-$HOME/.local/share}/roms
#   PGHOST PGPORT PGUSER PGPASSWORD
#                  A running PostgreSQL server to use. When none answers, a project-local
#                  cluster is created in .pgdata/ and started on PGPORT (default 5432),
#                  listening on a Unix socket only.
#   ROMS_DB        Database served by ./setup/run. Default: roms
#   ROMS_HTTP_PORT Port served by ./setup/run. Default: 8069
set -euo pipefail

ROMS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROMS_HOME="${ROMS_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/roms}"
ODOO_PATH="${ODOO_PATH:-$ROMS_HOME/odoo-18.0}"
ODOO_REPO_URL="${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}"
VENV="$ROMS_ROOT/.venv"
PY="$VENV/bin/python"
ODOO_CONF="$ROMS_ROOT/.odoo.conf"
ROMS_ADDONS="roms_crm,roms_whatsapp,roms_loyalty,roms_reports"

say() { printf '\033[1;32m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $*"
    fi
}

# --- Debian packages ------------------------------------------------------------
ensure_debian_packages() {
    # $@: packages needed on top of the base set
    # psycopg2 builds against libpq; the other Python packages come as wheels.
    local wanted=(git build-essential python3-dev python3-venv libpq-dev postgresql-client "$@")
    local missing=() p
    command -v dpkg-query >/dev/null || { say "not a Debian system: skipping system packages"; return; }
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    say "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- Odoo source -----------------------------------------------------------------
ensure_odoo() {
    if [ ! -f "$ODOO_PATH/odoo/release.py" ]; then
        [ -e "$ODOO_PATH" ] && [ -n "$(ls -A "$ODOO_PATH" 2>/dev/null)" ] \
            && die "$ODOO_PATH exists but holds no Odoo source tree; set ODOO_PATH"
        say "cloning Odoo 18.0 into $ODOO_PATH (shallow, takes a few minutes)"
        mkdir -p "$(dirname "$ODOO_PATH")"
        git clone --depth 1 --branch 18.0 "$ODOO_REPO_URL" "$ODOO_PATH"
    fi
    grep -q "^version_info = (18, 0," "$ODOO_PATH/odoo/release.py" \
        || die "$ODOO_PATH is not Odoo 18.0 (see $ODOO_PATH/odoo/release.py)"
}

# --- Python environment ------------------------------------------------------------
ensure_venv() {
    local python="${PYTHON:-}"
    if [ -z "$python" ]; then
        for python in python3.11 python3.12 python3; do command -v "$python" >/dev/null && break; done
    fi
    "$python" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' \
        || die "Odoo 18.0 needs Python 3.10-3.12; set PYTHON to one"
    [ -x "$PY" ] || { say "creating $VENV"; "$python" -m venv "$VENV"; }
    # Reinstall only when the pinned lists change.
    local stamp="$VENV/.roms-requirements" want
    # (only the two lists installed here: requirements-load.txt is .venv-load's)
    want="$(cat "$ROMS_ROOT"/setup/requirements-{odoo,roms}.txt | sha1sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "installing Python packages (setup/requirements-{odoo,roms}.txt)"
        "$PY" -m pip install -q --disable-pip-version-check --upgrade pip wheel setuptools 2>&1 | grep -v "^WARNING: Location" || true
        # a registry that times out once does not fail the set-up: up to three tries
        local try pip_log="$VENV/.pip-install.log"
        for try in 1 2 3; do
            "$PY" -m pip install --disable-pip-version-check \
                -r "$ROMS_ROOT/setup/requirements-odoo.txt" \
                -r "$ROMS_ROOT/setup/requirements-roms.txt" >"$pip_log" 2>&1 \
                && "$PY" -c "import psycopg2, lxml, phonenumbers, xlsxwriter, pytest, websocket, hypothesis" \
                && break
            [ "$try" = 3 ] && { grep -v "^WARNING: Location" "$pip_log" | tail -n 30 >&2; die "Python packages failed to install (see $pip_log)"; }
            say "pip install failed (try $try of 3), trying again"
            sleep 5
        done
        echo "$want" >"$stamp"
    fi
    # Make `import odoo` work inside the venv (pytest-odoo needs it).
    local site
    site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    [ "$(cat "$site/odoo-source.pth" 2>/dev/null)" = "$ODOO_PATH" ] || echo "$ODOO_PATH" >"$site/odoo-source.pth"
}

# --- PostgreSQL --------------------------------------------------------------------
PGDATA_LOCAL="$ROMS_ROOT/.pgdata"

pg_answers() { pg_isready -q -t 3 "$@" >/dev/null 2>&1; }

ensure_postgres() {
    DB_HOST="${PGHOST:-127.0.0.1}"
    DB_PORT="${PGPORT:-5432}"
    DB_USER="${PGUSER:-$(id -un)}"
    DB_PASSWORD="${PGPASSWORD:-}"
    if [ "${ROMS_LOCAL_PG:-}" != 1 ] && pg_answers -h "$DB_HOST" -p "$DB_PORT"; then
        [ "$DB_USER" = postgres ] && die "Odoo refuses to connect as 'postgres': set PGUSER to another role"
        PG_MODE=server
    else
        say "no PostgreSQL answers on $DB_HOST:$DB_PORT: using the project-local cluster in .pgdata/"
        start_local_cluster
        DB_HOST="$PGDATA_LOCAL/socket"
        DB_USER=roms
        DB_PASSWORD=""
        PG_MODE=local
    fi
    export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
    [ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
    psql -d postgres -tAc "select 1" >/dev/null 2>&1 \
        || die "cannot connect to PostgreSQL at $DB_HOST:$DB_PORT as $DB_USER"
}

pg_bindir() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
    [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
    return 1
}

start_local_cluster() {
    local bindir run=()
    bindir="$(pg_bindir)" || { ensure_debian_packages postgresql; bindir="$(pg_bindir)"; } \
        || die "PostgreSQL server binaries not found"
    if [ "$(id -u)" -eq 0 ]; then
        # initdb and postgres refuse to run as root: the cluster belongs to the
        # unprivileged 'postgres' user (created by Debian's PostgreSQL packages).
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
        run=(runuser -u postgres --)
        mkdir -p "$PGDATA_LOCAL"
        chown postgres: "$PGDATA_LOCAL"
        runuser -u postgres -- test -w "$PGDATA_LOCAL" \
            || die "user postgres cannot reach $PGDATA_LOCAL (a parent folder is private); clone the project elsewhere or start PostgreSQL yourself"
    fi
    if [ ! -f "$PGDATA_LOCAL/data/PG_VERSION" ]; then
        say "initialising PostgreSQL cluster in $PGDATA_LOCAL/data"
        "${run[@]}" mkdir -p "$PGDATA_LOCAL/data" "$PGDATA_LOCAL/socket"
        "${run[@]}" "$bindir/initdb" -D "$PGDATA_LOCAL/data" -U roms --auth=trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null
    fi
    if ! pg_answers -h "$PGDATA_LOCAL/socket" -p "$DB_PORT"; then
        say "starting PostgreSQL (socket $PGDATA_LOCAL/socket, port $DB_PORT)"
        "${run[@]}" "$bindir/pg_ctl" -D "$PGDATA_LOCAL/data" -l "$PGDATA_LOCAL/postgres.log" -w \
            -o "-c listen_addresses='' -k $PGDATA_LOCAL/socket -p $DB_PORT -c fsync=off" start >/dev/null \
            || die "PostgreSQL did not start, see $PGDATA_LOCAL/postgres.log"
    fi
}

# --- Odoo configuration --------------------------------------------------------------
write_odoo_conf() {
    local http_port="${ROMS_HTTP_PORT:-8069}"
    mkdir -p "$ROMS_ROOT/.data"
    cat >"$ODOO_CONF.new" <<CONF
; Written by setup/lib.sh on every run; edit the environment variables instead.
[options]
addons_path = $ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$ROMS_ROOT,$ROMS_ROOT/tests
data_dir = $ROMS_ROOT/.data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
http_interface = ${ROMS_HTTP_INTERFACE:-127.0.0.1}
http_port = $http_port
admin_passwd = ${ROMS_MASTER_PASSWORD:-admin}
list_db = True
CONF
    if cmp -s "$ODOO_CONF.new" "$ODOO_CONF"; then rm "$ODOO_CONF.new"; else mv "$ODOO_CONF.new" "$ODOO_CONF"; fi
}

# --- Production configuration (./setup/run --prod) -----------------------------------
# Settings (environment variables), on top of the ones above:
#   ROMS_MASTER_PASSWORD  the database manager's master password: required, at least
#                         12 characters, not "admin"
#   ROMS_PROD_CONF        the configuration file written. Default: .odoo-prod.conf
#   ROMS_WORKERS          HTTP worker processes. Default: 2 × CPUs + 1
#   ROMS_CRON_WORKERS     cron worker processes. Default: 2
#   ROMS_GEVENT_PORT      port of the live chat's websocket process. Default: 8072
#   ROMS_LOG_DIR          where odoo.log is written. Default: .data/log
#   ROMS_LIMIT_MEMORY_SOFT / ROMS_LIMIT_MEMORY_HARD   bytes per worker (2 GiB / 2.5 GiB)
#   ROMS_LIMIT_TIME_CPU / ROMS_LIMIT_TIME_REAL        seconds per request (600 / 1200)
#   ROMS_LIMIT_TIME_REAL_CRON                          seconds per cron job (3600)
#   ROMS_DB_REPLICA_HOST / ROMS_DB_REPLICA_PORT        a streaming replica of the database
#                         server for the read-only requests (db_replica_host); set by
#                         ./setup/run --prod --replica to the pair of ./setup/replica
ROMS_PROD_CONF="${ROMS_PROD_CONF:-$ROMS_ROOT/.odoo-prod.conf}"

check_master_password() {
    local password="${ROMS_MASTER_PASSWORD:-}"
    [ -n "$password" ] || die "set ROMS_MASTER_PASSWORD (the database manager's master password) to serve in production"
    [ "$password" != admin ] || die "ROMS_MASTER_PASSWORD must not be Odoo's default 'admin'"
    [ "${#password}" -ge 12 ] || die "ROMS_MASTER_PASSWORD needs at least 12 characters"
}

write_odoo_prod_conf() {
    # $1: the one database served
    local db="$1" cpus log_dir
    cpus="$(nproc 2>/dev/null || echo 1)"
    log_dir="${ROMS_LOG_DIR:-$ROMS_ROOT/.data/log}"
    mkdir -p "$ROMS_ROOT/.data" "$log_dir"
    (
        umask 077
        cat >"$ROMS_PROD_CONF" <<CONF
; Written by ./setup/run --prod on every start; edit the environment variables instead.
[options]
addons_path = $ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$ROMS_ROOT
data_dir = $ROMS_ROOT/.data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
; the one database served: without a dbfilter, Odoo takes db_name as the list of
; databases and does not open a connection to 'postgres' to list them on every
; request that has no session (webhooks, the order API)
db_name = $db
list_db = False
admin_passwd = $ROMS_MASTER_PASSWORD
proxy_mode = True
http_interface = ${ROMS_HTTP_INTERFACE:-127.0.0.1}
http_port = ${ROMS_HTTP_PORT:-8069}
gevent_port = ${ROMS_GEVENT_PORT:-8072}
workers = ${ROMS_WORKERS:-$((cpus * 2 + 1))}
max_cron_threads = ${ROMS_CRON_WORKERS:-2}
limit_memory_soft = ${ROMS_LIMIT_MEMORY_SOFT:-2147483648}
limit_memory_hard = ${ROMS_LIMIT_MEMORY_HARD:-2684354560}
limit_time_cpu = ${ROMS_LIMIT_TIME_CPU:-600}
limit_time_real = ${ROMS_LIMIT_TIME_REAL:-1200}
limit_time_real_cron = ${ROMS_LIMIT_TIME_REAL_CRON:-3600}
limit_request = 65536
logfile = $log_dir/odoo.log
log_level = info
without_demo = all
CONF
        if [ -n "${ROMS_DB_REPLICA_HOST:-}" ]; then
            # read-only requests (@api.readonly methods, readonly routes) on the replica
            cat >>"$ROMS_PROD_CONF" <<CONF
db_replica_host = $ROMS_DB_REPLICA_HOST
db_replica_port = ${ROMS_DB_REPLICA_PORT:-$DB_PORT}
CONF
        fi
    )
}

odoo() { "$PY" "$ODOO_PATH/odoo-bin" -c "$ODOO_CONF" "$@"; }

db_exists() { [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" = 1 ]; }

# The database is ready when every ROMS addon is installed.
db_ready() {
    db_exists "$1" && [ "$(psql -d "$1" -tAc "select count(*) from ir_module_module where state = 'installed' and name in ('$(echo "$ROMS_ADDONS" | sed "s/,/','/g")')" 2>/dev/null)" = 4 ]
}

bootstrap() {
    # $@: extra Debian packages
    ensure_debian_packages "$@"
    ensure_odoo
    ensure_venv
    ensure_postgres
    write_odoo_conf
}
