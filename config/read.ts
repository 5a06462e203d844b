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
    publicHost: string;
    publicPort: number;
    dataDir: string;
    tlsCertDir: string;
    database: DatabaseSettings;
}

export interface DatabaseSettings {
    /** true when the database is the postgres container on the main server. */
    local: boolean;
    host: string;
    port: number;
    name: string;
    user: string;
}

export interface FleetSecrets {
    databasePassword: pulumi.Output<string>;
    djangoSecretKey: pulumi.Output<string>;
    workerApiKey: pulumi.Output<string>;
}

/** The value of DB_HOST that XingRin reads as "the postgres container on this host". */
export const LOCAL_DATABASE_HOST = "postgres";

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
            dockerHost: validateDockerHost(config.get("dockerHost") ?? "unix:///var/run/docker.sock"),
            publicHost: config.get("publicHost") ?? "localhost",
            publicPort: validatePort("publicPort", config.getNumber("publicPort") ?? 8083),
            dataDir: config.get("dataDir") ?? "/opt/xingrin",
            tlsCertDir: config.get("tlsCertDir") ?? "/opt/xingrin/ssl",
            database: {
                local: databaseHost === LOCAL_DATABASE_HOST,
                host: databaseHost,
                port: validatePort("databasePort", config.getNumber("databasePort") ?? 5432),
                name: config.get("databaseName") ?? "xingrin",
                user: config.get("databaseUser") ?? "postgres",
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
    return `https://${settings.publicHost}:${settings.publicPort}`;
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
