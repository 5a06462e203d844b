# Sourced by the server stand-in: its database, as XingRin's Django settings read it (DB_HOST,
# DB_PORT, DB_NAME, DB_USER, DB_PASSWORD). The password reaches psql through its environment,
# never its command line.
export PGHOST=${DB_HOST:-localhost} PGPORT=${DB_PORT:-5432} PGDATABASE=${DB_NAME:-xingrin}
export PGUSER=${DB_USER:-postgres} PGPASSWORD=${DB_PASSWORD:-} PGCONNECT_TIMEOUT=5

# sql: run the SQL on stdin, print rows unaligned without headers; fails on the first error.
# psql variables can be given as -v NAME=VALUE and used as :'NAME' (quoted by psql).
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

MIGRATIONS_DIR=/app/migrations

# image_migrations: this image's migrations in order, as "app.name". A migration file says the
# release that brought it (`-- since: v1.2.0`); an image holds those up to its own version.
image_migrations() {
  local f since
  for f in "$MIGRATIONS_DIR"/*.sql; do
    since=$(sed -n 's/^-- since: *//p' "$f" | head -n1)
    if [ "$(printf '%s\n%s\n' "$since" "$STANDIN_VERSION" | sort -V | head -n1)" = "$since" ]; then
      basename "$f" .sql
    fi
  done
}

# applied_migrations: what the database has applied, as "app.name", one per line.
applied_migrations() {
  echo "SELECT to_regclass('django_migrations') IS NOT NULL" | sql | grep -q t || return 0
  echo "SELECT app || '.' || name FROM django_migrations ORDER BY id" | sql
}

# scan_target_column: the column this version reads a scan's target from (v1.2.0's migration
# engine.0002 renamed it).
scan_target_column() {
  if image_migrations | grep -qx engine.0002_scan_target_name; then echo target_name; else echo target; fi
}

# XingRin's scheduler (contract §5): every Django process without SERVER_URL starts an APScheduler
# (backend/apps/engine/apps.py:14-17) whose jobs run every minute, with no lock between processes.
# Modelled as a tick that the process writes into standin_scheduler_tick (a table of the stand-in's
# own, not XingRin's) while its scheduler runs, so a test can read how many schedulers ran, and
# when: a tick every STANDIN_SCHEDULER_SECONDS for a server, one for a manage.py command.
scheduler_tick() {
  printf '%s\n' "CREATE TABLE IF NOT EXISTS standin_scheduler_tick (id bigserial PRIMARY KEY, process text NOT NULL, at timestamptz NOT NULL DEFAULT now());" \
    "INSERT INTO standin_scheduler_tick (process) VALUES (:'process');" | sql -v process="$1" >/dev/null 2>&1 || true
}
scheduler_loop() {
  log "scheduler started (no SERVER_URL: this process runs XingRin's scheduled jobs)"
  while :; do scheduler_tick "$(hostname) server"; sleep "${STANDIN_SCHEDULER_SECONDS:-2}"; done
}
