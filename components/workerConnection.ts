import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { WorkerHost } from "../config/workers";
import { stepName } from "./localScript";
import { Shell } from "./shell";

/**
 * SSH limits that make an unreachable worker fail an update in about half a minute (3 tries of
 * 10 s), not the provider's default of 11 tries of 15 s: the update waits for every host to stage.
 */
export const SSH_DIAL_ATTEMPTS = 3;
export const SSH_DIAL_TIMEOUT_SECONDS = 10;

/** How the program reaches a worker: key auth, the host key pinned. */
export function workerConnection(host: WorkerHost, privateKey: pulumi.Input<string>): command.types.input.remote.ConnectionArgs {
    return {
        host: host.address,
        port: host.port,
        user: host.user,
        privateKey,
        hostKey: host.hostKey,
        // dialErrorLimit counts failures after the first attempt.
        dialErrorLimit: SSH_DIAL_ATTEMPTS - 1,
        perDialTimeout: SSH_DIAL_TIMEOUT_SECONDS,
    };
}

/**
 * Settings every command run on a worker shares. None of the scripts reads the previous run's
 * output, and passing it (PULUMI_COMMAND_STDOUT/STDERR) needs AcceptEnv in the host's sshd: without
 * it the command provider prints the same three-line warning for every command on every update.
 */
export const REMOTE_COMMAND_DEFAULTS = { addPreviousOutputInEnv: false } as const;

/**
 * How a step runs its script on a worker: the script arrives on stdin, and the command line only
 * names the step (sh -c SCRIPT NAME, so $0 is the step). The command provider puts the command line
 * into every error it reports, so a failure reads as the step plus the script's own one-line cause
 * ("worker-2: pull of …:v1.2.0 failed: manifest unknown"), not as pages of shell. The environment
 * cannot carry the script here: the provider sets it over SSH, which needs AcceptEnv in the host's
 * sshd. A preview shows a changed script under `stdin`.
 */
export function remoteScript(step: string, script: pulumi.Input<Shell>) {
    const command = `sh -c "$(cat)" ${stepName(step)}`;
    // Through an Output a Shell arrives as a plain object with its text (pulumi.output copies it).
    return { ...REMOTE_COMMAND_DEFAULTS, create: command, update: command, stdin: pulumi.output(script).apply(s => s.text) };
}

/**
 * A remote step whose script needs secrets: they come first on stdin, one line each, read into the
 * named variables before the script is read. stdin is then a secret as a whole, so the script is
 * also a trigger: a preview still shows it, and a changed script runs the step again.
 */
export function remoteScriptWithSecrets(step: string, script: Shell, secrets: { names: string[]; values: pulumi.Input<string[]> }) {
    for (const name of secrets.names) {
        if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`${JSON.stringify(name)} is not an environment variable name`);
    }
    const reads = secrets.names.map(name => `IFS= read -r ${name}`).join("; ");
    const command = `${reads}; export ${secrets.names.join(" ")}; sh -c "$(cat)" ${stepName(step)}`;
    return {
        ...REMOTE_COMMAND_DEFAULTS,
        create: command,
        update: command,
        stdin: pulumi.secret(pulumi.output(secrets.values).apply(values => `${values.map(v => `${v}\n`).join("")}${script.text}`)),
        triggers: [script.text],
    };
}
