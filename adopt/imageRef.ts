import { XINGRIN_SERVICES, XingrinService } from "../config/images";

/** An image reference split the way Docker normalizes it (distribution/reference). */
export interface ImageRef {
    /** "docker.io" for Docker Hub, whichever way the reference spelled it. */
    registry: string;
    /** Everything between the registry and the image name: "yyhuni", "mirror/yyhuni"; "library" for official images. */
    namespace: string;
    /** The last path component: "xingrin-server". */
    name: string;
    /** Undefined when the reference names no tag (Docker then means "latest") or only a digest. */
    tag?: string;
    digest?: string;
}

const DOCKER_HUB = "docker.io";

/**
 * Splits a reference as Docker does: the first component is a registry only when it contains "."
 * or ":" or is "localhost"; anything else is a Docker Hub path. Undefined for what is not a
 * reference at all (an image ID such as "sha256:…").
 */
export function parseImageRef(ref: string): ImageRef | undefined {
    if (/^(sha256:)?[0-9a-f]{64}$/.test(ref) || ref.trim() === "" || /\s/.test(ref)) {
        return undefined;
    }
    const [withoutDigest, digest] = ref.split("@", 2);
    const components = withoutDigest.split("/");
    let registry = DOCKER_HUB;
    const first = components[0];
    if (components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
        registry = first === "index.docker.io" || first === "registry-1.docker.io" ? DOCKER_HUB : first;
        components.shift();
    }
    let last = components.pop() ?? "";
    let tag: string | undefined;
    const colon = last.indexOf(":");
    if (colon !== -1) {
        tag = last.slice(colon + 1);
        last = last.slice(0, colon);
    }
    if (last === "" || components.some(component => component === "")) {
        return undefined;
    }
    const namespace = components.length > 0 ? components.join("/") : (registry === DOCKER_HUB ? "library" : "");
    return { registry, namespace, name: last, tag, digest };
}

/** The XingRin service an image belongs to: "xingrin-server" is server; redis or anything else is none. */
export function xingrinServiceOfImage(ref: ImageRef): XingrinService | undefined {
    const service = ref.name.startsWith("xingrin-") ? ref.name.slice("xingrin-".length) : "";
    return (XINGRIN_SERVICES as readonly string[]).includes(service) ? service as XingrinService : undefined;
}

/** The full reference, "docker.io/yyhuni/xingrin-worker:v1.5.8", for comparing two spellings of one image. */
export function canonicalRef(ref: ImageRef): string {
    const path = ref.namespace === "" ? ref.name : `${ref.namespace}/${ref.name}`;
    return `${ref.registry}/${path}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
}
