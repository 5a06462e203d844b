import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkRollbackTarget, deployedTags, deployments, parseHistory, previousDeployment } from "../../../release/history";
import { PulumiCli } from "../../../release/pulumiCli";
import { rollback } from "../../../release/rollback";
import { FakePulumi, printed } from "./support/fakePulumi";
import { LOCAL_BACKEND_HISTORY_JSON, PROD_HISTORY_JSON, prodHistory, update } from "./support/history";

describe("release rollback: reading the stack history", () => {
    it("parses pulumi's JSON and keeps only succeeded `update`s, newest first", () => {
        const history = parseHistory(JSON.parse(PROD_HISTORY_JSON));
        assert.deepStrictEqual(deployments(history).map(d => `#${d.update} ${d.tag}`), [
            "#8 v1.6.0", "#6 v1.5.8", "#5 v1.5.8", "#4 v1.5.7", "#1 v1.5.5",
        ]);
        assert.deepStrictEqual(deployedTags(history), ["v1.6.0", "v1.5.8", "v1.5.7", "v1.5.5"]);
    });

    it("picks the version deployed before the current one, skipping refreshes and failed updates", () => {
        // #9 is a refresh on v1.6.1 and #7 a failed update: neither counts.
        const previous = previousDeployment(prodHistory(), "v1.6.0", "prod");
        assert.deepStrictEqual(previous, { update: 6, tag: "v1.5.8", startTime: "2026-07-21T14:05:30.000Z" });
    });

    it("reads real pulumi output from the local file backend, where updates are not numbered", async () => {
        const history = parseHistory(JSON.parse(LOCAL_BACKEND_HISTORY_JSON));
        assert.deepStrictEqual(deployedTags(history), ["v1.6.0", "v1.5.8"]);
        const fake = new FakePulumi({ imageTag: "v1.6.0" });
        fake.history = JSON.parse(LOCAL_BACKEND_HISTORY_JSON);
        const out = printed();
        await rollback({ force: false, yes: false }, { pulumi: new PulumiCli(fake, "prod"), versionFile: "/nonexistent/VERSION", print: out.print });
        assert.strictEqual(out.lines[0], "stack prod: the version deployed before v1.6.0 is v1.5.8 (2026-11-29T03:11:44.000Z)");
    });

    it("skips every repeated deploy of the current tag", () => {
        const history = [
            update(7, "update", "succeeded", "v1.6.0"),
            update(6, "refresh", "succeeded", "v1.6.0"),
            update(5, "update", "succeeded", "v1.6.0"),
            update(4, "update", "failed", "v1.5.9"),
            update(3, "update", "succeeded", "v1.6.0"),
            update(2, "update", "succeeded", "v1.5.8"),
        ];
        assert.strictEqual(previousDeployment(history, "v1.6.0", "prod").tag, "v1.5.8");
    });

    it("after a failed update on a new tag, picks the last version that deployed cleanly", () => {
        const history = [update(3, "update", "failed", "v1.6.0"), update(2, "update", "succeeded", "v1.5.8")];
        assert.strictEqual(previousDeployment(history, "v1.6.0", "prod").tag, "v1.5.8");
    });

    it("ignores updates whose record carries no imageTag (they ran the VERSION file of the day)", () => {
        const history = [update(3, "update", "succeeded", "v1.6.0"), update(2, "update", "succeeded"), update(1, "update", "succeeded", "v1.5.7")];
        assert.strictEqual(previousDeployment(history, "v1.6.0", "prod").tag, "v1.5.7");
    });

    it("says clearly when there is no earlier version", () => {
        const onlyCurrent = [update(2, "update", "succeeded", "v1.6.0"), update(1, "update", "succeeded", "v1.6.0")];
        assert.throws(() => previousDeployment(onlyCurrent, "v1.6.0", "prod"), {
            name: "ReleaseError",
            message: "stack prod has only ever deployed v1.6.0 in a succeeded update, so there is no earlier version to roll back to; " +
                "name the version to deploy: `npm run rollback -- <version> --stack prod --force`, for example v1.5.8",
        });
        assert.throws(() => previousDeployment([update(1, "update", "failed", "v1.5.8")], "v1.6.0", "prod"), {
            name: "ReleaseError",
            message: "stack prod has no succeeded update that recorded an imageTag, so there is no earlier version to roll back to; " +
                "name the version to deploy: `npm run rollback -- <version> --stack prod --force`, for example v1.5.8",
        });
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

describe("release rollback: what it runs", () => {
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

    const run = (options: { version?: string; force?: boolean; yes?: boolean }, out = printed()) =>
        rollback({ version: options.version, force: options.force ?? false, yes: options.yes ?? false },
            { pulumi: new PulumiCli(fake, "prod"), versionFile, print: out.print });

    it("without a version: sets the previous tag and prints pulumi up; VERSION is untouched", async () => {
        const out = printed();
        await run({}, out);
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get imageTag --stack prod",
            "pulumi stack history --json --page-size 0 --stack prod",
            "pulumi config set imageTag v1.5.8 --stack prod",
        ]);
        assert.deepStrictEqual(out.lines, [
            "stack prod: the version deployed before v1.6.0 is v1.5.8 (update #6, 2026-07-21T14:05:30.000Z)",
            "stack prod: imageTag v1.6.0 -> v1.5.8 (Pulumi.prod.yaml)",
            "VERSION stays v1.6.0: VERSION records the released version, the stack records what runs",
            "Next, apply it (pulumi shows every container that moves and asks before changing anything):",
            "  pulumi up --stack prod --diff",
        ]);
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.6.0\n");
    });

    it("with --yes: runs pulumi up --yes --diff on the terminal after setting the tag", async () => {
        const out = printed();
        await run({ version: "v1.5.7", yes: true }, out);
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get imageTag --stack prod",
            "pulumi stack history --json --page-size 0 --stack prod",
            "pulumi config get allowPrerelease --stack prod",
            "pulumi config set imageTag v1.5.7 --stack prod",
            "pulumi up --stack prod --yes --diff",
        ]);
        assert.ok(out.lines.includes("Running pulumi up --stack prod --yes --diff"), out.lines.join("\n"));
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
        assert.ok(!fake.commands.some(c => c.startsWith("pulumi config set") || c.startsWith("pulumi up")), fake.commands.join("\n"));
        assert.strictEqual(fake.config.imageTag, "v1.6.0");
    });

    it("deploys a never-deployed version with --force, saying so", async () => {
        const out = printed();
        await run({ version: "v1.5.6", force: true }, out);
        assert.strictEqual(fake.config.imageTag, "v1.5.6");
        assert.strictEqual(out.lines[0], "v1.5.6 was never deployed to stack prod; going ahead because of --force (the hosts pull images they lack)");
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

    it("after a rollback, a second one goes back to the newer version and says so", async () => {
        fake.config.imageTag = "v1.5.8";
        const out = printed();
        await run({}, out);
        assert.strictEqual(fake.config.imageTag, "v1.6.0");
        assert.strictEqual(out.lines[1], "note: v1.6.0 is newer than v1.5.8, so this undoes an earlier rollback; " +
            "to go further back, name the version: `npm run rollback -- <version> --stack prod`");
    });
});
