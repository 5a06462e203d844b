import { shellQuote } from "./workerScripts";

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
export function databasePasswordScript(args: DatabasePasswordArgs): string {
    const sql = ["\\getenv pw XINGRIN_DB_PASSWORD", "ALTER ROLE :\"role\" PASSWORD :'pw';"];
    return [
        "set -eu",
        "IFS= read -r XINGRIN_DB_PASSWORD || true",
        'if [ -z "$XINGRIN_DB_PASSWORD" ]; then echo "database password: none on stdin" >&2; exit 1; fi',
        "export XINGRIN_DB_PASSWORD",
        'err=$(mktemp) && trap \'rm -f "$err"\' EXIT',
        // postgres' image answers pg_isready (its healthcheck) from the private server it runs while
        // initializing a new data directory, then restarts: the socket can be gone for a moment.
        `tries=0`,
        `until printf '%s\\n' ${sql.map(shellQuote).join(" ")} | ` +
            `docker exec -i -e XINGRIN_DB_PASSWORD ${shellQuote(args.container)} ` +
            `psql -X -q -v ON_ERROR_STOP=1 -v role=${shellQuote(args.user)} -U ${shellQuote(args.user)} -d postgres 2>"$err"; do`,
        `  tries=$((tries + 1))`,
        `  if [ "$tries" -ge ${PASSWORD_TRIES} ]; then echo "database password: not set in ${args.container}: $(cat "$err")" >&2; exit 1; fi`,
        "  sleep 1",
        "done",
        `echo ${shellQuote(`database password: set for role ${args.user} in ${args.container}`)}`,
    ].join("\n");
}
