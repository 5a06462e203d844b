import * as semver from "semver";

/**
 * The versions the next update's prune step (components/prune.ts) removes from a host: all but
 * the current one, then the newest older ones, then newer ones, up to keepVersions.
 */
export function prunedByNextUpdate(held: string[], current: string, keepVersions: number): string[] {
    const version = (tag: string) => tag.replace(/^v/, "");
    const valid = held.filter(tag => semver.valid(version(tag)) !== null && tag !== current);
    const older = valid.filter(tag => semver.lt(version(tag), version(current))).sort((a, b) => semver.rcompare(version(a), version(b)));
    const newer = valid.filter(tag => semver.gt(version(tag), version(current))).sort((a, b) => semver.rcompare(version(a), version(b)));
    const kept = new Set([current, ...older, ...newer].slice(0, keepVersions));
    return held.filter(tag => !kept.has(tag));
}
