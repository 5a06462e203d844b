import * as pulumi from "@pulumi/pulumi";

/** The environment variable that carries a local step's script. */
export const SCRIPT_VARIABLE = "XINGRIN_SCRIPT";

/**
 * How a step runs its script where Pulumi runs, against the main server's Docker: the script
 * travels in the environment, and the command line only names the step. The command provider puts
 * that command line into every error it reports, so a failure reads as the step plus the script's
 * own cause on stderr ("imageTag v1.1.0 is older than the database: …"), not as pages of shell.
 * A preview shows a changed script under `environment`.
 */
export function localScript(step: string, script: pulumi.Input<string>, dockerHost: string): {
    command: string;
    environment: Record<string, pulumi.Input<string>>;
    addPreviousOutputInEnv: false;
} {
    return {
        // $0 names the step in the script's own messages (sh -c SCRIPT NAME).
        command: `sh -c "$${SCRIPT_VARIABLE}" ${step}`,
        environment: { DOCKER_HOST: dockerHost, [SCRIPT_VARIABLE]: script },
        addPreviousOutputInEnv: false,
    };
}

/** The inputs of a step that runs its script when it is created (and again when it changes). */
export function createScript(step: string, script: pulumi.Input<string>, dockerHost: string) {
    const { command, ...rest } = localScript(step, script, dockerHost);
    return { create: command, ...rest };
}

/** The inputs of a step that runs its script only when it is deleted. */
export function deleteScript(step: string, script: pulumi.Input<string>, dockerHost?: string) {
    const { command, environment, ...rest } = localScript(step, script, dockerHost ?? "");
    if (dockerHost === undefined) delete environment.DOCKER_HOST;
    return { delete: command, environment, ...rest };
}
