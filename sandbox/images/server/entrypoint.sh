#!/bin/sh
# xingrin-server stand-in: XingRin's start sequence (docker/server/start.sh, under set -e): the
# database migrations first, and the API on port 8888 only once they succeed; without SERVER_URL,
# the scheduler (lib/server-db.sh) beside it. A failed migration
# (database unreachable, wrong password, a schema it cannot apply) exits the container, and
# `restart: always` tries again, as with XingRin.
# busybox httpd serves /www; every API path ends in "/" and has no index.html, so httpd hands
# it to /www/cgi-bin/index.cgi (busybox's directory-index CGI fallback), which routes it.
. /usr/local/lib/standin.sh
log "migrate --noinput (DB_HOST=${DB_HOST:-unset}, DB_NAME=${DB_NAME:-unset})"
python manage.py migrate --noinput || { log "migrate failed: exiting"; exit 1; }
. /usr/local/lib/server-db.sh
# uvicorn's Django process starts the scheduler unless SERVER_URL is set (contract §5).
if [ -z "${SERVER_URL:-}" ]; then scheduler_loop & fi
log "listening on :8888 (IMAGE_TAG=${IMAGE_TAG:-unset}, REDIS_HOST=${REDIS_HOST:-unset})"
serve httpd -f -p 8888 -h /www
