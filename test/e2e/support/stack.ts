import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { fleetHostConfig, SandboxFleet, workersConfig } from "../../../sandbox/fleet";

const REPO = path.resolve(__dirname, "..", "..", "..");
export const STACK_NAME = "e2e";
const PASSPHRASE = "e2e-passphrase";

/** Secrets the suite deploys with; the suite checks none of them reaches state or output in plain text. */
export const E2E_SECRETS = {
    databasePassword: "e2e-db-Pa55-61a9",
    djangoSecretKey: "e2e-django-Key-7f0c",
    workerApiKey: "e2e-worker-Key-c3d2",
};

export interface E2eStack {
    stack: Stack;
    backendDir: string;
    /** Everything the engine printed, for secret and progress checks. */
    output: string[];
}

/**
 * A stack on a file backend in a temp dir, configured from the sandbox's fleet description. The
 * engine runs for real: the program, the docker and command providers, the daemons and sshd's.
 */
export async function createSandboxStack(fleet: SandboxFleet, imageTag: string): Promise<E2eStack> {
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-e2e-backend-"));
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK_NAME, workDir: REPO }, {
        envVars: {
            PULUMI_BACKEND_URL: `file://${backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        },
    });
    await stack.setAllConfig({
        "imageTag": { value: imageTag },
        "registry": { value: fleet.registry },
        "namespace": { value: fleet.namespace },
        "redisImage": { value: fleet.redisImage },
        ...fleetHostConfig(fleet),
        "workers": workersConfig(fleet),
        "databasePassword": { value: E2E_SECRETS.databasePassword, secret: true },
        "djangoSecretKey": { value: E2E_SECRETS.djangoSecretKey, secret: true },
        "workerApiKey": { value: E2E_SECRETS.workerApiKey, secret: true },
    });
    return { stack, backendDir, output: [] };
}

export async function removeSandboxStack(e2e: E2eStack): Promise<void> {
    await e2e.stack.workspace.removeStack(STACK_NAME, { force: true });
    fs.rmSync(e2e.backendDir, { recursive: true, force: true });
    fs.rmSync(path.join(REPO, `Pulumi.${STACK_NAME}.yaml`), { force: true });
}

/** Prints engine output as it arrives (long pulls stay visible) and keeps it for later checks. */
export function echoTo(e2e: E2eStack): (line: string) => void {
    return (line: string) => {
        e2e.output.push(line);
        process.stdout.write(`      | ${line}`);
    };
}

/** `pulumi up` with the stack's imageTag set to `tag`; the engine's output is echoed and kept. */
export async function upAt(e2e: E2eStack, tag: string) {
    await e2e.stack.setConfig("imageTag", { value: tag });
    return e2e.stack.up({ onOutput: echoTo(e2e), color: "never" });
}

/** The steps a preview or update plans, as the engine reports them. */
export function collectSteps(events: EngineEvent[]) {
    return events.filter(e => e.resourcePreEvent !== undefined).map(e => e.resourcePreEvent!.metadata);
}

/**
 * The stack's state exactly as the file backend stores it on disk (checkpoints and their backups;
 * not `exportStack`, which decrypts secrets).
 */
export function storedState(e2e: E2eStack): string {
    const stacksDir = path.join(e2e.backendDir, ".pulumi");
    return fs.readdirSync(stacksDir, { recursive: true, encoding: "utf8" })
        .map(file => path.join(stacksDir, file))
        .filter(file => fs.statSync(file).isFile() && /\.json(\.bak)?$/.test(file))
        .map(file => fs.readFileSync(file, "utf8"))
        .join("\n");
}

/** The environment a pulumi command needs to reach this stack (its state and passphrase). */
export function stackEnv(e2e: E2eStack): Record<string, string> {
    return { PULUMI_BACKEND_URL: `file://${e2e.backendDir}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
}

/** releaseCli without blocking this process, so that a probe can run meanwhile. */
export function releaseCliInBackground(e2e: E2eStack, args: string[]): Promise<{ status: number; output: string }> {
    return new Promise(resolve => {
        const child = spawn("npx", ["ts-node", "--transpile-only", "release/cli.ts", ...args, "--stack", STACK_NAME], {
            cwd: REPO, env: { ...process.env, ...stackEnv(e2e) },
        });
        let output = "";
        child.stdout.on("data", chunk => (output += chunk));
        child.stderr.on("data", chunk => (output += chunk));
        child.on("close", code => {
            e2e.output.push(output);
            process.stdout.write(output.split("\n").map(line => `      | ${line}`).join("\n"));
            resolve({ status: code ?? -1, output });
        });
    });
}

/**
 * Runs the release CLI (release/cli.ts) against this stack, as an operator would with npm run.
 * `stack` is how --stack names it: the stack's name, or its fully qualified organization/project/name.
 */
export function releaseCli(e2e: E2eStack, args: string[], stack = STACK_NAME): { status: number; output: string } {
    const result = spawnSync("npx", ["ts-node", "--transpile-only", "release/cli.ts", ...args, "--stack", stack], {
        cwd: REPO,
        encoding: "utf8",
        env: { ...process.env, ...stackEnv(e2e) },
        timeout: 10 * 60 * 1000,
    });
    const output = `${result.stdout}${result.stderr}`;
    e2e.output.push(output);
    process.stdout.write(output.split("\n").map(line => `      | ${line}`).join("\n"));
    return { status: result.status ?? -1, output };
}
