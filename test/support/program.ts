import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { clearRecordedResources, PROJECT, RecordedResource, recordedResources } from "./mocks";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export interface ProgramRun {
    /** index.ts's exports (stack outputs). */
    outputs: Record<string, any>;
    resources: RecordedResource[];
}

/** Stack config as a test writes it: unqualified keys; values are strings or objects (as YAML). */
export type StackConfig = Record<string, string | number | boolean | object>;

/**
 * Runs index.ts once against the mocks with this stack config, and waits until every resource it
 * registers has been recorded. Config errors surface as the rejection of the returned promise.
 */
export async function runProgram(config: StackConfig, secretKeys: string[] = []): Promise<ProgramRun> {
    clearRecordedResources();
    const qualified: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        qualified[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(qualified, secretKeys.map(key => `${PROJECT}:${key}`));

    forgetProgramModules();
    // Imported only now, after the mocks and this run's config are in place.
    const outputs = require(path.join(PROJECT_ROOT, "index.ts"));
    // waitForRPCs is exported at run time but left out of the SDK's typings; it is how the SDK
    // itself knows a program has finished registering resources.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return { outputs, resources: recordedResources() };
}

/** So the next run executes the program again instead of reusing the cached modules. */
function forgetProgramModules(): void {
    for (const file of Object.keys(require.cache)) {
        if (file.startsWith(PROJECT_ROOT) && !file.includes(`${path.sep}node_modules${path.sep}`) &&
            !file.includes(`${path.sep}test${path.sep}`)) {
            delete require.cache[file];
        }
    }
}

/**
 * An Output's value as a promise, so assertions run in the test itself (where a failure fails the
 * test) rather than inside apply (where it would be lost). An unknown value rejects instead of hanging.
 */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve, reject) => {
        pulumi.output(output).apply(value => {
            resolve(value as T);
            return value;
        });
        (pulumi.output(output) as any).isKnown.then((known: boolean) => {
            if (!known) {
                reject(new Error("output is unknown"));
            }
        }, reject);
    });
}

export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(output);
}

export function byType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter(r => r.type === type);
}

export function named(resources: RecordedResource[], name: string): RecordedResource {
    const found = resources.find(r => r.name === name);
    if (found === undefined) {
        throw new Error(`no resource named ${name}; have: ${resources.map(r => r.name).join(", ")}`);
    }
    return found;
}

/** Whether an input, as the engine receives it, is marked secret (encrypted in state, hidden in previews). */
export function isSecretInput(value: unknown): boolean {
    return typeof value === "object" && value !== null &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** An input's plain value, whether or not it was marked secret. */
export function plain<T>(value: T | { value: T }): T {
    return isSecretInput(value) ? (value as { value: T }).value : value as T;
}

/**
 * The shell a command resource runs: a local step's script travels in its environment
 * (components/localScript.ts); a remote step's on its stdin (components/workerConnection.ts), and
 * when secrets come before it there, as its first trigger.
 */
export function scriptOf(resource: RecordedResource): string {
    const environment = resource.inputs.environment as Record<string, string> | undefined;
    if (environment?.XINGRIN_SCRIPT !== undefined) return environment.XINGRIN_SCRIPT;
    const triggers = resource.inputs.triggers as unknown[] | undefined;
    if (isSecretInput(resource.inputs.stdin) && typeof triggers?.[0] === "string") return triggers[0];
    if (typeof resource.inputs.stdin === "string") return resource.inputs.stdin;
    return String(resource.inputs.create ?? resource.inputs.delete ?? "");
}
