import * as assert from "assert";
import { checkStaged, contentDigest } from "../../components/stageCheck";

const WORKER = "reg.example.com/xingrin/xingrin-worker:v1.2.0";
const repoDigest = (hex: string) => `reg.example.com/xingrin/xingrin-worker@sha256:${hex.repeat(64)}`;

describe("the stage check between the two phases", () => {
    it("passes when every host holds the same content for an image, and returns it", () => {
        const staged = checkStaged([
            { host: "main-server", digests: { [WORKER]: repoDigest("a") } },
            { host: "worker-1", digests: { [WORKER]: repoDigest("a") } },
            { host: "worker-2", digests: { [WORKER]: repoDigest("a") } },
        ]);
        assert.deepStrictEqual(staged, { [WORKER]: `sha256:${"a".repeat(64)}` });
    });

    it("stops the update when a tag was pushed again between two pulls, naming the image, the hosts and both digests", () => {
        assert.throws(() => checkStaged([
            { host: "main-server", digests: { [WORKER]: repoDigest("a") } },
            { host: "worker-1", digests: { [WORKER]: repoDigest("a") } },
            { host: "worker-2", digests: { [WORKER]: repoDigest("b") } },
        ]), {
            name: "StageError",
            message: `image ${WORKER} differs between hosts: main-server holds sha256:${"a".repeat(64)}, ` +
                `worker-2 holds sha256:${"b".repeat(64)}. The tag was pushed again between the two pulls, so nothing was ` +
                "switched: every host still runs the version it had. Tags are releases: push the new build under a new tag and deploy that one.",
        });
    });

    it("compares content, not the registry's name for it, and skips images built on the host", () => {
        assert.strictEqual(contentDigest("127.0.0.1:5000/yyhuni/xingrin-worker@sha256:abc"), "sha256:abc");
        assert.strictEqual(contentDigest(""), "");
        assert.deepStrictEqual(checkStaged([
            { host: "main-server", digests: { [WORKER]: "" } },
            { host: "worker-1", digests: { [WORKER]: `mirror.example.com/xingrin/xingrin-worker@sha256:${"c".repeat(64)}` } },
        ]), { [WORKER]: `sha256:${"c".repeat(64)}` });
    });
});
