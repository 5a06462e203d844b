import * as path from "path";
import { ConfigError } from "./errors";

/**
 * A directory setting is absolute and normalized, and is not the root. dataDir and tlsCertDir are
 * paths on Linux hosts (posix rules) and are bind-mounted, where Docker reserves ":". buildSource
 * is read by the machine that runs Pulumi, so it follows that machine's rules (`platform`).
 */
export function validateDirectory(key: string, value: string, example: string,
    platform: path.PlatformPath = path.posix, bindMounted = true): string {
    const shown = `${key} ${JSON.stringify(value)}`;
    const useExample = `use an absolute path such as ${JSON.stringify(example)}`;
    if (value === "") {
        throw new ConfigError(`${shown} is empty; ${useExample}`);
    }
    if (value.startsWith("~")) {
        throw new ConfigError(`${shown} starts with "~", which nothing expands here; write the full path, such as ${JSON.stringify(example)}`);
    }
    if (!platform.isAbsolute(value)) {
        throw new ConfigError(`${shown} is a relative path, which would depend on the directory Pulumi runs in; ${useExample}`);
    }
    const normalized = normalize(value, platform);
    if (normalized !== value) {
        throw new ConfigError(`${shown} is not a normalized path; use ${JSON.stringify(normalized)}`);
    }
    if (platform.parse(value).root === value) {
        throw new ConfigError(`${shown} is the root directory, which must not be handed to XingRin; use a directory of its own, such as ${JSON.stringify(example)}`);
    }
    if (bindMounted && value.includes(":")) {
        throw new ConfigError(`${shown} contains ":", which Docker's bind mounts use as a separator; ${useExample}`);
    }
    return value;
}

/** Without "." and ".." parts, doubled separators, or a trailing separator. */
function normalize(value: string, platform: path.PlatformPath): string {
    let normalized = platform.normalize(value);
    const root = platform.parse(normalized).root;
    while (normalized.length > root.length && normalized.endsWith(platform.sep)) {
        normalized = normalized.slice(0, -1);
    }
    return normalized;
}
