import { script, sh, Shell } from "./shell";

/** Seconds the step keeps trying while postgres finishes starting. */
const PASSWORD_TRIES = 30;

export interface DatabasePasswordArgs {
    /** The postgres container on the main server. */
    container: string;
    /** The role XingRin logs in as (databaseUser), which the postgres image made superuser. */
    user: string;
}

/**
 * Sets the role's password in the running database to the one on stdin. POSTGRES_PASSWORD only
 * takes effect when postgres initializes an empty data directory, so a rotated databasePassword
 * must be written into the database itself, before any server is given it. The password travels on
 * stdin and into psql through one environment variable (`docker exec -e NAME` copies it from this
 * shell), never on a command line; psql's `:'pw'` quotes it as an SQL literal. psql runs inside the
 * postgres container over its local socket, which the image trusts.
 */
export function databasePasswordScript(args: DatabasePasswordArgs): Shell {
    const sql = ["\\getenv pw XINGRIN_DB_PASSWORD", "ALTER ROLE :\"role\" PASSWORD :'pw';"];
    return script(
        sh`set -eu`,
        sh`IFS= read -r XINGRIN_DB_PASSWORD || true`,
        sh`if [ -z "$XINGRIN_DB_PASSWORD" ]; then echo "database password: none on stdin" >&2; exit 1; fi`,
        sh`export XINGRIN_DB_PASSWORD`,
        sh`err=$(mktemp) && trap 'rm -f "$err"' EXIT`,
        // postgres' image answers pg_isready (its healthcheck) from the private server it runs while
        // initializing a new data directory, then restarts: the socket can be gone for a moment.
        sh`tries=0`,
        sh`until printf '%s\n' ${sql} | docker exec -i -e XINGRIN_DB_PASSWORD ${args.container} \
psql -X -q -v ON_ERROR_STOP=1 -v role=${args.user} -U ${args.user} -d postgres 2>"$err"; do`,
        sh`  tries=$((tries + 1))`,
        sh`  if [ "$tries" -ge ${PASSWORD_TRIES} ]; then echo ${`database password: not set in ${args.container}: `}"$(cat "$err")" >&2; exit 1; fi`,
        sh`  sleep 1`,
        sh`done`,
        sh`echo ${`database password: set for role ${args.user} in ${args.container}`}`,
    );
}
