/**
 * How big the benchmark's images are, in MB as pulled. XingRin's real images on Docker Hub cannot
 * be reached from here; these are estimates from what each image holds. What matters for an update
 * is the part that changes between two releases: that part is pulled again, the rest is shared
 * with the previous tag, as layers are.
 */
export interface ImageSize {
    /** The whole image, as a first install pulls it. */
    readonly totalMb: number;
    /** The part a new release replaces; 0 = the same content under every tag. */
    readonly perReleaseMb: number;
    readonly why: string;
}

export const IMAGE_SIZES: Readonly<Record<string, ImageSize>> = {
    worker: { totalMb: 1500, perReleaseMb: 400, why: "the scanning tools (nuclei, subfinder, httpx, naabu, katana, ffuf, …), their templates and wordlists, and Python; tools move with most releases" },
    server: { totalMb: 450, perReleaseMb: 150, why: "Python, Django and the scan libraries; the application and some dependencies change every release" },
    frontend: { totalMb: 150, perReleaseMb: 100, why: "a Next.js standalone build, rebuilt whole every release" },
    agent: { totalMb: 60, perReleaseMb: 20, why: "a small runtime and the agent itself" },
    postgres: { totalMb: 160, perReleaseMb: 0, why: "postgres 15 with pg_ivm: the same content under every tag" },
    nginx: { totalMb: 25, perReleaseMb: 0, why: "nginx and XingRin's config: the same content under every tag" },
    redis: { totalMb: 15, perReleaseMb: 0, why: "redis:7-alpine, third-party and not keyed on the tag" },
};

export const MB = 1_000_000;

/** The namespace a scale's images live under, so two scales never share a tag: 1 -> bench-p100. */
export function benchNamespace(scale: number): string {
    return `bench-p${Math.round(scale * 100)}`;
}
