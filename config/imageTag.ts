import * as semver from "semver";
import { ConfigError } from "./errors";

/** Tag used in messages as a known-good example. */
export const EXAMPLE_TAG = "v1.5.8";

const DOCKER_TAG_MAX_LENGTH = 128;

/**
 * The single place the fleet's version comes from: the stack's `imageTag`, or, when the stack sets
 * none, the `VERSION` file. Every image reference on every host is derived from what this returns.
 */
export function resolveImageTag(configured: string | undefined, versionFile: string, allowPrerelease: boolean): string {
    const fromStack = (configured ?? "").trim();
    if (fromStack !== "") {
        return validateImageTag(fromStack, allowPrerelease, "imageTag");
    }
    const fromFile = versionFile.trim();
    if (fromFile === "") {
        throw new ConfigError(
            "imageTag is not set and the VERSION file is empty: " +
            `run \`pulumi config set imageTag ${EXAMPLE_TAG}\` or write a version into VERSION`);
    }
    return validateImageTag(fromFile, allowPrerelease, "imageTag (from the VERSION file)");
}

/**
 * A tag is `v` + a semantic version. Mutable tags such as `latest` are refused because a rollback
 * must be able to name exactly what ran before. Build metadata (`+...`) is refused because Docker
 * tags cannot contain `+`.
 */
export function validateImageTag(tag: string, allowPrerelease: boolean, key = "imageTag"): string {
    const fix = `use "v" followed by a semantic version, for example "${EXAMPLE_TAG}"`;
    if (!tag.startsWith("v")) {
        throw new ConfigError(`${key} "${tag}" is not a version tag: it must start with "v"; ${fix}`);
    }
    const version = tag.slice(1);
    if (version.includes("+")) {
        throw new ConfigError(`${key} "${tag}" has build metadata, which Docker tags cannot carry; ${fix}`);
    }
    // semver.valid() also accepts a second "v" or "=" prefix; requiring it to echo the input back
    // exactly keeps "vv1.2.3" out (it drops build metadata too, hence the check above).
    if (semver.valid(version) !== version) {
        throw new ConfigError(`${key} "${tag}" is not a valid semantic version; ${fix}`);
    }
    if (tag.length > DOCKER_TAG_MAX_LENGTH) {
        throw new ConfigError(
            `${key} "${tag}" is ${tag.length} characters long, and Docker tags are at most ${DOCKER_TAG_MAX_LENGTH}; use a shorter prerelease label`);
    }
    if (semver.prerelease(version) !== null && !allowPrerelease) {
        const stable = `v${semver.major(version)}.${semver.minor(version)}.${semver.patch(version)}`;
        throw new ConfigError(
            `${key} "${tag}" is a prerelease, which this stack does not accept (allowPrerelease is false): ` +
            `use a stable version such as "${stable}", or set allowPrerelease: true on a development stack`);
    }
    return tag;
}
