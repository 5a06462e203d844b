/** The XingRin images, all keyed on one tag. redis is third-party and is not among them. */
export const XINGRIN_SERVICES = ["server", "frontend", "nginx", "agent", "worker", "postgres"] as const;
export type XingrinService = typeof XINGRIN_SERVICES[number];

/**
 * Label every XingRin container carries with the image reference it was created for, on the main
 * server and on workers alike: a preview names old and new image by it, and `versions` reads it.
 * postgres, redis and nginx carry the repository without a tag: they follow their image's content.
 */
export const IMAGE_LABEL = "xingrin.image";

/** Where XingRin images are pulled from: `<registry>/<namespace>/xingrin-<service>:<tag>`. */
export interface ImageRepository {
    registry: string;
    namespace: string;
}

export function xingrinImageRef(repository: ImageRepository, service: XingrinService, tag: string): string {
    return `${repository.registry}/${repository.namespace}/xingrin-${service}:${tag}`;
}

/**
 * The worker image the server hands out per task (XingRin's TASK_EXECUTOR_IMAGE): the override when
 * one is set (dev stacks), otherwise the worker image on the fleet's tag.
 */
export function taskExecutorImageRef(repository: ImageRepository, tag: string, override?: string): string {
    return override ?? xingrinImageRef(repository, "worker", tag);
}

/**
 * "<registry>/<namespace>/xingrin-" as `docker image ls` names the fleet's images: Docker drops
 * "docker.io/" (and "library/") from what it shows.
 */
export function listedImagePrefix(repository: ImageRepository): string {
    const registry = repository.registry === "docker.io" || repository.registry === "index.docker.io" ? "" : `${repository.registry}/`;
    return `${registry}${repository.namespace}/xingrin-`;
}

/**
 * An image reference as `docker image ls` lists it: Docker Hub's "docker.io/" (and "library/")
 * dropped, so that it compares with what a host prints.
 */
export function listedImageRef(ref: string): string {
    return ref.replace(/^(docker\.io|index\.docker\.io)\//, "").replace(/^library\//, "");
}

/**
 * XingRin's DOCKER_USER: the prefix its server puts before `/xingrin-<service>:<tag>` for the
 * images it pulls itself (worker deploy, agent updater; xingrin-contract.md §7-8). It must carry
 * the registry, or those pulls go to Docker Hub whatever `registry` says; on Docker Hub it is the
 * namespace alone, as install.sh writes it.
 */
export function xingrinDockerUser(repository: ImageRepository): string {
    return listedImagePrefix(repository).replace(/\/xingrin-$/, "");
}

/** The XingRin images a main server needs: postgres only when the database runs beside it. */
export function mainServerServices(localDatabase: boolean): XingrinService[] {
    return XINGRIN_SERVICES.filter(service => service !== "postgres" || localDatabase);
}
