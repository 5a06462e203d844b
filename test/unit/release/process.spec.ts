import * as assert from "assert";
import { runCaptured } from "../../../release/process";
import { processPulumiRunner } from "../../../release/pulumiCli";

const HINT = "install it";

describe("release process runner", () => {
    it("writes the input to the program's standard input, byte for byte", async () => {
        // `cat` echoes its stdin: proof that the value travels there and not on the command line.
        const result = await processPulumiRunner("cat").capture([], "s3cret\nwith a newline");
        assert.deepStrictEqual(result, { code: 0, stdout: "s3cret\nwith a newline", stderr: "" });
    });

    it("without input, the program reads end-of-file at once instead of waiting", async () => {
        assert.deepStrictEqual(await runCaptured("cat", [], { missingHint: HINT }), { code: 0, stdout: "", stderr: "" });
    });

    it("reports the exit status of a program that exits without reading its input", async () => {
        const result = await runCaptured("sh", ["-c", "echo refused >&2; exit 3"], { missingHint: HINT, input: "x".repeat(4 << 20) });
        assert.deepStrictEqual(result, { code: 3, stdout: "", stderr: "refused\n" });
    });

    it("says how to get pulumi when it is missing, also when given an input", async () => {
        await assert.rejects(processPulumiRunner("/nonexistent/pulumi").capture(["version"], "s3cret"), {
            name: "ReleaseError",
            message: "/nonexistent/pulumi was not found: put the pulumi CLI on PATH or set PULUMI=/path/to/pulumi " +
                "(the test rig's: `bash sandbox/toolchain/build.sh && source sandbox/toolchain/env.sh`)",
        });
    });
});
