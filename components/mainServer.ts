import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../config/dockerEndpoint";
import { repositoryOf } from "../config/imageReference";
import { postgresVolumeChangeRefusal } from "../config/database";
import { MainServerSettings, publicUrl } from "../config/read";
import { Takeover } from "../config/takeover";
import { databasePasswordScript } from "./databasePassword";
import { fastHealthcheck } from "./healthcheck";
import { HostImage, XingrinImages } from "./images";
import { handOverScript } from "./handOver";
import { createScript } from "./localScript";
import { migrationGuardScript, SNAPSHOT_SUBDIR } from "./migrationGuard";
import { hostPreparationScript } from "./hostPreparation";
import { containerLabels } from "./labels";
import { adoptExisting, COMPOSE_NETWORK_SETTINGS, COMPOSE_VOLUME_SETTINGS, takeoverStep } from "./takeover";
import { afterStage, StagedImages } from "./stageCheck";
import { SERVER_PORT, serverEnvironment, toEnvList } from "./serverEnvironment";
import { WorkerHost } from "../config/workers";
import { adminAccountScript } from "./adminAccount";
import { holdAgentUpdatesScript, parseWorkerIds, RecordsDatabase, workerRecordsScript } from "./workerRecordScripts";

/** A container's name: versioned ones carry the tag (xingrin-server-v1.2.0), in-place ones do not. */
export function containerName(service: string, switchKind: ContainerSpec["switch"], tag: string): string {
    return switchKind === "versioned" ? `xingrin-${service}-${tag}` : `xingrin-${service}`;
}

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
    /** The rest of XingRin's .env, for the server. */
    readonly serverExtraEnv: pulumi.Output<Record<string, string>>;
    /** "<project>/<stack>", for the containers' labels. */
    readonly stack: string;
    /** Resolves once the whole fleet is staged (phase 1 succeeded on every host). */
    readonly staged: pulumi.Output<StagedImages>;
    /** XingRin versions kept (Retention); also how many database snapshots are. */
    readonly keepVersions: number;
    /** The remote workers, each registered in XingRin as a remote worker record. */
    readonly workers: WorkerHost[];
    /** Their SSH passwords for XingRin's dispatcher, one per line. */
    readonly workerPasswords?: pulumi.Output<string>;
}

/** What one container on the main server runs: its name and image. */
export interface RunningImage {
    service: string;
    container: string;
    image: string;
    digest: pulumi.Output<string>;
}

/** XingRin's compose starts its postgres with pg_ivm preloaded (docker-compose.yml, contract §2). */
export const POSTGRES_COMMAND = ["postgres", "-c", "shared_preload_libraries=pg_ivm"];

interface ContainerSpec {
    service: string;
    /**
     * "versioned": a new container per tag, started next to the old one, which goes only once the
     * new one is healthy (zero downtime, nothing to clash with). "in place": one container that
     * is stopped before its replacement starts, for postgres (one data directory) and for the
     * containers that publish a host port, which two containers cannot share.
     */
    switch: "versioned" | "in place";
    /**
     * In place only: the container is replaced only for a new image content, not for a new tag
     * (its label names the repository, not the tag). A tag whose postgres or nginx image is
     * unchanged leaves the database, and the public port, as they are.
     */
    followsContent?: boolean;
    image: HostImage;
    envs?: pulumi.Input<pulumi.Input<string>[]>;
    /** The command, where XingRin's compose gives one instead of the image's CMD. */
    command?: string[];
    volumes?: docker.types.input.ContainerVolume[];
    ports?: docker.types.input.ContainerPort[];
    healthcheck?: docker.types.input.ContainerHealthcheck;
    dependsOn?: pulumi.Resource[];
    /** In a takeover: the compose services whose containers are removed right before this one starts. */
    takesOver?: string[];
}

/**
 * Phase 2 on the main server: XingRin as its compose file runs it (network, postgres volume, the
 * containers in compose's start order), switched to the staged images. server, frontend and agent
 * get a new container per tag (xingrin-server-v1.2.0) that starts beside the old one; the old one
 * is removed at the end of the update, once everything new is healthy. postgres, redis and nginx
 * keep one container each, replaced in place only when their image content changes (nginx is
 * reloaded by the hand-over otherwise). Every container carries the labels of labels.ts.
 * The postgres volume is separate and survives every replacement (and `destroy`).
 */
export class MainServer extends pulumi.ComponentResource {
    public readonly network: docker.Network;
    public readonly postgresVolume?: docker.Volume;
    public readonly running: RunningImage[];
    /** Every container of this update, the last of the switch included. */
    public readonly switchedAll: docker.Container[];
    public readonly publicUrl: string;
    /** Each remote worker's id in XingRin, by worker name: its agent's WORKER_ID. */
    public readonly workerIds: pulumi.Output<Record<string, string>>;

    private readonly networkName: pulumi.Output<string>;
    /** Every container this update switches, for what must come after all of them. */
    private readonly switched: docker.Container[] = [];
    private readonly imageTag: string;
    private readonly stack: string;
    private readonly staged: pulumi.Output<StagedImages>;
    private readonly takeover?: Takeover;
    private readonly docker: DockerEndpoint;

    constructor(name: string, args: MainServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:server:MainServer", name, {}, opts);
        const { settings, images } = args;
        const db = settings.database;
        const running: RunningImage[] = [];
        this.imageTag = args.imageTag;
        this.stack = args.stack;
        this.staged = args.staged;
        this.takeover = settings.takeover;
        this.docker = settings.docker;

        const takeover = settings.takeover;
        this.network = new docker.Network(`${name}-network`, { name: NETWORK_NAME },
            { parent: this, ...adoptExisting(takeover?.networkId, COMPOSE_NETWORK_SETTINGS) });
        this.networkName = this.network.name;

        // XingRin's data directories and, where none is given, a TLS certificate: before anything starts.
        const prepared = new command.local.Command(`${name}-host-preparation`, {
            ...createScript(`${name}-host-preparation`, afterStage(this.staged, hostPreparationScript({
                image: images.require("server").ref,
                dataDir: settings.dataDir,
                tlsCertDir: settings.tlsCertDir,
                publicHost: settings.publicHost,
            })), settings.docker),
            // Again at every tag: a certificate removed since is made anew.
            triggers: [args.imageTag],
        }, { parent: this });
        const backing: pulumi.Resource[] = [prepared];
        if (db.local) {
            const adopted = adoptExisting(takeover === undefined ? undefined : db.volume, COMPOSE_VOLUME_SETTINGS);
            this.postgresVolume = new docker.Volume(`${name}-postgres-data`, { name: db.volume }, {
                parent: this, retainOnDelete: true, ...adopted,
                // The volume keeps the name it was deployed with: a changed postgresVolume never
                // means a new, empty volume. The check below refuses it instead.
                ignoreChanges: [...(adopted.ignoreChanges ?? []), "name"],
            });
            const volumeName = this.postgresVolume.name.apply(deployed => {
                if (deployed !== db.volume) throw new pulumi.ResourceError(postgresVolumeChangeRefusal(deployed, db.volume), this);
                return deployed;
            });
            // Before postgres or the server change, against the running database: a rollback past a
            // migration is refused with nothing changed, and a migrating update stops the old servers
            // and takes a snapshot first (migrationGuard.ts).
            const migrations = new command.local.Command(`${name}-migrations`, {
                ...createScript(`${name}-migrations`, afterStage(this.staged, migrationGuardScript({
                    targetTag: args.imageTag,
                    serverImage: images.require("server").ref,
                    postgresImage: images.require("postgres").ref,
                    postgres: containerName("postgres", "in place", args.imageTag),
                    database: db,
                    network: NETWORK_NAME,
                    stack: this.stack,
                    snapshotDir: `${settings.dataDir}/${SNAPSHOT_SUBDIR}`,
                    keepSnapshots: args.keepVersions,
                    composeProject: takeover?.composeProject,
                })), settings.docker),
                triggers: [args.imageTag],
            }, { parent: this, dependsOn: [prepared] });
            const postgres = this.container(running, {
                service: "postgres",
                switch: "in place",
                followsContent: true,
                takesOver: ["postgres"],
                image: images.require("postgres"),
                envs: args.databasePassword.apply(password => toEnvList({
                    POSTGRES_DB: db.name,
                    POSTGRES_USER: db.user,
                    POSTGRES_PASSWORD: password,
                })),
                // As XingRin's compose: the extension its migrations create (asset 0002) is preloaded
                // on every start, also for a volume whose postgresql.conf predates it (contract §10).
                command: POSTGRES_COMMAND,
                volumes: [{ volumeName, containerPath: "/var/lib/postgresql/data" }],
                // Remote workers reach the database on the published port.
                ports: [{ internal: 5432, external: db.port, ip: db.bindAddress }],
                dependsOn: [migrations],
                healthcheck: {
                    tests: ["CMD-SHELL", `pg_isready -U ${db.user}`],
                    ...fastHealthcheck({ timeoutSeconds: 5, failAfterSeconds: 50, startPeriodSeconds: 30 }),
                },
            });
            // databasePassword in the database itself, before any server gets it: on the first
            // deploy, and again whenever the secret changes (a new stdin reruns the command).
            const passwordSet = new command.local.Command(`${name}-database-password`, {
                ...createScript(`${name}-database-password`,
                    databasePasswordScript({ container: containerName("postgres", "in place", args.imageTag), user: db.user }), settings.docker),
                stdin: pulumi.secret(args.databasePassword.apply(password => `${password}\n`)),
            }, { parent: this, dependsOn: [postgres] });
            backing.push(migrations, postgres, passwordSet);
        }
        const redis = this.container(running, {
            service: "redis",
            switch: "in place",
            followsContent: true,
            takesOver: ["redis"],
            image: images.redis,
            healthcheck: {
                tests: ["CMD", "redis-cli", "ping"],
                ...fastHealthcheck({ timeoutSeconds: 5, failAfterSeconds: 50 }),
            },
        });
        backing.push(redis);
        const redisName = containerName("redis", "in place", args.imageTag);
        const recordsDb: RecordsDatabase | undefined = db.local
            ? { container: containerName("postgres", "in place", args.imageTag), user: db.user, name: db.name }
            : undefined;
        if (args.workers.length > 0 && recordsDb !== undefined) {
            // Before the new server answers any heartbeat (workerRecordScripts.ts says why).
            backing.push(new command.local.Command(`${name}-agent-updates-held`, {
                ...createScript(`${name}-agent-updates-held`, holdAgentUpdatesScript(args.workers, redisName, recordsDb), settings.docker),
                triggers: [args.imageTag, redis.id],
            }, { parent: this, dependsOn: [...backing] }));
        }

        const serverSettings = {
            imageTag: args.imageTag,
            taskExecutorImage: args.taskExecutorImage,
            registry: args.registry,
            namespace: args.namespace,
            publicHost: settings.publicHost,
            publicPort: settings.publicPort,
            dataDir: settings.dataDir,
            database: db,
            databasePassword: args.databasePassword,
            djangoSecretKey: args.djangoSecretKey,
            workerApiKey: args.workerApiKey,
            extraEnv: args.serverExtraEnv,
        };
        const serverContainer = {
            image: images.require("server"),
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
        };
        // The web servers run no scheduler (SERVER_URL set): two of them overlap in every update.
        const server = this.container(running, {
            service: "server",
            switch: "versioned",
            ...serverContainer,
            envs: serverEnvironment({ ...serverSettings, scheduler: false }),
            dependsOn: backing,
        });

        new command.local.Command(`${name}-admin-account`, {
            ...createScript(`${name}-admin-account`, adminAccountScript(containerName("server", "versioned", args.imageTag)), settings.docker),
            // For every new server container: a fresh or restored database gets its login back.
            triggers: [server.id],
        }, { parent: this, dependsOn: [server] });

        this.workerIds = pulumi.output<Record<string, string>>({});
        if (args.workers.length > 0) {
            const records = new command.local.Command(`${name}-worker-records`, {
                ...createScript(`${name}-worker-records`, workerRecordsScript({
                    workers: args.workers,
                    server: containerName("server", "versioned", args.imageTag),
                    redis: redisName,
                    database: recordsDb,
                }), settings.docker),
                stdin: pulumi.secret(args.workerPasswords ?? pulumi.output("")),
                // Again for every new server container: it is the one that registers them.
                triggers: [server.id],
            }, { parent: this, dependsOn: [server] });
            this.workerIds = records.stdout.apply(parseWorkerIds);
        }

        this.container(running, {
            service: "agent",
            switch: "versioned",
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
        const frontend = this.container(running, {
            service: "frontend",
            switch: "versioned",
            image: images.require("frontend"),
            dependsOn: [server],
        });
        // Once the new server and frontend are healthy: the old ones leave the network and nginx
        // reloads, so it resolves the new ones only (handOver.ts says why).
        const handOver = new command.local.Command(`${name}-hand-over`, {
            ...createScript(`${name}-hand-over`, handOverScript({
                stack: this.stack,
                network: NETWORK_NAME,
                services: ["server", "frontend"],
                current: [containerName("server", "versioned", args.imageTag), containerName("frontend", "versioned", args.imageTag)],
                proxy: containerName("nginx", "in place", args.imageTag),
            }), settings.docker),
            // Again whenever the server or the frontend is a new container, also at the same tag
            // (a changed secret or setting): nginx must resolve its new address.
            triggers: [server.id, frontend.id],
        }, { parent: this, dependsOn: [server, frontend] });
        const nginx = this.container(running, {
            service: "nginx",
            switch: "in place",
            followsContent: true,
            // The public port moves last, once the program's server, frontend and agent run beside
            // compose's: those go with compose's nginx, so users see one nginx swap, as in an update.
            takesOver: ["nginx", "server", "agent", "frontend"],
            image: images.require("nginx"),
            ports: [{ internal: 8083, external: settings.publicPort, ip: settings.bindAddress }],
            volumes: [{ hostPath: settings.tlsCertDir, containerPath: "/etc/nginx/ssl", readOnly: true }],
            dependsOn: [server, frontend, handOver],
        });

        // XingRin's scheduler, in one process of its own: a server that takes no traffic (no `server`
        // alias) and has no SERVER_URL. In place: the old one stops before the new one starts, so
        // two never run, also while the web servers overlap. Last, after nginx: in a takeover,
        // compose's server (which runs one) is gone by then.
        const scheduler = this.container(running, {
            service: "scheduler",
            switch: "in place",
            ...serverContainer,
            envs: serverEnvironment({ ...serverSettings, scheduler: true }),
            dependsOn: [server, nginx],
        });

        // Everything this update runs on the host: what comes after it (Retention) waits for all of it.
        this.switchedAll = [nginx, scheduler, ...this.switched];

        this.running = running;
        this.publicUrl = publicUrl(settings);
        this.registerOutputs({
            network: this.network,
            postgresVolume: this.postgresVolume,
            switchedAll: this.switchedAll,
            running: this.running,
            publicUrl: this.publicUrl,
            workerIds: this.workerIds,
        });
    }

    private container(running: RunningImage[], spec: ContainerSpec): docker.Container {
        const dependsOn = [...(spec.dependsOn ?? [])];
        if (this.takeover !== undefined && spec.takesOver !== undefined) {
            dependsOn.push(takeoverStep(`take-over-${spec.service}`, {
                takeover: this.takeover,
                services: spec.takesOver,
                docker: this.docker,
                gate: script => afterStage(this.staged, script),
            }, { parent: this, dependsOn: spec.dependsOn }));
        }
        // The resource name is the container's name, so `docker ps` reads like the preview.
        const name = containerName(spec.service, spec.switch, this.imageTag);
        const container = new docker.Container(name, {
            name,
            // The image id keeps the container in step with the image Docker actually has; the
            // label is what makes a tag change readable in a preview, where the id is unknown. The
            // id is released only once every host is staged: that holds every container back until then.
            image: afterStage(this.staged, spec.image.imageId),
            labels: containerLabels({
                stack: this.stack,
                service: spec.service,
                image: spec.followsContent === true ? repositoryOf(spec.image.ref) : spec.image.ref,
            }),
            restart: "always",
            envs: spec.envs,
            command: spec.command,
            volumes: spec.volumes,
            ports: spec.ports,
            healthcheck: spec.healthcheck,
            // Only containers with a healthcheck can be waited on; `wait` makes start order mean "healthy".
            wait: spec.healthcheck !== undefined,
            waitTimeout: spec.healthcheck !== undefined ? 180 : undefined,
            networksAdvanced: [{ name: this.networkName, aliases: [spec.service] }],
        }, {
            parent: this,
            dependsOn,
            // The docker provider always stops a container before replacing it; said here too, so the
            // program reads the same on any provider.
            deleteBeforeReplace: true,
        });
        running.push({ service: spec.service, container: name, image: spec.image.ref, digest: spec.image.repoDigest });
        this.switched.push(container);
        return container;
    }
}
