import * as pulumi from "@pulumi/pulumi";
import { validatePostgresName, validateVolumeName } from "../config/database";
import { ConfigError } from "../config/errors";
import { validateHost, validateIpAddress } from "../config/hosts";
import { validateImageReference, validateNamespace, validateRegistry, validateXingrinImageRefs } from "../config/imageReference";
import { validateImageTag } from "../config/imageTag";
import { validateDirectory } from "../config/paths";
import {
    DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_USER, DEFAULT_POSTGRES_VOLUME, parsePort, requireXingrinDataDir, validateDockerHost,
    XINGRIN_DATA_DIR,
} from "../config/read";
import { validateSecretText } from "../config/secrets";
import { SERVER_EXTRA_ENV_KEY, validateServerExtraEnv } from "../config/serverExtraEnv";
import { readTakeover } from "../config/takeover";

/** What the checks need to know of the target stack. */
export interface CheckRules {
    allowPrerelease: boolean;
}

/** The value adopt sets for another key, undefined when it sets none. */
type Planned = (key: string) => string | undefined;

/**
 * Every key adopt may set, with what config/read.ts does when the program reads that key: the same
 * function, key name and example, so adopt refuses exactly what `pulumi up` would refuse, and
 * before it sets anything rather than after. A key adopt plans without an entry here does not
 * compile (PlannedSetting.key is an AdoptedKey). Where the program reads keys together, the check
 * reads the other key too, and skips what that key's own check refuses (it reports that itself).
 */
const CHECKS = {
    imageTag: (value, rules, planned) => {
        validateImageTag(value, rules.allowPrerelease, "imageTag");
        // As readFleetConfig, once the tag, registry and namespace pass: the references they compose.
        const registry = planned("registry");
        const namespace = planned("namespace");
        if (registry !== undefined && namespace !== undefined && accepted(() => validateRegistry(registry)) &&
            accepted(() => validateNamespace(namespace))) {
            validateXingrinImageRefs({ registry, namespace }, value);
        }
    },
    registry: value => validateRegistry(value),
    namespace: value => validateNamespace(value),
    redisImage: value => validateImageReference("redisImage", value, "redis:7-alpine"),
    dockerHost: value => validateDockerHost(value),
    publicHost: value => validateHost("publicHost", value, "scan.example.com"),
    publicPort: value => parsePort("publicPort", value),
    bindAddress: value => validateIpAddress("bindAddress", value),
    dataDir: value => requireXingrinDataDir(validateDirectory("dataDir", value, XINGRIN_DATA_DIR)),
    tlsCertDir: value => validateDirectory("tlsCertDir", value, "/opt/xingrin/ssl"),
    databaseHost: value => validateHost("databaseHost", value, "db.example.com"),
    databasePort: value => parsePort("databasePort", value),
    databaseName: value => validatePostgresName("databaseName", value, DEFAULT_DATABASE_NAME),
    databaseUser: value => validatePostgresName("databaseUser", value, DEFAULT_DATABASE_USER),
    postgresVolume: value => validateVolumeName("postgresVolume", value, DEFAULT_POSTGRES_VOLUME),
    // What resolveDatabaseBindAddress does with a value that is set.
    databaseBindAddress: value => validateIpAddress("databaseBindAddress", value),
    databasePassword: value => validateSecretText("databasePassword", value),
    djangoSecretKey: value => validateSecretText("djangoSecretKey", value),
    workerApiKey: value => validateSecretText("workerApiKey", value),
    [SERVER_EXTRA_ENV_KEY]: value => validateServerExtraEnv(value),
    takeoverComposeProject: value => readTakeover(configReading({ takeoverComposeProject: value })),
    // readTakeover reads the two keys together: a network id is refused without its compose project.
    takeoverNetworkId: (value, _rules, planned) => {
        const takeoverComposeProject = planned("takeoverComposeProject");
        if (takeoverComposeProject === undefined || accepted(() => readTakeover(configReading({ takeoverComposeProject })))) {
            readTakeover(configReading({ takeoverComposeProject, takeoverNetworkId: value }));
        }
    },
} satisfies Record<string, (value: string, rules: CheckRules, planned: Planned) => unknown>;

/** A stack config key adopt sets. */
export type AdoptedKey = keyof typeof CHECKS;

/** One value adopt will set, and where it was read (a .env line, a container, a flag). */
export interface CheckedSetting {
    key: AdoptedKey;
    value: string;
    from: string;
}

/**
 * The program's message for each value it would refuse, after where the value came from, in plan
 * order; empty when the program takes every one. Secrets' messages never hold their value (the
 * validators in config/ promise that).
 */
export function programProblems(settings: readonly CheckedSetting[], rules: CheckRules): string[] {
    const values = new Map<string, string>(settings.map(setting => [setting.key, setting.value]));
    const planned: Planned = key => values.get(key);
    return settings.flatMap(setting => {
        const refusal = refusalOf(() => CHECKS[setting.key](setting.value, rules, planned));
        return refusal === undefined ? [] : [`${setting.from}: ${refusal.message}`];
    });
}

/** The program's refusal, or undefined when it takes the value; anything else is a bug and propagates. */
function refusalOf(check: () => unknown): ConfigError | undefined {
    try {
        check();
        return undefined;
    } catch (error) {
        if (error instanceof ConfigError) {
            return error;
        }
        throw error;
    }
}

function accepted(check: () => unknown): boolean {
    return refusalOf(check) === undefined;
}

/**
 * readTakeover takes the stack's pulumi.Config and asks it only `get`; this answers from the
 * values adopt will set, so the program's own reader checks them.
 */
function configReading(values: Record<string, string | undefined>): pulumi.Config {
    return { get: (key: string) => values[key] } as unknown as pulumi.Config;
}
