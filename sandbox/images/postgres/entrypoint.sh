#!/bin/sh
# xingrin-postgres stand-in. Behaves like the official image where a deployment can see it:
#  - first start on an empty $PGDATA "initializes a cluster" (PG_VERSION + a cluster-id marker)
#    and, like the real image, refuses to do so without POSTGRES_PASSWORD;
#  - later starts keep the existing data (a replaced container must find the same cluster id);
#  - every start appends a line to $PGDATA/standin-starts.log;
#  - accepts TCP connections on 5432 (published for remote workers), which pg_isready checks.
. /usr/local/lib/standin.sh
PGDATA=${PGDATA:-/var/lib/postgresql/data}
mkdir -p "$PGDATA"
if [ -s "$PGDATA/PG_VERSION" ]; then
  log "PostgreSQL Database directory appears to contain a database; Skipping initialization ($(head -n1 "$PGDATA/xingrin-standin-cluster" 2>/dev/null))"
else
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    log "Error: Database is uninitialized and superuser password is not specified (set POSTGRES_PASSWORD)"
    exit 1
  fi
  cluster_id="cluster-$(date +%s)-$$-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  {
    echo "$cluster_id"
    echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ) by_image=$STANDIN_VERSION"
    echo "db=${POSTGRES_DB:-${POSTGRES_USER:-postgres}} user=${POSTGRES_USER:-postgres}"
  } >"$PGDATA/xingrin-standin-cluster"
  echo 15 >"$PGDATA/PG_VERSION"
  log "initialized new cluster $cluster_id in $PGDATA"
fi
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) started image=$STANDIN_VERSION hostname=$(hostname)" >>"$PGDATA/standin-starts.log"
log "database system is ready to accept connections (port 5432)"
# Each connection gets a handler that closes at once: enough for TCP readiness checks.
serve nc -ll -p 5432 -e /bin/true
