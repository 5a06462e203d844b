import * as assert from "assert";
import { parseHistory, UpdateRecord } from "../../../release/history";
import { isOlder, renderWalk, rolledBackTags, Stay, Walk, walkBack } from "../../../release/walkBack";
import { LOCAL_BACKEND_HISTORY_JSON, prodHistory, update } from "./support/history";

/** Succeeded `pulumi up`s of these tags, oldest first, numbered from 1; returned newest first as pulumi prints them. */
function deployed(...tags: string[]): UpdateRecord[] {
    return tags.map((tag, at) => update(at + 1, "update", "succeeded", tag)).reverse();
}

/** The stack after one more update: pulumi puts it first. */
function then(history: UpdateRecord[], result: string, tag: string): UpdateRecord[] {
    return [update(history.length + 1, "update", result, tag), ...history];
}

const trailOf = (walk: Walk) => walk.trail.map(step => step.tag);
const staysOf = (walk: Walk) => walk.stays.map(stay =>
    `${stay.tag} #${stay.updates.map(d => d.update).join(",")}` +
    (stay.rollbackFrom === undefined ? "" : ` rollback from ${stay.rollbackFrom}`) +
    (stay.rolledBackFrom ? " (rolled back from)" : ""));

describe("release rollback: the walk back", () => {
    it("two rollbacks from v1.3.0 (after v1.1.0, v1.2.0) reach v1.2.0, then v1.1.0, then nothing older", () => {
        let history = deployed("v1.1.0", "v1.2.0", "v1.3.0");
        assert.deepStrictEqual(trailOf(walkBack(history)), ["v1.1.0", "v1.2.0", "v1.3.0"]);
        assert.strictEqual(walkBack(history).back?.tag, "v1.2.0");

        history = then(history, "succeeded", "v1.2.0");
        const once = walkBack(history);
        assert.deepStrictEqual(trailOf(once), ["v1.1.0", "v1.2.0"]);
        assert.strictEqual(once.back?.tag, "v1.1.0");
        assert.deepStrictEqual(staysOf(once), ["v1.2.0 #4 rollback from v1.3.0", "v1.3.0 #3 (rolled back from)", "v1.2.0 #2", "v1.1.0 #1"]);

        history = then(history, "succeeded", "v1.1.0");
        const twice = walkBack(history);
        assert.deepStrictEqual(trailOf(twice), ["v1.1.0"]);
        assert.strictEqual(twice.back, undefined);
        assert.deepStrictEqual(rolledBackTags(twice), ["v1.2.0", "v1.3.0"]);
    });

    it("a failed or cancelled update is no step: the walk is the same as without it", () => {
        const history = then(then(deployed("v1.1.0", "v1.2.0", "v1.3.0"), "failed", "v1.2.0"), "in-progress", "v1.4.0");
        const walk = walkBack(history);
        assert.deepStrictEqual(trailOf(walk), ["v1.1.0", "v1.2.0", "v1.3.0"]);
        assert.strictEqual(walk.back?.tag, "v1.2.0");
        assert.deepStrictEqual(walk.undeployed.map(u => `#${u.version} ${u.result}`), ["#5 in-progress", "#4 failed"]);
    });

    it("repeated deploys of one tag are one stay, and refreshes deploy nothing", () => {
        const walk = walkBack(prodHistory());
        assert.deepStrictEqual(staysOf(walk), ["v1.6.0 #8", "v1.5.8 #5,6", "v1.5.7 #4", "v1.5.5 #1"]);
        assert.strictEqual(walk.back?.tag, "v1.5.8");
        // #9 is a refresh after #8 succeeded: it deployed nothing, and it is no failed attempt either.
        assert.deepStrictEqual(walk.undeployed, []);
    });

    it("a bump after a rollback leaves the version rolled back from behind", () => {
        // v1.3.0 was rolled back from, then v1.4.0 fixed it: one step back from v1.4.0 is v1.2.0, not v1.3.0.
        const walk = walkBack(deployed("v1.1.0", "v1.2.0", "v1.3.0", "v1.2.0", "v1.4.0"));
        assert.deepStrictEqual(trailOf(walk), ["v1.1.0", "v1.2.0", "v1.4.0"]);
        assert.strictEqual(walk.back?.tag, "v1.2.0");
        assert.deepStrictEqual(walk.back?.updates.map(d => d.update), [4]);
    });

    it("going forward again to a version rolled back from puts it back on the walk", () => {
        const walk = walkBack(deployed("v1.1.0", "v1.2.0", "v1.1.0", "v1.2.0"));
        assert.deepStrictEqual(trailOf(walk), ["v1.1.0", "v1.2.0"]);
        assert.strictEqual(walk.back?.tag, "v1.1.0");
        assert.deepStrictEqual(rolledBackTags(walk), []);
    });

    it("a rollback to a version the stack never ran (--force) still steps back past the newer ones", () => {
        const walk = walkBack(deployed("v1.1.0", "v1.3.0", "v1.2.5"));
        assert.deepStrictEqual(trailOf(walk), ["v1.1.0", "v1.2.5"]);
        assert.strictEqual(walk.back?.tag, "v1.1.0");
    });

    it("orders by semver: v1.10.0 is newer than v1.9.0, a prerelease older than its release", () => {
        assert.strictEqual(walkBack(deployed("v1.9.0", "v1.10.0")).back?.tag, "v1.9.0");
        assert.deepStrictEqual(trailOf(walkBack(deployed("v1.6.0-dev.1", "v1.6.0", "v1.6.0-dev.2"))), ["v1.6.0-dev.1", "v1.6.0-dev.2"]);
        assert.strictEqual(isOlder("v1.6.0-rc.1", "v1.6.0"), true);
        // A record that holds no version never counts as older, so it never unwinds the walk.
        assert.strictEqual(isOlder("latest", "v1.6.0"), false);
        assert.deepStrictEqual(trailOf(walkBack(deployed("v1.5.8", "latest", "v1.6.0"))), ["v1.5.8", "latest", "v1.6.0"]);
    });

    it("reads real pulumi output from the local file backend, where updates are not numbered", () => {
        const walk = walkBack(parseHistory(JSON.parse(LOCAL_BACKEND_HISTORY_JSON)));
        assert.deepStrictEqual(trailOf(walk), ["v1.5.8", "v1.6.0"]);
        assert.deepStrictEqual(renderWalk(walk, new Map([[walk.stays[0], ["runs now"]]])), [
            "  v1.6.0  2026-11-29T03:11:46.000Z    <- runs now",
            "  v1.5.8  2026-11-29T03:11:44.000Z",
        ]);
    });

    it("renders newest first: failed attempts on top, what each stay was, and the operator's marks", () => {
        const history = then(deployed("v1.1.0", "v1.2.0", "v1.3.0", "v1.3.0", "v1.2.0"), "failed", "v9.9.9");
        const walk = walkBack(history);
        const marks = new Map<Stay, string[]>([[walk.stays[0], ["last deployed"]], [walk.back!, ["rollback goes here"]]]);
        assert.deepStrictEqual(renderWalk(walk, marks), [
            "  v9.9.9  update #6, 2026-07-06T10:00:00.000Z           failed: not deployed",
            "  v1.2.0  update #5, 2026-07-05T10:00:00.000Z           rollback from v1.3.0                 <- last deployed",
            "  v1.3.0  update #3, 2026-07-03T10:00:00.000Z (and #4)  rolled back from: the walk skips it",
            "  v1.2.0  update #2, 2026-07-02T10:00:00.000Z",
            "  v1.1.0  update #1, 2026-07-01T10:00:00.000Z                                                <- rollback goes here",
        ]);
    });

    it("cuts a long history after the last mark, saying how much it left out", () => {
        const tags = Array.from({ length: 12 }, (_, at) => `v1.${at}.0`);
        const walk = walkBack(deployed(...tags));
        const lines = renderWalk(walk, new Map([[walk.stays[0], ["runs now"]], [walk.back!, ["rollback goes here"]]]), 3);
        assert.strictEqual(lines.length, 4);
        assert.strictEqual(lines[3], "  … 9 older stay(s) not shown");
        // A mark further down is never cut off.
        const far = renderWalk(walk, new Map([[walk.stays[10], ["rollback goes here"]]]), 3);
        assert.strictEqual(far.length, 12);
        assert.match(far[10], /^ {2}v1\.1\.0 .*<- rollback goes here$/);
    });
});
