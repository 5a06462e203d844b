import * as assert from "assert";
import { isXingrinImage, mixedTagsProblem, mutableTagProblem, notKeptProblem, tagOf } from "../../policy/rules";

describe("policy rules", () => {
    it("reads tags from references with registries that have ports", () => {
        assert.strictEqual(tagOf("127.0.0.1:5000/yyhuni/xingrin-server:v1.2.0"), "v1.2.0");
        assert.strictEqual(tagOf("127.0.0.1:5000/yyhuni/xingrin-server"), "");
        assert.strictEqual(tagOf("docker.io/yyhuni/xingrin-server:v1.2.0@sha256:abc"), "v1.2.0");
    });

    it("tells XingRin images from third-party ones", () => {
        assert.ok(isXingrinImage("docker.io/yyhuni/xingrin-worker:v1.2.0"));
        assert.ok(!isXingrinImage("redis:7-alpine"));
    });

    it("accepts release and prerelease tags, and names the image and fix for mutable ones", () => {
        assert.strictEqual(mutableTagProblem("r/yyhuni/xingrin-server:v1.2.0"), undefined);
        assert.strictEqual(mutableTagProblem("r/yyhuni/xingrin-server:v1.3.0-dev.2"), undefined);
        assert.strictEqual(mutableTagProblem("r/yyhuni/xingrin-server:latest"),
            'r/yyhuni/xingrin-server:latest: tag "latest" is not a version tag: it must start with "v"; ' +
            'use "v" followed by a semantic version, for example "v1.5.8" (a mutable tag cannot be rolled back to)');
        assert.strictEqual(mutableTagProblem("r/yyhuni/xingrin-server"),
            'r/yyhuni/xingrin-server has no tag, so Docker uses the mutable "latest": pin a release such as v1.5.8');
    });

    it("reports a fleet split across tags, listing which image has which", () => {
        const image = (ref: string) => ({ urn: ref, ref, keepLocally: true });
        assert.strictEqual(mixedTagsProblem([image("r/n/xingrin-server:v1.2.0"), image("r/n/xingrin-worker:v1.2.0")]), undefined);
        assert.strictEqual(mixedTagsProblem([image("r/n/xingrin-server:v1.2.0"), image("r/n/xingrin-worker:v1.1.0")]),
            "XingRin images must all carry one tag (set by imageTag), found 2: v1.2.0: r/n/xingrin-server:v1.2.0; v1.1.0: r/n/xingrin-worker:v1.1.0");
    });

    it("requires images to be kept for rollbacks", () => {
        assert.strictEqual(notKeptProblem({ urn: "u", ref: "r/n/xingrin-server:v1.2.0", keepLocally: true }), undefined);
        assert.match(notKeptProblem({ urn: "u", ref: "r/n/xingrin-server:v1.2.0", keepLocally: false })!,
            /keepLocally is not true\), so a rollback would have to pull it again$/);
    });
});
