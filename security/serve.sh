#!/usr/bin/env bash
# A production-like portal for security/attack.py, on this machine only:
#   PostgreSQL 127.0.0.1:5432 (a database of its own, label_sec_attack, made afresh),
#   Redis 127.0.0.1:6379 (database 5), gunicorn with config.settings.production (DEBUG off)
#   on 127.0.0.1:8791, and a second gunicorn whose REDIS_URL points at a closed port, on
#   127.0.0.1:8792 (the portal with Redis away).
# The demo data is seeded first with the local settings (seed_demo refuses DEBUG off).
# Usage: security/serve.sh start | stop      (pids and logs in /tmp/label-sec/)
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=/tmp/label-sec
DB=label_sec_attack
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export OTP_ENCRYPTION_KEY="bGFiZWwtZXVyYWxlbnMtbG9jYWwtZGV2LWtleS0zMmI="  # the local demo key
export MEDIA_ROOT="${STATE}/media"
export STATIC_ROOT="${STATE}/static"

production_env() {
    export DJANGO_SETTINGS_MODULE=config.settings.production
    export SECRET_KEY="attack-run-only-$(printf 'x%.0s' $(seq 1 60))"
    export ALLOWED_HOSTS="localhost,127.0.0.1"
    export CSRF_TRUSTED_ORIGINS="https://localhost:8791,https://localhost:8791,https://127.0.0.1:8791,https://127.0.0.1:8792"
    export SITE_URL="https://127.0.0.1:8791"
    export EMAIL_URL="console://"
    # One reverse proxy of ours in front (docs/deployment.md): the attack sends X-Forwarded-*
    # as nginx would, and forges them too.
    export TRUSTED_PROXY_COUNT=1
    export ACCESSIBILITY_CONTACT_EMAIL=a@example.org DATA_PROTECTION_CONTACT_EMAIL=d@example.org
    export DATA_PROTECTION_CONTACT_ADDRESS="1 rue du Test" LEGAL_PUBLISHER_DETAILS="Test"
    export LEGAL_HOST_DETAILS="Test" PRIVACY_PROCESSORS="Test" LOG_LEVEL=WARNING
}

port_free() {
    ! ss -ltn | awk '{print $4}' | grep -qE ":$1\$"
}

start() {
    mkdir -p "$STATE"
    # Never attack somebody else's server: both ports must be free before anything starts.
    for port in 8791 8792; do
        port_free "$port" || { echo "port $port is already in use: not starting" >&2; exit 1; }
    done
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${DB}" postgres
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE ${DB}" postgres
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py migrate -v0
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py seed_demo \
        > "$STATE/seed.log"
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python security/attack.py --prepare
    (
        production_env
        .venv/bin/python manage.py collectstatic --no-input -v0
        export REDIS_URL="redis://127.0.0.1:6379/5"
        .venv/bin/gunicorn config.wsgi --bind 127.0.0.1:8791 --workers 2 \
            --worker-class gthread --threads 4 --daemon --pid "$STATE/web.pid" \
            --error-logfile "$STATE/web.log"
        export REDIS_URL="redis://127.0.0.1:6390/5"  # nothing listens there
        .venv/bin/gunicorn config.wsgi --bind 127.0.0.1:8792 --workers 1 \
            --worker-class gthread --threads 4 --daemon --pid "$STATE/noredis.pid" \
            --error-logfile "$STATE/noredis.log"
    )
    sleep 3
    echo "web on 127.0.0.1:8791 (pid $(cat "$STATE/web.pid")), without Redis on 127.0.0.1:8792 (pid $(cat "$STATE/noredis.pid"))"
}

stop() {
    for name in web noredis; do
        if [ -f "$STATE/$name.pid" ]; then
            kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
            rm -f "$STATE/$name.pid"
        fi
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
