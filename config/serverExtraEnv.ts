import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";

/**
 * Other settings of XingRin's docker/.env (LOG_LEVEL, SCAN_RETENTION_DAYS, CSRF_TRUSTED_ORIGINS, …),
 * passed to the server as they are: XingRin's server gets the whole .env (contract §3), so a
 * takeover keeps what the program has no setting of its own for. One secret object, because an
 * .env can hold credentials under any name (ADMIN_PASSWORD).
 */
export const SERVER_EXTRA_ENV_KEY = "serverExtraEnv";

/** What the program sets in the server's environment itself, and the setting that decides each. */
export const PROGRAM_ENV_KEYS: Record<string, string> = {
    DB_HOST: "databaseHost", DB_PORT: "databasePort", DB_NAME: "databaseName", DB_USER: "databaseUser",
    DB_PASSWORD: "databasePassword", REDIS_HOST: "the redis container", SERVER_PORT: "XingRin's fixed 8888",
    PUBLIC_HOST: "publicHost", PUBLIC_PORT: "publicPort", DEBUG: "the program (False)",
    DOCKER_USER: "registry and namespace", IMAGE_REGISTRY: "registry", IMAGE_NAMESPACE: "namespace",
    IMAGE_TAG: "imageTag", TASK_EXECUTOR_IMAGE: "taskExecutorImage", SCAN_RESULTS_DIR: "dataDir", LOG_DIR: "dataDir",
    DJANGO_SECRET_KEY: "djangoSecretKey", SECRET_KEY: "djangoSecretKey", WORKER_API_KEY: "workerApiKey",
    SERVER_URL: "the program (set on the web servers, unset on the scheduler)",
};

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HIDDEN = "(values are secret and not shown)";

/** Checks the object's text (as `config.get` reads it); messages name keys, never values. */
export function validateServerExtraEnv(text: string | undefined): Record<string, string> {
    if (text === undefined || text.trim() === "") {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        parsed = null;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new ConfigError(`${SERVER_EXTRA_ENV_KEY} must be an object of variable name to text ${HIDDEN}, such as ` +
            `{"LOG_LEVEL": "INFO"}: set one with \`pulumi config set --secret --path '${SERVER_EXTRA_ENV_KEY}.LOG_LEVEL' INFO\``);
    }
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (!NAME.test(name)) {
            throw new ConfigError(`${SERVER_EXTRA_ENV_KEY}: "${name}" is not an environment variable name: use letters, digits and _, not starting with a digit`);
        }
        const setting = PROGRAM_ENV_KEYS[name];
        if (setting !== undefined) {
            throw new ConfigError(`${SERVER_EXTRA_ENV_KEY}: ${name} is set by the program from ${setting}: ` +
                `remove it with \`pulumi config rm --path '${SERVER_EXTRA_ENV_KEY}.${name}'\`${setting.match(/^[a-z][A-Za-z]+$/) ? ` and set ${setting} instead` : ""}`);
        }
        if (typeof value !== "string" || value.includes("\0")) {
            throw new ConfigError(`${SERVER_EXTRA_ENV_KEY}: ${name} must be text ${HIDDEN}; a number or true is written in quotes, as in .env`);
        }
        env[name] = value;
    }
    return env;
}

export function readServerExtraEnv(config: pulumi.Config): pulumi.Output<Record<string, string>> {
    const checked = validateServerExtraEnv(config.get(SERVER_EXTRA_ENV_KEY));
    return pulumi.secret(checked);
}
