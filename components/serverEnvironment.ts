import * as pulumi from "@pulumi/pulumi";
import { xingrinDockerUser } from "../config/images";
import { DatabaseSettings } from "../config/read";

/** Port the XingRin API listens on inside the network (SERVER_PORT). */
export const SERVER_PORT = 8888;

export interface ServerEnvironmentArgs {
    imageTag: string;
    taskExecutorImage: string;
    /** XingRin's DOCKER_USER / IMAGE_NAMESPACE and IMAGE_REGISTRY. */
    registry: string;
    namespace: string;
    publicHost: string;
    publicPort: number;
    /** XingRin's data directory, mounted at the same path: scan results and logs go below it. */
    dataDir: string;
    database: DatabaseSettings;
    databasePassword: pulumi.Output<string>;
    djangoSecretKey: pulumi.Output<string>;
    workerApiKey: pulumi.Output<string>;
    /** Other .env settings, passed as they are (serverExtraEnv; none of the keys set here). */
    extraEnv: pulumi.Output<Record<string, string>>;
    /**
     * Whether this process runs XingRin's scheduler: only the scheduler container's does. Every
     * Django process without SERVER_URL starts one (apps.py, contract §5), with no lock between
     * them, so the web servers get SERVER_URL, which XingRin's server reads for nothing else.
     */
    scheduler: boolean;
}

/** SERVER_URL as the web servers get it: its presence keeps a Django process from starting the scheduler. */
export const NO_SCHEDULER_URL = `http://server:${SERVER_PORT}`;

/**
 * The server's environment, as XingRin's docker/.env gives it. IMAGE_TAG and TASK_EXECUTOR_IMAGE
 * come from the fleet's one tag; the three secrets keep the whole list secret in state and previews.
 * Where XingRin's settings read another name than its .env.example writes, both are set
 * (xingrin-contract.md §3): Django's key is SECRET_KEY (DJANGO_SECRET_KEY is read by nothing),
 * and without SCAN_RESULTS_DIR and LOG_DIR results stay inside the container that ran the scan.
 */
export function serverEnvironment(args: ServerEnvironmentArgs): pulumi.Output<string[]> {
    const plain: Record<string, string> = {
        DB_HOST: args.database.host,
        DB_PORT: String(args.database.port),
        DB_NAME: args.database.name,
        DB_USER: args.database.user,
        REDIS_HOST: "redis",
        SERVER_PORT: String(SERVER_PORT),
        PUBLIC_HOST: args.publicHost,
        PUBLIC_PORT: String(args.publicPort),
        DEBUG: "False",
        DOCKER_USER: xingrinDockerUser({ registry: args.registry, namespace: args.namespace }),
        IMAGE_REGISTRY: args.registry,
        IMAGE_NAMESPACE: args.namespace,
        IMAGE_TAG: args.imageTag,
        TASK_EXECUTOR_IMAGE: args.taskExecutorImage,
        SCAN_RESULTS_DIR: `${args.dataDir}/results`,
        LOG_DIR: `${args.dataDir}/logs`,
        ...(args.scheduler ? {} : { SERVER_URL: NO_SCHEDULER_URL }),
    };
    return pulumi.all([args.databasePassword, args.djangoSecretKey, args.workerApiKey, args.extraEnv])
        .apply(([databasePassword, djangoSecretKey, workerApiKey, extraEnv]) => toEnvList({
            ...extraEnv,
            ...plain,
            DB_PASSWORD: databasePassword,
            DJANGO_SECRET_KEY: djangoSecretKey,
            SECRET_KEY: djangoSecretKey,
            WORKER_API_KEY: workerApiKey,
        }));
}

/** Docker's `KEY=value` list, in a stable order so previews only show real changes. */
export function toEnvList(variables: Record<string, string>): string[] {
    return Object.keys(variables).sort().map(key => `${key}=${variables[key]}`);
}
