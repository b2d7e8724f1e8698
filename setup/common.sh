#!/usr/bin/env bash
# Shared settings and helpers for setup/install, setup/run and setup/test.
# Every setting can be overridden through the environment (see README.md).

set -euo pipefail

ISO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ISO_VENV="${ISO_VENV:-$ISO_ROOT/.venv}"
ISO_PYTHON="${ISO_PYTHON:-}"
ISO_CACHE="${ISO_CACHE:-$ISO_ROOT/.cache}"
ODOO_NIGHTLY_URL="https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
ISO_DB_HOST="${ISO_DB_HOST:-${PGHOST:-127.0.0.1}}"
ISO_DB_PORT="${ISO_DB_PORT:-${PGPORT:-5432}}"
ISO_DB_USER="${ISO_DB_USER:-${PGUSER:-$(id -un)}}"
ISO_DB_PASSWORD="${ISO_DB_PASSWORD:-${PGPASSWORD:-}}"
ISO_DB_NAME="${ISO_DB_NAME:-iso_records}"
ISO_HTTP_PORT="${ISO_HTTP_PORT:-8069}"
# Served by setup/run: 0 workers is Odoo's threaded mode; more is prefork mode, with the websocket
# (gevent) worker on ISO_GEVENT_PORT and ISO_MAX_CRON_THREADS cron worker processes.
ISO_WORKERS="${ISO_WORKERS:-0}"
ISO_MAX_CRON_THREADS="${ISO_MAX_CRON_THREADS:-1}"
ISO_GEVENT_PORT="${ISO_GEVENT_PORT:-8072}"
ISO_PROXY_MODE="${ISO_PROXY_MODE:-0}"
ISO_ADDONS="iso_records,iso_records_audit,iso_records_capa"
# Test-only addons (tests/addons): installed by setup/test beside the product, never by setup/run.
ISO_TEST_ADDONS="iso_records_test_contract"
ISO_ODOO_LINK="$ISO_VENV/odoo-source"

say() { printf '[iso-records] %s\n' "$*"; }
die() { printf '[iso-records] ERROR: %s\n' "$*" >&2; exit 1; }

export PGHOST="$ISO_DB_HOST" PGPORT="$ISO_DB_PORT" PGUSER="$ISO_DB_USER"
[ -n "$ISO_DB_PASSWORD" ] && export PGPASSWORD="$ISO_DB_PASSWORD"

# The Odoo source tree the virtual environment was installed from.
odoo_source_dir() {
    [ -e "$ISO_ODOO_LINK/odoo-bin" ] || die "Odoo is not installed in $ISO_VENV; run setup/install first."
    readlink -f "$ISO_ODOO_LINK"
}

venv_python() { printf '%s/bin/python' "$ISO_VENV"; }

# Fails in seconds, with one line, when PostgreSQL cannot be reached.
# A local cluster that is installed but down is started first.
check_postgres() {
    command -v pg_isready >/dev/null 2>&1 || die "pg_isready not found: install the PostgreSQL client (Debian: apt-get install postgresql-client)."
    if pg_isready -q -t 3 -h "$ISO_DB_HOST" -p "$ISO_DB_PORT"; then
        return 0
    fi
    case "$ISO_DB_HOST" in
        127.0.0.1|localhost|::1|/*)
            if [ "${ISO_START_POSTGRES:-1}" != 0 ] && command -v pg_lsclusters >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
                local version cluster port status started=""
                while read -r version cluster port status _; do
                    [ "$port" = "$ISO_DB_PORT" ] && [ "$status" = "down" ] || continue
                    say "PostgreSQL $version/$cluster on port $port is down: starting it"
                    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >/dev/null 2>&1 && started=1
                done < <(pg_lsclusters -h 2>/dev/null)
                if [ -n "$started" ]; then
                    for _ in 1 2 3 4 5; do
                        pg_isready -q -t 2 -h "$ISO_DB_HOST" -p "$ISO_DB_PORT" && return 0
                        sleep 1
                    done
                fi
            fi
            ;;
    esac
    die "PostgreSQL is not reachable at $ISO_DB_HOST:$ISO_DB_PORT (user $ISO_DB_USER): start it, or set ISO_DB_HOST / ISO_DB_PORT / ISO_DB_USER."
}

database_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]
}

# Writes the Odoo configuration used by run and test from the template.
# A third argument adds more addons folders (setup/test: the test-only addons).
write_odoo_conf() {
    local target="$1" db_name="$2" extra_addons="${3:-}"
    local source_dir
    source_dir="$(odoo_source_dir)"
    mkdir -p "$(dirname "$target")"
    sed -e "s|@ADDONS_PATH@|$source_dir/odoo/addons,$source_dir/addons,$ISO_ROOT${extra_addons:+,$extra_addons}|" \
        -e "s|@DB_HOST@|$ISO_DB_HOST|" \
        -e "s|@DB_PORT@|$ISO_DB_PORT|" \
        -e "s|@DB_USER@|$ISO_DB_USER|" \
        -e "s|@DB_PASSWORD@|${ISO_DB_PASSWORD:-False}|" \
        -e "s|@DB_NAME@|$db_name|" \
        -e "s|@HTTP_PORT@|$ISO_HTTP_PORT|" \
        -e "s|@DATA_DIR@|$ISO_CACHE/filestore|" \
        "$ISO_ROOT/setup/odoo.conf.template" > "$target"
}

ensure_installed() {
    "$ISO_ROOT/setup/install"
}
