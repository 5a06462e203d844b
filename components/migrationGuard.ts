import { IMAGE_LABEL, SERVICE_LABEL, STACK_LABEL } from "./labels";
import { SERVER_PORT } from "./serverEnvironment";
import { shellQuote } from "./workerScripts";

/** Where snapshots go, below XingRin's data directory on the main server. */
export const SNAPSHOT_SUBDIR = "db-snapshots";
/** A snapshot's file: "<version it belongs to>-<UTC time>.dump", its migrations beside it in ".migrations". */
export const SNAPSHOT_NAME = /^(v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)-(\d{8}T\d{6}Z)\.dump$/;

export interface MigrationGuardArgs {
    /** The tag this update deploys. */
    targetTag: string;
    /** The new server's image, asked for its migration plan. */
    serverImage: string;
    /** The postgres image, for the one-off containers that write, list and remove snapshot files. */
    postgresImage: string;
    /** The running postgres container. */
    postgres: string;
    database: { host: string; port: number; name: string; user: string };
    network: string;
    /** "<project>/<stack>", as the containers' labels carry it. */
    stack: string;
    /** The snapshot directory on the main server (dataDir/db-snapshots). */
    snapshotDir: string;
    /** Snapshots kept, newest first (keepVersions). */
    keepSnapshots: number;
    /** In a takeover: the compose project whose server runs the version before this one. */
    composeProject?: string;
}

/** The role the one-off plan container reads the migration ledger as; it exists only while the step runs. */
export const PLAN_ROLE = "xingrin_migration_plan";

/**
 * Shell run before the new server starts, and before postgres is replaced, against the running
 * database (none yet: nothing to check). XingRin's server runs
 * `migrate` when it starts, migrations only move forward, and an older server cannot read a newer
 * schema (contract §5, §11). So the step compares what the new image knows (`showmigrations
 * --plan`, in a one-off container that has SERVER_URL set, which keeps Django's scheduler from
 * starting) with what the database has applied (django_migrations):
 * - the database has migrations the new image does not know: a rollback past a migration. Refused
 *   before anything changes, naming the snapshot that fits and the command that restores it;
 * - the new image will migrate: the old servers and the scheduler stop (the site is down until the new server has
 *   migrated), then pg_dump takes the snapshot, labelled with the version it belongs to. A failed
 *   snapshot starts them again. Snapshots beyond keepSnapshots are removed, oldest first;
 * - nothing to migrate: old and new servers overlap as in any update (zero downtime).
 * The step needs no databasePassword, so it works whatever password the database has when it runs
 * (a rotation sets the new one only later): psql and pg_dump run inside the postgres container over
 * its local socket, which the image trusts, and the one-off server reads the ledger as PLAN_ROLE, made
 * for the step with a random password that travels in environment variables only, and dropped after.
 */
export function migrationGuardScript(args: MigrationGuardArgs): string {
    const db = args.database;
    const stackName = args.stack.split("/").pop() ?? args.stack;
    const psql = `docker exec -i "$pg" psql -X -q -t -A -v ON_ERROR_STOP=1 -U ${shellQuote(db.user)} -d ${shellQuote(db.name)}`;
    const oneOff = 'docker run --rm -v "$dir:/snapshots" "$pgimage"';
    return [
        "set -eu",
        `target=${shellQuote(args.targetTag)} image=${shellQuote(args.serverImage)} pgimage=${shellQuote(args.postgresImage)}`,
        `pg=${shellQuote(args.postgres)} network=${shellQuote(args.network)} dir=${shellQuote(args.snapshotDir)}`,
        `stack=${shellQuote(args.stack)} stackname=${shellQuote(stackName)} keep=${args.keepSnapshots}`,
        // POSIX sh (the command provider runs `sh -c`): files instead of process substitution.
        `plan_role=${PLAN_ROLE}`,
        'tmp=$(mktemp -d)',
        'err=$tmp/err known_file=$tmp/known',
        `drop_plan_role() { printf '%s\\n' ${shellQuote(`DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${PLAN_ROLE}') THEN ` +
            `DROP OWNED BY ${PLAN_ROLE}; DROP ROLE ${PLAN_ROLE}; END IF; END $$;`)} | ${psql} >/dev/null 2>&1 || true; }`,
        'cleanup() { drop_plan_role; rm -rf "$tmp"; }',
        "trap cleanup EXIT",
        "",
        ...(args.composeProject === undefined ? [] : [
            // Taking over: until the program's postgres starts, compose's holds the database.
            'if [ "$(docker inspect --format \'{{.State.Running}}\' "$pg" 2>/dev/null)" != true ]; then',
            `  pg=$(docker ps --filter label=com.docker.compose.project=${shellQuote(args.composeProject)} ` +
                "--filter label=com.docker.compose.service=postgres --format '{{.Names}}' | head -n 1)",
            "fi",
        ]),
        'if [ "$(docker inspect --format \'{{.State.Running}}\' "$pg" 2>/dev/null)" != true ]; then',
        '  echo "migrations: no database runs yet; $target creates its schema"',
        "  exit 0",
        "fi",
        `if [ "$(echo "SELECT to_regclass('django_migrations') IS NOT NULL" | ${psql})" != t ]; then`,
        '  echo "migrations: a new database; $target creates its schema"',
        "  exit 0",
        "fi",
        `ledger=$(echo "SELECT app || '.' || name FROM django_migrations ORDER BY id" | ${psql})`,
        // The new image's own view: every migration it has, [X] applied or [ ] pending.
        "DB_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \\n'); export DB_PASSWORD",
        "drop_plan_role",
        `printf '%s\\n' '\\getenv pw DB_PASSWORD' "CREATE ROLE $plan_role LOGIN PASSWORD :'pw';" "GRANT SELECT ON django_migrations TO $plan_role;" | ` +
            psql.replace('docker exec -i "$pg"', 'docker exec -i -e DB_PASSWORD "$pg"') + " >/dev/null",
        'if ! plan=$(docker run --rm --network "$network" ' +
            `-e SERVER_URL=http://server:${SERVER_PORT} -e DB_HOST=${shellQuote(db.host)} -e DB_PORT=${db.port} ` +
            `-e DB_NAME=${shellQuote(db.name)} -e DB_USER=$plan_role -e DB_PASSWORD ` +
            '"$image" python manage.py showmigrations --plan 2>"$err"); then',
        '  echo "migrations: $image could not list its migrations: $(tail -n 3 "$err")" >&2',
        "  exit 1",
        "fi",
        // Gone before anything else happens: a snapshot must not carry its grant.
        "drop_plan_role",
        "known=$(printf '%s\\n' \"$plan\" | sed -n 's/^ *\\[[X ]\\] *//p')",
        "pending=$(printf '%s\\n' \"$plan\" | sed -n 's/^ *\\[ \\] *//p')",
        'if [ -z "$known" ]; then echo "migrations: $image printed no migration plan: $(printf \'%s\\n\' "$plan" | tail -n 3)" >&2; exit 1; fi',
        "printf '%s\\n' \"$known\" > \"$known_file\"",
        "ahead=$(printf '%s\\n' \"$ledger\" | grep -vxF -f \"$known_file\" || true)",
        "",
        // Snapshots, newest first: those complete (their .migrations written last).
        "snapshots() {",
        `  ${oneOff} ls /snapshots 2>/dev/null | sed -n 's/^\\(.*-\\([0-9]\\{8\\}T[0-9]\\{6\\}Z\\)\\)\\.migrations$/\\2 \\1/p' | sort -r | cut -d' ' -f2`,
        "}",
        'if [ -n "$ahead" ]; then',
        "  fit=''",
        "  for s in $(snapshots); do",
        // One taken at the target version fits exactly; else the newest whose migrations the target all knows.
        '    case "$s" in "$target"-*) fit=$s; break ;; esac',
        `    if [ -z "$fit" ] && ! ${oneOff} cat "/snapshots/$s.migrations" | grep -qvxF -f "$known_file"; then fit=$s; fi`,
        "  done",
        "  what=$(printf '%s\\n' \"$ahead\" | tr '\\n' ' ')",
        '  echo "imageTag $target is older than the database: it has migrations $target does not know (${what% }), and XingRin cannot undo them. Nothing changed." >&2',
        '  if [ -n "$fit" ]; then',
        '    echo "Set imageTag back, or restore the snapshot taken before they ran, losing everything written since: npm run restore -- $fit.dump --stack $stackname" >&2',
        "  else",
        '    echo "Set imageTag back to a version that knows them: no snapshot in $dir fits $target" >&2',
        "  fi",
        "  exit 1",
        "fi",
        "",
        // The Django processes that run now: this stack's older servers and its scheduler, and in a takeover compose's server.
        `servers=$(for service in server scheduler; do docker ps --filter "label=${STACK_LABEL}=$stack" --filter "label=${SERVICE_LABEL}=$service" ` +
            `--format '{{.Names}}'; done | grep -vx "xingrin-server-$target" || true)`,
        ...(args.composeProject === undefined ? [] : [
            `servers="$servers $(docker ps --filter label=com.docker.compose.project=${shellQuote(args.composeProject)} ` +
                `--filter label=com.docker.compose.service=server --format '{{.Names}}')"`,
        ]),
        'if [ -z "$pending" ]; then',
        // A migrating update that failed stopped the servers; a rollback to one of them starts it again.
        '  if docker inspect "xingrin-server-$target" >/dev/null 2>&1 && [ "$(docker inspect --format \'{{.State.Running}}\' "xingrin-server-$target")" != true ]; then',
        '    docker start "xingrin-server-$target" >/dev/null && echo "migrations: started xingrin-server-$target again"',
        "  fi",
        '  echo "migrations: none for $target; the old and new servers overlap"',
        "  exit 0",
        "fi",
        "",
        // The version the snapshot belongs to: what the running servers (or compose's) run.
        `running=$(docker ps --filter "label=${STACK_LABEL}=$stack" --filter "label=${SERVICE_LABEL}=server" --format '{{.Label "${IMAGE_LABEL}"}}' | grep -v ":$target\\$" | head -n 1 || true)`,
        ...(args.composeProject === undefined ? [] : [
            `[ -n "$running" ] || running=$(docker ps --filter label=com.docker.compose.project=${shellQuote(args.composeProject)} ` +
                "--filter label=com.docker.compose.service=server --format '{{.Image}}' | head -n 1 || true)",
        ]),
        'version=${running##*:}',
        "case \"$version\" in v[0-9]*|[0-9]*) ;; *) version=unknown ;; esac",
        'name="$version-$(date -u +%Y%m%dT%H%M%SZ)"',
        "restart_servers() { for s in $servers; do docker start \"$s\" >/dev/null || true; done; }",
        'trap \'rc=$?; cleanup; if [ "$rc" -ne 0 ]; then restart_servers; fi\' EXIT',
        "for s in $servers; do docker stop \"$s\" >/dev/null; done",
        "echo \"migrations: $target applies $(printf '%s\\n' \"$pending\" | tr '\\n' ' ')\"",
        'servers=$(echo $servers)',
        '[ -z "$servers" ] || echo "migrations: stopped $servers; the site is down until $target has migrated"',
        // pg_dump in the postgres container (one consistent transaction), written by a one-off that mounts the directory.
        `{ docker exec "$pg" pg_dump -Fc -U ${shellQuote(db.user)} -d ${shellQuote(db.name)} 2>"$err" || touch "$tmp/dump-failed"; } | ` +
            'docker run -i --rm -v "$dir:/snapshots" "$pgimage" dd of="/snapshots/$name.dump" status=none 2>>"$err" || touch "$tmp/dump-failed"',
        'if [ -e "$tmp/dump-failed" ]; then',
        '  echo "migrations: the snapshot before $target failed, nothing changed: $(tail -n 3 "$err")" >&2',
        `  ${oneOff} rm -f "/snapshots/$name.dump" || true`,
        "  exit 1",
        "fi",
        // Written last: a snapshot without it is incomplete and never offered.
        `printf '%s\\n' "$ledger" | docker run -i --rm -v "$dir:/snapshots" "$pgimage" tee "/snapshots/$name.migrations" >/dev/null`,
        "trap cleanup EXIT",
        'echo "migrations: snapshot $dir/$name.dump (the database as $version left it)"',
        "for old in $(snapshots | tail -n +$((keep + 1))); do",
        `  ${oneOff} rm -f "/snapshots/$old.dump" "/snapshots/$old.migrations"`,
        '  echo "migrations: removed snapshot $old.dump (keeping $keep)"',
        "done",
    ].join("\n");
}
