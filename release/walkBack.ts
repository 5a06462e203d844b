import * as semver from "semver";
import { Deployment, deployments, tagOf, UpdateRecord } from "./history";

/** One rollback's view of the stack history: see walkBack for the rule. */
export interface Walk {
    /** Every stay on a deployed version, newest first; the first one is what the last succeeded update deployed. */
    stays: Stay[];
    /** Oldest first; its last element holds the stay that runs. */
    trail: TrailStep[];
    /** Where one rollback goes: the newest stay of the step just below the top of the trail. */
    back?: Stay;
    /** Updates newer than the last deployment that deployed nothing (failed, cancelled, unfinished), newest first. */
    undeployed: UpdateRecord[];
}

/** Consecutive succeeded updates on one tag. */
export interface Stay {
    tag: string;
    /** The deployments of this stay, oldest first. */
    updates: Deployment[];
    /** Set when this stay is a rollback step: the version it moved back from. */
    rollbackFrom?: string;
    /** A later rollback step moved back past this stay, so the walk back skips it. */
    rolledBackFrom: boolean;
}

/** One version on the trail, with every stay on it since it last went on (oldest first). */
export interface TrailStep {
    tag: string;
    stays: Stay[];
}

/**
 * The walk back, derived from the stack history alone, so it needs no state of its own and agrees
 * whether a rollback ran through this CLI, CI, or `pulumi config set` + `pulumi up` by hand:
 *
 * 1. Only a succeeded `pulumi up` that recorded an imageTag deployed a version. A failed, cancelled
 *    or unfinished update deployed nothing, and neither did a preview, refresh or destroy.
 * 2. Consecutive deployments of one tag are one stay on that version.
 * 3. Oldest first, each stay goes on a trail. A stay on a version older than the one before it is a
 *    rollback step: first it takes off the trail every version newer than itself (the versions
 *    rolled back from), then it goes on top unless its version is already there.
 * 4. So the trail always ascends, and its top is the version that runs. One rollback goes to the
 *    version just below the top; once it has deployed, rule 3 takes the top off, and the next
 *    rollback goes one further down.
 *
 * From v1.3.0 after v1.1.0 and v1.2.0, the trail is v1.1.0 v1.2.0 v1.3.0: a rollback reaches
 * v1.2.0, which leaves v1.1.0 v1.2.0, and a second one reaches v1.1.0, not v1.3.0 again. Below the
 * bottom of the trail there is nothing older, and going forward again is never a default: the
 * operator names the version (`npm run rollback -- v1.3.0`) or bumps.
 */
export function walkBack(history: UpdateRecord[]): Walk {
    const stays = staysOf(deployments(history));
    const trail: TrailStep[] = [];
    let previous: Stay | undefined;
    for (const stay of [...stays].reverse()) {
        if (previous !== undefined && isOlder(stay.tag, previous.tag)) {
            stay.rollbackFrom = previous.tag;
            while (trail.length > 0 && isOlder(stay.tag, trail[trail.length - 1].tag)) {
                trail.pop()!.stays.forEach(undone => { undone.rolledBackFrom = true; });
            }
        }
        const top = trail[trail.length - 1];
        if (top !== undefined && top.tag === stay.tag) {
            top.stays.push(stay);
        } else {
            trail.push({ tag: stay.tag, stays: [stay] });
        }
        previous = stay;
    }
    const below = trail.length >= 2 ? trail[trail.length - 2] : undefined;
    return { stays, trail, back: below?.stays[below.stays.length - 1], undeployed: undeployedSinceLastDeployment(history) };
}

/** The newest stay on `tag`, if the stack ever deployed it. */
export function newestStayOn(walk: Walk, tag: string): Stay | undefined {
    return walk.stays.find(stay => stay.tag === tag);
}

/** Versions the stack was rolled back from and has not deployed again since, newest first. */
export function rolledBackTags(walk: Walk): string[] {
    const onTrail = new Set(walk.trail.map(step => step.tag));
    return [...new Set(walk.stays.filter(stay => stay.rolledBackFrom && !onTrail.has(stay.tag)).map(stay => stay.tag))];
}

/**
 * The walk as a table, newest first: one row per stay (and per update since the last deployment
 * that deployed nothing), with what the walk makes of it and the operator's marks on the right.
 * Rows older than the last marked one are cut after `keep` rows, with a line that says how many.
 */
export function renderWalk(walk: Walk, marks: Map<Stay, string[]>, keep = 8): string[] {
    const rows: string[][] = walk.undeployed.map(update => [
        tagOf(update) || "(no tag)", describeUpdate(update.version, update.startTime), `${update.result ?? "unfinished"}: not deployed`, "",
    ]);
    const lastMarked = Math.max(-1, ...walk.stays.map((stay, at) => marks.has(stay) ? at : -1));
    const shown = walk.stays.slice(0, Math.max(keep, lastMarked + 1));
    for (const stay of shown) {
        const note = stay.rolledBackFrom ? "rolled back from: the walk skips it"
            : stay.rollbackFrom !== undefined ? `rollback from ${stay.rollbackFrom}` : "";
        const mark = marks.get(stay);
        rows.push([stay.tag, describeStay(stay), note, mark === undefined ? "" : `<- ${mark.join("; ")}`]);
    }
    const widths = [0, 1, 2].map(column => Math.max(...rows.map(row => row[column].length)));
    const lines = rows.map(row => `  ${row.map((cell, column) => column < 3 ? cell.padEnd(widths[column]) : cell).join("  ")}`.trimEnd());
    const cut = walk.stays.length - shown.length;
    if (cut > 0) {
        lines.push(`  … ${cut} older stay(s) not shown`);
    }
    return lines;
}

/** "update #5, 2026-07-14T09:30:00.000Z (and #6)"; the local file backend numbers no update. */
export function describeStay(stay: Stay): string {
    const [first, ...again] = stay.updates;
    const text = describeUpdate(first.update, first.startTime);
    if (again.length === 0) {
        return text;
    }
    const last = again[again.length - 1].update;
    if (last <= 0) {
        return `${text} (and ${again.length} more update(s))`;
    }
    return again.length === 1 ? `${text} (and #${last})` : `${text} (and ${again.length} more, to #${last})`;
}

export function describeUpdate(version: number, startTime: string): string {
    return version > 0 ? `update #${version}, ${startTime}` : startTime;
}

function staysOf(deployed: Deployment[]): Stay[] {
    const stays: Stay[] = [];
    for (const deployment of [...deployed].reverse()) {
        const last = stays[stays.length - 1];
        if (last !== undefined && last.tag === deployment.tag) {
            last.updates.push(deployment);
        } else {
            stays.push({ tag: deployment.tag, updates: [deployment], rolledBackFrom: false });
        }
    }
    return stays.reverse();
}

/** `pulumi up`s after the last succeeded one that recorded an imageTag: they tried, and deployed nothing. */
function undeployedSinceLastDeployment(history: UpdateRecord[]): UpdateRecord[] {
    const undeployed: UpdateRecord[] = [];
    for (const update of history) {
        if (update.kind !== "update") {
            continue;
        }
        if (update.result === "succeeded" && tagOf(update) !== "") {
            break;
        }
        if (update.result !== "succeeded") {
            undeployed.push(update);
        }
    }
    return undeployed;
}

/**
 * Semver order of two v-tags. A tag that is not a version (the program refuses those, but an old
 * record may hold one) is never older, so it never pops the trail.
 */
export function isOlder(tag: string, than: string): boolean {
    const a = semver.valid(tag.replace(/^v/, ""));
    const b = semver.valid(than.replace(/^v/, ""));
    return a !== null && b !== null && semver.lt(a, b);
}
