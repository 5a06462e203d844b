import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { sandboxDown, sandboxUp } from "./support/sandbox";

const CHECK = path.resolve(__dirname, "..", "..", "sandbox", "check.sh");

/**
 * The rig's images, checked for what a deployment can see of them (sandbox/check.sh): the real
 * PostgreSQL, Redis and nginx from Debian's packages, XingRin's nginx configuration with TLS on
 * 8083, the server's migrations at start, and a cluster that keeps its data and its password
 * across a replacement.
 */
describe("the sandbox's images behave like the servers they stand for", function () {
    this.timeout(10 * 60 * 1000);

    before(() => {
        sandboxUp();
    });

    after(() => {
        sandboxDown();
    });

    it("every check of sandbox/check.sh passes", () => {
        const run = spawnSync("bash", [CHECK], { encoding: "utf8" });
        const results = run.stdout.split("\n").filter(line => /^(ok  |FAIL) - /.test(line));
        process.stdout.write(results.map(line => `      | ${line}\n`).join(""));
        const failed = results.filter(line => line.startsWith("FAIL"));
        assert.deepStrictEqual(failed, [], run.stderr.slice(-2000));
        assert.strictEqual(run.status, 0, run.stderr.slice(-2000));
        // A check that silently stopped running must not pass for a passing one.
        assert.ok(results.length >= 39, `only ${results.length} checks ran`);
    });
});
