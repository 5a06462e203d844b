import * as assert from "assert";
import {
    isDigest, isPathComponent, isRegistryHost, isTag, parseImageReference, validateImageReference,
    validateNamespace, validateRegistry, validateXingrinImageRefs,
} from "../../config/imageReference";

const DIGEST = `sha256:${"a".repeat(64)}`;
const SHAPE = 'write it as [registry[:port]/]repository[:tag][@digest], for example "redis:7-alpine"';

describe("image reference grammar (distribution/reference)", () => {
    it("takes registry hosts with an optional port, IPv4 and bracketed IPv6 included", () => {
        for (const host of ["docker.io", "registry.example.com", "localhost:5000", "127.0.0.1:5000", "[::1]:5000", "Registry.Example.com"]) {
            assert.ok(isRegistryHost(host), host);
        }
        for (const host of ["https://ghcr.io", "reg_x.com", "-reg.com", "reg.com:", "reg.com:port", ""]) {
            assert.ok(!isRegistryHost(host), host);
        }
    });

    it("takes path components of lower-case letters and digits joined by '.', '_', '__' or dashes", () => {
        for (const part of ["yyhuni", "xingrin-worker", "a__b", "a--b", "a.b", "a_b", "7"]) {
            assert.ok(isPathComponent(part), part);
        }
        for (const part of ["XingRin", "a___b", "a..b", "-a", "a-", "a b", ""]) {
            assert.ok(!isPathComponent(part), part);
        }
    });

    it("takes tags of at most 128 word characters, dots and dashes, not starting with a dot or dash", () => {
        assert.ok(isTag("v1.3.0-dev.2") && isTag("7-alpine") && isTag("_x") && isTag("A".repeat(128)));
        assert.ok(!isTag(".x") && !isTag("-x") && !isTag("a+b") && !isTag("A".repeat(129)) && !isTag(""));
    });

    it("takes digests of the algorithms Docker registers, at their length, in lower-case hex", () => {
        assert.ok(isDigest(DIGEST) && isDigest(`sha512:${"0".repeat(128)}`));
        assert.ok(!isDigest("sha256:abc") && !isDigest(`sha256:${"A".repeat(64)}`) && !isDigest(`md5:${"a".repeat(32)}`));
    });

    it("splits a reference into registry, path, tag and digest as Docker does", () => {
        assert.deepStrictEqual(parseImageReference(`localhost:5000/me/xingrin-worker:mine@${DIGEST}`), {
            ok: true, reference: { registry: "localhost:5000", path: "me/xingrin-worker", tag: "mine", digest: DIGEST },
        });
        // Without ".", ":" or "localhost" the first part is a Docker Hub namespace, not a host.
        assert.deepStrictEqual(parseImageReference("library/redis"), { ok: true, reference: { registry: undefined, path: "library/redis", tag: undefined, digest: undefined } });
    });
});

describe("image reference settings", () => {
    const rejected: Array<[string, string]> = [
        ["", `redisImage "" is empty; ${SHAPE}`],
        ["https://ghcr.io/x/redis:7", 'redisImage "https://ghcr.io/x/redis:7" has a URL scheme, which an image reference cannot carry; use "ghcr.io/x/redis:7"'],
        ["Redis:7", 'redisImage "Redis:7" has upper-case letters in "Redis", and repository names are lower-case; use "redis:7"'],
        ["localhost:5000/Me/redis:7", 'redisImage "localhost:5000/Me/redis:7" has upper-case letters in "Me", and repository names are lower-case; use "localhost:5000/me/redis:7"'],
        ["my redis:7", `redisImage "my redis:7" has an invalid repository path component "my redis": use lower-case letters and digits, separated by ".", "_", "__" or "-"; ${SHAPE}`],
        ["a//redis", `redisImage "a//redis" has an empty repository path component (a "/" at the start or end, or two in a row); ${SHAPE}`],
        ["reg_x.com/redis", `redisImage "reg_x.com/redis" has an invalid registry host "reg_x.com": a host name or IP address with an optional port; ${SHAPE}`],
        ["redis:-7", `redisImage "redis:-7" has an invalid tag "-7": a tag is at most 128 letters, digits, "_", "." and "-", and does not start with "." or "-"; ${SHAPE}`],
        ["redis:", `redisImage "redis:" ends in ":" without a tag; ${SHAPE}`],
        ["redis@sha256:abc", `redisImage "redis@sha256:abc" has an invalid digest "sha256:abc": a digest is "sha256:" and 64 lower-case hex digits; ${SHAPE}`],
        [`x/${"a".repeat(254)}`, `redisImage "x/${"a".repeat(254)}" has a name (registry and repository) of 256 characters: Docker allows at most 255; ${SHAPE}`],
    ];
    for (const [value, message] of rejected) {
        it(`refuses redisImage ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`, () => {
            assert.throws(() => validateImageReference("redisImage", value, "redis:7-alpine"), { name: "ConfigError", message });
        });
    }

    it("accepts the references the fleet uses", () => {
        for (const value of ["redis:7-alpine", "127.0.0.1:5000/library/redis:7-alpine", `redis@${DIGEST}`, `x/${"a".repeat(253)}`]) {
            assert.doesNotThrow(() => validateImageReference("redisImage", value, "redis:7-alpine"), value);
        }
    });
});

describe("registry and namespace", () => {
    const registries: Array<[string, string]> = [
        ["https://ghcr.io", 'registry "https://ghcr.io" has a URL scheme, which an image reference cannot carry; use the host alone: "ghcr.io"'],
        ["ghcr.io/", 'registry "ghcr.io/" ends in "/"; use the host alone: "ghcr.io"'],
        ["ghcr.io/acme", 'registry "ghcr.io/acme" has a path, but registry is a host with an optional port; set registry to "ghcr.io" and put "acme" into namespace'],
        ["my registry", 'registry "my registry" is not a registry host; use a host name or IP address with an optional port, such as "docker.io", "registry.example.com" or "localhost:5000"'],
        ["myregistry", 'registry "myregistry" would be read by Docker as a namespace on Docker Hub, not as a host: a registry host contains "." or ":port", ' +
            'or is "localhost"; use the host\'s full name, such as "myregistry.example.com", or add its port, such as "myregistry:5000"'],
    ];
    for (const [value, message] of registries) {
        it(`refuses registry ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateRegistry(value), { name: "ConfigError", message });
        });
    }

    it("accepts a host with or without a port, and localhost", () => {
        for (const value of ["docker.io", "registry.example.com", "localhost", "localhost:5000", "127.0.0.1:5000", "[::1]:5000"]) {
            assert.strictEqual(validateRegistry(value), value);
        }
    });

    const namespaces: Array<[string, string]> = [
        ["XingRin", 'namespace "XingRin" has upper-case letters, and repository names are lower-case; use "xingrin"'],
        ["my team", 'namespace "my team" is not a repository path; use lower-case letters and digits, separated by ".", "_", "__" or "-", ' +
            'with "/" between levels, for example "yyhuni" or "acme/xingrin"'],
        ["/yyhuni", 'namespace "/yyhuni" is not a repository path; use lower-case letters and digits, separated by ".", "_", "__" or "-", ' +
            'with "/" between levels, for example "yyhuni" or "acme/xingrin"'],
    ];
    for (const [value, message] of namespaces) {
        it(`refuses namespace ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateNamespace(value), { name: "ConfigError", message });
        });
    }

    it("accepts a namespace of one or more levels", () => {
        assert.strictEqual(validateNamespace("yyhuni"), "yyhuni");
        assert.strictEqual(validateNamespace("acme/xingrin"), "acme/xingrin");
    });

    it("refuses a registry and namespace whose composed image names pass Docker's 255 characters", () => {
        const namespace = "a".repeat(240);
        assert.throws(() => validateXingrinImageRefs({ registry: "r.example.com", namespace }, "v1.0.0"), {
            name: "ConfigError",
            message: `registry "r.example.com", namespace "${namespace}" and imageTag "v1.0.0" make the image reference ` +
                `"r.example.com/${namespace}/xingrin-server:v1.0.0", which has a name (registry and repository) of 269 characters: ` +
                "Docker allows at most 255; shorten registry or namespace",
        });
        assert.doesNotThrow(() => validateXingrinImageRefs({ registry: "docker.io", namespace: "yyhuni" }, "v1.5.8"));
    });
});
