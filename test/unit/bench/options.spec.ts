import * as assert from "assert";
import { parseOptions } from "../../../bench/options";
import { blobBytes } from "../../../bench/linkTraffic";

describe("bench: options", () => {
    it("defaults to the full benchmark", () => {
        assert.deepStrictEqual(parseOptions([]), { scale: 1, fleetScale: 0.1, mbit: 200, fleet: [1, 4, 8, 16], previews: 3, out: "bench/results", keep: false });
    });

    it("--quick is small images and two fleet sizes; later flags still apply", () => {
        const options = parseOptions(["--quick", "--mbit", "50"]);
        assert.deepStrictEqual([options.scale, options.fleetScale, options.fleet, options.previews, options.mbit], [0.02, 0.02, [1, 2], 1, 50]);
    });

    it("names the flag and shows the usage on bad input", () => {
        assert.throws(() => parseOptions(["--scale", "0"]), /--scale needs a number above 0, got 0\nusage: npm run bench/);
        assert.throws(() => parseOptions(["--fleet", "1,x"]), /--fleet needs a number above 0, got x/);
        assert.throws(() => parseOptions(["--bogus"]), /unknown option --bogus/);
    });
});

describe("bench: bytes over the link", () => {
    it("adds up successful blob GETs only", () => {
        const log = [
            `10.197.0.1 - - [30/Nov/2026:15:18:30 +0000] "GET /v2/bench-p2/xingrin-worker/blobs/sha256:${"a".repeat(64)} HTTP/1.1" 200 2048 "" "docker"`,
            `10.197.0.1 - - [30/Nov/2026:15:18:30 +0000] "HEAD /v2/bench-p2/xingrin-worker/blobs/sha256:${"b".repeat(64)} HTTP/1.1" 200 0 "" "docker"`,
            `10.197.0.1 - - [30/Nov/2026:15:18:30 +0000] "GET /v2/bench-p2/xingrin-worker/manifests/v9.0.0 HTTP/1.1" 200 900 "" "docker"`,
            `10.197.0.1 - - [30/Nov/2026:15:18:29 +0000] "GET /v2/bench-p2/xingrin-server/blobs/sha256:${"c".repeat(64)} HTTP/1.1" 200 8003072 "" "docker"`,
        ].join("\n");
        assert.strictEqual(blobBytes(log), 2048 + 8003072);
    });
});
