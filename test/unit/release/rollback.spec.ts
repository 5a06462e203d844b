import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkRollbackTarget, deployedTags, deployments, parseHistory, UpdateRecord } from "../../../release/history";
import { PulumiCli } from "../../../release/pulumiCli";
import { rollback } from "../../../release/rollback";
import { FakePulumi, printed } from "./support/fakePulumi";
import { PROD_HISTORY_JSON, prodHistory, update } from "./support/history";

const PROD_TABLE = [
    "stack prod: imageTag history, newest first (a version counts as deployed once an update of it succeeded):",
    "  v1.6.0  update #8, 2026-08-03T10:12:44.000Z             <- runs now",
    "  v1.5.8  update #5, 2026-07-14T09:30:00.000Z (and #6)    <- rollback goes here",
    "  v1.5.7  update #4, 2026-06-30T16:20:10.000Z",
    "  v1.5.5  update #1, 2026-06-19T17:45:12.000Z",
];

/**
 * The e2e lifecycle's history on the local file backend (test/e2e/deployLifecycle.spec.ts, specs
 * 1-6): up v1.1.0, up v1.2.0, a rollback to v1.1.0 through config, then a failed update to v9.9.9.
 */
function e2eHistory(): UpdateRecord[] {
    return [
        update(4, "update", "failed", "v9.9.9"),
        update(3, "update", "succeeded", "v1.1.0"),
        update(2, "update", "succeeded", "v1.2.0"),
        update(1, "update", "succeeded", "v1.1.0"),
    ].map(record => ({ ...record, version: 0 }));
}

describe("release rollback: reading the stack history", () => {
    it("parses pulumi's JSON and keeps only succeeded `update`s, newest first", () => {
        const history = parseHistory(JSON.parse(PROD_HISTORY_JSON));
        assert.deepStrictEqual(deployments(history).map(d => `#${d.update} ${d.tag}`), [
            "#8 v1.6.0", "#6 v1.5.8", "#5 v1.5.8", "#4 v1.5.7", "#1 v1.5.5",
        ]);
        assert.deepStrictEqual(deployedTags(history), ["v1.6.0", "v1.5.8", "v1.5.7", "v1.5.5"]);
    });

    it("ignores updates whose record carries no imageTag (they ran the VERSION file of the day)", () => {
        const history = [update(3, "update", "succeeded", "v1.6.0"), update(2, "update", "succeeded"), update(1, "update", "succeeded", "v1.5.7")];
        assert.deepStrictEqual(deployedTags(history), ["v1.6.0", "v1.5.7"]);
    });

    it("refuses a named version no succeeded update ran, listing the ones that did", () => {
        const refused = "v1.5.6 was never deployed to stack prod (no succeeded update ran it); " +
            "versions it has deployed, newest first: v1.6.0, v1.5.8, v1.5.7, v1.5.5. " +
            "Roll back to one of those, or add --force to deploy v1.5.6 anyway " +
            "(for example `npm run rollback -- v1.5.6 --stack prod --force`)";
        assert.throws(() => checkRollbackTarget(prodHistory(), "v1.5.6", "prod", false), { name: "ReleaseError", message: refused });
        // Only a refresh ran v1.6.1.
        assert.throws(() => checkRollbackTarget(prodHistory(), "v1.6.1", "prod", false),
            { name: "ReleaseError", message: /^v1\.6\.1 was never deployed to stack prod/ });
    });

    it("accepts a never-deployed version with --force, and a deployed one without", () => {
        assert.strictEqual(checkRollbackTarget(prodHistory(), "v1.5.6", "prod", true), undefined);
        assert.strictEqual(checkRollbackTarget(prodHistory(), "v1.5.7", "prod", false)?.update, 4);
    });
});

describe("release rollback: what it shows and changes", () => {
    let dir: string;
    let versionFile: string;
    let fake: FakePulumi;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-rollback-"));
        versionFile = path.join(dir, "VERSION");
        fs.writeFileSync(versionFile, "v1.6.0\n");
        fake = new FakePulumi({ imageTag: "v1.6.0", allowPrerelease: "false" });
        fake.history = JSON.parse(PROD_HISTORY_JSON);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (options: { version?: string; force?: boolean; yes?: boolean }, out = printed(),
        confirm?: (question: string) => Promise<boolean>, stack = "prod") =>
        rollback({ version: options.version, force: options.force ?? false, yes: options.yes ?? false },
            { pulumi: new PulumiCli(fake, stack), versionFile, print: out.print, confirm });
    const changed = () => fake.commands.filter(c => c.startsWith("pulumi config set") || c.startsWith("pulumi up"));

    it("without --yes and without a terminal: shows the history and the plan, changes nothing, says how to apply", async () => {
        const out = printed();
        await assert.rejects(run({}, out), {
            name: "ReleaseError",
            message: "nothing changed: stdin is not a terminal, so rollback cannot ask before it changes stack prod; " +
                "to apply the plan above, re-run with --yes: `npm run rollback -- v1.5.8 --stack prod --yes`",
        });
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get --stack prod -- imageTag",
            "pulumi stack history --json --page-size 0 --stack prod",
        ]);
        assert.deepStrictEqual(out.lines, [
            ...PROD_TABLE,
            "stack prod: imageTag v1.6.0 -> v1.5.8 (Pulumi.prod.yaml), then `pulumi up --stack prod --yes --diff`",
            "VERSION stays v1.6.0: VERSION records the released version, the stack records what runs",
        ]);
        assert.strictEqual(fake.config.imageTag, "v1.6.0");
    });

    it("with --yes: the same plan, then sets imageTag and runs pulumi up --yes --diff; VERSION is untouched", async () => {
        const out = printed();
        await run({ yes: true }, out);
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get --stack prod -- imageTag",
            "pulumi stack history --json --page-size 0 --stack prod",
            "pulumi config set --stack prod -- imageTag v1.5.8",
            "pulumi up --stack prod --yes --diff",
        ]);
        assert.deepStrictEqual(out.lines, [
            ...PROD_TABLE,
            "stack prod: imageTag v1.6.0 -> v1.5.8 (Pulumi.prod.yaml), then `pulumi up --stack prod --yes --diff`",
            "VERSION stays v1.6.0: VERSION records the released version, the stack records what runs",
            "stack prod: imageTag is now v1.5.8 in Pulumi.prod.yaml",
            "Running pulumi up --stack prod --yes --diff",
            "stack prod runs v1.5.8",
        ]);
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.6.0\n");
    });

    it("on a terminal: asks y/N after the plan, and applies only on yes", async () => {
        const questions: string[] = [];
        const out = printed();
        await assert.rejects(run({}, out, async question => { questions.push(question); return false; }), {
            name: "ReleaseError",
            message: "nothing changed: not confirmed, so stack prod keeps imageTag v1.6.0",
        });
        assert.deepStrictEqual(questions, ["Set imageTag v1.5.8 on stack prod and run pulumi up now? [y/N] "]);
        assert.deepStrictEqual(changed(), []);
        assert.strictEqual(out.lines[out.lines.length - 1], "VERSION stays v1.6.0: VERSION records the released version, the stack records what runs");

        await run({}, printed(), async () => true);
        assert.deepStrictEqual(changed(), ["pulumi config set --stack prod -- imageTag v1.5.8", "pulumi up --stack prod --yes --diff"]);
    });

    it("--yes never asks", async () => {
        await run({ yes: true }, printed(), async () => assert.fail("asked although --yes was given"));
        assert.strictEqual(fake.config.imageTag, "v1.5.8");
    });

    it("run again and again, it walks back: v1.6.0 -> v1.5.8 -> v1.5.7 -> v1.5.5, never forward", async () => {
        const reached: string[] = [];
        for (let i = 0; i < 3; i++) {
            await run({ yes: true });
            reached.push(String(fake.config.imageTag));
        }
        assert.deepStrictEqual(reached, ["v1.5.8", "v1.5.7", "v1.5.5"]);
        const out = printed();
        await assert.rejects(run({ yes: true }, out), {
            name: "ReleaseError",
            message: "stack prod: nothing older to roll back to: v1.5.5 is the oldest version on the walk back " +
                "(the walk skips v1.5.7, v1.5.8, v1.6.0: rolled back from). " +
                "To deploy another version, name it: `npm run rollback -- v1.5.7 --stack prod` " +
                "(versions deployed here, newest first: v1.5.7, v1.5.8, v1.6.0), " +
                "or release a newer one with `npm run bump -- <version> --stack prod`",
        });
        assert.strictEqual(fake.config.imageTag, "v1.5.5");
        // The table is printed before the refusal, so the operator sees why.
        assert.deepStrictEqual(out.lines.slice(1, 4), [
            "  v1.5.5  update #12, 2026-12-12T10:00:00.000Z          rollback from v1.5.7                 <- runs now",
            "  v1.5.7  update #11, 2026-12-11T10:00:00.000Z          rolled back from: the walk skips it",
            "  v1.5.8  update #10, 2026-12-10T10:00:00.000Z          rolled back from: the walk skips it",
        ]);
    });

    it("v1.1.0 -> v1.2.0 -> v1.3.0: two rollbacks reach v1.2.0, then v1.1.0; forward again is named", async () => {
        fake.config.imageTag = "v1.3.0";
        fake.history = [update(3, "update", "succeeded", "v1.3.0"), update(2, "update", "succeeded", "v1.2.0"), update(1, "update", "succeeded", "v1.1.0")];
        const first = printed();
        await run({ yes: true }, first);
        assert.strictEqual(fake.config.imageTag, "v1.2.0");
        const second = printed();
        await run({ yes: true }, second);
        assert.strictEqual(fake.config.imageTag, "v1.1.0");
        assert.deepStrictEqual(second.lines.slice(0, 6), [
            "stack prod: imageTag history, newest first (a version counts as deployed once an update of it succeeded):",
            "  v1.2.0  update #4, 2026-12-04T10:00:00.000Z  rollback from v1.3.0                 <- runs now",
            "  v1.3.0  update #3, 2026-07-03T10:00:00.000Z  rolled back from: the walk skips it",
            "  v1.2.0  update #2, 2026-07-02T10:00:00.000Z",
            "  v1.1.0  update #1, 2026-07-01T10:00:00.000Z                                       <- rollback goes here",
            "stack prod: imageTag v1.2.0 -> v1.1.0 (Pulumi.prod.yaml), then `pulumi up --stack prod --yes --diff`",
        ]);

        const forward = printed();
        await run({ version: "v1.3.0", yes: true }, forward);
        assert.strictEqual(fake.config.imageTag, "v1.3.0");
        assert.ok(forward.lines.includes("note: v1.3.0 is newer than v1.1.0, the version that last deployed: this goes forward again"), forward.lines.join("\n"));
        assert.ok(forward.lines.includes("note: stack prod was rolled back from v1.3.0: make sure what made it roll back is fixed"), forward.lines.join("\n"));
    });

    it("after a failed update to a new tag: returns to the version that last deployed, and never calls the failed tag deployed", async () => {
        fake.config.imageTag = "v1.7.0";
        fake.history = [update(10, "update", "failed", "v1.7.0"), ...prodHistory()];
        const out = printed();
        await run({ yes: true }, out);
        assert.strictEqual(fake.config.imageTag, "v1.6.0");
        assert.deepStrictEqual(out.lines.slice(0, 9), [
            "stack prod: imageTag history, newest first (a version counts as deployed once an update of it succeeded):",
            "  v1.7.0  update #10, 2026-07-10T10:00:00.000Z          failed: not deployed",
            "  v1.6.0  update #8, 2026-08-03T10:12:44.000Z                                 <- last deployed; rollback goes here",
            "  v1.5.8  update #5, 2026-07-14T09:30:00.000Z (and #6)",
            "  v1.5.7  update #4, 2026-06-30T16:20:10.000Z",
            "  v1.5.5  update #1, 2026-06-19T17:45:12.000Z",
            "note: the last update (update #10, 2026-07-10T10:00:00.000Z) tried v1.7.0 and failed, so v1.7.0 was never deployed; " +
                "the last succeeded update deployed v1.6.0",
            "rollback returns stack prod to v1.6.0, the version its last succeeded update deployed; run it again to walk further back",
            "stack prod: imageTag v1.7.0 -> v1.6.0 (Pulumi.prod.yaml), then `pulumi up --stack prod --yes --diff`",
        ]);
        assert.ok(!out.lines.some(line => /deployed before v1\.7\.0/.test(line)), out.lines.join("\n"));

        // Once v1.6.0 has deployed again, the next rollback walks on to v1.5.8.
        await run({ yes: true });
        assert.strictEqual(fake.config.imageTag, "v1.5.8");
    });

    it("a bump not deployed yet: the first step back is to what runs", async () => {
        fake.config.imageTag = "v1.6.1";
        const out = printed();
        await run({ yes: true }, out);
        assert.strictEqual(fake.config.imageTag, "v1.6.0");
        assert.ok(out.lines.includes("note: the stack's imageTag is v1.6.1, but no succeeded update has deployed it since v1.6.0"), out.lines.join("\n"));
    });

    it("the e2e lifecycle (v1.1.0, v1.2.0, back to v1.1.0, failed v9.9.9): nothing older, and it says how to go forward", async () => {
        fake = new FakePulumi({ imageTag: "v1.1.0" }, "e2e");
        fake.history = e2eHistory();
        const out = printed();
        await assert.rejects(run({ yes: true }, out, undefined, "e2e"), {
            name: "ReleaseError",
            message: "stack e2e: nothing older to roll back to: v1.1.0 is the oldest version on the walk back " +
                "(the walk skips v1.2.0: rolled back from). To deploy another version, name it: " +
                "`npm run rollback -- v1.2.0 --stack e2e` (versions deployed here, newest first: v1.2.0), " +
                "or release a newer one with `npm run bump -- <version> --stack e2e`",
        });
        assert.deepStrictEqual(out.lines, [
            "stack e2e: imageTag history, newest first (a version counts as deployed once an update of it succeeded):",
            "  v9.9.9  2026-07-04T10:00:00.000Z  failed: not deployed",
            "  v1.1.0  2026-07-03T10:00:00.000Z  rollback from v1.2.0                 <- last deployed",
            "  v1.2.0  2026-07-02T10:00:00.000Z  rolled back from: the walk skips it",
            "  v1.1.0  2026-07-01T10:00:00.000Z",
            "note: the last update (2026-07-04T10:00:00.000Z) tried v9.9.9 and failed, so v9.9.9 was never deployed; " +
                "the last succeeded update deployed v1.1.0",
        ]);
        assert.deepStrictEqual(changed(), []);

        const forward = printed();
        await run({ version: "v1.2.0", yes: true }, forward, undefined, "e2e");
        assert.ok(forward.lines.some(line => /imageTag v1\.1\.0 -> v1\.2\.0/.test(line)), forward.lines.join("\n"));
        assert.deepStrictEqual(changed(), ["pulumi config set --stack e2e -- imageTag v1.2.0", "pulumi up --stack e2e --yes --diff"]);
    });

    it("says clearly when the stack has no deployment at all", async () => {
        fake.history = [update(1, "update", "failed", "v1.5.8")];
        await assert.rejects(run({ yes: true }), {
            name: "ReleaseError",
            message: "stack prod has no succeeded update that recorded an imageTag, so there is no earlier version to roll back to; " +
                "name the version to deploy: `npm run rollback -- <version> --stack prod --force`, for example v1.5.8",
        });
        assert.deepStrictEqual(changed(), []);
    });

    it("when only one version ever deployed, nothing older names --force", async () => {
        fake.history = [update(2, "update", "succeeded", "v1.6.0"), update(1, "update", "succeeded", "v1.6.0")];
        await assert.rejects(run({ yes: true }), {
            name: "ReleaseError",
            message: "stack prod: nothing older to roll back to: v1.6.0 is the oldest version on the walk back. " +
                "To deploy another version, name a version with --force: `npm run rollback -- <version> --stack prod --force` " +
                "(it has only ever deployed v1.6.0), or release a newer one with `npm run bump -- <version> --stack prod`",
        });
    });

    it("a named version: marks it in the history and goes there", async () => {
        const out = printed();
        await run({ version: "v1.5.7", yes: true }, out);
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get --stack prod -- imageTag",
            "pulumi stack history --json --page-size 0 --stack prod",
            "pulumi config get --stack prod -- allowPrerelease",
            "pulumi config set --stack prod -- imageTag v1.5.7",
            "pulumi up --stack prod --yes --diff",
        ]);
        assert.strictEqual(out.lines[3], "  v1.5.7  update #4, 2026-06-30T16:20:10.000Z             <- rollback goes here");
        assert.strictEqual(out.lines[out.lines.length - 1], "stack prod runs v1.5.7");
    });

    it("reports a failed pulumi up with the command to run again", async () => {
        fake.upExitCode = 255;
        await assert.rejects(run({ yes: true }), {
            name: "ReleaseError",
            message: "`pulumi up --stack prod --yes --diff` failed (exit 255): read its output above, fix the cause, " +
                "and run `pulumi up --stack prod --diff` again",
        });
    });

    it("refuses a never-deployed version without --force and changes nothing", async () => {
        await assert.rejects(run({ version: "v1.5.6", yes: true }), { name: "ReleaseError", message: /^v1\.5\.6 was never deployed to stack prod/ });
        assert.deepStrictEqual(changed(), []);
        assert.strictEqual(fake.config.imageTag, "v1.6.0");
    });

    it("deploys a never-deployed version with --force, saying so, and keeps --force in the command to re-run", async () => {
        const out = printed();
        await assert.rejects(run({ version: "v1.5.6", force: true }, out), {
            name: "ReleaseError",
            message: /re-run with --yes: `npm run rollback -- v1\.5\.6 --stack prod --force --yes`$/,
        });
        assert.ok(out.lines.includes("v1.5.6 was never deployed to stack prod; going ahead because of --force (the hosts pull images they lack)"),
            out.lines.join("\n"));
        assert.ok(!out.lines.some(line => line.includes("rollback goes here")), "marked a version the stack never ran");
        await run({ version: "v1.5.6", force: true, yes: true });
        assert.strictEqual(fake.config.imageTag, "v1.5.6");
    });

    it("applies the stack's tag rules to a named version (no prerelease on prod)", async () => {
        await assert.rejects(run({ version: "v1.6.0-rc.1", force: true }), { name: "ReleaseError", message: /^stack prod: imageTag "v1\.6\.0-rc\.1" is a prerelease/ });
    });

    it("refuses to 'roll back' to the current version", async () => {
        await assert.rejects(run({ version: "v1.6.0" }), {
            name: "ReleaseError",
            message: "stack prod already has imageTag v1.6.0, so there is nothing to roll back; to deploy it again, run `pulumi up --stack prod --diff`",
        });
    });
});
