import { ConfigError } from "./errors";
import { ImageRepository, XINGRIN_SERVICES, xingrinImageRef } from "./images";

/**
 * Docker's image reference grammar (github.com/distribution/reference), written out so a bad
 * setting is refused before anything runs instead of at pull time with "invalid reference format":
 *
 *     reference := name [":" tag] ["@" digest]
 *     name      := [registry "/"] path-component ["/" path-component]*
 *     registry  := host [":" port]
 */

/** Registry and repository together, without tag or digest. */
export const NAME_MAX_LENGTH = 255;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const REGISTRY_HOST = new RegExp(
    `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
// The algorithms Docker registers, each with its own digest length.
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

const PATH_RULE = 'lower-case letters and digits, separated by ".", "_", "__" or "-"';
const TAG_RULE = 'a tag is at most 128 letters, digits, "_", "." and "-", and does not start with "." or "-"';
const DIGEST_RULE = 'a digest is "sha256:" and 64 lower-case hex digits';
const REFERENCE_SHAPE = "write it as [registry[:port]/]repository[:tag][@digest]";

export function isRegistryHost(value: string): boolean {
    return REGISTRY_HOST.test(value);
}

export function isPathComponent(value: string): boolean {
    return PATH_COMPONENT.test(value);
}

/** One or more path components separated by "/", such as "yyhuni" or "acme/xingrin". */
export function isRepositoryPath(value: string): boolean {
    return value.split("/").every(isPathComponent);
}

export function isTag(value: string): boolean {
    return TAG.test(value);
}

export function isDigest(value: string): boolean {
    return DIGEST.test(value);
}

/**
 * Docker reads the first part of a name as a registry only when it contains "." or ":" or is
 * "localhost"; anything else is the first path component of a Docker Hub repository.
 */
export function looksLikeRegistry(firstPart: string): boolean {
    return firstPart.includes(".") || firstPart.includes(":") || firstPart === "localhost";
}

export interface ImageReference {
    registry?: string;
    /** The repository path without registry, such as "library/redis". */
    path: string;
    tag?: string;
    digest?: string;
}

/** What is wrong with a value, and, where one can be derived, the value to use instead. */
export interface Problem {
    problem: string;
    suggestion?: string;
}

export type ParsedReference = { ok: true; reference: ImageReference } | { ok: false; problem: Problem };

export function parseImageReference(value: string): ParsedReference {
    const fail = (problem: string, suggestion?: string): ParsedReference => ({ ok: false, problem: { problem, suggestion } });
    if (value === "") {
        return fail("is empty");
    }
    if (value.includes("://")) {
        return fail("has a URL scheme, which an image reference cannot carry", value.slice(value.indexOf("://") + 3));
    }
    const at = value.indexOf("@");
    const nameAndTag = at === -1 ? value : value.slice(0, at);
    const digest = at === -1 ? undefined : value.slice(at + 1);
    if (digest !== undefined && !isDigest(digest)) {
        return fail(`has an invalid digest ${JSON.stringify(digest)}: ${DIGEST_RULE}`);
    }
    const colon = nameAndTag.lastIndexOf(":");
    const hasTag = colon > nameAndTag.lastIndexOf("/");
    const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
    const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
    if (tag === "") {
        return fail('ends in ":" without a tag');
    }
    if (tag !== undefined && !isTag(tag)) {
        return fail(`has an invalid tag ${JSON.stringify(tag)}: ${TAG_RULE}`);
    }

    const parts = name.split("/");
    const registry = parts.length > 1 && looksLikeRegistry(parts[0]) ? parts[0] : undefined;
    const pathParts = registry === undefined ? parts : parts.slice(1);
    if (registry !== undefined && !isRegistryHost(registry)) {
        return fail(`has an invalid registry host ${JSON.stringify(registry)}: a host name or IP address with an optional port`);
    }
    for (const part of pathParts) {
        if (part === "") {
            return fail('has an empty repository path component (a "/" at the start or end, or two in a row)');
        }
        if (!isPathComponent(part)) {
            if (isPathComponent(part.toLowerCase())) {
                const lowered = [registry, ...pathParts.map(p => p.toLowerCase())].filter(p => p !== undefined).join("/");
                return fail(`has upper-case letters in ${JSON.stringify(part)}, and repository names are lower-case`,
                    lowered + value.slice(name.length));
            }
            return fail(`has an invalid repository path component ${JSON.stringify(part)}: use ${PATH_RULE}`);
        }
    }
    if (name.length > NAME_MAX_LENGTH) {
        return fail(`has a name (registry and repository) of ${name.length} characters: Docker allows at most ${NAME_MAX_LENGTH}`);
    }
    return { ok: true, reference: { registry, path: pathParts.join("/"), tag, digest } };
}

/** Checks a whole image reference setting such as redisImage; `example` is a good value for that key. */
export function validateImageReference(key: string, value: string, example: string): ImageReference {
    const parsed = parseImageReference(value);
    if (!parsed.ok) {
        const { problem, suggestion } = parsed.problem;
        const fix = suggestion !== undefined ? `use ${JSON.stringify(suggestion)}` : `${REFERENCE_SHAPE}, for example ${JSON.stringify(example)}`;
        throw new ConfigError(`${key} ${JSON.stringify(value)} ${problem}; ${fix}`);
    }
    return parsed.reference;
}

/** The registry setting is a host with an optional port: no scheme, no path. */
export function validateRegistry(value: string): string {
    const shown = `registry ${JSON.stringify(value)}`;
    if (value.includes("://")) {
        const host = value.slice(value.indexOf("://") + 3).replace(/\/+$/, "");
        throw new ConfigError(`${shown} has a URL scheme, which an image reference cannot carry; use the host alone: ${JSON.stringify(host)}`);
    }
    const slash = value.indexOf("/");
    if (slash !== -1 && isRegistryHost(value.slice(0, slash))) {
        const host = JSON.stringify(value.slice(0, slash));
        const path = value.slice(slash + 1).replace(/\/+$/, "");
        throw new ConfigError(path === ""
            ? `${shown} ends in "/"; use the host alone: ${host}`
            : `${shown} has a path, but registry is a host with an optional port; set registry to ${host} ` +
              `and put ${JSON.stringify(path)} into namespace`);
    }
    if (!isRegistryHost(value)) {
        throw new ConfigError(
            `${shown} is not a registry host; use a host name or IP address with an optional port, ` +
            'such as "docker.io", "registry.example.com" or "localhost:5000"');
    }
    if (!looksLikeRegistry(value)) {
        throw new ConfigError(
            `${shown} would be read by Docker as a namespace on Docker Hub, not as a host: a registry host contains "." ` +
            `or ":port", or is "localhost"; use the host's full name, such as ${JSON.stringify(`${value}.example.com`)}, or add its port, such as ` +
            `${JSON.stringify(`${value}:5000`)}`);
    }
    return value;
}

/** The namespace setting is one or more repository path components: "yyhuni", "acme/xingrin". */
export function validateNamespace(value: string): string {
    if (isRepositoryPath(value)) {
        return value;
    }
    const shown = `namespace ${JSON.stringify(value)}`;
    if (isRepositoryPath(value.toLowerCase())) {
        throw new ConfigError(`${shown} has upper-case letters, and repository names are lower-case; use ${JSON.stringify(value.toLowerCase())}`);
    }
    throw new ConfigError(
        `${shown} is not a repository path; use ${PATH_RULE}, with "/" between levels, for example "yyhuni" or "acme/xingrin"`);
}

/**
 * The references the fleet composes from registry, namespace and imageTag. Each part is checked on
 * its own first, so what is left to fail here is the length of the whole.
 */
export function validateXingrinImageRefs(repository: ImageRepository, tag: string): void {
    for (const service of XINGRIN_SERVICES) {
        const ref = xingrinImageRef(repository, service, tag);
        const parsed = parseImageReference(ref);
        if (!parsed.ok) {
            throw new ConfigError(
                `registry ${JSON.stringify(repository.registry)}, namespace ${JSON.stringify(repository.namespace)} and imageTag ` +
                `${JSON.stringify(tag)} make the image reference ${JSON.stringify(ref)}, which ${parsed.problem.problem}; ` +
                "shorten registry or namespace");
        }
    }
}

/** "registry/ns/xingrin-server:v1.5.8" -> "registry/ns/xingrin-server" (a registry port's colon is kept). */
export function repositoryOf(ref: string): string {
    const withoutDigest = ref.split("@")[0];
    const lastSlash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.indexOf(":", lastSlash + 1);
    return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}
