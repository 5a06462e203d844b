import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliDeps, main } from "../../../release/cli";
import { isYes } from "../../../release/confirm";
import { FakeHosts } from "./support/fakeHosts";
import { FakePulumi } from "./support/fakePulumi";
import { PROD_HISTORY_JSON } from "./support/history";

const NO_STACK = "error: no stack is selected and --stack was not given, so rollback does not know which stack to act on: " +
    "name it with --stack (`npm run rollback -- --yes --stack <stack>`; `pulumi stack ls` lists them), " +
    "or select one with `pulumi stack select <stack>`";

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
            docker: host => { throw new Error(`only adopt reads a Docker host, not this command (docker --host ${host})`); },
            versionFile: path.join(dir, "VERSION"),
            print: line => out.push(line),
            printError: line => errors.push(line),
        };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("which stack", () => {
        it("--stack: names it on the first line and passes it to every pulumi command", async () => {
            assert.strictEqual(await main(["bump", "v1.6.1", "--stack", "prod"], deps), 0);
            assert.strictEqual(out[0], "stack prod (named by --stack)");
            assert.deepStrictEqual(fake.commands, [
                "pulumi config get --stack prod -- allowPrerelease",
                "pulumi config get --stack prod -- imageTag",
                "pulumi config set --stack prod -- imageTag v1.6.1",
            ]);
        });

        it("without --stack: uses the selected stack, not prod, and says so on the first line", async () => {
            const dev = new FakePulumi({ imageTag: "v1.6.0-dev.1", allowPrerelease: "true" }, "dev");
            dev.selected = "dev";
            assert.strictEqual(await main(["bump", "v1.6.0-dev.2"], { ...deps, pulumi: dev }), 0);
            assert.strictEqual(out[0], "stack dev (the selected stack, from `pulumi stack --show-name`; --stack names another)");
            assert.deepStrictEqual(dev.commands, [
                "pulumi stack --show-name",
                "pulumi config get --stack dev -- allowPrerelease",
                "pulumi config get --stack dev -- imageTag",
                "pulumi config set --stack dev -- imageTag v1.6.0-dev.2",
            ]);
            assert.strictEqual(out[1], "stack dev: imageTag v1.6.0-dev.1 -> v1.6.0-dev.2 (Pulumi.dev.yaml)");
        });

        it("without --stack and with no stack selected: refuses, naming --stack, and changes nothing", async () => {
            assert.strictEqual(await main(["rollback", "--yes"], deps), 1);
            assert.deepStrictEqual(errors, [NO_STACK]);
            assert.deepStrictEqual(out, []);
            assert.deepStrictEqual(fake.commands, ["pulumi stack --show-name"]);
        });

        for (const argv of [["versions"], ["bump", "v1.6.1"], ["rollback"]]) {
            it(`\`${argv.join(" ")}\` never falls back to prod when no stack is selected`, async () => {
                assert.strictEqual(await main(argv, deps), 1);
                assert.match(errors[0], /^error: no stack is selected and --stack was not given/);
                assert.deepStrictEqual(fake.commands, ["pulumi stack --show-name"]);
            });
        }

        it("versions: names the stack on the first line, before anything it reads", async () => {
            fake.selected = "prod";
            assert.strictEqual(await main(["versions"], deps), 1);
            assert.deepStrictEqual(out, ["stack prod (the selected stack, from `pulumi stack --show-name`; --stack names another)"]);
            assert.match(errors[0], /^error: stack prod has no `versions` output/);
        });

        it("reports any other failure of `pulumi stack --show-name` with pulumi's error", async () => {
            const broken = new FakePulumi({});
            broken.capture = async args => {
                broken.commands.push(["pulumi", ...args].join(" "));
                return { code: 255, stdout: "", stderr: "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n" };
            };
            assert.strictEqual(await main(["versions"], { ...deps, pulumi: broken }), 1);
            assert.strictEqual(errors[0], "error: `pulumi stack --show-name` failed (exit 255): " +
                "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
        });
    });

    describe("rollback asks before it changes anything", () => {
        it("rollback --yes: prints the stack, the history and the change, sets the tag and runs pulumi up", async () => {
            assert.strictEqual(await main(["rollback", "--stack", "prod", "--yes"], deps), 0);
            assert.deepStrictEqual(fake.commands, [
                "pulumi config get --stack prod -- imageTag",
                "pulumi stack history --json --page-size 0 --stack prod",
                "pulumi config set --stack prod -- imageTag v1.5.8",
                "pulumi up --stack prod --yes --diff",
            ]);
            assert.strictEqual(out[0], "stack prod (named by --stack)");
            assert.ok(out.includes("stack prod: imageTag v1.6.0 -> v1.5.8 (Pulumi.prod.yaml), then `pulumi up --stack prod --yes --diff`"), out.join("\n"));
        });

        it("rollback without --yes and without a terminal: exit 1, nothing set, and the command that applies it", async () => {
            assert.strictEqual(await main(["rollback", "--stack", "prod"], deps), 1);
            assert.ok(!fake.commands.some(c => c.startsWith("pulumi config set") || c.startsWith("pulumi up")), fake.commands.join("\n"));
            assert.strictEqual(fake.config.imageTag, "v1.6.0");
            assert.deepStrictEqual(errors, ["error: nothing changed: stdin is not a terminal, so rollback cannot ask before it changes stack prod; " +
                "to apply the plan above, re-run with --yes: `npm run rollback -- v1.5.8 --stack prod --yes`"]);
        });

        it("rollback on a terminal: applies after a yes, and not after a no", async () => {
            const asked: string[] = [];
            assert.strictEqual(await main(["rollback", "--stack", "prod"], { ...deps, confirm: async q => { asked.push(q); return false; } }), 1);
            assert.strictEqual(fake.config.imageTag, "v1.6.0");
            assert.strictEqual(await main(["rollback", "--stack", "prod"], { ...deps, confirm: async q => { asked.push(q); return true; } }), 0);
            assert.strictEqual(fake.config.imageTag, "v1.5.8");
            assert.deepStrictEqual(asked, Array(2).fill("Set imageTag v1.5.8 on stack prod and run pulumi up now? [y/N] "));
        });

        it("turns a refusal into exit status 1 and one error line", async () => {
            assert.strictEqual(await main(["rollback", "v1.5.6", "--stack", "prod", "--yes"], deps), 1);
            assert.strictEqual(errors.length, 1);
            assert.match(errors[0], /^error: v1\.5\.6 was never deployed to stack prod/);
            assert.strictEqual(await main(["rollback", "v1.5.6", "--force", "--stack", "prod", "--yes"], deps), 0);
            assert.strictEqual(fake.config.imageTag, "v1.5.6");
        });

        it("only y or yes agrees; Enter and anything else is no", () => {
            for (const answer of ["y", "Y", "yes", "YES", " y "]) {
                assert.strictEqual(isYes(answer), true, answer);
            }
            for (const answer of ["", "n", "no", "yep", "ja", "y n"]) {
                assert.strictEqual(isYes(answer), false, answer);
            }
        });
    });

    describe("bump prints what it changes", () => {
        it("the stack, then the stack file and VERSION it wrote, then the preview to run", async () => {
            assert.strictEqual(await main(["bump", "v1.6.1", "--stack", "prod"], deps), 0);
            assert.deepStrictEqual(out, [
                "stack prod (named by --stack)",
                "stack prod: imageTag v1.6.0 -> v1.6.1 (Pulumi.prod.yaml)",
                "VERSION: v1.6.0 -> v1.6.1 (the released version)",
                "Next, review every container and image this moves, then apply it:",
                "  pulumi preview --stack prod --diff",
            ]);
        });

        it("bump --no-preview prints no preview hint", async () => {
            assert.strictEqual(await main(["bump", "v1.6.1", "--no-preview", "--stack", "prod"], deps), 0);
            assert.ok(!out.some(line => line.includes("pulumi preview")), out.join("\n"));
        });
    });

    describe("help", () => {
        it("`rollback --help` explains the walk back and --stack, and runs no pulumi command", async () => {
            assert.strictEqual(await main(["rollback", "--help"], deps), 0);
            const help = out.join("\n");
            assert.match(help, /^usage:\n {2}npm run rollback -- \[version\] \[--stack <stack>\] \[--force\] \[--yes\]/);
            assert.match(help, /An update to a version older than the one\n\s+before it is a rollback step/);
            assert.match(help, /two rollbacks reach v1\.2\.0, then v1\.1\.0/);
            assert.match(help, /refuses when none is selected/);
            assert.ok(!help.includes("npm run bump"), help);
            assert.deepStrictEqual(fake.commands, []);
        });

        it("no command prints the whole usage and exits 1; `help` exits 0", async () => {
            assert.strictEqual(await main([], deps), 1);
            assert.match(out[0], /npm run bump[\s\S]*npm run rollback[\s\S]*npm run versions[\s\S]*npm run adopt/);
            assert.strictEqual(await main(["help"], deps), 0);
        });
    });

    const misuse: Array<[string[], RegExp]> = [
        [["bump"], /^error: bump takes exactly one version, for example `npm run bump -- v1\.6\.0`$/],
        [["bump", "--stack", "dev"], /^error: bump takes exactly one version, for example `npm run bump -- v1\.6\.0 --stack dev`$/],
        [["bump", "v1.6.1", "--yes"], /^error: bump does not take --yes \(it takes --stack, --no-preview, --help\)\nusage:\n {2}npm run bump/],
        [["versions", "--force"], /^error: versions does not take --force \(it takes --stack, --help\)/],
        [["versions", "extra"], /^error: versions takes no arguments, only --stack: `npm run versions -- --stack <stack>`$/],
        [["rollback", "v1.5.8", "v1.5.7"], /^error: rollback takes at most one version/],
        [["rollback", "--stack", " "], /^error: --stack is empty: name a stack, for example --stack dev/],
        [["deploy"], /^error: unknown command "deploy": use bump, rollback, recover, restore, versions or adopt/],
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
