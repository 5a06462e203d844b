import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint, dockerEnvironment } from "../config/dockerEndpoint";
import { Shell } from "./shell";

/** The environment variable that carries a local step's script. */
export const SCRIPT_VARIABLE = "XINGRIN_SCRIPT";

/**
 * How a step runs its script where Pulumi runs: the script travels in the environment, and the
 * command line only names the step. The command provider puts that command line into every error it
 * reports, so a failure reads as the step plus the script's own cause on stderr ("imageTag v1.1.0 is
 * older than the database: …"), not as pages of shell. A preview shows a changed script under
 * `environment`. $0 names the step in the script's own messages (sh -c SCRIPT NAME).
 */
function stepInputs(step: string, script: pulumi.Input<Shell>, environment: Record<string, string>, readsPreviousOutput = false) {
    return {
        command: `sh -c "$${SCRIPT_VARIABLE}" ${stepName(step)}`,
        // Through an Output a Shell arrives as a plain object with its text (pulumi.output copies it).
        environment: { ...environment, [SCRIPT_VARIABLE]: pulumi.output(script).apply(s => s.text) },
        addPreviousOutputInEnv: readsPreviousOutput,
    };
}

/** A step that runs its script, against the main server's Docker, when it is created (and again when it changes). */
export function createScript(step: string, script: pulumi.Input<Shell>, docker: DockerEndpoint) {
    const { command, ...rest } = stepInputs(step, script, dockerEnvironment(docker));
    return { create: command, ...rest };
}

/**
 * A step that needs no Docker and reads its own previous output: the command provider passes it,
 * on an update, as PULUMI_COMMAND_STDOUT (the deploy history).
 */
export function selfReadingScript(step: string, script: pulumi.Input<Shell>) {
    const { command, ...rest } = stepInputs(step, script, {}, true);
    return { create: command, update: command, ...rest };
}

/** A step that runs its script only when it is deleted. */
export function deleteScript(step: string, script: pulumi.Input<Shell>) {
    const { command, ...rest } = stepInputs(step, script, {});
    return { delete: command, ...rest };
}

/** A step's name as its command line carries it ($0): a resource name, which is one word. */
export function stepName(step: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(step)) {
        throw new Error(`step name ${JSON.stringify(step)} is not one word of letters, digits, ".", "_" and "-"`);
    }
    return step;
}
