import * as assert from "assert";
import { docker, inspectContainer, serviceContainer, sql } from "./hosts";

/** One row of XingRin's worker_node, with whether its agent's load key is live in Redis. */
export interface WorkerRecord {
    id: string;
    name: string;
    isLocal: boolean;
    status: string;
    address: string;
    username: string;
    hasPassword: boolean;
    /** XingRin's own test for "can be dispatched to": worker:load:<id> exists (TTL 15 s). */
    heartbeating: boolean;
}

/** XingRin's worker records as its database holds them (the main server's postgres and redis). */
export function workerRecords(mainHost: string): WorkerRecord[] {
    const rows = sql(mainHost, "SELECT id, name, is_local, status, host(ip_address), username, password <> '' FROM worker_node ORDER BY id");
    const redis = serviceContainer(mainHost, "redis");
    return rows === "" ? [] : rows.split("\n").map(row => {
        const [id, name, isLocal, status, address, username, hasPassword] = row.split("|");
        const heartbeating = docker(mainHost, ["exec", redis, "redis-cli", "EXISTS", `worker:load:${id}`]) === "1";
        return { id, name, isLocal: isLocal === "t", status, address, username, hasPassword: hasPassword === "t", heartbeating };
    });
}

interface ListedWorker { name: string; address: string; user: string; dockerHost: string }

/**
 * What XingRin must show once an up is done: every listed worker a remote record at its address,
 * with the SSH credentials the dispatcher needs, dispatchable and heartbeating (listed online), its agent the program's
 * (labels, key, WORKER_ID of that record); and no other record than the main server's Local-Worker.
 * Heartbeats come every few seconds, so it waits up to `seconds` for the state to settle.
 */
export async function assertWorkersRegistered(mainHost: string, stack: string, workers: ListedWorker[], seconds = 30): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        try {
            checkRegistered(mainHost, stack, workers);
            return;
        } catch (error) {
            if (Date.now() > deadline) throw error;
        }
        await new Promise(resolve => setTimeout(resolve, 1000));
    }
}

function checkRegistered(mainHost: string, stack: string, workers: ListedWorker[]): void {
    const records = workerRecords(mainHost);
    const shown = JSON.stringify(records);
    for (const worker of workers) {
        const record = records.find(r => r.name === worker.name);
        assert.ok(record !== undefined, `${worker.name} has no record in XingRin: ${shown}`);
        assert.strictEqual(record.isLocal, false, `${worker.name} is registered as a local worker: ${shown}`);
        assert.strictEqual(record.address, worker.address, `${worker.name}'s record has another address: ${shown}`);
        assert.strictEqual(record.username, worker.user);
        assert.ok(record.hasPassword, `${worker.name}'s record has no SSH password: XingRin cannot dispatch to it`);
        // XingRin dispatches to online and offline records with a live load key; its worker list
        // shows those as online or offline by that key (worker_serializer.py, contract §6).
        assert.ok(["online", "offline"].includes(record.status), `${worker.name} cannot be dispatched to (status ${record.status}): ${shown}`);
        assert.ok(record.heartbeating, `${worker.name} does not heartbeat, so XingRin lists it offline: ${shown}`);
        const agent = inspectContainer(worker.dockerHost, serviceContainer(worker.dockerHost, "agent"));
        assert.strictEqual(agent.env.WORKER_ID, record.id, `${worker.name}'s agent heartbeats as another worker`);
        assert.ok(agent.env.WORKER_API_KEY !== undefined && agent.env.WORKER_API_KEY !== "",
            `${worker.name}'s agent has no WORKER_API_KEY: replaced by XingRin's updater?`);
        const labels = docker(worker.dockerHost, ["inspect", "--format", '{{index .Config.Labels "xingrin.stack"}}', agent.name]);
        assert.strictEqual(labels, stack, `${worker.name}'s agent is not the program's`);
    }
    const others = records.filter(r => !workers.some(w => w.name === r.name));
    assert.deepStrictEqual(others.map(r => `${r.name} local=${r.isLocal}`), ["Local-Worker local=true"], `extra worker records: ${shown}`);
}
