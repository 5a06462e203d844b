import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SANDBOX_DIR, SandboxFleet } from "./sandbox";

const REPO = path.resolve(__dirname, "..", "..", "..");

/**
 * Faults the fault-matrix spec puts into the sandbox, each with its removal. They act only on the
 * sandbox's own processes, on loopback.
 */
type Worker = SandboxFleet["workers"][number];

function run(command: string, args: string[]): string {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** SSH to the worker times out instead of being refused: packets to its sshd are dropped, so every dial waits for its timeout. */
export function dropSsh(worker: Worker): () => void {
    const rule = ["INPUT", "-d", worker.address, "-p", "tcp", "--dport", String(worker.port), "-j", "DROP"];
    run("iptables", ["-I", ...rule]);
    return () => run("iptables", ["-D", ...rule]);
}

function killPidFile(pidFile: string): void {
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 150; i++) {
        try {
            process.kill(pid, 0);
        } catch {
            return;
        }
        execFileSync("sleep", ["0.2"]);
    }
    process.kill(pid, "SIGKILL");
}

/** up.sh starts whatever of the sandbox is not running, and leaves the rest alone. */
export function restoreSandbox(): void {
    execFileSync("bash", [path.join(REPO, "sandbox", "up.sh")], { stdio: ["ignore", "ignore", "inherit"] });
}

export function stopWorkerDocker(worker: Worker): () => void {
    killPidFile(path.join(SANDBOX_DIR, "workers", worker.name, "dockerd.pid"));
    return restoreSandbox;
}

export function stopRegistry(): () => void {
    killPidFile(path.join(SANDBOX_DIR, "registry.pid"));
    return restoreSandbox;
}

const MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";

/** Pushes `repo:to` as a copy of `repo:from` through the registry's API (same content, new tag). */
export async function copyTag(fleet: SandboxFleet, repo: string, from: string, to: string): Promise<void> {
    const base = `http://${fleet.registry}/v2/${repo}/manifests`;
    const manifest = await fetch(`${base}/${from}`, { headers: { Accept: MANIFEST_TYPE } });
    if (!manifest.ok) {
        throw new Error(`GET ${base}/${from}: ${manifest.status}`);
    }
    const put = await fetch(`${base}/${to}`, {
        method: "PUT", headers: { "Content-Type": MANIFEST_TYPE }, body: Buffer.from(await manifest.arrayBuffer()),
    });
    if (!put.ok) {
        throw new Error(`PUT ${base}/${to}: ${put.status} ${await put.text()}`);
    }
}
