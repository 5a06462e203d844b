import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { WorkerHost } from "../config/workers";

/**
 * The worker SSH key and a known_hosts file built from the stack's `workers` host keys, written to
 * a private temporary directory for the length of one command and removed afterwards, also when
 * the operator interrupts it.
 */
export interface SshIdentity {
    keyFile: string;
    knownHostsFile: string;
    dispose(): void;
}

export function createSshIdentity(privateKey: string, workers: readonly WorkerHost[]): SshIdentity {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-ssh-"));
    fs.chmodSync(dir, 0o700);
    const keyFile = path.join(dir, "worker_key");
    const knownHostsFile = path.join(dir, "known_hosts");

    let disposed = false;
    const dispose = (): void => {
        if (disposed) {
            return;
        }
        disposed = true;
        process.removeListener("exit", dispose);
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
        fs.rmSync(dir, { recursive: true, force: true });
    };
    // Re-raising the signal after cleanup keeps the default exit status of an interrupted command.
    const onSignal = (signal: NodeJS.Signals): void => {
        dispose();
        process.kill(process.pid, signal);
    };
    process.on("exit", dispose);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);

    try {
        // ssh refuses a key without a final newline and a key file others can read.
        fs.writeFileSync(keyFile, privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`, { mode: 0o600 });
        fs.writeFileSync(knownHostsFile, workers.map(knownHostsLine).join("\n") + "\n", { mode: 0o600 });
    } catch (error) {
        dispose();
        throw error;
    }
    return { keyFile, knownHostsFile, dispose };
}

/** A known_hosts entry; ssh writes non-default ports as "[address]:port". */
export function knownHostsLine(worker: WorkerHost): string {
    const host = worker.port === 22 ? worker.address : `[${worker.address}]:${worker.port}`;
    return `${host} ${worker.hostKey}`;
}

/**
 * ssh options that accept only the configured host key and only the configured private key. No
 * config file either: a `Host *` entry there (a ProxyCommand, another known_hosts) must not change
 * whom the program talks to.
 */
export function sshArgs(identity: Pick<SshIdentity, "keyFile" | "knownHostsFile">, worker: WorkerHost): string[] {
    return [
        "-F", "/dev/null",
        "-i", identity.keyFile,
        "-o", "IdentitiesOnly=yes",
        "-o", `UserKnownHostsFile=${identity.knownHostsFile}`,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10",
        "-p", String(worker.port),
        "-l", worker.user,
        worker.address,
    ];
}
