import { ConfigError } from "./errors";
import { validateImageReference } from "./imageReference";
import { EXAMPLE_TAG, validateImageTag } from "./imageTag";

/**
 * The dev override for the worker image follows its stack's tag rules: where allowPrerelease is
 * false, only a release tag ("v" + semantic version) or a digest, so a rollback can name what ran.
 */
export function validateTaskExecutorImage(value: string, allowPrerelease: boolean): string {
    const reference = validateImageReference("taskExecutorImage", value, `registry.example.com/me/xingrin-worker:${EXAMPLE_TAG}`);
    if (allowPrerelease || reference.digest !== undefined) {
        return value;
    }
    const shown = `taskExecutorImage ${JSON.stringify(value)}`;
    if (reference.tag === undefined) {
        throw new ConfigError(
            `${shown} has no tag, so Docker would use "latest", a tag that moves, and a rollback could not name what ran; ` +
            `this stack does not accept that (allowPrerelease is false): add a release tag, such as ${JSON.stringify(`${value}:${EXAMPLE_TAG}`)}, ` +
            'or pin a digest ("@sha256:…")');
    }
    validateImageTag(reference.tag, false, `${shown}: tag`);
    return value;
}
