import { validateWorkers, WorkerHost } from "../config/workers";
import { ReleaseError } from "./errors";
import { HostAccess, HostTarget, mainServerTarget, MainServerTarget, OpenHostAccess } from "./hostAccess";
import { readInventory } from "./hostInventory";
import { PulumiCli } from "./pulumiCli";
import { MAIN_SERVER_HOST } from "../config/workers";
import { checkHost, ImageVersion, TASK_IMAGE_SERVICE, VersionMatrix } from "./versionsCheck";
import { prunedByNextUpdate, readDeployHistory } from "./retention";
import { HostReport, problems, renderHost } from "./versionsTable";

export interface VersionsDeps {
    pulumi: PulumiCli;
    openHosts: OpenHostAccess;
    print: (line: string) => void;
}


/** Exit status when a host differs from the stack outputs or could not be checked. */
export const EXIT_MISMATCH = 2;

/**
 * Prints, per host, what the stack outputs say runs there next to what the host's Docker daemon
 * actually runs and holds, and flags every difference. Returns the exit status: 0 when all agree.
 */
export async function versions(deps: VersionsDeps): Promise<number> {
    const { pulumi, print } = deps;
    const stack = pulumi.stack;
    const outputs = await pulumi.outputs();
    const matrix = outputs.versions as VersionMatrix | string | undefined;
    if (matrix === "[secret]") {
        // `pulumi stack output` masks secret outputs (pkg/cmd/pulumi/stack/stack_output.go, v3.248.0).
        throw new ReleaseError(
            `stack ${stack}'s \`versions\` output is marked secret, so pulumi shows only "[secret]": it holds no secret, ` +
            "so index.ts should export it through pulumi.unsecret(); until then read it with " +
            `\`pulumi stack output versions --show-secrets --stack ${stack}\``);
    }
    if (typeof matrix !== "object" || matrix === null || typeof matrix[MAIN_SERVER_HOST] !== "object") {
        throw new ReleaseError(
            `stack ${stack} has no \`versions\` output (has it been deployed?): run \`${pulumi.upCommand()}\` first`);
    }
    const deployedTag = String(outputs.imageTag ?? "unknown");
    print(`stack ${stack}: last update deployed imageTag ${deployedTag}`);
    const configuredTag = await pulumi.configGet("imageTag");
    if (configuredTag !== undefined && configuredTag !== "" && configuredTag !== deployedTag) {
        print(`  note: the stack's imageTag is now ${configuredTag}, not deployed yet (\`${pulumi.previewCommand()}\` shows what moves)`);
    }

    const main = await mainServerTarget(pulumi);
    const workers = validateWorkers(await pulumi.configGetObject("workers"));
    const targets = hostTargets(matrix, main, workers, print);
    const reachedWorkers = targets.flatMap(t => t.kind === "worker" ? [t.worker] : []);
    const sshPrivateKey = reachedWorkers.length > 0 ? await requireWorkerKey(pulumi) : undefined;

    const wanted = configuredTag === undefined || configuredTag === "" ? deployedTag : configuredTag;
    const access = deps.openHosts({ workers: reachedWorkers, sshPrivateKey });
    let reports: HostReport[];
    try {
        // Compared with the stack's imageTag, not only with the outputs: after a failed or interrupted
        // update, the outputs may name a version the hosts never reached.
        reports = await Promise.all(targets.map(target => reportHost(access, target, retag(rowFor(matrix, target, outputs), wanted))));
    } finally {
        access.close();
    }

    const keepVersions = Number((await pulumi.configGet("keepVersions")) || "5");
    const history = await readDeployHistory(pulumi);
    for (const report of reports) {
        print("");
        renderHost(report).forEach(line => print(line));
        const pruned = report.check === undefined ? [] : prunedByNextUpdate(report.check.held.map(v => v.tag), wanted, keepVersions, history);
        if (pruned.length > 0) {
            print(`  the next update prunes here (keepVersions ${keepVersions}): ${pruned.join(", ")}`);
        }
    }
    print("");
    const found = problems(reports);
    if (found.length === 0) {
        print(`Every host runs what stack ${stack} says.`);
        return 0;
    }
    print(`${found.length} difference(s) between stack ${stack} and its hosts:`);
    found.forEach(line => print(`  ${line}`));
    print(`\`${pulumi.previewCommand()}\` shows what a \`pulumi up\` would change to put them back in line.`);
    return EXIT_MISMATCH;
}

/** The row with every XingRin image on `tag` (the recorded digest only still applies to an unchanged reference). */
function retag(row: Record<string, ImageVersion>, tag: string): Record<string, ImageVersion> {
    return Object.fromEntries(Object.entries(row).map(([service, version]) => {
        const match = /^(.*\/xingrin-[a-z]+):([^:/@]+)$/.exec(version.image);
        if (match === null || match[2] === tag) {
            return [service, version];
        }
        return [service, { image: `${match[1]}:${tag}`, digest: "" }];
    }));
}

/** The hosts to check: the main server, then each worker the outputs list and the config can reach. */
function hostTargets(matrix: VersionMatrix, main: MainServerTarget, workers: WorkerHost[], print: (line: string) => void): HostTarget[] {
    const targets: HostTarget[] = [main];
    for (const name of Object.keys(matrix).filter(host => host !== MAIN_SERVER_HOST)) {
        const worker = workers.find(w => w.name === name);
        if (worker === undefined) {
            print(`  note: ${name} is in the outputs but no longer in the stack's workers, so it is not checked (the next pulumi up removes it)`);
        } else {
            targets.push({ kind: "worker", name, worker });
        }
    }
    for (const worker of workers.filter(w => matrix[w.name] === undefined)) {
        print(`  note: ${worker.name} is in the stack's workers but not in the outputs yet (the next pulumi up sets it up)`);
    }
    return targets;
}

/**
 * The images a host should have. The main server also needs the worker image it hands out per task
 * (the `taskExecutorImage` output), which its `versions` row does not list because no container runs it.
 */
function rowFor(matrix: VersionMatrix, target: HostTarget, outputs: Record<string, unknown>): Record<string, ImageVersion> {
    const row = { ...matrix[target.name] };
    if (target.kind === "main-server" && row[TASK_IMAGE_SERVICE] === undefined && typeof outputs.taskExecutorImage === "string") {
        row[TASK_IMAGE_SERVICE] = { image: outputs.taskExecutorImage, digest: "" };
    }
    return row;
}

async function reportHost(access: HostAccess, target: HostTarget, row: Record<string, ImageVersion>): Promise<HostReport> {
    const via = target.kind === "main-server" ? `docker ${target.dockerHost}`
        : `ssh ${target.worker.user}@${target.worker.address}:${target.worker.port}`;
    try {
        return { host: target.name, via, check: checkHost(row, await readInventory(access, target)) };
    } catch (error) {
        return { host: target.name, via, unreachable: error instanceof Error ? error.message : String(error) };
    }
}

async function requireWorkerKey(pulumi: PulumiCli): Promise<string> {
    const key = await pulumi.configGet("workerSshPrivateKey");
    if (key === undefined || key.trim() === "") {
        throw new ReleaseError(
            `stack ${pulumi.stack} lists workers but has no workerSshPrivateKey to reach them: ` +
            `run \`pulumi config set --secret --stack ${pulumi.stack} -- workerSshPrivateKey < ~/.ssh/id_ed25519\``);
    }
    return key;
}
