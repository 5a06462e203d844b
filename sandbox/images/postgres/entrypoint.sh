#!/bin/sh
# xingrin-postgres stand-in: Debian's PostgreSQL 15, started the way the official postgres image's
# entrypoint starts it, which is what XingRin's image (postgres:15 + pg_ivm) is:
#  - an empty $PGDATA is initialized once: superuser POSTGRES_USER with POSTGRES_PASSWORD
#    (refused without one, unless POSTGRES_HOST_AUTH_METHOD=trust), database POSTGRES_DB, then
#    /docker-entrypoint-initdb.d/*.sh and *.sql; password auth for every TCP client;
#  - a $PGDATA that holds a cluster is used as it is: POSTGRES_PASSWORD then changes nothing;
#  - arguments are passed to postgres (`postgres -c shared_preload_libraries=...`).
# pg_ivm, the extension XingRin's image adds, is not in Debian: a preload of exactly pg_ivm (what
# XingRin's compose passes) becomes the setting `xingrin.preloaded = pg_ivm`, which
# `SHOW xingrin.preloaded` reads back, so a deployment that forgets the preload is visible. Any
# other preload reaches postgres as it is, and a library it lacks fails the start, as it would.
set -eu
. /usr/local/lib/standin.sh
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA
case "${1:-postgres}" in -*) set -- postgres "$@" ;; esac
[ $# -gt 0 ] || set -- postgres
[ "$1" = postgres ] || exec "$@"

# As root: own the data and socket directories, then run as postgres (the image's gosu step).
# A stop is postgres's fast shutdown (SIGINT), the official image's STOPSIGNAL: SIGTERM would
# wait for every client to leave.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 2775 /var/run/postgresql
  supervise INT setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ -s "$PGDATA/PG_VERSION" ]; then
  log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
else
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    log "Error: Database is uninitialized and superuser password is not specified (set POSTGRES_PASSWORD)"
    exit 1
  fi
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >/dev/null
  rm -f "$pwfile"
  echo "host all all all ${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  # A private server on the socket only, for the set-up, as the official image does.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -q -v db="$db" <<'SQL'
CREATE DATABASE :"db";
SQL
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) log "running $f"; POSTGRES_USER=$user POSTGRES_DB=$db sh "$f" ;;
      *.sql) log "running $f"; psql -v ON_ERROR_STOP=1 --username "$user" --dbname "$db" -q -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "PostgreSQL init process complete; ready for start up"
fi
shift
for arg; do
  shift
  case "$arg" in shared_preload_libraries=pg_ivm) arg=xingrin.preloaded=pg_ivm ;; esac
  set -- "$@" "$arg"
done
exec postgres "$@"
