import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { WorkerHost } from "../config/workers";

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
