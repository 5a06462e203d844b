import * as semver from "semver";
import { PulumiCli } from "./pulumiCli";

/** The program's deploy-history step (components/retention.ts: component "prune", child "history"). */
const HISTORY_STEP = "::prune-history";

/**
 * The versions the next update's prune steps (components/prune.ts) remove from a host: all but
 * the current one, then the versions the stack deployed (newest first) that the host holds, then
 * the newest older ones, then newer ones, up to keepVersions.
 */
export function prunedByNextUpdate(held: string[], current: string, keepVersions: number, history: string[] = []): string[] {
    const version = (tag: string) => tag.replace(/^v/, "");
    const valid = held.filter(tag => semver.valid(version(tag)) !== null && tag !== current);
    const deployed = history.filter(tag => valid.includes(tag));
    const older = valid.filter(tag => semver.lt(version(tag), version(current))).sort((a, b) => semver.rcompare(version(a), version(b)));
    const newer = valid.filter(tag => semver.gt(version(tag), version(current))).sort((a, b) => semver.rcompare(version(a), version(b)));
    const kept = new Set([...new Set([current, ...deployed, ...older, ...newer])].slice(0, keepVersions));
    return held.filter(tag => !kept.has(tag));
}

interface ExportedHistory {
    deployment?: { resources?: Array<{ urn: string; outputs?: { stdout?: unknown } }> };
}

/** The tags the stack deployed, newest first, as its deploy-history step last printed them ([] before its first run). */
export async function readDeployHistory(pulumi: PulumiCli): Promise<string[]> {
    const state = await pulumi.exportState() as ExportedHistory;
    const step = (state.deployment?.resources ?? []).find(resource => resource.urn.endsWith(HISTORY_STEP));
    const stdout = step?.outputs?.stdout;
    return typeof stdout === "string" ? stdout.split("\n").map(line => line.trim()).filter(line => line !== "") : [];
}
