import { IMAGE_LABEL, SERVICE_LABEL, STACK_LABEL } from "./labels";
import { SERVER_PORT } from "./serverEnvironment";
import { script, sh, Shell } from "./shell";

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
export function migrationGuardScript(args: MigrationGuardArgs): Shell {
    const db = args.database;
    const stackName = args.stack.split("/").pop() ?? args.stack;
    const psql = (env: Shell = sh``) => sh`docker exec -i ${env} "$pg" psql -X -q -t -A -v ON_ERROR_STOP=1 -U ${db.user} -d ${db.name}`;
    const oneOff = sh`docker run --rm -v "$dir:/snapshots" "$pgimage"`;
    const dropPlanRole = `DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${PLAN_ROLE}') THEN ` +
        `DROP OWNED BY ${PLAN_ROLE}; DROP ROLE ${PLAN_ROLE}; END IF; END $$;`;
    const compose = args.composeProject;
    return script(
        sh`set -eu`,
        sh`target=${args.targetTag} image=${args.serverImage} pgimage=${args.postgresImage}`,
        sh`pg=${args.postgres} network=${args.network} dir=${args.snapshotDir}`,
        sh`stack=${args.stack} stackname=${stackName} keep=${args.keepSnapshots}`,
        // POSIX sh (the command provider runs `sh -c`): files instead of process substitution.
        sh`plan_role=${PLAN_ROLE}`,
        sh`tmp=$(mktemp -d)`,
        sh`err=$tmp/err known_file=$tmp/known`,
        sh`drop_plan_role() { printf '%s\n' ${dropPlanRole} | ${psql()} >/dev/null 2>&1 || true; }`,
        sh`cleanup() { drop_plan_role; rm -rf "$tmp"; }`,
        sh`trap cleanup EXIT`,
        sh``,
        ...(compose === undefined ? [] : [
            // Taking over: until the program's postgres starts, compose's holds the database.
            sh`if [ "$(docker inspect --format '{{.State.Running}}' "$pg" 2>/dev/null)" != true ]; then`,
            sh`  pg=$(docker ps --filter label=com.docker.compose.project=${compose} --filter label=com.docker.compose.service=postgres --format '{{.Names}}' | head -n 1)`,
            sh`fi`,
        ]),
        sh`if [ "$(docker inspect --format '{{.State.Running}}' "$pg" 2>/dev/null)" != true ]; then`,
        sh`  echo "migrations: no database runs yet; $target creates its schema"`,
        sh`  exit 0`,
        sh`fi`,
        sh`if [ "$(echo ${"SELECT to_regclass('django_migrations') IS NOT NULL"} | ${psql()})" != t ]; then`,
        sh`  echo "migrations: a new database; $target creates its schema"`,
        sh`  exit 0`,
        sh`fi`,
        sh`ledger=$(echo ${"SELECT app || '.' || name FROM django_migrations ORDER BY id"} | ${psql()})`,
        // The new image's own view: every migration it has, [X] applied or [ ] pending.
        sh`DB_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); export DB_PASSWORD`,
        sh`drop_plan_role`,
        sh`printf '%s\n' '\getenv pw DB_PASSWORD' "CREATE ROLE $plan_role LOGIN PASSWORD :'pw';" "GRANT SELECT ON django_migrations TO $plan_role;" | ${psql(sh`-e DB_PASSWORD`)} >/dev/null`,
        sh`if ! plan=$(docker run --rm --network "$network" -e SERVER_URL=http://server:${SERVER_PORT} -e DB_HOST=${db.host} -e DB_PORT=${db.port} \
-e DB_NAME=${db.name} -e DB_USER="$plan_role" -e DB_PASSWORD "$image" python manage.py showmigrations --plan 2>"$err"); then`,
        sh`  echo "migrations: $image could not list its migrations: $(tail -n 3 "$err")" >&2`,
        sh`  exit 1`,
        sh`fi`,
        // Gone before anything else happens: a snapshot must not carry its grant.
        sh`drop_plan_role`,
        sh`known=$(printf '%s\n' "$plan" | sed -n 's/^ *\[[X ]\] *//p')`,
        sh`pending=$(printf '%s\n' "$plan" | sed -n 's/^ *\[ \] *//p')`,
        sh`if [ -z "$known" ]; then echo "migrations: $image printed no migration plan: $(printf '%s\n' "$plan" | tail -n 3)" >&2; exit 1; fi`,
        sh`printf '%s\n' "$known" > "$known_file"`,
        sh`ahead=$(printf '%s\n' "$ledger" | grep -vxF -f "$known_file" || true)`,
        sh``,
        // Snapshots, newest first: those complete (their .migrations written last).
        sh`snapshots() {`,
        sh`  ${oneOff} ls /snapshots 2>/dev/null | sed -n 's/^\(.*-\([0-9]\{8\}T[0-9]\{6\}Z\)\)\.migrations$/\2 \1/p' | sort -r | cut -d' ' -f2`,
        sh`}`,
        sh`if [ -n "$ahead" ]; then`,
        sh`  fit=''`,
        sh`  for s in $(snapshots); do`,
        // One taken at the target version fits exactly; else the newest whose migrations the target all knows.
        sh`    case "$s" in "$target"-*) fit=$s; break ;; esac`,
        sh`    if [ -z "$fit" ] && ! ${oneOff} cat "/snapshots/$s.migrations" | grep -qvxF -f "$known_file"; then fit=$s; fi`,
        sh`  done`,
        sh`  what=$(printf '%s\n' "$ahead" | tr '\n' ' ')`,
        sh`  echo "imageTag $target is older than the database: it has migrations $target does not know (\${what% }), and XingRin cannot undo them. Nothing changed." >&2`,
        sh`  if [ -n "$fit" ]; then`,
        sh`    echo "Set imageTag back, or restore the snapshot taken before they ran, losing everything written since: npm run restore -- $fit.dump --stack $stackname" >&2`,
        sh`  else`,
        sh`    echo "Set imageTag back to a version that knows them: no snapshot in $dir fits $target" >&2`,
        sh`  fi`,
        sh`  exit 1`,
        sh`fi`,
        sh``,
        // The Django processes that run now: this stack's older servers and its scheduler, and in a takeover compose's server.
        sh`servers=$(for service in server scheduler; do docker ps --filter label=${STACK_LABEL}"=$stack" --filter label=${SERVICE_LABEL}"=$service" \
--format '{{.Names}}'; done | grep -vx "xingrin-server-$target" || true)`,
        ...(compose === undefined ? [] : [
            sh`servers="$servers $(docker ps --filter label=com.docker.compose.project=${compose} --filter label=com.docker.compose.service=server --format '{{.Names}}')"`,
        ]),
        sh`if [ -z "$pending" ]; then`,
        // A migrating update that failed stopped the servers; a rollback to one of them starts it again.
        sh`  if docker inspect "xingrin-server-$target" >/dev/null 2>&1 && [ "$(docker inspect --format '{{.State.Running}}' "xingrin-server-$target")" != true ]; then`,
        sh`    docker start "xingrin-server-$target" >/dev/null && echo "migrations: started xingrin-server-$target again"`,
        sh`  fi`,
        sh`  echo "migrations: none for $target; the old and new servers overlap"`,
        sh`  exit 0`,
        sh`fi`,
        sh``,
        // The version the snapshot belongs to: what the running servers (or compose's) run.
        sh`running=$(docker ps --filter label=${STACK_LABEL}"=$stack" --filter label=${SERVICE_LABEL}=server --format ${`{{.Label "${IMAGE_LABEL}"}}`} | grep -v ":$target\$" | head -n 1 || true)`,
        ...(compose === undefined ? [] : [
            sh`[ -n "$running" ] || running=$(docker ps --filter label=com.docker.compose.project=${compose} --filter label=com.docker.compose.service=server --format '{{.Image}}' | head -n 1 || true)`,
        ]),
        sh`version=\${running##*:}`,
        sh`case "$version" in v[0-9]*|[0-9]*) ;; *) version=unknown ;; esac`,
        sh`name="$version-$(date -u +%Y%m%dT%H%M%SZ)"`,
        sh`restart_servers() { for s in $servers; do docker start "$s" >/dev/null || true; done; }`,
        sh`trap 'rc=$?; cleanup; if [ "$rc" -ne 0 ]; then restart_servers; fi' EXIT`,
        sh`for s in $servers; do docker stop "$s" >/dev/null; done`,
        sh`echo "migrations: $target applies $(printf '%s\n' "$pending" | tr '\n' ' ')"`,
        sh`servers=$(echo $servers)`,
        sh`[ -z "$servers" ] || echo "migrations: stopped $servers; the site is down until $target has migrated"`,
        // pg_dump in the postgres container (one consistent transaction), written by a one-off that mounts the directory.
        sh`{ docker exec "$pg" pg_dump -Fc -U ${db.user} -d ${db.name} 2>"$err" || touch "$tmp/dump-failed"; } | \
docker run -i --rm -v "$dir:/snapshots" "$pgimage" dd of="/snapshots/$name.dump" status=none 2>>"$err" || touch "$tmp/dump-failed"`,
        sh`if [ -e "$tmp/dump-failed" ]; then`,
        sh`  echo "migrations: the snapshot before $target failed, nothing changed: $(tail -n 3 "$err")" >&2`,
        sh`  ${oneOff} rm -f "/snapshots/$name.dump" || true`,
        sh`  exit 1`,
        sh`fi`,
        // Written last: a snapshot without it is incomplete and never offered.
        sh`printf '%s\n' "$ledger" | docker run -i --rm -v "$dir:/snapshots" "$pgimage" tee "/snapshots/$name.migrations" >/dev/null`,
        sh`trap cleanup EXIT`,
        sh`echo "migrations: snapshot $dir/$name.dump (the database as $version left it)"`,
        sh`for old in $(snapshots | tail -n +$((keep + 1))); do`,
        sh`  ${oneOff} rm -f "/snapshots/$old.dump" "/snapshots/$old.migrations"`,
        sh`  echo "migrations: removed snapshot $old.dump (keeping $keep)"`,
        sh`done`,
    );
}
