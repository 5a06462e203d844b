import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { WorkerHost } from "./workers";

/**
 * XingRin dispatches scans to a remote worker over SSH with the user name and password stored in
 * its worker record (task_distributor.py: paramiko, password auth; contract §6). It cannot use the
 * program's key, so each worker needs a password, kept as one secret object: worker name → password.
 */
export const WORKER_PASSWORDS_KEY = "workerPasswords";

const HIDDEN = "(the values are secret and not shown)";

function setIt(name: string): string {
    return `\`pulumi config set --secret --path '${WORKER_PASSWORDS_KEY}.${name}' <password>\``;
}

/**
 * Checks the object's text (as `config.get` reads it) against the worker list; every message names
 * the worker, never a password.
 */
export function validateWorkerPasswords(text: string | undefined, workers: WorkerHost[]): void {
    if (workers.length === 0) {
        return;
    }
    const first = workers[0];
    let parsed: unknown;
    try {
        parsed = text === undefined ? undefined : JSON.parse(text);
    } catch {
        parsed = null;
    }
    if (parsed === undefined) {
        throw new ConfigError(
            `${WORKER_PASSWORDS_KEY} is not set but workers are: XingRin dispatches scans to a worker over SSH with a ` +
            `user name and password (it cannot use workerSshPrivateKey); set the password of ${first.user}@${first.address} ` +
            `with ${setIt(first.name)}, and one for each other worker`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new ConfigError(`${WORKER_PASSWORDS_KEY} must be an object of worker name to password ${HIDDEN}; set each with ${setIt(first.name)}`);
    }
    const passwords = parsed as Record<string, unknown>;
    // A password for a worker no longer listed is left alone (removing a worker is one edit); a
    // misspelt name shows up as the listed worker without one, and the message names both.
    const unlisted = Object.keys(passwords).filter(name => !workers.some(w => w.name === name));
    for (const worker of workers) {
        const password = passwords[worker.name];
        if (typeof password !== "string" || password.trim() === "") {
            const misspelt = unlisted.length > 0 ? ` (it has one for ${unlisted.map(n => `"${n}"`).join(", ")}, which is not in workers: misspelt?)` : "";
            throw new ConfigError(
                `${WORKER_PASSWORDS_KEY} has no password for worker "${worker.name}"${misspelt}: XingRin logs in to ` +
                `${worker.user}@${worker.address} with it to start scans there; run ${setIt(worker.name)}`);
        }
        if (/[\r\n]/.test(password)) {
            throw new ConfigError(
                `${WORKER_PASSWORDS_KEY}: the password for "${worker.name}" has a line break ${HIDDEN}; ` +
                `an SSH password is one line: run ${setIt(worker.name)}`);
        }
    }
}

/** The checked passwords, in the order of `workers`, one per line: the records step's stdin. */
export function readWorkerPasswords(config: pulumi.Config, workers: WorkerHost[]): pulumi.Output<string> | undefined {
    if (workers.length === 0) {
        return undefined;
    }
    validateWorkerPasswords(config.get(WORKER_PASSWORDS_KEY), workers);
    return config.requireSecretObject<Record<string, string>>(WORKER_PASSWORDS_KEY)
        .apply(passwords => workers.map(w => `${passwords[w.name]}\n`).join(""));
}
