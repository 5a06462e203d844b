import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { ImageRepository } from "./images";
import { resolveImageTag } from "./imageTag";
import { validateWorkers, WorkerHost } from "./workers";

export const VERSION_FILE = path.join(__dirname, "..", "VERSION");

/** Everything the program needs from the stack, checked. Components receive parts of this. */
export interface FleetConfig {
    imageTag: string;
    repository: ImageRepository;
    redisImage: string;
    /** Dev stacks: the worker image the server hands out instead of the one on imageTag. */
    taskExecutorImage?: string;
    /** Dev stacks: a XingRin source checkout to build the images from instead of pulling them. */
    buildSource?: string;
    main: MainServerSettings;
    secrets: FleetSecrets;
    workers: WorkerHost[];
    workerSshPrivateKey?: pulumi.Output<string>;
}

export interface MainServerSettings {
    /** Docker endpoint of the main server: unix:///var/run/docker.sock, ssh://user@host, tcp://… */
    dockerHost: string;
    /** The Docker socket on the main server, mounted into the server so it can start local workers. */
    dockerSocket: string;
    /** "https" behind XingRin's TLS nginx; "http" where nginx serves plain HTTP (the sandbox). */
    publicScheme: PublicScheme;
    publicHost: string;
    publicPort: number;
    /** Host address nginx publishes publicPort on. */
    bindAddress: string;
    dataDir: string;
    tlsCertDir: string;
    database: DatabaseSettings;
}

export type PublicScheme = "http" | "https";

export interface DatabaseSettings {
    /** true when the database is the postgres container on the main server. */
    local: boolean;
    host: string;
    port: number;
    name: string;
    user: string;
    /** Host address the local postgres publishes its port on, for remote workers. */
    bindAddress: string;
    /** Docker volume holding the local postgres data; kept when the stack is destroyed. */
    volume: string;
}

export interface FleetSecrets {
    databasePassword: pulumi.Output<string>;
    djangoSecretKey: pulumi.Output<string>;
    workerApiKey: pulumi.Output<string>;
}

/** The value of DB_HOST that XingRin reads as "the postgres container on this host". */
export const LOCAL_DATABASE_HOST = "postgres";

/** A fresh install's postgres volume; an adopted install keeps the one compose created. */
export const DEFAULT_POSTGRES_VOLUME = "xingrin_postgres_data";

const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

export function readFleetConfig(config = new pulumi.Config()): FleetConfig {
    const allowPrerelease = config.getBoolean("allowPrerelease") ?? false;
    const imageTag = resolveImageTag(config.get("imageTag"), readVersionFile(), allowPrerelease);
    const workers = validateWorkers(config.getObject<unknown>("workers"));
    const buildSource = optional(config.get("buildSource"));
    if (buildSource !== undefined && workers.length > 0) {
        throw new ConfigError(
            "buildSource builds images on the main server only, so remote workers could not pull them: " +
            "remove workers from this stack, or push the images to a registry and unset buildSource");
    }
    const databaseHost = config.get("databaseHost") ?? LOCAL_DATABASE_HOST;
    const dockerHost = validateDockerHost(config.get("dockerHost") ?? "unix:///var/run/docker.sock");
    const bindAddress = config.get("bindAddress") ?? "0.0.0.0";
    return {
        imageTag,
        repository: {
            registry: config.get("registry") ?? "docker.io",
            namespace: config.get("namespace") ?? "yyhuni",
        },
        redisImage: config.get("redisImage") ?? "redis:7-alpine",
        taskExecutorImage: optional(config.get("taskExecutorImage")),
        buildSource,
        main: {
            dockerHost,
            dockerSocket: dockerSocketOf(dockerHost),
            publicScheme: validatePublicScheme(config.get("publicScheme") ?? "https"),
            publicHost: config.get("publicHost") ?? "localhost",
            publicPort: validatePort("publicPort", config.getNumber("publicPort") ?? 8083),
            bindAddress,
            dataDir: config.get("dataDir") ?? "/opt/xingrin",
            tlsCertDir: config.get("tlsCertDir") ?? "/opt/xingrin/ssl",
            database: {
                local: databaseHost === LOCAL_DATABASE_HOST,
                host: databaseHost,
                port: validatePort("databasePort", config.getNumber("databasePort") ?? 5432),
                name: config.get("databaseName") ?? "xingrin",
                user: config.get("databaseUser") ?? "postgres",
                bindAddress: optional(config.get("databaseBindAddress")) ?? bindAddress,
                volume: config.get("postgresVolume") ?? DEFAULT_POSTGRES_VOLUME,
            },
        },
        secrets: {
            databasePassword: config.requireSecret("databasePassword"),
            djangoSecretKey: config.requireSecret("djangoSecretKey"),
            workerApiKey: config.requireSecret("workerApiKey"),
        },
        workers,
        workerSshPrivateKey: workers.length > 0 ? requireWorkerKey(config) : undefined,
    };
}

function readVersionFile(): string {
    try {
        return fs.readFileSync(VERSION_FILE, "utf8");
    } catch {
        return "";
    }
}

function optional(value: string | undefined): string | undefined {
    const trimmed = (value ?? "").trim();
    return trimmed === "" ? undefined : trimmed;
}

/** Where users and remote workers reach the server: nginx on the public port. */
export function publicUrl(settings: MainServerSettings): string {
    return `${settings.publicScheme}://${settings.publicHost}:${settings.publicPort}`;
}

/**
 * The socket to mount into the server: the one dockerHost names when it is a local socket, else
 * Docker's default on the remote main server (ssh:// and tcp:// endpoints reach that daemon).
 */
export function dockerSocketOf(dockerHost: string): string {
    return dockerHost.startsWith("unix://") ? dockerHost.slice("unix://".length) : DEFAULT_DOCKER_SOCKET;
}

export function validatePublicScheme(scheme: string): PublicScheme {
    if (scheme !== "http" && scheme !== "https") {
        throw new ConfigError(`publicScheme "${scheme}" is not one nginx serves: use "https" (XingRin's TLS nginx) or "http"`);
    }
    return scheme;
}

export function validatePort(key: string, port: number): number {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new ConfigError(`${key} ${port} is not a TCP port: use a whole number from 1 to 65535`);
    }
    return port;
}

export function validateDockerHost(host: string): string {
    if (!/^(unix|ssh|tcp|npipe):\/\/.+/.test(host)) {
        throw new ConfigError(
            `dockerHost "${host}" is not a Docker endpoint: use unix:///var/run/docker.sock, ssh://user@host or tcp://host:2376`);
    }
    return host;
}

function requireWorkerKey(config: pulumi.Config): pulumi.Output<string> {
    try {
        return config.requireSecret("workerSshPrivateKey");
    } catch {
        throw new ConfigError(
            "workerSshPrivateKey is not set but workers are: the program logs in to each worker with it; " +
            "run `pulumi config set --secret workerSshPrivateKey < ~/.ssh/id_ed25519`");
    }
}
