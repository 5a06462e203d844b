import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..", "..");
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
    /** The sandbox's own data dir (the stack's dataDir) and where nginx's certificates go. */
    dataDir: string;
    tlsCertDir: string;
    /** Published ports bind to loopback only; nginx serves plain HTTP. */
    bindAddress: string;
    publicScheme: string;
    workers: Array<{ name: string; address: string; port: number; user: string; hostKey: string; dockerHost: string }>;
}

/**
 * Starts the sandbox from a clean slate (anything an earlier run or a rehearsal with
 * sandbox/deploy.sh left on its hosts is removed first); its progress goes to the test's output.
 */
export function sandboxUp(): SandboxFleet {
    sandboxDown();
    execFileSync("bash", [path.join(REPO, "sandbox", "up.sh")], { stdio: ["ignore", "inherit", "inherit"] });
    return JSON.parse(fs.readFileSync(path.join(SANDBOX_DIR, "sandbox.json"), "utf8"));
}

export function sandboxDown(): void {
    execFileSync("bash", [path.join(REPO, "sandbox", "down.sh")], { stdio: ["ignore", "inherit", "inherit"] });
}

/** Manifest requests the registry has served so far (pulls), e.g. to prove a rollback pulled nothing. */
export function manifestGets(fleet: SandboxFleet): string[] {
    return fs.readFileSync(fleet.registryLog, "utf8").split("\n").filter(line => /"(GET|HEAD) \/v2\/[^ ]+\/manifests\//.test(line));
}
