import { validateImageTag } from "../config/imageTag";

/** A XingRin image as a policy sees it: where it was declared and what it references. */
export interface DeclaredImage {
    urn: string;
    ref: string;
    keepLocally: boolean;
}

export const REMOTE_IMAGE_TYPE = "docker:index/remoteImage:RemoteImage";

export function isXingrinImage(ref: string): boolean {
    return /\/xingrin-[a-z]+(:|@|$)/.test(ref);
}

/** The tag of an image reference ("" when it has none, which Docker reads as `latest`). */
export function tagOf(ref: string): string {
    const withoutDigest = ref.split("@")[0];
    const lastSlash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.indexOf(":", lastSlash + 1);
    return colon === -1 ? "" : withoutDigest.slice(colon + 1);
}

/**
 * Why a reference's tag is mutable, or undefined when it is a release tag. Prereleases are fine
 * here: whether a stack accepts them is the program's allowPrerelease rule, not this policy's.
 */
export function mutableTagProblem(ref: string): string | undefined {
    const tag = tagOf(ref);
    if (tag === "") {
        return `${ref} has no tag, so Docker uses the mutable "latest": pin a release such as v1.5.8`;
    }
    try {
        validateImageTag(tag, true, `${ref}: tag`);
        return undefined;
    } catch (err) {
        return `${(err as Error).message} (a mutable tag cannot be rolled back to)`;
    }
}

/** Describes the fleet's tags when XingRin images disagree, or undefined when they share one. */
export function mixedTagsProblem(images: DeclaredImage[]): string | undefined {
    const byTag = new Map<string, string[]>();
    for (const image of images) {
        byTag.set(tagOf(image.ref), [...(byTag.get(tagOf(image.ref)) ?? []), image.ref]);
    }
    if (byTag.size <= 1) {
        return undefined;
    }
    const listing = [...byTag.entries()].map(([tag, refs]) => `${tag || "(none)"}: ${refs.join(", ")}`).join("; ");
    return `XingRin images must all carry one tag (set by imageTag), found ${byTag.size}: ${listing}`;
}

export function notKeptProblem(image: DeclaredImage): string | undefined {
    return image.keepLocally ? undefined :
        `${image.ref} is not kept on the host after a change (keepLocally is not true), so a rollback would have to pull it again`;
}
