import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pruneScript } from "../../components/prune";
import { historyScript } from "../../components/retention";
import { listedImageRef } from "../../config/images";

const PREFIX = "reg.example.com/xingrin/xingrin-";

/**
 * Runs the prune script with a stand-in `docker` on PATH that lists `images` and records every
 * `docker image rm`; images in `inUse` cannot be removed, as Docker refuses to.
 */
function prune(images: string[], currentTag: string, keepVersions: number, inUse: string[] = [],
    extra: { history?: string[]; keepImages?: string[]; prefix?: string } = {}): { removed: string[]; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prune-spec-"));
    fs.writeFileSync(path.join(dir, "images"), images.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "in-use"), inUse.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "docker"), [
        "#!/bin/sh",
        `dir=${dir}`,
        'case "$1 $2" in',
        '  "image ls") cat "$dir/images" ;;',
        '  "image rm") if grep -qx "$3" "$dir/in-use"; then exit 1; fi; echo "$3" >> "$dir/removed" ;;',
        "esac",
    ].join("\n"), { mode: 0o755 });
    const output = execFileSync("sh", ["-c", pruneScript({ imagePrefix: extra.prefix ?? PREFIX, currentTag, keepVersions, history: extra.history, keepImages: extra.keepImages }).text],
        { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    const removedFile = path.join(dir, "removed");
    const removed = fs.existsSync(removedFile) ? fs.readFileSync(removedFile, "utf8").trim().split("\n").sort() : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { removed, output };
}

const held = (...tags: string[]) => tags.flatMap(tag => [`${PREFIX}worker:${tag}`, `${PREFIX}agent:${tag}`]);

describe("pruning old XingRin versions on a host", () => {
    it("keeps the current version and the newest older ones, up to keepVersions", () => {
        const { removed, output } = prune([...held("v1.1.0", "v1.2.0", "v1.10.0", "v1.9.3"), "redis:7-alpine"], "v1.10.0", 3);
        assert.deepStrictEqual(removed, held("v1.1.0").sort());
        assert.match(output, /keeping: v1\.10\.0 v1\.9\.3 v1\.2\.0/);
    });

    it("keeps the rollback target before versions rolled back from", () => {
        // Rolled back from v1.3.0 to v1.2.0: the next rollback goes to v1.1.0, which must stay.
        const { removed } = prune(held("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"), "v1.2.0", 2);
        assert.deepStrictEqual(removed, held("v1.0.0", "v1.3.0").sort());
    });

    it("never forces: an image a container still uses stays, and says so", () => {
        const { removed, output } = prune(held("v1.0.0", "v1.1.0", "v1.2.0"), "v1.2.0", 2, [`${PREFIX}agent:v1.0.0`]);
        assert.deepStrictEqual(removed, [`${PREFIX}worker:v1.0.0`]);
        assert.match(output, /kept: reg\.example\.com\/xingrin\/xingrin-agent:v1\.0\.0 \(a container still uses it\)/);
    });

    it("leaves other repositories, and tags that are not versions, alone", () => {
        const { removed } = prune([...held("v1.0.0", "v1.1.0", "v1.2.0"), "other.example.com/xingrin/xingrin-worker:v0.1.0",
            `${PREFIX}worker:latest`], "v1.2.0", 2);
        assert.deepStrictEqual(removed, held("v1.0.0").sort());
    });
});

describe("pruning never removes the image a dev stack hands out", () => {
    it("keeps a taskExecutorImage override whatever its tag", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prune-keep-"));
        fs.writeFileSync(path.join(dir, "docker"), [
            "#!/bin/sh",
            'case "$1 $2" in',
            `  "image ls") printf '%s\\n' ${held("v1.0.0", "v1.1.0", "v1.2.0").join(" ")} ;;`,
            `  "image rm") echo "$3" >> ${dir}/removed ;;`,
            "esac",
        ].join("\n"), { mode: 0o755 });
        execFileSync("sh", ["-c", pruneScript({ imagePrefix: PREFIX, currentTag: "v1.2.0", keepVersions: 2, keepImages: [`${PREFIX}worker:v1.0.0`] }).text],
            { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
        assert.deepStrictEqual(fs.readFileSync(path.join(dir, "removed"), "utf8").trim().split("\n"), [`${PREFIX}agent:v1.0.0`]);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("pruning by the stack's deploy history", () => {
    it("keeps the version deployed before, not a failed update's that is newer (issue 18)", () => {
        // v1.3.0 deployed, an update to v1.3.5 failed after its stage, then v1.4.0 deployed.
        const { removed, output } = prune(held("v1.3.0", "v1.3.5", "v1.4.0"), "v1.4.0", 2, [], { history: ["v1.4.0", "v1.3.0"] });
        assert.deepStrictEqual(removed, held("v1.3.5").sort());
        assert.match(output, /keeping: v1\.4\.0 v1\.3\.0/);
    });

    it("keeps the deployed versions newest first, and fills the rest by version", () => {
        const { output } = prune(held("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"), "v1.3.0", 3, [], { history: ["v1.3.0", "v1.0.0"] });
        assert.match(output, /keeping: v1\.3\.0 v1\.0\.0 v1\.2\.0$/m);
    });

    it("gives no place to a deployed version the host does not hold (a worker added later)", () => {
        const { removed } = prune(held("v1.3.5", "v1.4.0"), "v1.4.0", 2, [], { history: ["v1.4.0", "v1.3.0"] });
        assert.deepStrictEqual(removed, []);
    });

    it("records a deploy ahead of those before it, once, and a rollback moves its tag to the front", () => {
        const run = (tag: string, previous?: string) => execFileSync("sh", ["-c", historyScript(tag).text],
            { encoding: "utf8", env: previous === undefined ? { PATH: process.env.PATH } : { PATH: process.env.PATH, PULUMI_COMMAND_STDOUT: previous } }).trim();
        assert.strictEqual(run("v1.3.0"), "v1.3.0");
        assert.strictEqual(run("v1.4.0", "v1.3.0"), "v1.4.0\nv1.3.0");
        assert.strictEqual(run("v1.3.0", "v1.4.0\nv1.3.0"), "v1.3.0\nv1.4.0");
        const long = Array.from({ length: 30 }, (_, i) => `v1.0.${i}`).join("\n");
        assert.strictEqual(run("v2.0.0", long).split("\n").length, 20);
    });
});

describe("keepImages as a host lists them", () => {
    it("compares a Docker Hub reference by the short name docker image ls prints (issue 18)", () => {
        const hub = "docker.io/yyhuni/xingrin-";
        assert.strictEqual(listedImageRef(`${hub}worker:v1.0.0`), "yyhuni/xingrin-worker:v1.0.0");
        assert.strictEqual(listedImageRef("docker.io/library/redis:7"), "redis:7");
        assert.strictEqual(listedImageRef("reg.example.com/x/xingrin-worker:v1"), "reg.example.com/x/xingrin-worker:v1");
        const listed = ["v1.0.0", "v1.1.0", "v1.2.0"].flatMap(tag => [`yyhuni/xingrin-worker:${tag}`, `yyhuni/xingrin-agent:${tag}`]);
        const { removed } = prune(listed, "v1.2.0", 2, [], { prefix: "yyhuni/xingrin-", keepImages: [listedImageRef(`${hub}worker:v1.0.0`)] });
        assert.deepStrictEqual(removed, ["yyhuni/xingrin-agent:v1.0.0"]);
    });
});
