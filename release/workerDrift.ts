import { taskExecutorImageRef, xingrinImageRef } from "../config/images";
import { VERSION_FILE } from "../config/read";
import { validateWorkers, WorkerHost } from "../config/workers";
import { OpenHostAccess } from "./hostAccess";
import { familiarRef, imageIdOf, readInventory } from "./hostInventory";
import { PulumiCli } from "./pulumiCli";
import { readVersionFile } from "./versionFile";

/** A worker whose host no longer matches what the stack last did there, and what puts it right. */
export interface WorkerDrift {
    worker: string;
    problem: string;
    /** The stack resource to run again: the agent's start, or the pre-pull (which restarts the agent too). */
    rerun: "agent" | "pre-pull";
}

export interface WorkerDriftReport {
    drift: WorkerDrift[];
    /** Workers that could not be checked, with the reason. */
    unreachable: string[];
}

/**
 * The command provider never reads a worker back, so an agent removed or replaced by hand, or an
 * image deleted there, is invisible to `pulumi preview --refresh`. This looks at each worker the
 * way `npm run versions` does and names the command to run again.
 */
export async function findWorkerDrift(pulumi: PulumiCli, openHosts: OpenHostAccess): Promise<WorkerDriftReport> {
    const workers = validateWorkers(await pulumi.configGetObject("workers"));
    if (workers.length === 0) {
        return { drift: [], unreachable: [] };
    }
    const tag = (await pulumi.configGet("imageTag")) || readVersionFile(VERSION_FILE);
    const repository = {
        registry: (await pulumi.configGet("registry")) || "docker.io",
        namespace: (await pulumi.configGet("namespace")) || "yyhuni",
    };
    const agentImage = xingrinImageRef(repository, "agent", tag);
    const workerImage = taskExecutorImageRef(repository, tag, (await pulumi.configGet("taskExecutorImage")) || undefined);
    const key = await pulumi.configGet("workerSshPrivateKey");
    const access = openHosts({ workers, sshPrivateKey: key });
    const report: WorkerDriftReport = { drift: [], unreachable: [] };
    try {
        for (const worker of workers) {
            await checkWorker(worker, { agentImage, workerImage }, access, report);
        }
    } finally {
        access.close();
    }
    return report;
}

async function checkWorker(worker: WorkerHost, wanted: { agentImage: string; workerImage: string },
    access: ReturnType<OpenHostAccess>, report: WorkerDriftReport): Promise<void> {
    let inventory;
    try {
        inventory = await readInventory(access, { kind: "worker", name: worker.name, worker });
    } catch (error) {
        report.unreachable.push(`${worker.name}: ${error instanceof Error ? error.message : String(error)}`);
        return;
    }
    const missing = [wanted.workerImage, wanted.agentImage].filter(ref => imageIdOf(inventory, ref) === undefined);
    if (missing.length > 0) {
        report.drift.push({ worker: worker.name, problem: `does not hold ${missing.join(", ")}`, rerun: "pre-pull" });
        return;
    }
    const agents = inventory.containers.filter(container => container.service === "agent");
    const running = agents.filter(agent => agent.state === "running" && familiarRef(agent.image) === familiarRef(wanted.agentImage));
    if (agents.length !== 1 || running.length !== 1) {
        const seen = agents.length === 0 ? "no agent container" : agents.map(a => `${a.name} ${a.image} (${a.state})`).join(", ");
        report.drift.push({ worker: worker.name, problem: `runs ${seen}, not one agent on ${wanted.agentImage}`, rerun: "agent" });
    }
}
