import * as assert from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { payloadLayer, versionLayer } from "../../../bench/payloadLayer";

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
}

describe("bench: filler layers", () => {
    it("is a tar that GNU tar lists, with the requested bytes of content", async () => {
        const tar = await collect(payloadLayer("seed-a", "base", 3 * 1024 * 1024 + 17));
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "payload-")), "layer.tar");
        fs.writeFileSync(file, tar);
        const listing = execFileSync("tar", ["-tvf", file], { encoding: "utf8" });
        assert.match(listing, /opt\/xingrin-bench\/base\/part-0000/);
        const sizes = listing.split("\n").filter(line => line.includes("part-")).map(line => Number(line.split(/\s+/)[2]));
        assert.strictEqual(sizes.reduce((a, b) => a + b, 0), 3 * 1024 * 1024 + 17);
    });

    it("gives the same digest for the same seed and a different one for another seed", async () => {
        const digest = async (seed: string) => crypto.createHash("sha256").update(await collect(payloadLayer(seed, "base", 100_000))).digest("hex");
        assert.strictEqual(await digest("x"), await digest("x"));
        assert.notStrictEqual(await digest("x"), await digest("y"));
    });

    it("is incompressible", async () => {
        const tar = await collect(payloadLayer("seed-c", "base", 1_000_000));
        const gzipped = execFileSync("gzip", ["-c"], { input: tar });
        assert.ok(gzipped.length > 0.99 * tar.length, `gzip shrank it to ${gzipped.length} of ${tar.length} bytes`);
    });

    it("writes the tag into /VERSION", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "version-")), "layer.tar");
        fs.writeFileSync(file, versionLayer("v9.3.0"));
        assert.strictEqual(execFileSync("tar", ["-xOf", file, "VERSION"], { encoding: "utf8" }), "v9.3.0\n");
    });
});
