import { WorkerHost } from "../config/workers";
import { SERVER_PORT } from "./serverEnvironment";
import { script, sh, Shell, variable } from "./shell";

/**
 * Shell run where Pulumi runs, against the main server's Docker, that keeps XingRin's own worker
 * records (worker_node, contract §6) in step with the stack's `workers` list. Pure functions, so
 * tests read exactly what runs; the passwords arrive on stdin, never in the text.
 */

/** Prefix of the records step's output lines that report "<worker name> <XingRin worker id>". */
export const WORKER_ID_MARKER = "worker-id:";
/**
 * Redis key XingRin's server takes (SET NX) before it replaces a worker's agent over SSH
 * (worker_views.py, contract §7). Held by the program, XingRin's updater never starts for the
 * agents the program runs: it would replace them with agents that have no WORKER_API_KEY.
 */
export const AGENT_UPDATE_LOCK = "agent_update_lock:";
const LOCK_HOLDER = "xingrin-deploy";

export interface RecordsDatabase {
    /** The postgres container on the main server (a local database). */
    container: string;
    user: string;
    name: string;
}

export interface WorkerRecordsArgs {
    workers: WorkerHost[];
    /** The new server container, whose own API registers the workers. */
    server: string;
    /** The redis container, where the update locks are held. */
    redis: string;
    /** The local database the credentials are written to; without it (an external one), XingRin's model writes them. */
    database?: RecordsDatabase;
}

/** psql in the postgres container over its local socket, SQL on stdin, stopping at the first error. */
function psql(db: RecordsDatabase, variables: Shell[] = [], passEnv: string[] = []): Shell {
    const env = passEnv.map(name => sh`-e ${variable(name)}`);
    return sh`docker exec -i ${env} ${db.container} psql -X -q -t -A -v ON_ERROR_STOP=1 ${variables} -U ${db.user} -d ${db.name}`;
}

function holdLock(redis: string, id: Shell): Shell {
    return sh`docker exec ${redis} redis-cli SET ${AGENT_UPDATE_LOCK}"${id}" ${LOCK_HOLDER} >/dev/null`;
}

/**
 * Before a new server starts: the update lock of every listed worker that XingRin already knows.
 * From the moment the new server answers heartbeats until every agent runs the new version, the
 * versions differ, and XingRin would start its updater for each remote worker with a stored password.
 * On a first deploy (no worker_node table yet) there is nothing to hold.
 */
export function holdAgentUpdatesScript(workers: WorkerHost[], redis: string, db: RecordsDatabase): Shell {
    // One psql variable, one name per line (a name has no newline), never SQL text.
    const names = workers.map(w => w.name).join("\n");
    return script(
        sh`set -eu`,
        sh`exists=$(echo ${"SELECT to_regclass('worker_node') IS NOT NULL"} | ${psql(db)})`,
        sh`ids=""`,
        sh`if [ "$exists" = t ]; then ids=$(echo ${"SELECT id FROM worker_node WHERE name = ANY(string_to_array(:'names', E'\\n'))"} | ${psql(db, [sh`-v names=${names}`])}); fi`,
        sh`for id in $ids; do`,
        sh`  ${holdLock(redis, sh`$id`)}`,
        sh`  echo "agent updates held for worker id $id"`,
        sh`done`,
    );
}

/**
 * How the records step writes a worker's credentials. In a local database: psql in its container.
 * With an external one: XingRin's own model, through `manage.py shell` in the server container
 * (SERVER_URL set, so that this Django process starts no second scheduler: apps.py, contract §5).
 */
function storeCredentials(args: WorkerRecordsArgs, worker: WorkerHost, i: number): Shell {
    const password = `XINGRIN_WORKER_PASSWORD_${i}`;
    const id = variable(`id_${i}`);
    if (args.database !== undefined) {
        const sql = [`\\getenv pw ${password}`,
            "UPDATE worker_node SET ip_address = :'ip', ssh_port = :'port', username = :'user', " +
            "password = :'pw', is_local = false, updated_at = now() WHERE id = :'id';"];
        const variables = [sh`-v id="$${id}"`, sh`-v ip=${worker.address}`, sh`-v port=${worker.port}`, sh`-v user=${worker.user}`];
        return sh`printf '%s\n' ${sql} | ${psql(args.database, variables, [password])}`;
    }
    const python = [
        "import os",
        "from apps.engine.models import WorkerNode",
        "e = os.environ",
        "WorkerNode.objects.filter(id=int(e['XINGRIN_WORKER_ID'])).update(ip_address=e['XINGRIN_WORKER_IP'], " +
            "ssh_port=int(e['XINGRIN_WORKER_PORT']), username=e['XINGRIN_WORKER_USER'], password=e['XINGRIN_WORKER_PASSWORD'], is_local=False)",
    ].join("\n");
    return sh`XINGRIN_WORKER_PASSWORD="$${variable(password)}" docker exec -e SERVER_URL=http://localhost:${SERVER_PORT} \
-e XINGRIN_WORKER_ID="$${id}" -e XINGRIN_WORKER_IP=${worker.address} -e XINGRIN_WORKER_PORT=${worker.port} \
-e XINGRIN_WORKER_USER=${worker.user} -e XINGRIN_WORKER_PASSWORD ${args.server} python manage.py shell -c ${python}`;
}

/**
 * After the new server is healthy, for each listed worker in turn: registered through XingRin's own
 * API (by name, as its agent would, but remote), then its record given the address and SSH
 * credentials XingRin's dispatcher logs in with, and its update lock held. In turn, because a new
 * record gets the server's own address, and two remote records may not share one. Prints one
 * WORKER_ID_MARKER line per worker: the WORKER_ID its agent gets. stdin: one password per line,
 * in list order.
 */
export function workerRecordsScript(args: WorkerRecordsArgs): Shell {
    const lines = [sh`set -eu`, sh`err=$(mktemp) && trap 'rm -f "$err"' EXIT`];
    args.workers.forEach((_, i) => {
        const password = variable(`XINGRIN_WORKER_PASSWORD_${i}`);
        lines.push(sh`IFS= read -r ${password} || true`, sh`export ${password}`);
    });
    const register = script(sh`exec curl -sS --fail-with-body -m 20 -X POST -H 'Content-Type: application/json' \
-H "X-Worker-API-Key: $WORKER_API_KEY" --data "$1" http://localhost:${SERVER_PORT}/api/workers/register/`);
    args.workers.forEach((worker, i) => {
        const id = variable(`id_${i}`);
        const body = JSON.stringify({ name: worker.name, is_local: false });
        lines.push(
            sh`answer=$(docker exec ${args.server} sh -c ${register.text} register ${body} 2>&1) || \
{ echo ${`${worker.name}: XingRin's server refused to register it: `}"$answer" >&2; exit 1; }`,
            sh`${id}=$(printf '%s' "$answer" | sed -n 's/.*"workerId" *: *\([0-9][0-9]*\).*/\1/p')`,
            sh`[ -n "$${id}" ] || { echo ${`${worker.name}: XingRin's registration gave no worker id: `}"$answer" >&2; exit 1; }`,
            sh`if ! ${storeCredentials(args, worker, i)} >/dev/null 2>"$err"; then`,
            sh`  if grep -q unique_remote_worker_ip "$err"; then`,
            sh`    echo ${`${worker.name}: another worker in XingRin already has the address ${worker.address}: ` +
                "delete that worker in XingRin (Workers), or give this entry in `workers` the name it has there"} >&2`,
            sh`  else`,
            sh`    echo ${`${worker.name}: XingRin's worker record did not take its SSH credentials: `}"$(cat "$err")" >&2`,
            sh`  fi`,
            sh`  exit 1`,
            sh`fi`,
            holdLock(args.redis, sh`$${id}`),
            sh`printf '%s %s %s\n' ${WORKER_ID_MARKER} ${worker.name} "$${id}"`,
        );
    });
    return script(...lines);
}

/** The worker ids a records step printed, by worker name. */
export function parseWorkerIds(output: string | undefined): Record<string, string> {
    const ids: Record<string, string> = {};
    for (const line of (output ?? "").split("\n")) {
        const [marker, name, id] = line.trim().split(/\s+/);
        if (marker === WORKER_ID_MARKER && name !== undefined && id !== undefined) {
            ids[name] = id;
        }
    }
    return ids;
}
