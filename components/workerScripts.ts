import { containerLabels, SERVICE_LABEL, STACK_LABEL, WORKER_LABEL } from "./labels";
import { script, sh, Shell } from "./shell";

/**
 * Shell run on remote worker hosts over SSH. Kept as pure functions so tests can read exactly what
 * a host will execute, and so nothing secret is ever part of the text (secrets arrive on stdin).
 */

export const AGENT_CONTAINER = "xingrin-agent";
/** Prefix of the pre-pull's output lines that report "<ref> <repo digest>". */
export const DIGEST_MARKER = "digest:";
/** Prefix of the pre-pull's output line that identifies this run of it. */
export const STAGE_RUN_MARKER = "stage-run:";

/**
 * Makes XingRin's data directories and pulls each image the host lacks. An image already present
 * is not pulled again: tags are immutable releases, and a rollback must not depend on the registry.
 * A failed pull prints one line: the host (its name in `workers`), the image and Docker's own reason.
 */
export function prePullScript(images: string[], dataDir: string, host: string): Shell {
    const dirs = ["results", "logs", "fingerprints", "wordlists"].map(d => `${dataDir}/${d}`);
    return script(
        sh`set -eu`,
        sh`host=${host} err=$(mktemp) && trap 'rm -f "$err"' EXIT`,
        sh`mkdir -p ${dirs}`,
        // One line when a pull starts and one when it ends: docker's per-layer progress would
        // print five lines per layer into the update's output.
        // printf, not echo: dash's echo would read a backslash in a value as an escape.
        sh`pull() {
  if docker image inspect "$1" >/dev/null 2>&1; then printf 'present: %s\n' "$1"; return; fi
  printf 'pulling: %s\n' "$1"; started=$(date +%s)
  if ! docker pull --quiet "$1" >/dev/null 2>"$err"; then
    printf '%s: pull of %s failed: %s\n' "$host" "$1" "$(grep -v '^$' "$err" | tail -n 1)" >&2; exit 1
  fi
  printf 'pulled: %s in %ss\n' "$1" "$(( $(date +%s) - started ))"
}`,
        sh`digest() { printf '%s %s %s\n' ${DIGEST_MARKER} "$1" "$(docker image inspect --format '{{index .RepoDigests 0}}' "$1" 2>/dev/null || true)"; }`,
        ...images.map(image => sh`pull ${image}; digest ${image}`),
        // A new value each run: the agent's triggers carry it, so every stage of this host is
        // followed by an agent restart, also after an update that was interrupted halfway.
        sh`echo ${STAGE_RUN_MARKER} "$(date -u +%Y%m%dT%H%M%S.%N)"`,
    );
}

export interface AgentStartArgs {
    image: string;
    serverUrl: string;
    imageTag: string;
    /** "<project>/<stack>", for the container's labels. */
    stack: string;
    /** The worker's name in `workers`, on its WORKER_LABEL. */
    worker: string;
}

/** The secrets the agent's start reads from stdin, in this order, one per line (remoteScript). */
export const AGENT_SECRETS = ["WORKER_API_KEY", "WORKER_ID"];

/**
 * Replaces the agent container with one on the given image, unless another stack's runs there.
 * WORKER_API_KEY and the worker's id in XingRin (WORKER_ID) come in the environment (AGENT_SECRETS). With a WORKER_ID XingRin's agent
 * heartbeats as that worker record; without one it registers itself by name, and inside a container
 * as a *local* worker (agent.sh, contract §7), so the server would dispatch this host's scans to its
 * own Docker.
 */
export function agentStartScript(args: AgentStartArgs): Shell {
    const labels = containerLabels({ stack: args.stack, service: "agent", image: args.image, worker: args.worker })
        .map(({ label, value }) => sh`--label ${`${label}=${value}`}`);
    return script(
        sh`set -eu`,
        sh`if [ -z "\${WORKER_API_KEY:-}" ]; then echo "no WORKER_API_KEY on stdin" >&2; exit 1; fi`,
        sh`case "\${WORKER_ID:-}" in ""|*[!0-9]*) echo "no XingRin worker id on stdin" >&2; exit 1 ;; esac`,
        // A host runs one agent under XingRin's name: another stack's is not this stack's to replace.
        // One without the label (install.sh's, or XingRin's own deploy) is taken over.
        sh`owner=$(docker inspect --format ${`{{index .Config.Labels "${STACK_LABEL}"}}`} ${AGENT_CONTAINER} 2>/dev/null || true)`,
        sh`if [ -n "$owner" ] && [ "$owner" != ${args.stack} ]; then`,
        sh`  printf '%s: its %s belongs to the stack %s; a host runs one XingRin agent: take the worker out of one stack\n' \
  ${args.worker} ${AGENT_CONTAINER} "$owner" >&2; exit 1`,
        sh`fi`,
        sh`docker rm -f ${AGENT_CONTAINER} >/dev/null 2>&1 || true`,
        // `-e NAME` without a value copies it from this shell, keeping it off the command line.
        sh`docker run -d --name ${AGENT_CONTAINER} --restart always -e ${`SERVER_URL=${args.serverUrl}`} -e WORKER_ID \
  -e ${`IMAGE_TAG=${args.imageTag}`} -e WORKER_API_KEY ${labels} -v /proc:/host/proc:ro ${args.image}`,
    );
}

export interface RetireArgs {
    workerName: string;
    /** "<project>/<stack>": only this stack's agents are this step's to remove. */
    stack: string;
    address: string;
    port: number;
    user: string;
    hostKey: string;
    /** Seconds to wait for the host to answer before giving up. */
    connectTimeoutSeconds: number;
}

/**
 * Run where Pulumi runs, when a worker leaves the stack (or the stack is destroyed): stop its agent
 * over SSH, once, with a short timeout. A host that does not answer (a decommissioned machine) must
 * not hang or fail the update, so the script always succeeds and says what it could not clean up.
 * The SSH private key arrives on stdin and lives only in a 0600 temporary file; OpenSSH cannot load
 * a key without its final newline ("error in libcrypto"), which a key stored in config lacks.
 * ssh trusts only the pinned host key (no config file, no global known_hosts).
 * Only this stack's agent of this worker is removed (its labels), or one of this stack from before
 * agents carried a worker label: every agent is named xingrin-agent, and a worker renamed at the same
 * address, or another stack's worker on the host, runs one that must stay.
 */
export function agentRetireScript(args: RetireArgs): Shell {
    const hostPattern = args.port === 22 ? args.address : `[${args.address}]:${args.port}`;
    const where = `${args.workerName} (${args.user}@${args.address}:${args.port})`;
    return script(
        sh`set -u`,
        sh`umask 077`,
        sh`dir=$(mktemp -d) && trap 'rm -rf "$dir"' EXIT`,
        sh`cat > "$dir/key"`,
        sh`[ -z "$(tail -c 1 "$dir/key")" ] || echo >> "$dir/key"`,
        sh`printf '%s\n' ${`${hostPattern} ${args.hostKey}`} > "$dir/known_hosts"`,
        sh`if ssh -i "$dir/key" -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes \
  -o UserKnownHostsFile="$dir/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
  -o ConnectTimeout=${args.connectTimeoutSeconds} -o ConnectionAttempts=1 -p ${args.port} \
  ${`${args.user}@${args.address}`} -- ${retireRemote(args).text} > "$dir/out"; then`,
        sh`  if [ -s "$dir/out" ]; then`,
        sh`    echo ${`${where}: agent stopped`}`,
        sh`  else`,
        sh`    echo ${`${where}: no agent of this worker runs there`}`,
        sh`  fi`,
        sh`else`,
        sh`  echo ${`${where} could not be reached, so its agent may still run there: when the host is back, ` +
            `run \`docker rm -f ${AGENT_CONTAINER}\` on it, or remove the worker in XingRin`} >&2`,
        sh`fi`,
        sh`exit 0`,
    );
}

/** On the worker: remove this stack's agent of this worker (or an unlabelled one of this stack); prints what it removed. */
function retireRemote(args: RetireArgs): Shell {
    return sh`docker ps -a --filter ${`label=${STACK_LABEL}=${args.stack}`} --filter ${`label=${SERVICE_LABEL}=agent`} \
--format ${`{{.ID}} {{.Label "${WORKER_LABEL}"}}`} | \
while read -r id worker; do case "$worker" in ''|${args.workerName}) docker rm -f "$id" >/dev/null && echo "$id" ;; esac; done`;
}

/** The run identifier a pre-pull printed ("" when it printed none). */
export function parseStageRun(prePullOutput: string): string {
    const line = prePullOutput.split("\n").map(l => l.trim()).find(l => l.startsWith(STAGE_RUN_MARKER));
    return line === undefined ? "" : line.slice(STAGE_RUN_MARKER.length).trim();
}

/** Reads the repo digests a pre-pull reported, by image reference. */
export function parseDigests(prePullOutput: string): Record<string, string> {
    const digests: Record<string, string> = {};
    for (const line of prePullOutput.split("\n")) {
        const [marker, ref, digest] = line.trim().split(/\s+/);
        if (marker === DIGEST_MARKER && ref !== undefined && digest !== undefined) {
            digests[ref] = digest;
        }
    }
    return digests;
}
