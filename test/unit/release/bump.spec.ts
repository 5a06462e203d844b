import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bump, checkBumpVersion } from "../../../release/bump";
import { PulumiCli } from "../../../release/pulumiCli";
import { FakePulumi, printed } from "./support/fakePulumi";

describe("release bump: version rules", () => {
    it("accepts a newer stable version", () => {
        assert.strictEqual(checkBumpVersion("v1.6.0", "v1.5.8", false, "prod"), "v1.6.0");
        assert.strictEqual(checkBumpVersion("v1.5.10", "v1.5.9", false, "prod"), "v1.5.10");
    });

    it("compares by semver, not as text: v1.10.0 is newer than v1.9.0", () => {
        assert.strictEqual(checkBumpVersion("v1.10.0", "v1.9.0", false, "prod"), "v1.10.0");
    });

    it("refuses the current version, naming it and a newer example", () => {
        assert.throws(() => checkBumpVersion("v1.5.8", "v1.5.8", false, "prod"), {
            name: "ReleaseError",
            message: "stack prod: imageTag is already v1.5.8: a bump needs a newer version, for example v1.5.9 " +
                "(to deploy v1.5.8 again, run `pulumi up --stack prod --diff`)",
        });
    });

    it("refuses an older version and points at rollback", () => {
        assert.throws(() => checkBumpVersion("v1.4.2", "v1.5.8", false, "prod"), {
            name: "ReleaseError",
            message: "stack prod: v1.4.2 is older than the current imageTag v1.5.8: a bump only moves forward " +
                "(semver 1.4.2 < 1.5.8); use a newer version such as v1.5.9, " +
                "or go back with `npm run rollback -- v1.4.2 --stack prod`",
        });
    });

    it("refuses a prerelease on prod (allowPrerelease false)", () => {
        assert.throws(() => checkBumpVersion("v1.6.0-rc.1", "v1.5.8", false, "prod"), {
            name: "ReleaseError",
            message: 'stack prod: imageTag "v1.6.0-rc.1" is a prerelease, which this stack does not accept (allowPrerelease is false): ' +
                'use a stable version such as "v1.6.0", or set allowPrerelease: true on a development stack',
        });
    });

    it("accepts a prerelease on dev (allowPrerelease true), ordered below its release", () => {
        assert.strictEqual(checkBumpVersion("v1.6.0-dev.2", "v1.6.0-dev.1", true, "dev"), "v1.6.0-dev.2");
        assert.strictEqual(checkBumpVersion("v1.6.0-dev.1", "v1.5.8", true, "dev"), "v1.6.0-dev.1");
        assert.throws(() => checkBumpVersion("v1.6.0-dev.3", "v1.6.0", true, "dev"), /v1\.6\.0-dev\.3 is older than the current imageTag v1\.6\.0/);
    });

    const notVersions: Array<[string, string]> = [
        ["1.6.0", 'stack prod: imageTag "1.6.0" is not a version tag: it must start with "v"; use "v" followed by a semantic version, for example "v1.5.8"'],
        ["v1.6", 'stack prod: imageTag "v1.6" is not a valid semantic version; use "v" followed by a semantic version, for example "v1.5.8"'],
        ["latest", 'stack prod: imageTag "latest" is not a version tag: it must start with "v"; use "v" followed by a semantic version, for example "v1.5.8"'],
    ];
    for (const [version, message] of notVersions) {
        it(`refuses ${JSON.stringify(version)}, which is not a v-prefixed semantic version`, () => {
            assert.throws(() => checkBumpVersion(version, "v1.5.8", true, "prod"), { name: "ReleaseError", message });
        });
    }
});

describe("release bump: what it changes", () => {
    let dir: string;
    let versionFile: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-bump-"));
        versionFile = path.join(dir, "VERSION");
        fs.writeFileSync(versionFile, "v1.5.8\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("on prod: sets imageTag with pulumi config set, writes VERSION, and prints the preview to run", async () => {
        const fake = new FakePulumi({ imageTag: "v1.5.8", allowPrerelease: "false" });
        const out = printed();
        await bump({ version: "v1.6.0", showPreviewHint: true }, { pulumi: new PulumiCli(fake, "prod"), versionFile, print: out.print });

        assert.deepStrictEqual(fake.commands, [
            "pulumi config get --stack prod -- allowPrerelease",
            "pulumi config get --stack prod -- imageTag",
            "pulumi config set --stack prod -- imageTag v1.6.0",
        ]);
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.6.0\n");
        assert.deepStrictEqual(out.lines, [
            "stack prod: imageTag v1.5.8 -> v1.6.0 (Pulumi.prod.yaml)",
            "VERSION: v1.5.8 -> v1.6.0 (the released version)",
            "Next, review every container and image this moves, then apply it:",
            "  pulumi preview --stack prod --diff",
        ]);
    });

    it("--no-preview leaves out the preview hint (CI previews by itself)", async () => {
        const fake = new FakePulumi({ imageTag: "v1.5.8" });
        const out = printed();
        await bump({ version: "v1.5.9", showPreviewHint: false }, { pulumi: new PulumiCli(fake, "prod"), versionFile, print: out.print });
        assert.ok(!out.lines.some(line => line.includes("preview")), out.lines.join("\n"));
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.5.9\n");
    });

    it("on dev: accepts a prerelease and leaves VERSION alone", async () => {
        const fake = new FakePulumi({ imageTag: "v1.5.8", allowPrerelease: "true" }, "dev");
        const out = printed();
        await bump({ version: "v1.6.0-dev.1", showPreviewHint: true }, { pulumi: new PulumiCli(fake, "dev"), versionFile, print: out.print });

        assert.deepStrictEqual(fake.commands, [
            "pulumi config get --stack dev -- allowPrerelease",
            "pulumi config get --stack dev -- imageTag",
            "pulumi config set --stack dev -- imageTag v1.6.0-dev.1",
        ]);
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.5.8\n");
        assert.strictEqual(out.lines[1], "VERSION stays v1.5.8: it records the released version, and v1.6.0-dev.1 is a prerelease");
        assert.strictEqual(out.lines[3], "  pulumi preview --stack dev --diff");
    });

    it("on dev: a stable version still leaves VERSION to prod", async () => {
        const fake = new FakePulumi({ imageTag: "v1.5.8", allowPrerelease: "true" }, "dev");
        const out = printed();
        await bump({ version: "v1.6.0", showPreviewHint: false }, { pulumi: new PulumiCli(fake, "dev"), versionFile, print: out.print });
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.5.8\n");
        assert.strictEqual(out.lines[1], "VERSION stays v1.5.8: it records the released version, and only a bump on stack prod releases");
    });

    it("compares with VERSION when the stack sets no imageTag (Pulumi.yaml's default is empty)", async () => {
        const fake = new FakePulumi({});
        const out = printed();
        await assert.rejects(
            bump({ version: "v1.5.8", showPreviewHint: true }, { pulumi: new PulumiCli(fake, "prod"), versionFile, print: out.print }),
            /imageTag is already v1\.5\.8/);
        await bump({ version: "v1.6.0", showPreviewHint: true }, { pulumi: new PulumiCli(fake, "prod"), versionFile, print: out.print });
        assert.strictEqual(out.lines[0], "stack prod: imageTag v1.5.8 (from VERSION; the stack set none) -> v1.6.0 (Pulumi.prod.yaml)");
    });

    it("changes nothing when the version is refused", async () => {
        const fake = new FakePulumi({ imageTag: "v1.5.8", allowPrerelease: "false" });
        await assert.rejects(
            bump({ version: "v1.6.0-rc.1", showPreviewHint: true }, { pulumi: new PulumiCli(fake, "prod"), versionFile, print: () => undefined }),
            { name: "ReleaseError", message: /is a prerelease, which this stack does not accept/ });
        assert.ok(!fake.commands.some(command => command.startsWith("pulumi config set")), fake.commands.join("\n"));
        assert.strictEqual(fake.config.imageTag, "v1.5.8");
        assert.strictEqual(fs.readFileSync(versionFile, "utf8"), "v1.5.8\n");
    });
});
