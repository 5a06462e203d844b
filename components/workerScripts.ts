import { IMAGE_LABEL } from "../config/images";

/**
 * Shell run on remote worker hosts over SSH. Kept as pure functions so tests can read exactly what
 * a host will execute, and so nothing secret is ever part of the text (secrets arrive on stdin).
 */

export const AGENT_CONTAINER = "xingrin-agent";
/** Prefix of the pre-pull's output lines that report "<ref> <repo digest>". */
export const DIGEST_MARKER = "digest:";

/** Single-quotes a value for POSIX sh. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Makes XingRin's data directories and pulls each image the host lacks. An image already present
 * is not pulled again: tags are immutable releases, and a rollback must not depend on the registry.
 */
export function prePullScript(images: string[], dataDir: string): string {
    const dirs = ["results", "logs", "fingerprints", "wordlists"].map(d => shellQuote(`${dataDir}/${d}`));
    const lines = [
        "set -eu",
        `mkdir -p ${dirs.join(" ")}`,
        ...images.map(image => {
            const ref = shellQuote(image);
            return `if docker image inspect ${ref} >/dev/null 2>&1; then echo "present: "${ref}; ` +
                `else echo "pulling: "${ref}; docker pull ${ref} || { echo "pull failed: "${ref} >&2; exit 1; }; fi\n` +
                `echo "${DIGEST_MARKER} "${ref}" $(docker image inspect --format '{{index .RepoDigests 0}}' ${ref} 2>/dev/null || true)"`;
        }),
    ];
    return lines.join("\n");
}

export interface AgentStartArgs {
    image: string;
    workerName: string;
    serverUrl: string;
    imageTag: string;
}

/** Replaces the agent container with one on the given image; WORKER_API_KEY is read from stdin. */
export function agentStartScript(args: AgentStartArgs): string {
    return [
        "set -eu",
        "IFS= read -r WORKER_API_KEY || true",
        'if [ -z "$WORKER_API_KEY" ]; then echo "no WORKER_API_KEY on stdin" >&2; exit 1; fi',
        "export WORKER_API_KEY",
        `docker rm -f ${AGENT_CONTAINER} >/dev/null 2>&1 || true`,
        // `-e WORKER_API_KEY` without a value copies it from this shell, keeping it off the command line.
        [
            "docker run -d --name", AGENT_CONTAINER, "--restart always",
            "-e", shellQuote(`SERVER_URL=${args.serverUrl}`),
            "-e", shellQuote(`WORKER_NAME=${args.workerName}`),
            "-e", shellQuote(`IMAGE_TAG=${args.imageTag}`),
            "-e WORKER_API_KEY",
            "--label", shellQuote(`${IMAGE_LABEL}=${args.image}`),
            "-v /proc:/host/proc:ro",
            shellQuote(args.image),
        ].join(" "),
    ].join("\n");
}

export function agentStopScript(): string {
    return `docker rm -f ${AGENT_CONTAINER} >/dev/null 2>&1 || true`;
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
