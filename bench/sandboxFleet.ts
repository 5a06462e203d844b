/** The sandbox the benchmark runs on: sandbox/up.sh with enough worker hosts, and its description. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
export const SANDBOX_DIR = process.env.XINGRIN_SANDBOX_DIR ?? "/var/lib/xingrin-sandbox";

/** The parts of sandbox.json the benchmark reads. */
export interface SandboxFleet {
    dockerHost: string;
    registry: string;
    namespace: string;
    redisImage: string;
    tags: string[];
    sshPrivateKeyFile: string;
    dataDir: string;
    tlsCertDir: string;
    bindAddress: string;
    publicScheme: string;
    workers: Array<{ name: string; address: string; port: number; user: string; hostKey: string; dockerHost: string }>;
}

function sandboxScript(script: string, env: Record<string, string> = {}, args: string[] = []): void {
    execFileSync("bash", [path.join(REPO, "sandbox", script), ...args], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
}

/** A clean sandbox with `workers` worker hosts (whatever a rehearsal or a spec left is removed first). */
export function freshSandbox(workers: number): SandboxFleet {
    sandboxScript("down.sh");
    sandboxScript("up.sh", { XINGRIN_SANDBOX_WORKERS: String(workers) });
    return JSON.parse(fs.readFileSync(path.join(SANDBOX_DIR, "sandbox.json"), "utf8"));
}

export function sandboxDown(): void {
    sandboxScript("down.sh");
}

export function limitedRegistry(mbit: number): void {
    sandboxScript("limited-registry.sh", {}, ["up", String(mbit)]);
}

/** Where to pull through the limited link, and where to push past it (see sandbox/limited-registry.sh). */
export const LIMITED_REGISTRY = { pull: "127.0.0.1:5100", push: "10.197.0.2:5000" };
