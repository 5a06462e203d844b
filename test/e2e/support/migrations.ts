import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { downtime, Probe } from "../../../bench/probe";
import { docker, PublicEntry, sql } from "./hosts";

/** The snapshots an update took on the main server (its own /opt/xingrin), oldest first. */
export function snapshotsOn(mainOptXingrinDir: string): Array<{ dump: string; migrations: string[] }> {
    const dir = path.join(mainOptXingrinDir, "db-snapshots");
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter(file => file.endsWith(".dump")).sort((a, b) => a.slice(-22).localeCompare(b.slice(-22))).map(dump => {
        const ledger = path.join(dir, dump.replace(/\.dump$/, ".migrations"));
        return { dump, migrations: fs.existsSync(ledger) ? fs.readFileSync(ledger, "utf8").split("\n").filter(line => line !== "") : [] };
    });
}

/** When the old server first stopped (its process died: `docker stop`, or the provider's forced removal) and the new one was created, on the daemon's own clock (ns). */
export interface ServerSwitch {
    oldStopped: bigint;
    newCreated: bigint;
}

/** Runs `step` and reads from the main daemon's events when the old server stopped and the new one was created. */
export async function watchServerSwitch(host: string, oldServer: string, newServer: string, step: () => Promise<unknown>): Promise<ServerSwitch> {
    const since = docker(host, ["info", "--format", "{{.SystemTime}}"]);
    await step();
    const until = docker(host, ["info", "--format", "{{.SystemTime}}"]);
    const lines = docker(host, ["events", "--since", since, "--until", until, "--filter", "type=container",
        "--format", "{{.Actor.Attributes.name}} {{.Action}} {{.TimeNano}}"]).split("\n").filter(line => line !== "");
    const first = (name: string, action: string) => {
        const found = lines.map(line => line.split(" ")).find(([n, a]) => n === name && a === action);
        if (found === undefined) throw new Error(`no "${action}" event for ${name} during the step:\n${lines.join("\n")}`);
        return BigInt(found[2]);
    };
    return { oldStopped: first(oldServer, "die"), newCreated: first(newServer, "create") };
}

/**
 * Runs `step` with the bench's probe on the public health check (every 100 ms through nginx) and
 * prints what a user saw: the step's downtime, for the closing note. Measured, never asserted on.
 */
export async function withDowntimeProbe<T>(fleet: PublicEntry, step: string, run: () => Promise<T>): Promise<T> {
    const probe = new Probe(`https://${fleet.publicHost}:8083/api/health/`, fs.readFileSync(fleet.tlsCaFile));
    probe.start();
    try {
        return await run();
    } finally {
        const seen = downtime(await probe.stop());
        console.log(`      downtime of "${step}": ${seen.failed} of ${seen.requests} requests failed, longest gap ${seen.longestGapMs} ms`);
    }
}

/**
 * XingRin runs its scheduled jobs in every Django process without SERVER_URL, with no lock between
 * them (contract §5). The server stand-in records each running scheduler's ticks, by container, in
 * standin_scheduler_tick; read in order, the containers must follow one another, never alternate:
 * two schedulers never ran at once. And one runs now: the stack's scheduler container's.
 */
export function assertOneSchedulerAtATime(mainHost: string): void {
    const ticks = sql(mainHost, "SELECT split_part(process, ' ', 1) FROM standin_scheduler_tick ORDER BY id").split("\n").filter(t => t !== "");
    const runs: string[] = [];
    for (const process of ticks) if (runs[runs.length - 1] !== process) runs.push(process);
    const twice = runs.filter((process, i) => runs.indexOf(process) !== i);
    assert.deepStrictEqual(twice, [], `two schedulers ran at once; their ticks alternate: ${runs.join(" -> ")}`);
    const current = docker(mainHost, ["inspect", "--format", "{{.Config.Hostname}}", "xingrin-scheduler"]);
    assert.strictEqual(runs[runs.length - 1], current, `the last scheduler to run was ${runs[runs.length - 1]}, not xingrin-scheduler (${current})`);
    const age = Number(sql(mainHost, "SELECT extract(epoch FROM now() - max(at)) FROM standin_scheduler_tick"));
    assert.ok(age < 15, `xingrin-scheduler last ran its jobs ${age} s ago`);
}
