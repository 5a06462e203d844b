import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { docker, login, publicRequest, PublicEntry, serviceContainer, sql } from "./hosts";
import { workerRecords } from "./xingrinWorkers";

/** The sandbox as this check needs it (sandbox.json). */
export interface ScanFleet extends PublicEntry {
    dockerHost: string;
    mainOptXingrinDir: string;
    workers: Array<{ name: string; address: string; dockerHost: string; optXingrinDir: string }>;
}

/** One host that runs scans: a remote worker, or the main server's Local-Worker. */
interface ScanHost { name: string; dockerHost: string; optXingrinDir: string }

const XINGRIN_DIR = "/opt/xingrin";
const SCAN_LOG = "logs/container_run_initiate_scan.log";

/**
 * A scan on every worker and on the local worker, started as XingRin's UI starts one (a login, then
 * POST /api/scans/quick/), after every step of a spec. For each it asserts that the task ran on that
 * host in a container of `workerImage`, pulled nothing, and left its results in that host's
 * /opt/xingrin/results and its log in /opt/xingrin/logs; that XingRin's worker list shows every
 * listed worker remote and online and no other local entry; and that no agent was replaced meanwhile.
 *
 * XingRin picks the least-loaded worker with a live load key (contract §6) and offers no way to aim a
 * scan. So, to aim it at one host, the other hosts' agents are paused for the moment of the choice
 * and their load keys (TTL 15 s) removed, which is what XingRin sees when those agents are down.
 * They are unpaused right after: the same containers go on.
 */
export async function assertScanOnEveryWorker(fleet: ScanFleet, stack: string, workerImage: string): Promise<void> {
    const hosts: ScanHost[] = [
        ...fleet.workers.map(w => ({ name: w.name, dockerHost: w.dockerHost, optXingrinDir: w.optXingrinDir })),
        { name: "Local-Worker", dockerHost: fleet.dockerHost, optXingrinDir: fleet.mainOptXingrinDir },
    ];
    const agentsBefore = hosts.map(h => agentId(h));
    const session = await login(fleet);
    for (const host of hosts) {
        await scanOn(fleet, session, host, hosts, workerImage);
    }
    assert.deepStrictEqual(hosts.map(h => agentId(h)), agentsBefore, "an agent was replaced while the scans ran");
    for (const host of hosts) {
        const labels = docker(host.dockerHost, ["inspect", "--format", '{{index .Config.Labels "xingrin.stack"}}', agentName(host)]);
        assert.strictEqual(labels, stack, `${host.name}'s agent is not the program's`);
    }
    await assertWorkerList(fleet, session);
}

function agentName(host: ScanHost): string { return serviceContainer(host.dockerHost, "agent"); }
function agentId(host: ScanHost): string { return docker(host.dockerHost, ["inspect", "--format", "{{.Id}}", agentName(host)]); }

async function scanOn(fleet: ScanFleet, session: string, target: ScanHost, hosts: ScanHost[], workerImage: string): Promise<void> {
    const records = workerRecords(fleet.dockerHost);
    const record = records.find(r => r.name === target.name);
    assert.ok(record !== undefined, `${target.name} has no record in XingRin`);
    const others = hosts.filter(h => h !== target);
    const since = hostClock(target);
    const redis = serviceContainer(fleet.dockerHost, "redis");
    await waitUntilDispatchable(fleet.dockerHost, target.name);
    for (const other of others) docker(other.dockerHost, ["pause", agentName(other)]);
    let scanId: string | undefined;
    try {
        try {
            await new Promise(resolve => setTimeout(resolve, 1500));   // a heartbeat in flight lands first
            for (const r of records.filter(r => r.name !== target.name)) docker(fleet.dockerHost, ["exec", redis, "redis-cli", "DEL", `worker:load:${r.id}`]);
            const answer = await publicRequest(fleet, "POST", "/api/scans/quick/",
                { targets: [{ name: `${target.name.toLowerCase()}.scan.example.com` }], engineId: 1 }, session);
            assert.strictEqual(answer.status, 201, `quick scan for ${target.name}: ${answer.body}`);
            scanId = String(JSON.parse(answer.body).scans[0].id);
            await waitForScan(fleet.dockerHost, scanId, target.name);
        } finally {
            for (const other of others) docker(other.dockerHost, ["unpause", agentName(other)]);
        }
        assertScanRan(fleet, scanId, target, others, record.id, since, workerImage);
    } finally {
        // Deleted again, as a user would, so the specs' data-survival checks see only their own rows,
        // also when this scan failed.
        if (scanId !== undefined) sql(fleet.dockerHost, `DELETE FROM scan WHERE id = ${scanId}`);
    }
}

function assertScanRan(fleet: ScanFleet, scanId: string, target: ScanHost, others: ScanHost[], recordId: string,
                       since: string, workerImage: string): void {
    const [status, workerId, resultsDir] = sql(fleet.dockerHost, `SELECT status, worker_id, results_dir FROM scan WHERE id = ${scanId}`).split("|");
    assert.strictEqual(workerId, recordId, `scan ${scanId} for ${target.name} ran on worker ${workerId || "(none)"}; the server said: ${dispatchLog(fleet.dockerHost, scanId)}`);
    assert.strictEqual(status, "completed", `scan ${scanId} on ${target.name}: ${status}; the server said: ${dispatchLog(fleet.dockerHost, scanId)}`);

    const until = hostClock(target);
    const started = events(target, since, until, ["type=container", "event=start"], "{{.From}}");
    assert.deepStrictEqual(started, [workerImage], `${target.name}: the containers started during its scan`);
    assert.deepStrictEqual(events(target, since, until, ["type=image", "event=pull"], "{{.ID}}"), [], `${target.name} pulled during its scan`);
    for (const other of others) {
        assert.deepStrictEqual(events(other, since, until, ["type=container", "event=start"], "{{.From}}")
            .filter(image => image === workerImage), [], `${target.name}'s scan also started a task on ${other.name}`);
    }

    assert.ok(resultsDir.startsWith(`${XINGRIN_DIR}/results/scan_`), `scan ${scanId}'s workspace is ${resultsDir}, outside /opt/xingrin/results`);
    const onHost = path.join(target.optXingrinDir, resultsDir.slice(XINGRIN_DIR.length));
    const result = JSON.parse(fs.readFileSync(path.join(onHost, "result.json"), "utf8"));
    assert.strictEqual(result.scanId, scanId, `${target.name}'s /opt/xingrin holds another scan's results`);
    const log = fs.readFileSync(path.join(target.optXingrinDir, SCAN_LOG), "utf8");
    assert.match(log, new RegExp(`scan ${scanId} completed`), `${target.name}'s ${XINGRIN_DIR}/${SCAN_LOG} lacks scan ${scanId}`);
}

/** Waits until the scan leaves initiated/running (XingRin dispatches in the background). */
async function waitForScan(mainHost: string, scanId: string, host: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
        const status = sql(mainHost, `SELECT status FROM scan WHERE id = ${scanId}`);
        if (status !== "initiated" && status !== "running") return;
        if (Date.now() > deadline) throw new Error(`scan ${scanId} on ${host} is still ${status} after 60 s`);
        await new Promise(resolve => setTimeout(resolve, 500));
    }
}

/** The host daemon's clock, in the form `docker events --since` takes. */
function hostClock(host: ScanHost): string {
    return docker(host.dockerHost, ["info", "--format", "{{.SystemTime}}"]);
}

function events(host: ScanHost, since: string, until: string, filters: string[], format: string): string[] {
    return docker(host.dockerHost, ["events", "--since", since, "--until", until, ...filters.flatMap(f => ["--filter", f]), "--format", format])
        .split("\n").filter(line => line !== "");
}

/** XingRin's worker list (GET /api/workers/, a session route), as its UI shows it. */
async function assertWorkerList(fleet: ScanFleet, session: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
        const answer = await publicRequest(fleet, "GET", "/api/workers/", undefined, session);
        assert.strictEqual(answer.status, 200, answer.body);
        const listed = (JSON.parse(answer.body).results as Array<{ name: string; ipAddress: string; isLocal: boolean; status: string }>);
        const shown = listed.map(w => `${w.name} ${w.ipAddress} local=${w.isLocal} ${w.status}`).sort();
        // The one local entry: the main server's Local-Worker (its address is the server container's).
        const localAddress = listed.find(w => w.name === "Local-Worker")?.ipAddress ?? "(none)";
        const wanted = [...fleet.workers.map(w => `${w.name} ${w.address} local=false online`), `Local-Worker ${localAddress} local=true online`].sort();
        if (JSON.stringify(shown) === JSON.stringify(wanted)) return;
        if (Date.now() > deadline) assert.deepStrictEqual(shown, wanted, "XingRin's worker list");
        await new Promise(resolve => setTimeout(resolve, 1000));
    }
}

/**
 * Waits until XingRin would choose `name` at all: its record online or offline and its load key live
 * (contract §6). Right after a server is replaced, the first heartbeat to the new one may not have
 * landed yet; a user would see the worker offline for those seconds too.
 */
async function waitUntilDispatchable(mainHost: string, name: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
        const record = workerRecords(mainHost).find(r => r.name === name);
        if (record !== undefined && ["online", "offline"].includes(record.status) && record.heartbeating) return;
        if (Date.now() > deadline) {
            throw new Error(`${name} is not dispatchable after 30 s: record ${record === undefined ? "missing" :
                `status ${record.status}, load key ${record.heartbeating ? "live" : "missing"}`}`);
        }
        await new Promise(resolve => setTimeout(resolve, 500));
    }
}

/** The server's log lines about one scan's dispatch, for a failure's message. */
function dispatchLog(mainHost: string, scanId: string): string {
    const server = serviceContainer(mainHost, "server");
    const lines = docker(mainHost, ["logs", "--tail", "300", server]).split("\n").filter(line => line.includes(`scan ${scanId}`));
    return lines.length === 0 ? "(nothing)" : lines.join(" | ");
}
