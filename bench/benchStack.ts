/**
 * The benchmark's own stack ("bench") on the sandbox, on a file backend of its own. Deployed,
 * updated and rolled back with the real engine, exactly as an operator's `pulumi up` does.
 */
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { fleetHostConfig, SandboxFleet, workersConfig } from "../sandbox/fleet";

const REPO = path.resolve(__dirname, "..");
export const BENCH_STACK = "bench";
const PASSPHRASE = "bench-passphrase";

export interface BenchStack {
    readonly stack: Stack;
    readonly backendDir: string;
    readonly env: Record<string, string>;
}

export async function createBenchStack(fleet: SandboxFleet, backendDir: string, log: (line: string) => void): Promise<BenchStack> {
    fs.rmSync(backendDir, { recursive: true, force: true });
    fs.mkdirSync(backendDir, { recursive: true });
    const env = { PULUMI_BACKEND_URL: `file://${backendDir}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: BENCH_STACK, workDir: REPO }, { envVars: env });
    await stack.setAllConfig({
        ...fleetHostConfig(fleet),
        "databasePassword": { value: "bench-db-password", secret: true },
        "djangoSecretKey": { value: "bench-django-key", secret: true },
        "workerApiKey": { value: "bench-worker-key", secret: true },
    });
    log(`stack ${BENCH_STACK} on ${backendDir}`);
    return { stack, backendDir, env };
}

export interface Deployment {
    readonly registry: string;
    readonly namespace: string;
    readonly redisImage: string;
    readonly imageTag: string;
    readonly workers: number;
}

export async function configure(bench: BenchStack, fleet: SandboxFleet, deployment: Deployment): Promise<void> {
    await bench.stack.setAllConfig({
        "registry": { value: deployment.registry },
        "namespace": { value: deployment.namespace },
        "redisImage": { value: deployment.redisImage },
        "imageTag": { value: deployment.imageTag },
        "workers": workersConfig(fleet, deployment.workers),
    });
}

/** One step of an update: a resource operation, from the engine's first to its last event for it. */
export interface StepTiming {
    readonly urn: string;
    readonly name: string;
    readonly type: string;
    readonly op: string;
    /** ms on the caller's clock */
    readonly start: number;
    end: number;
}

/**
 * `pulumi up` with every step timed on `clock` (the probe's clock, so phases line up with the
 * probe's samples). Engine output is passed on so long pulls stay visible.
 */
export async function timedUp(bench: BenchStack, clock: () => number, log: (line: string) => void): Promise<{ steps: StepTiming[]; start: number; end: number }> {
    const steps = new Map<string, StepTiming>();
    const start = clock();
    await bench.stack.up({
        onOutput: text => log(text.replace(/\n$/, "")),
        onEvent: (event: EngineEvent) => {
            const now = clock();
            const pre = event.resourcePreEvent?.metadata;
            if (pre !== undefined && pre.op !== "same" && pre.op !== "read") {
                steps.set(`${pre.urn}|${pre.op}`, { urn: pre.urn, name: pre.urn.split("::").pop()!, type: pre.type, op: pre.op, start: now, end: now });
            }
            const done = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
            if (done !== undefined) {
                const step = steps.get(`${done.urn}|${done.op}`);
                if (step !== undefined) step.end = now;
            }
        },
    });
    return { steps: [...steps.values()], start, end: clock() };
}
