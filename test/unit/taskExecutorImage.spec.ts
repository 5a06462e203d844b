import * as assert from "assert";
import { validateTaskExecutorImage } from "../../config/taskExecutorImage";

const WORKER = "localhost:5000/me/xingrin-worker";
const DIGEST = `sha256:${"c".repeat(64)}`;

describe("taskExecutorImage follows its stack's tag rules", () => {
    it("takes any valid reference where allowPrerelease is set (dev stacks)", () => {
        for (const value of [`${WORKER}:mine`, `${WORKER}:latest`, WORKER, `${WORKER}:v1.3.0-dev.2`]) {
            assert.strictEqual(validateTaskExecutorImage(value, true), value);
        }
    });

    it("takes a release tag or a digest where prereleases are refused", () => {
        for (const value of [`${WORKER}:v1.5.8`, `${WORKER}@${DIGEST}`, `${WORKER}:latest@${DIGEST}`]) {
            assert.strictEqual(validateTaskExecutorImage(value, false), value);
        }
    });

    const refused: Array<[string, string]> = [
        [WORKER, `taskExecutorImage "${WORKER}" has no tag, so Docker would use "latest", a tag that moves, and a rollback could not name ` +
            `what ran; this stack does not accept that (allowPrerelease is false): add a release tag, such as "${WORKER}:v1.5.8", ` +
            'or pin a digest ("@sha256:…")'],
        [`${WORKER}:latest`, `taskExecutorImage "${WORKER}:latest": tag "latest" is not a version tag: it must start with "v"; ` +
            'use "v" followed by a semantic version, for example "v1.5.8"'],
        [`${WORKER}:mine`, `taskExecutorImage "${WORKER}:mine": tag "mine" is not a version tag: it must start with "v"; ` +
            'use "v" followed by a semantic version, for example "v1.5.8"'],
        [`${WORKER}:v1.3.0-dev.2`, `taskExecutorImage "${WORKER}:v1.3.0-dev.2": tag "v1.3.0-dev.2" is a prerelease, which this stack ` +
            'does not accept (allowPrerelease is false): use a stable version such as "v1.3.0", or set allowPrerelease: true on a development stack'],
    ];
    for (const [value, message] of refused) {
        it(`refuses ${JSON.stringify(value)} where prereleases are refused`, () => {
            assert.throws(() => validateTaskExecutorImage(value, false), { name: "ConfigError", message });
        });
    }

    it("checks the reference grammar on every stack", () => {
        assert.throws(() => validateTaskExecutorImage("localhost:5000/Me/xingrin-worker:mine", true), {
            name: "ConfigError",
            message: 'taskExecutorImage "localhost:5000/Me/xingrin-worker:mine" has upper-case letters in "Me", and repository names ' +
                'are lower-case; use "localhost:5000/me/xingrin-worker:mine"',
        });
    });
});
