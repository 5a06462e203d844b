/**
 * The sandbox fleet as TypeScript sees it: its description (sandbox.json, written by up.sh),
 * starting and stopping it, and the stack config that points a stack at it. The end-to-end specs
 * and `npm run bench` both deploy to it through these.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ConfigMap } from "@pulumi/pulumi/automation";

export const SANDBOX_DIR = process.env.XINGRIN_SANDBOX_DIR ?? "/var/lib/xingrin-sandbox";

/** sandbox/up.sh's description of the fleet it started (its sandbox.json). */
export interface SandboxFleet {
    dockerHost: string;
    registry: string;
    namespace: string;
    /** The XingRin services the registry holds images of (server, frontend, …). */
    services: string[];
    redisImage: string;
    tags: string[];
    registryLog: string;
    sshPrivateKeyFile: string;
    /** Where the sandbox keeps everything it creates (ssh/config, workers/, …). */
    stateDir: string;
    /** The stack's dataDir: /opt/xingrin, which each sandbox host has of its own (see optXingrinDir). */
    dataDir: string;
    /** Where the main server's /opt/xingrin is on this machine (its daemon sees it at /opt/xingrin). */
    mainOptXingrinDir: string;
    tlsCertDir: string;
    /** The sandbox's self-signed certificate (in tlsCertDir), the one a client must trust. */
    tlsCaFile: string;
    /**
     * The main server's address as the workers reach it (the main bridge's address on this
     * machine): the stack's publicHost, and where nginx and postgres publish their ports.
     */
    bindAddress: string;
    publicHost: string;
    publicScheme: string;
    /** xingrinPassword: the SSH password the stack gives XingRin for that worker (workerPasswords). */
    /** optXingrinDir: where that worker's /opt/xingrin is on this machine. */
    workers: Array<{ name: string; address: string; port: number; user: string; hostKey: string; dockerHost: string; xingrinPassword: string; optXingrinDir: string }>;
}

/** Runs one of the sandbox's scripts; its progress goes to this process's output. */
export function sandboxScript(script: string, args: string[] = [], env: Record<string, string> = {}): void {
    execFileSync("bash", [path.join(__dirname, script), ...args], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
}

/**
 * Starts the sandbox from a clean slate (anything an earlier run or a rehearsal with
 * sandbox/deploy.sh left on its hosts is removed first), with `workers` worker hosts.
 */
export function sandboxUp(workers?: number): SandboxFleet {
    sandboxDown();
    sandboxScript("up.sh", [], workers === undefined ? {} : { XINGRIN_SANDBOX_WORKERS: String(workers) });
    return JSON.parse(fs.readFileSync(path.join(SANDBOX_DIR, "sandbox.json"), "utf8"));
}

export function sandboxDown(): void {
    sandboxScript("down.sh");
}

/** The stack's `workers`: the fleet's first `count` worker hosts (all by default). */
export function workersConfig(fleet: SandboxFleet, count = fleet.workers.length): { value: string } {
    return { value: JSON.stringify(fleet.workers.slice(0, count).map(({ name, address, port, user, hostKey }) => ({ name, address, port, user, hostKey }))) };
}

/** The config that points a stack at the sandbox's hosts: its daemon, loopback publishing, data dirs, SSH key. */
export function fleetHostConfig(fleet: SandboxFleet): ConfigMap {
    fs.mkdirSync(fleet.tlsCertDir, { recursive: true });
    return {
        "dockerHost": { value: fleet.dockerHost },
        "publicHost": { value: fleet.publicHost },
        "publicScheme": { value: fleet.publicScheme },
        "bindAddress": { value: fleet.bindAddress },
        // The workers' scan tasks reach postgres at the main server's address.
        "databaseBindAddress": { value: fleet.bindAddress },
        "dataDir": { value: fleet.dataDir },
        "tlsCertDir": { value: fleet.tlsCertDir },
        "workerSshPrivateKey": { value: fs.readFileSync(fleet.sshPrivateKeyFile, "utf8"), secret: true },
        "workerPasswords": { value: JSON.stringify(Object.fromEntries(fleet.workers.map(w => [w.name, w.xingrinPassword]))), secret: true },
    };
}
