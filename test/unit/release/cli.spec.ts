import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliDeps, main } from "../../../release/cli";
import { FakeHosts } from "./support/fakeHosts";
import { FakePulumi } from "./support/fakePulumi";
import { PROD_HISTORY_JSON } from "./support/history";

describe("release CLI", () => {
    let dir: string;
    let fake: FakePulumi;
    let out: string[];
    let errors: string[];
    let deps: CliDeps;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-cli-"));
        fs.writeFileSync(path.join(dir, "VERSION"), "v1.6.0\n");
        fake = new FakePulumi({ imageTag: "v1.6.0" });
        fake.history = JSON.parse(PROD_HISTORY_JSON);
        out = [];
        errors = [];
        deps = {
            pulumi: fake,
            openHosts: new FakeHosts({}).open,
            versionFile: path.join(dir, "VERSION"),
            print: line => out.push(line),
            printError: line => errors.push(line),
        };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("bump: defaults to stack prod and issues exactly these pulumi commands", async () => {
        assert.strictEqual(await main(["bump", "v1.6.1"], deps), 0);
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get allowPrerelease --stack prod",
            "pulumi config get imageTag --stack prod",
            "pulumi config set imageTag v1.6.1 --stack prod",
        ]);
        assert.strictEqual(out[out.length - 1], "  pulumi preview --stack prod --diff");
    });

    it("bump --no-preview prints no preview hint", async () => {
        assert.strictEqual(await main(["bump", "v1.6.1", "--no-preview"], deps), 0);
        assert.ok(!out.some(line => line.includes("pulumi preview")), out.join("\n"));
    });

    it("rollback --yes: sets the previous tag and runs pulumi up", async () => {
        assert.strictEqual(await main(["rollback", "--stack", "prod", "--yes"], deps), 0);
        assert.deepStrictEqual(fake.commands, [
            "pulumi config get imageTag --stack prod",
            "pulumi stack history --json --page-size 0 --stack prod",
            "pulumi config set imageTag v1.5.8 --stack prod",
            "pulumi up --stack prod --yes --diff",
        ]);
    });

    it("turns a refusal into exit status 1 and one error line", async () => {
        assert.strictEqual(await main(["rollback", "v1.5.6"], deps), 1);
        assert.strictEqual(errors.length, 1);
        assert.match(errors[0], /^error: v1\.5\.6 was never deployed to stack prod/);
        assert.strictEqual(await main(["rollback", "v1.5.6", "--force"], deps), 0);
        assert.strictEqual(fake.config.imageTag, "v1.5.6");
    });

    it("passes --stack to every pulumi command", async () => {
        const dev = new FakePulumi({ imageTag: "v1.6.0-dev.1", allowPrerelease: "true" }, "dev");
        assert.strictEqual(await main(["bump", "v1.6.0-dev.2", "--stack", "dev"], { ...deps, pulumi: dev }), 0);
        assert.ok(dev.commands.every(command => command.includes("--stack dev")), dev.commands.join("\n"));
    });

    const misuse: Array<[string[], RegExp]> = [
        [["bump"], /^error: bump takes exactly one version, for example `npm run bump -- v1\.6\.0 --stack prod`$/],
        [["bump", "v1.6.1", "--yes"], /^error: bump does not take --yes \(it takes --stack, --no-preview\)/],
        [["versions", "--force"], /^error: versions does not take --force \(it takes --stack\)/],
        [["rollback", "v1.5.8", "v1.5.7"], /^error: rollback takes at most one version/],
        [["deploy"], /^error: unknown command "deploy": use bump, rollback or versions/],
        [["bump", "v1.6.1", "--stak", "prod"], /^error: bump: Unknown option '--stak'/],
    ];
    for (const [argv, message] of misuse) {
        it(`refuses \`${argv.join(" ")}\` with a usage hint and runs no pulumi command`, async () => {
            assert.strictEqual(await main(argv, deps), 1);
            assert.match(errors[0], message);
            assert.deepStrictEqual(fake.commands, []);
        });
    }
});
