import * as assert from "assert";
import { ConfigError } from "../../config/errors";
import { resolveImageTag, validateImageTag } from "../../config/imageTag";

describe("imageTag validation", () => {
    it("accepts a v-prefixed stable version on any stack", () => {
        assert.strictEqual(validateImageTag("v1.2.0", false), "v1.2.0");
        assert.strictEqual(validateImageTag("v10.0.3", true), "v10.0.3");
    });

    it("accepts a prerelease only where allowPrerelease is set", () => {
        assert.strictEqual(validateImageTag("v1.3.0-dev.2", true), "v1.3.0-dev.2");
        assert.throws(() => validateImageTag("v1.3.0-dev.2", false), {
            name: "ConfigError",
            message: 'imageTag "v1.3.0-dev.2" is a prerelease, which this stack does not accept (allowPrerelease is false): ' +
                'use a stable version such as "v1.3.0", or set allowPrerelease: true on a development stack',
        });
    });

    it("refuses a tag longer than Docker's 128 characters", () => {
        const tag = `v1.3.0-${"a".repeat(122)}`;
        assert.throws(() => validateImageTag(tag, true), {
            name: "ConfigError",
            message: `imageTag "${tag}" is 129 characters long, and Docker tags are at most 128; use a shorter prerelease label`,
        });
        assert.strictEqual(validateImageTag(tag.slice(0, -1), true), tag.slice(0, -1));
    });

    const rejected: Array<[string, string]> = [
        ["latest", 'imageTag "latest" is not a version tag: it must start with "v"; use "v" followed by a semantic version, for example "v1.5.8"'],
        ["1.2.0", 'imageTag "1.2.0" is not a version tag: it must start with "v"; use "v" followed by a semantic version, for example "v1.5.8"'],
        ["v1.2", 'imageTag "v1.2" is not a valid semantic version; use "v" followed by a semantic version, for example "v1.5.8"'],
        ["vv1.2.0", 'imageTag "vv1.2.0" is not a valid semantic version; use "v" followed by a semantic version, for example "v1.5.8"'],
        ["v1.2.0+build.5", 'imageTag "v1.2.0+build.5" has build metadata, which Docker tags cannot carry; use "v" followed by a semantic version, for example "v1.5.8"'],
    ];
    for (const [tag, message] of rejected) {
        it(`rejects ${JSON.stringify(tag)} with a message naming the key, the value and an example`, () => {
            assert.throws(() => validateImageTag(tag, true), { name: "ConfigError", message });
        });
    }

    it("falls back to the VERSION file when the stack sets no tag", () => {
        assert.strictEqual(resolveImageTag(undefined, "v1.5.8\n", false), "v1.5.8");
        assert.strictEqual(resolveImageTag("  ", "v1.5.8\n", false), "v1.5.8");
        assert.strictEqual(resolveImageTag("v1.1.0", "v1.5.8\n", false), "v1.1.0");
    });

    it("checks a tag taken from VERSION by the same rules, and says where it came from", () => {
        assert.throws(() => resolveImageTag(undefined, "latest", false), {
            message: /^imageTag \(from the VERSION file\) "latest" is not a version tag/,
        });
        assert.throws(() => resolveImageTag("", "", false), ConfigError);
    });
});
