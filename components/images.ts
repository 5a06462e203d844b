import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ImageRepository, XingrinService, xingrinImageRef } from "../config/images";

export interface ImagesArgs {
    readonly imageTag: string;
    readonly repository: ImageRepository;
    /** Which XingRin images this host needs (postgres only with a local database). */
    readonly services: XingrinService[];
    readonly redisImage: string;
    /** A XingRin source checkout: build `docker/<service>/Dockerfile` there instead of pulling. */
    readonly buildSource?: string;
    /** Dev stacks: the worker image the server hands out instead of the one on the tag; pulled too. */
    readonly taskExecutorImage?: string;
}

/** One image on the host: the reference the deployment names and what Docker resolved it to. */
export interface HostImage {
    readonly ref: string;
    /** The local image id (sha256:…); containers are created from it. */
    readonly imageId: pulumi.Output<string>;
    /** repo@sha256:… as the registry knows it; empty for an image built locally. */
    readonly repoDigest: pulumi.Output<string>;
    /** For ordering: work that needs the image on the host depends on this. */
    readonly resource: docker.RemoteImage;
}

/**
 * The images of the main server, pulled (or built) before any container changes. A tag change
 * replaces each RemoteImage with one for the new tag; `keepLocally` leaves the old image on the
 * host, so rolling back finds it there and pulls nothing.
 */
export class XingrinImages extends pulumi.ComponentResource {
    public readonly xingrin: Readonly<Partial<Record<XingrinService, HostImage>>>;
    public readonly redis: HostImage;
    /** The taskExecutorImage override, when a dev stack sets one. */
    public readonly taskExecutor?: HostImage;

    constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:images:XingrinImages", name, {}, opts);

        const xingrin: Partial<Record<XingrinService, HostImage>> = {};
        for (const service of args.services) {
            const ref = xingrinImageRef(args.repository, service, args.imageTag);
            xingrin[service] = this.image(`${name}-${service}`, ref, buildFor(service, args));
        }
        this.xingrin = xingrin;
        this.redis = this.image(`${name}-redis`, args.redisImage, undefined);
        this.taskExecutor = args.taskExecutorImage === undefined ? undefined
            : this.image(`${name}-task-executor`, args.taskExecutorImage, undefined);

        this.registerOutputs({ xingrin: this.xingrin, redis: this.redis, taskExecutor: this.taskExecutor });
    }

    /** Exactly one image the host must have, with its reference known before anything runs. */
    public require(service: XingrinService): HostImage {
        const image = this.xingrin[service];
        if (image === undefined) {
            throw new pulumi.ResourceError(`the ${service} image is not part of this deployment`, this);
        }
        return image;
    }

    private image(resourceName: string, ref: string, build: docker.types.input.RemoteImageBuild | undefined): HostImage {
        const image = new docker.RemoteImage(resourceName, {
            name: ref,
            keepLocally: true,
            build,
        }, { parent: this });
        return { ref, imageId: image.imageId, repoDigest: image.repoDigest, resource: image };
    }
}

function buildFor(service: XingrinService, args: ImagesArgs): docker.types.input.RemoteImageBuild | undefined {
    if (args.buildSource === undefined) {
        return undefined;
    }
    // XingRin's own dev mode builds with the repository root as context and passes the tag in.
    return {
        context: args.buildSource,
        dockerfile: path.join("docker", service, "Dockerfile"),
        buildArgs: { IMAGE_TAG: args.imageTag },
        tags: [xingrinImageRef(args.repository, service, args.imageTag)],
    };
}
