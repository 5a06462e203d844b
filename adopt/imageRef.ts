import { parseImageReference } from "../config/imageReference";
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
 * Splits a reference with the program's grammar (config/imageReference.ts) and names its parts as
 * the stack config does: registry "docker.io" when the reference names none, the namespace apart
 * from the image name. Undefined for what is not a reference: an image ID ("sha256:…") or garbage.
 */
export function parseImageRef(ref: string): ImageRef | undefined {
    if (/^(sha256:)?[0-9a-f]{64}$/.test(ref)) {
        return undefined;
    }
    const parsed = parseImageReference(ref);
    if (!parsed.ok) {
        return undefined;
    }
    const { registry, path, tag, digest } = parsed.reference;
    const components = path.split("/");
    const name = components.pop()!;
    const hub = registry === undefined || registry === "index.docker.io" || registry === "registry-1.docker.io";
    const namespace = components.length > 0 ? components.join("/") : (hub ? "library" : "");
    return { registry: hub ? DOCKER_HUB : registry, namespace, name, tag, digest };
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
