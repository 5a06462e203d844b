import { ConfigError } from "../config/errors";
import { LOCAL_DATABASE_HOST } from "../config/read";
import { PROGRAM_ENV_KEYS, SERVER_EXTRA_ENV_KEY } from "../config/serverExtraEnv";
import { NETWORK_NAME } from "../components/mainServer";
import { SERVER_PORT } from "../components/serverEnvironment";
import { AdoptedKey, programProblems } from "./configChecks";
import { EnvFile, envValue, requireKeys } from "./envFile";
import { AdoptError } from "./errors";
import { canonicalRef, parseImageRef } from "./imageRef";
import {
    bindingOf, COMPOSE_WORKING_DIR_LABEL, Container, containerOf, Inventory, mountAt, NGINX_TLS_PATH, POSTGRES_DATA_PATH, RunningRelease,
    runningRelease, XINGRIN_DATA_PATH,
} from "./inventory";

/** One stack config key adopt will set, and where its value was read. */
export interface PlannedSetting {
    key: AdoptedKey;
    value: string;
    secret: boolean;
    from: string;
}

export interface AdoptionPlan {
    settings: PlannedSetting[];
    /** What the takeover will change or leave alone that a reviewer should know before `pulumi up`. */
    notes: string[];
    /** The .env the values were read from. */
    envFile: string;
    inventory: Inventory;
}

export interface PlanOptions {
    /** The Docker endpoint the inventory was read from; the stack's dockerHost. */
    dockerHost: string;
    /** The target stack's allowPrerelease: a prerelease tag is refused unless it is true. */
    allowPrerelease: boolean;
}

/** The keys of docker/.env adopt cannot do without (install.sh writes every one). */
export const REQUIRED_ENV_KEYS = [
    "IMAGE_TAG", "PUBLIC_HOST", "PUBLIC_PORT", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER",
    "DB_PASSWORD", "DJANGO_SECRET_KEY", "WORKER_API_KEY",
] as const;

/** The port nginx listens on inside its container; the stack publishes publicPort onto it. */
const NGINX_PORT = "8083/tcp";
const POSTGRES_PORT = "5432/tcp";
/** XingRin's default DOCKER_USER: the namespace its server builds the worker image from when .env names none. */
const DEFAULT_DOCKER_USER = "yyhuni";

/**
 * The stack config that describes the installation, from its docker/.env and its containers. What
 * the program could not reproduce (the data would be lost, or the version is unknown) is refused,
 * and so is every value the program's own config checks would refuse at `pulumi up` (a host that
 * starts with "-", a tag that is no version, a line break where one line is read): every problem
 * in one error, so the operator sees the whole list at once, and nothing is set.
 */
export function planAdoption(env: EnvFile, inventory: Inventory, options: PlanOptions): AdoptionPlan {
    const dotenv = requireKeys(env, REQUIRED_ENV_KEYS);
    const from = (key: string) => `.env ${key} (line ${env.entries.get(key)!.line})`;
    const problems: string[] = [];
    const notes: string[] = [];
    const settings: PlannedSetting[] = [];
    const set = (key: AdoptedKey, value: string, source: string, secret = false) => settings.push({ key, value, secret, from: source });
    const { containers } = inventory;

    let release: RunningRelease | undefined;
    try {
        release = runningRelease(containers);
    } catch (error) {
        problems.push(messageOf(error));
    }
    if (release !== undefined) {
        const count = containers.filter(c => parseImageRef(c.image)?.tag === release!.tag).length;
        const imagesFrom = `images of the ${count} XingRin containers`;
        set("imageTag", release.tag, imagesFrom);
        set("registry", release.registry, imagesFrom);
        set("namespace", release.namespace, imagesFrom);
        checkRelease(release, env, dotenv.IMAGE_TAG, problems, notes);
    }
    const redis = containerOf(containers, "redis");
    if (redis !== undefined && redis.image !== "") {
        set("redisImage", redis.image, `image of ${redis.name}`);
    }
    set("dockerHost", options.dockerHost, "--docker-host");

    set("publicHost", dotenv.PUBLIC_HOST, from("PUBLIC_HOST"));
    const publicPort = portOf("PUBLIC_PORT", dotenv.PUBLIC_PORT, env, problems);
    if (publicPort !== undefined) {
        set("publicPort", String(publicPort), from("PUBLIC_PORT"));
    }
    const nginx = containerOf(containers, "nginx");
    const published = bindingOf(nginx, NGINX_PORT);
    if (published !== undefined) {
        if (publicPort !== undefined && published.hostPort !== String(publicPort)) {
            problems.push(
                `${nginx!.name} publishes port ${published.hostPort}, but PUBLIC_PORT is ${publicPort}: the program publishes nginx ` +
                "on publicPort, so the address users and workers use would move. Make them agree (PUBLIC_PORT in docker/.env, " +
                "or the port in the compose file, then `docker compose up -d`) and run adopt again");
        }
        set("bindAddress", published.hostIp || "0.0.0.0", `port ${NGINX_PORT} of ${nginx!.name}`);
    } else {
        notes.push(`${nginx === undefined ? "no nginx container was found" : `${nginx.name} publishes no port`}: ` +
            "bindAddress is left as the stack has it (default 0.0.0.0: every interface)");
    }

    const server = containerOf(containers, "server");
    const data = mountAt(server, XINGRIN_DATA_PATH);
    if (data === undefined) {
        notes.push(`${server?.name ?? "no server container"} mounts nothing at ${XINGRIN_DATA_PATH}: dataDir is left as the stack has it (default /opt/xingrin)`);
    } else if (data.type !== "bind" || data.source !== XINGRIN_DATA_PATH) {
        problems.push(
            `${server!.name} mounts ${data.type === "bind" ? data.source : `the ${data.type} ${data.name ?? data.source}`} ` +
            `at ${XINGRIN_DATA_PATH}: the program mounts dataDir at the same path inside the server, and XingRin's workers ` +
            `mount ${XINGRIN_DATA_PATH} of their host, so the scan results must live in ${XINGRIN_DATA_PATH} on the host. ` +
            `Move them there (and mount ${XINGRIN_DATA_PATH}:${XINGRIN_DATA_PATH}), then adopt`);
    } else {
        set("dataDir", data.source, `mount ${XINGRIN_DATA_PATH} of ${server!.name}`);
    }
    const tls = mountAt(nginx, NGINX_TLS_PATH);
    if (tls?.type === "bind") {
        set("tlsCertDir", tls.source, `mount ${NGINX_TLS_PATH} of ${nginx!.name}`);
        const checkout = nginx!.labels[COMPOSE_WORKING_DIR_LABEL];
        if (checkout !== undefined && (tls.source === checkout || tls.source.startsWith(`${checkout}/`))) {
            notes.push(`the TLS certificate is in the XingRin checkout (${tls.source}): keep it there, or copy it to ` +
                "/opt/xingrin/ssl and set tlsCertDir, before retiring the checkout");
        }
    } else {
        notes.push(`${nginx?.name ?? "no nginx container"} has no host directory at ${NGINX_TLS_PATH}: ` +
            "tlsCertDir is left as the stack has it (default /opt/xingrin/ssl); put the certificate there before `pulumi up`");
    }

    set("databaseHost", dotenv.DB_HOST, from("DB_HOST"));
    const databasePort = portOf("DB_PORT", dotenv.DB_PORT, env, problems);
    if (databasePort !== undefined) {
        set("databasePort", String(databasePort), from("DB_PORT"));
    }
    set("databaseName", dotenv.DB_NAME, from("DB_NAME"));
    set("databaseUser", dotenv.DB_USER, from("DB_USER"));
    const postgres = containerOf(containers, "postgres");
    if (dotenv.DB_HOST === LOCAL_DATABASE_HOST) {
        planLocalDatabase(postgres, inventory, databasePort, set, problems, notes);
    } else if (postgres !== undefined) {
        problems.push(
            `DB_HOST is ${dotenv.DB_HOST}, an external database, yet ${postgres.name} runs beside XingRin: which one holds the data is ` +
            `unclear. If it is the external one, remove ${postgres.name} (\`docker rm -f ${postgres.name}\`; its volume stays); ` +
            `if it is ${postgres.name}, set DB_HOST=${LOCAL_DATABASE_HOST} in docker/.env and \`docker compose up -d\`; then adopt`);
    }

    set("databasePassword", dotenv.DB_PASSWORD, from("DB_PASSWORD"), true);
    set("djangoSecretKey", dotenv.DJANGO_SECRET_KEY, from("DJANGO_SECRET_KEY"), true);
    set("workerApiKey", dotenv.WORKER_API_KEY, from("WORKER_API_KEY"), true);
    planExtraEnv(env, set, notes);

    // What the takeover itself needs: whose containers give way, and the network to import.
    if (inventory.composeProject === undefined) {
        problems.push("the XingRin containers carry no compose project label (com.docker.compose.project): adopt takes over " +
            "installations that install.sh made with docker compose; remove containers started by hand, or recreate them with compose");
    } else {
        set("takeoverComposeProject", inventory.composeProject, "label com.docker.compose.project of its containers");
    }
    if (inventory.network !== undefined) {
        set("takeoverNetworkId", inventory.network.id, `id of network ${NETWORK_NAME}`);
    }
    notes.push(...fixedSettingNotes(env), ...containerNotes(inventory));
    problems.push(...programProblems(settings, { allowPrerelease: options.allowPrerelease }));
    if (problems.length > 0) {
        throw new AdoptError(`cannot adopt the XingRin installation on ${inventory.dockerHost}:\n${problems.map(p => `  - ${p}`).join("\n")}`);
    }
    return { settings, notes, envFile: env.file, inventory };
}

/**
 * The .env tag and the worker image XingRin hands out, against the running images. Whether the tag
 * is one the stack takes (a version, a prerelease only where allowed) is the program's check.
 */
function checkRelease(release: RunningRelease, env: EnvFile, envTag: string, problems: string[], notes: string[]): void {
    if (envTag !== release.tag) {
        problems.push(
            `${env.file} says IMAGE_TAG=${envTag} but the containers run ${release.tag}: an update was started and not finished, ` +
            `or undone by hand. Run \`docker compose up -d\` (to run ${envTag}) or set IMAGE_TAG back to ${release.tag}, then adopt`);
    }
    const expected = canonicalRef({ registry: release.registry, namespace: release.namespace, name: "xingrin-worker", tag: release.tag });
    const override = envValue(env, "TASK_EXECUTOR_IMAGE")?.trim() ?? "";
    if (override !== "") {
        const given = parseImageRef(override);
        if (given === undefined || canonicalRef(given) !== expected) {
            problems.push(
                `TASK_EXECUTOR_IMAGE in ${env.file} is ${override}, not the worker image on the running tag (${expected}): ` +
                "the program hands out the worker image of imageTag, so scans would start running a different worker. " +
                "Remove TASK_EXECUTOR_IMAGE from docker/.env (XingRin then derives the same image), `docker compose up -d`, then adopt");
        }
        return;
    }
    // Without an override XingRin builds the worker image from DOCKER_USER (newer branches: IMAGE_REGISTRY/IMAGE_NAMESPACE).
    const registry = envValue(env, "IMAGE_REGISTRY")?.trim();
    const namespace = envValue(env, "IMAGE_NAMESPACE")?.trim() || envValue(env, "DOCKER_USER")?.trim() || DEFAULT_DOCKER_USER;
    const derived = parseImageRef(`${registry ? `${registry}/` : ""}${namespace}/xingrin-worker:${release.tag}`);
    if (derived !== undefined && canonicalRef(derived) !== expected) {
        notes.push(`XingRin hands out ${canonicalRef(derived)} to workers now (from docker/.env); the program will hand out ${expected}, ` +
            "the worker image beside the others");
    }
}

function planLocalDatabase(
    postgres: Container | undefined, inventory: Inventory, databasePort: number | undefined,
    set: (key: AdoptedKey, value: string, from: string) => void, problems: string[], notes: string[],
): void {
    if (postgres === undefined) {
        problems.push(
            `DB_HOST is ${LOCAL_DATABASE_HOST} (the database runs beside XingRin) but no postgres container was found, ` +
            "so the volume holding the data is unknown. Start the installation (`docker compose up -d`) so adopt can see it, " +
            "or set DB_HOST to the external database host");
        return;
    }
    const data = mountAt(postgres, POSTGRES_DATA_PATH);
    const volume = inventory.postgresVolume;
    if (data === undefined || data.type !== "volume") {
        problems.push(
            `${postgres.name} keeps its data ${data === undefined ? "in no mount" : `in the ${data.type} mount ${data.source}`} ` +
            `at ${POSTGRES_DATA_PATH}, not in a Docker volume: the program keeps the database in a named volume (postgresVolume). ` +
            "Copy the data into a volume and mount it there, then adopt");
    } else if (volume === undefined) {
        problems.push(`${postgres.name} mounts the volume ${data.name} at ${POSTGRES_DATA_PATH}, but \`docker volume inspect\` does not find it`);
    } else if (volume.driver !== "local") {
        problems.push(
            `the postgres volume ${volume.name} uses the volume driver ${volume.driver}: the program declares its volume with ` +
            "Docker's local driver and would not reproduce this one, so it cannot keep it");
    } else {
        set("postgresVolume", volume.name, `volume at ${POSTGRES_DATA_PATH} of ${postgres.name}`);
        const composeName = inventory.composeProject === undefined ? undefined : `${inventory.composeProject}_postgres_data`;
        if (composeName !== undefined && volume.name !== composeName) {
            notes.push(`the postgres volume is ${volume.name}, not ${composeName} as compose names it by default: adopt keeps ${volume.name}`);
        }
    }
    const published = bindingOf(postgres, POSTGRES_PORT);
    if (published === undefined) {
        set("databaseBindAddress", "127.0.0.1", `${postgres.name} publishes no port`);
        notes.push(`${postgres.name} publishes no port; the program always publishes databasePort, so adopt binds it to 127.0.0.1 ` +
            "(this host only). Remote workers need it on an address they reach: set databaseBindAddress before adding workers");
        return;
    }
    if (databasePort !== undefined && published.hostPort !== String(databasePort)) {
        problems.push(
            `${postgres.name} publishes port ${published.hostPort}, but DB_PORT is ${databasePort}: the program publishes postgres ` +
            "on databasePort, and XingRin's server connects to that port too. Make them agree in docker/.env, `docker compose up -d`, then adopt");
    }
    set("databaseBindAddress", published.hostIp || "0.0.0.0", `port ${POSTGRES_PORT} of ${postgres.name}`);
}

/**
 * Every other .env key goes to the server as it is (serverExtraEnv), because XingRin's server reads
 * the whole file: LOG_LEVEL, SCAN_RETENTION_DAYS, CSRF_TRUSTED_ORIGINS, ADMIN_PASSWORD, … A value that
 * refers to another variable (`${X}`) is what compose would expand, so it is named and left out.
 */
function planExtraEnv(env: EnvFile, set: (key: AdoptedKey, value: string, source: string, secret?: boolean) => void, notes: string[]): void {
    const handled = new Set<string>([...REQUIRED_ENV_KEYS, ...Object.keys(PROGRAM_ENV_KEYS)]);
    const extra: Record<string, string> = {};
    const referring: string[] = [];
    for (const [key, entry] of env.entries) {
        if (handled.has(key)) continue;
        if (entry.interpolated) referring.push(key);
        else extra[key] = entry.value;
    }
    const keys = Object.keys(extra);
    if (keys.length > 0) {
        set(SERVER_EXTRA_ENV_KEY, JSON.stringify(extra), `.env ${keys.join(", ")}`, true);
        notes.push(`passed to the server as they are (${SERVER_EXTRA_ENV_KEY}): ${keys.join(", ")}`);
    }
    if (referring.length > 0) {
        notes.push(`not carried, because their values refer to other variables: ${referring.join(", ")}; ` +
            `set each with \`pulumi config set --secret --path -- '${SERVER_EXTRA_ENV_KEY}.<KEY>' < value-file\` if the server needs it (the value on stdin, not the command line)`);
    }
}

/** Settings XingRin reads from .env that the program fixes: a different value in .env changes at the takeover. */
function fixedSettingNotes(env: EnvFile): string[] {
    const fixed: Array<[string, string]> = [["REDIS_HOST", "redis"], ["SERVER_PORT", String(SERVER_PORT)], ["DEBUG", "False"]];
    return fixed
        .filter(([key, value]) => { const given = envValue(env, key); return given !== undefined && given !== value; })
        .map(([key, value]) => `${env.file} sets ${key}=${envValue(env, key)}; the program runs the server with ${key}=${value}`);
}

function containerNotes(inventory: Inventory): string[] {
    const notes: string[] = [];
    const stopped = inventory.containers.filter(container => container.state !== "running");
    if (stopped.length > 0) {
        notes.push(`not running: ${stopped.map(c => `${c.name} (${c.state})`).join(", ")}; the takeover starts the program's containers in their place`);
    }
    if (inventory.network === undefined) {
        notes.push(`there is no network ${NETWORK_NAME}: the program creates it`);
    } else {
        const installation = new Set(inventory.containers.map(container => container.name));
        const others = inventory.network.containers.filter(name => !installation.has(name));
        if (others.length > 0) {
            notes.push(`also on ${NETWORK_NAME}: ${others.join(", ")} (scans in progress?): wait for them to finish before the takeover`);
        }
    }
    return notes;
}

function portOf(key: string, value: string, env: EnvFile, problems: string[]): number | undefined {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
        problems.push(`${key}=${value} in ${env.file} (line ${env.entries.get(key)!.line}) is not a TCP port: use a whole number from 1 to 65535`);
        return undefined;
    }
    return port;
}

function messageOf(error: unknown): string {
    if (error instanceof AdoptError || error instanceof ConfigError) {
        return error.message;
    }
    throw error;
}

/** The plan as the CLI prints it. A secret's value is never printed, only "[secret]". */
export function formatPlan(plan: AdoptionPlan, stack: string): string[] {
    const { inventory } = plan;
    const lines = [
        `XingRin installation on ${inventory.dockerHost}`,
        `  .env             ${plan.envFile}`,
        `  compose project  ${inventory.composeProject ?? "(none)"}`,
        ...(inventory.containers.length === 0 ? ["  containers       (none)"] : []),
        ...inventory.containers.map((c, index) =>
            `  ${index === 0 ? "containers     " : "               "}  ${c.name} ${c.image}${c.state === "running" ? "" : ` (${c.state})`}`),
        `  network          ${inventory.network === undefined ? "(none)" : `${inventory.network.name} ${inventory.network.id.slice(0, 12)}`}`,
        `  postgres volume  ${inventory.postgresVolume?.name ?? "(none)"}`,
        "",
        `Stack config to set on ${stack}:`,
    ];
    const keyWidth = Math.max(...plan.settings.map(s => s.key.length));
    const shown = plan.settings.map(s => s.secret ? "[secret]" : s.value);
    const valueWidth = Math.max(...shown.map(value => value.length));
    plan.settings.forEach((setting, index) => {
        lines.push(`  ${setting.key.padEnd(keyWidth)}  ${shown[index].padEnd(valueWidth)}  ${setting.from}`);
    });
    if (plan.notes.length > 0) {
        lines.push("", "Notes:", ...plan.notes.map(note => `  - ${note}`));
    }
    return lines;
}
