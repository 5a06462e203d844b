import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { IMAGE_LABEL } from "../config/images";
import { MainServerSettings, publicUrl } from "../config/read";
import { fastHealthcheck } from "./healthcheck";
import { HostImage, XingrinImages } from "./images";
import { SERVER_PORT, serverEnvironment, toEnvList } from "./serverEnvironment";

/** The network name is fixed: XingRin's task distributor starts local workers with --network xingrin_network. */
export const NETWORK_NAME = "xingrin_network";

export interface MainServerArgs {
    readonly imageTag: string;
    readonly images: XingrinImages;
    readonly settings: MainServerSettings;
    readonly taskExecutorImage: string;
    readonly registry: string;
    readonly namespace: string;
    readonly databasePassword: pulumi.Output<string>;
    readonly djangoSecretKey: pulumi.Output<string>;
    readonly workerApiKey: pulumi.Output<string>;
    /** Work that must finish before the server hands out a new worker image: the workers' pre-pulls. */
    readonly serverDependsOn?: pulumi.Resource[];
}

/** What one container on the main server runs: its name and image. */
export interface RunningImage {
    service: string;
    container: string;
    image: string;
    digest: pulumi.Output<string>;
}

interface ContainerSpec {
    service: string;
    image: HostImage;
    envs?: pulumi.Input<pulumi.Input<string>[]>;
    volumes?: docker.types.input.ContainerVolume[];
    ports?: docker.types.input.ContainerPort[];
    healthcheck?: docker.types.input.ContainerHealthcheck;
    dependsOn?: pulumi.Resource[];
}

/**
 * XingRin's main server as its compose file runs it: network, postgres volume, and the containers
 * in compose's start order. Containers keep fixed names, so each is deleted before its replacement
 * is created; the postgres volume is separate and survives every replacement (and `destroy`).
 */
export class MainServer extends pulumi.ComponentResource {
    public readonly network: docker.Network;
    public readonly postgresVolume?: docker.Volume;
    public readonly running: RunningImage[];
    public readonly publicUrl: string;

    private readonly networkName: pulumi.Output<string>;

    constructor(name: string, args: MainServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:server:MainServer", name, {}, opts);
        const { settings, images } = args;
        const db = settings.database;
        const running: RunningImage[] = [];

        this.network = new docker.Network(`${name}-network`, { name: NETWORK_NAME }, { parent: this });
        this.networkName = this.network.name;

        const backing: docker.Container[] = [];
        if (db.local) {
            this.postgresVolume = new docker.Volume(`${name}-postgres-data`, { name: db.volume },
                { parent: this, retainOnDelete: true });
            backing.push(this.container(`${name}-postgres`, running, {
                service: "postgres",
                image: images.require("postgres"),
                envs: args.databasePassword.apply(password => toEnvList({
                    POSTGRES_DB: db.name,
                    POSTGRES_USER: db.user,
                    POSTGRES_PASSWORD: password,
                })),
                volumes: [{ volumeName: this.postgresVolume.name, containerPath: "/var/lib/postgresql/data" }],
                // Remote workers reach the database on the published port.
                ports: [{ internal: 5432, external: db.port, ip: db.bindAddress }],
                healthcheck: {
                    tests: ["CMD-SHELL", `pg_isready -U ${db.user}`],
                    ...fastHealthcheck({ timeoutSeconds: 5, failAfterSeconds: 50, startPeriodSeconds: 30 }),
                },
            }));
        }
        backing.push(this.container(`${name}-redis`, running, {
            service: "redis",
            image: images.redis,
            healthcheck: {
                tests: ["CMD", "redis-cli", "ping"],
                ...fastHealthcheck({ timeoutSeconds: 5, failAfterSeconds: 50 }),
            },
        }));

        const server = this.container(`${name}-server`, running, {
            service: "server",
            image: images.require("server"),
            envs: serverEnvironment({
                imageTag: args.imageTag,
                taskExecutorImage: args.taskExecutorImage,
                registry: args.registry,
                namespace: args.namespace,
                publicHost: settings.publicHost,
                publicPort: settings.publicPort,
                database: db,
                databasePassword: args.databasePassword,
                djangoSecretKey: args.djangoSecretKey,
                workerApiKey: args.workerApiKey,
            }),
            volumes: [
                { hostPath: settings.dataDir, containerPath: settings.dataDir },
                // The task distributor starts local workers through the host's Docker socket.
                { hostPath: settings.dockerSocket, containerPath: "/var/run/docker.sock" },
            ],
            healthcheck: {
                tests: ["CMD-SHELL", `curl -f http://localhost:${SERVER_PORT}/api/health/ || exit 1`],
                // XingRin's compose: unhealthy after 3 × 30 s of failures, 60 s to start.
                ...fastHealthcheck({ timeoutSeconds: 10, failAfterSeconds: 90, startPeriodSeconds: 60 }),
            },
            // The local worker image must be on this host too before the server can hand it out.
            dependsOn: [...backing, images.require("worker").resource, ...(args.serverDependsOn ?? [])],
        });

        this.container(`${name}-agent`, running, {
            service: "agent",
            image: images.require("agent"),
            envs: args.workerApiKey.apply(workerApiKey => toEnvList({
                SERVER_URL: `http://server:${SERVER_PORT}`,
                WORKER_NAME: "Local-Worker",
                IS_LOCAL: "true",
                IMAGE_TAG: args.imageTag,
                WORKER_API_KEY: workerApiKey,
            })),
            volumes: [{ hostPath: "/proc", containerPath: "/host/proc", readOnly: true }],
            dependsOn: [server],
        });
        const frontend = this.container(`${name}-frontend`, running, {
            service: "frontend",
            image: images.require("frontend"),
            dependsOn: [server],
        });
        this.container(`${name}-nginx`, running, {
            service: "nginx",
            image: images.require("nginx"),
            ports: [{ internal: 8083, external: settings.publicPort, ip: settings.bindAddress }],
            volumes: [{ hostPath: settings.tlsCertDir, containerPath: "/etc/nginx/ssl", readOnly: true }],
            dependsOn: [server, frontend],
        });

        this.running = running;
        this.publicUrl = publicUrl(settings);
        this.registerOutputs({
            network: this.network,
            postgresVolume: this.postgresVolume,
            running: this.running,
            publicUrl: this.publicUrl,
        });
    }

    private container(resourceName: string, running: RunningImage[], spec: ContainerSpec): docker.Container {
        const containerName = `xingrin-${spec.service}`;
        const container = new docker.Container(resourceName, {
            name: containerName,
            // The image id keeps the container in step with the image Docker actually has; the
            // label below is what makes a tag change readable in a preview, where the id is unknown.
            image: spec.image.imageId,
            labels: [{ label: IMAGE_LABEL, value: spec.image.ref }],
            restart: "always",
            envs: spec.envs,
            volumes: spec.volumes,
            ports: spec.ports,
            healthcheck: spec.healthcheck,
            // Only containers with a healthcheck can be waited on; `wait` makes start order mean "healthy".
            wait: spec.healthcheck !== undefined,
            waitTimeout: spec.healthcheck !== undefined ? 180 : undefined,
            networksAdvanced: [{ name: this.networkName, aliases: [spec.service] }],
        }, { parent: this, dependsOn: spec.dependsOn, deleteBeforeReplace: true });
        running.push({ service: spec.service, container: containerName, image: spec.image.ref, digest: spec.image.repoDigest });
        return container;
    }
}
