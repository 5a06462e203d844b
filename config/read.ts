import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { resolveDatabaseBindAddress, validatePostgresName, validateVolumeName } from "./database";
import { ConfigError } from "./errors";
import { readTakeover, Takeover } from "./takeover";
import { urlHost, validateHost, validateIpAddress } from "./hosts";
import { validateImageReference, validateNamespace, validateRegistry, validateXingrinImageRefs } from "./imageReference";
import { ImageRepository } from "./images";
import { resolveImageTag } from "./imageTag";
import { DockerEndpoint, validateDockerEndpoint } from "./dockerEndpoint";
import { validateDirectory } from "./paths";
import { readSecret } from "./secrets";
import { validateTaskExecutorImage } from "./taskExecutorImage";
import { readWorkerPasswords } from "./workerPasswords";
import { readServerExtraEnv } from "./serverExtraEnv";
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
    /** Each worker's SSH password for XingRin's dispatcher, one per line in list order. */
    workerPasswords?: pulumi.Output<string>;
    /** XingRin versions every host keeps after an update, the current one included. */
    keepVersions: number;
}

export interface MainServerSettings {
    /** Docker endpoint of the main server: unix:///var/run/docker.sock, ssh://user@host, tcp://… */
    dockerHost: string;
    /** dockerHost with the TLS files a tcp:// one needs: what the provider and every step use. */
    docker: DockerEndpoint;
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
    /** Set when the stack takes over an install.sh installation on this host. */
    takeover?: Takeover;
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
    /** The rest of XingRin's .env, for the server (serverExtraEnv). */
    serverExtraEnv: pulumi.Output<Record<string, string>>;
}

/** The value of DB_HOST that XingRin reads as "the postgres container on this host". */
export const LOCAL_DATABASE_HOST = "postgres";
export const DEFAULT_DATABASE_NAME = "xingrin";
export const DEFAULT_DATABASE_USER = "postgres";
export const DEFAULT_DATABASE_PORT = 5432;

/** A fresh install's postgres volume; an adopted install keeps the one compose created. */
export const DEFAULT_POSTGRES_VOLUME = "xingrin_postgres_data";

const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
/** The main server's Docker when dockerHost is not set (Pulumi.yaml's default). */
export const DEFAULT_DOCKER_HOST = `unix://${DEFAULT_DOCKER_SOCKET}`;

export function readFleetConfig(config = new pulumi.Config()): FleetConfig {
    const allowPrerelease = readBoolean(config, "allowPrerelease") ?? false;
    const imageTag = resolveImageTag(config.get("imageTag"), readVersionFile(), allowPrerelease);
    const repository: ImageRepository = {
        registry: validateRegistry(config.get("registry") ?? "docker.io"),
        namespace: validateNamespace(config.get("namespace") ?? "yyhuni"),
    };
    validateXingrinImageRefs(repository, imageTag);
    const taskExecutorImage = optional(config.get("taskExecutorImage"));
    if (taskExecutorImage !== undefined) {
        validateTaskExecutorImage(taskExecutorImage, allowPrerelease);
    }
    const workers = validateWorkers(config.getObject<unknown>("workers"));
    const buildSource = optional(config.get("buildSource"));
    if (buildSource !== undefined) {
        // A build context on the machine running Pulumi, so that machine's path rules apply.
        validateDirectory("buildSource", buildSource, "/home/me/src/xingrin", path, false);
        if (workers.length > 0) {
            throw new ConfigError(
                "buildSource builds images on the main server only, so remote workers could not pull them: " +
                "remove workers from this stack, or push the images to a registry and unset buildSource");
        }
    }
    const databaseHost = validateHost("databaseHost", config.get("databaseHost") ?? LOCAL_DATABASE_HOST, "db.example.com");
    const dockerHost = validateDockerHost(config.get("dockerHost") ?? DEFAULT_DOCKER_HOST);
    const docker = validateDockerEndpoint(dockerHost, optional(config.get("dockerCertPath")));
    const bindAddress = validateIpAddress("bindAddress", config.get("bindAddress") ?? "0.0.0.0");
    const databaseBindAddress = optional(config.get("databaseBindAddress"));
    return {
        imageTag,
        repository,
        redisImage: redisImage(config.get("redisImage") ?? "redis:7-alpine"),
        taskExecutorImage,
        buildSource,
        main: {
            dockerHost,
            docker,
            dockerSocket: dockerSocketOf(dockerHost),
            publicScheme: validatePublicScheme(config.get("publicScheme") ?? "https"),
            publicHost: validateHost("publicHost", config.get("publicHost") ?? "localhost", "scan.example.com"),
            publicPort: readPort(config, "publicPort", 8083),
            bindAddress,
            dataDir: requireXingrinDataDir(validateDirectory("dataDir", config.get("dataDir") ?? XINGRIN_DATA_DIR, XINGRIN_DATA_DIR)),
            tlsCertDir: validateDirectory("tlsCertDir", config.get("tlsCertDir") ?? "/opt/xingrin/ssl", "/opt/xingrin/ssl"),
            takeover: readTakeover(config),
            database: {
                local: databaseHost === LOCAL_DATABASE_HOST,
                host: databaseHost,
                port: readPort(config, "databasePort", DEFAULT_DATABASE_PORT),
                name: validatePostgresName("databaseName", config.get("databaseName") ?? DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_NAME),
                user: validatePostgresName("databaseUser", config.get("databaseUser") ?? DEFAULT_DATABASE_USER, DEFAULT_DATABASE_USER),
                bindAddress: resolveDatabaseBindAddress(databaseBindAddress, { workers: workers.length, localDatabase: databaseHost === LOCAL_DATABASE_HOST }),
                volume: validateVolumeName("postgresVolume", config.get("postgresVolume") ?? DEFAULT_POSTGRES_VOLUME, DEFAULT_POSTGRES_VOLUME),
            },
        },
        secrets: {
            databasePassword: readSecret(config, "databasePassword"),
            djangoSecretKey: readSecret(config, "djangoSecretKey"),
            workerApiKey: readSecret(config, "workerApiKey"),
            serverExtraEnv: readServerExtraEnv(config),
        },
        workers,
        workerSshPrivateKey: workers.length > 0 ? requireWorkerKey(config) : undefined,
        workerPasswords: readWorkerPasswords(config, workers),
        keepVersions: readKeepVersions(config),
    };
}

/** The one data directory XingRin works with on every host. */
export const XINGRIN_DATA_DIR = "/opt/xingrin";

/**
 * XingRin's task distributor starts every scan with `-v /opt/xingrin:/opt/xingrin` on whichever
 * host runs it, and its settings use that path (contract §6): any other dataDir would have scans
 * write where nothing reads.
 */
export function requireXingrinDataDir(dataDir: string): string {
    if (dataDir !== XINGRIN_DATA_DIR) {
        throw new ConfigError(
            `dataDir ${JSON.stringify(dataDir)} is not ${XINGRIN_DATA_DIR}: XingRin mounts ${XINGRIN_DATA_DIR} into each scan container on every host ` +
            "whatever this says, so scan results and logs would land where nothing reads them. Remove the setting " +
            `(\`pulumi config rm dataDir\`; the default is ${XINGRIN_DATA_DIR}), and put a bigger disk at ${XINGRIN_DATA_DIR} if that is the reason`);
    }
    return dataDir;
}

/** At least 2: a rollback goes to the previous version, which must still be on every host. */
export function readKeepVersions(config: pulumi.Config): number {
    const raw = (config.get("keepVersions") ?? "5").trim();
    const keep = Number(raw);
    if (!/^\d+$/.test(raw) || keep < 2) {
        throw new ConfigError(
            `keepVersions "${raw}" is not a number of versions to keep: use a whole number of at least 2 ` +
            "(the current version and the one a rollback goes to), for example 5");
    }
    return keep;
}

function readVersionFile(): string {
    try {
        return fs.readFileSync(VERSION_FILE, "utf8");
    } catch {
        return "";
    }
}

/** Third-party, so any tag Docker accepts; only the reference grammar applies. */
function redisImage(value: string): string {
    validateImageReference("redisImage", value, "redis:7-alpine");
    return value;
}

function readBoolean(config: pulumi.Config, key: string): boolean | undefined {
    const raw = config.get(key);
    if (raw === undefined) {
        return undefined;
    }
    if (raw !== "true" && raw !== "false") {
        throw new ConfigError(`${key} ${JSON.stringify(raw)} is not a boolean; use true or false`);
    }
    return raw === "true";
}

function readPort(config: pulumi.Config, key: string, fallback: number): number {
    const raw = config.get(key);
    return raw === undefined ? fallback : parsePort(key, raw);
}

/** A port as stack config holds it (text): a number, then validatePort. */
export function parsePort(key: string, raw: string): number {
    const port = raw.trim() === "" ? NaN : Number(raw);
    if (Number.isNaN(port)) {
        throw new ConfigError(`${key} ${JSON.stringify(raw)} is not a TCP port: use a whole number from 1 to 65535`);
    }
    return validatePort(key, port);
}

function optional(value: string | undefined): string | undefined {
    const trimmed = (value ?? "").trim();
    return trimmed === "" ? undefined : trimmed;
}

/** Where users and remote workers reach the server: nginx on the public port. */
export function publicUrl(settings: MainServerSettings): string {
    return `${settings.publicScheme}://${urlHost(settings.publicHost)}:${settings.publicPort}`;
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
    const socket = dockerSocketOf(host);
    if (host.startsWith("unix://") && !socket.startsWith("/")) {
        // The socket is also mounted into the server, which needs an absolute host path.
        throw new ConfigError(
            `dockerHost ${JSON.stringify(host)} names the relative socket path ${JSON.stringify(socket)}; ` +
            `a unix endpoint has three slashes: use ${JSON.stringify(`unix:///${socket}`)}`);
    }
    return host;
}

function requireWorkerKey(config: pulumi.Config): pulumi.Output<string> {
    if (config.get("workerSshPrivateKey") === undefined) {
        throw new ConfigError(
            "workerSshPrivateKey is not set but workers are: the program logs in to each worker with it; " +
            "run `pulumi config set --secret workerSshPrivateKey < ~/.ssh/id_ed25519`");
    }
    return readSecret(config, "workerSshPrivateKey");
}
