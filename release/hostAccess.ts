import { dockerOptions } from "../config/dockerEndpoint";
import { DEFAULT_DOCKER_HOST } from "../config/read";
import { MAIN_SERVER_HOST, WorkerHost } from "../config/workers";
import { quote } from "../components/shell";
import { ReleaseError } from "./errors";
import { PulumiCli } from "./pulumiCli";
import { runCaptured } from "./process";
import { createSshIdentity, SshIdentity, sshArgs } from "./sshIdentity";

/** A host whose Docker daemon `versions` asks what it runs and holds. */
export type HostTarget =
    | MainServerTarget
    | { kind: "worker"; name: string; worker: WorkerHost };

/** The main server's Docker, with the TLS files (dockerCertPath) a tcp:// dockerHost needs. */
export interface MainServerTarget {
    kind: "main-server";
    name: string;
    dockerHost: string;
    certPath?: string;
}

/** The main server as the stack's config names it (dockerHost, dockerCertPath). */
export async function mainServerTarget(pulumi: PulumiCli): Promise<MainServerTarget> {
    const dockerHost = (await pulumi.configGet("dockerHost")) || DEFAULT_DOCKER_HOST;
    const certPath = (await pulumi.configGet("dockerCertPath")) || undefined;
    return { kind: "main-server", name: MAIN_SERVER_HOST, dockerHost, ...(certPath === undefined ? {} : { certPath }) };
}

/**
 * How `versions` reaches the hosts. The real one runs the docker CLI (main server) or ssh (workers);
 * unit tests pass a fake that answers from canned output.
 */
export interface HostAccess {
    /**
     * Runs `docker <args>` on the host and returns what it printed. `env` is added to the docker
     * CLI's environment (main server only), for values `-e NAME` passes on without a command line.
     */
    docker(target: HostTarget, args: readonly string[], options?: { env?: Record<string, string> }): Promise<string>;
    /** Deletes the temporary SSH key and known_hosts. */
    close(): void;
}

export interface HostAccessOptions {
    /** The workers that will be reached, for known_hosts. */
    workers: readonly WorkerHost[];
    /** Decrypted workerSshPrivateKey; required when workers is not empty. */
    sshPrivateKey?: string;
}

export type OpenHostAccess = (options: HostAccessOptions) => HostAccess;

const DOCKER_MISSING = "install the docker CLI (Debian: apt-get install docker.io)";

export const openProcessHostAccess: OpenHostAccess = options => {
    let identity: SshIdentity | undefined;
    if (options.workers.length > 0) {
        if (options.sshPrivateKey === undefined) {
            throw new ReleaseError("workerSshPrivateKey is needed to reach the workers");
        }
        identity = createSshIdentity(options.sshPrivateKey, options.workers);
    }
    return {
        async docker(target, args, runOptions) {
            if (target.kind === "main-server") {
                const command = [...dockerOptions({ host: target.dockerHost, certPath: target.certPath }), ...args];
                const result = await runCaptured("docker", command, { missingHint: DOCKER_MISSING, env: runOptions?.env });
                if (result.code !== 0) {
                    throw new ReleaseError(
                        `docker --host ${target.dockerHost} ${args[0]} failed (exit ${result.code}): ${oneLine(result.stderr)}; ` +
                        "check the stack's dockerHost setting and that the daemon runs");
                }
                return result.stdout;
            }
            const worker = target.worker;
            if (identity === undefined) {
                throw new ReleaseError(`${worker.name} was not among the workers this session was opened for`);
            }
            const remote = ["docker", ...args].map(quote).join(" ");
            const result = await runCaptured("ssh", [...sshArgs(identity, worker), "--", remote], {
                missingHint: "install the OpenSSH client (Debian: apt-get install openssh-client)",
            });
            if (result.code !== 0) {
                const where = `${worker.user}@${worker.address}:${worker.port}`;
                const hint = result.code === 255
                    ? "check address, port and user, that workerSshPrivateKey may log in as that user, and that its " +
                        `hostKey in the stack's workers matches \`ssh-keyscan -p ${worker.port} ${worker.address}\``
                    : "check that docker runs on the worker and the user may use it";
                throw new ReleaseError(`ssh ${where} docker ${args[0]} failed (exit ${result.code}): ${oneLine(result.stderr)}; ${hint}`);
            }
            return result.stdout;
        },
        close() {
            identity?.dispose();
        },
    };
};

/** A program's error output as one clause of our message: "Host key verification failed" without its final period. */
function oneLine(stderr: string): string {
    return stderr.trim().split("\n").map(line => line.trim()).filter(line => line !== "").join(" ").replace(/\.$/, "") || "no error output";
}
