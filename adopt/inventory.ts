import { IMAGE_LABEL } from "../config/images";
import { NETWORK_NAME } from "../components/mainServer";
import { AdoptError } from "./errors";
import { ImageRef, parseImageRef, xingrinServiceOfImage } from "./imageRef";

/** Labels docker compose puts on what it creates. */
export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";
export const COMPOSE_SERVICE_LABEL = "com.docker.compose.service";
/** The folder compose ran in: docker/ of the XingRin checkout. */
export const COMPOSE_WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";

/** Where the postgres image keeps its data; the volume mounted here is the one to keep. */
export const POSTGRES_DATA_PATH = "/var/lib/postgresql/data";
/** XingRin's data directory inside the server (results, logs, fingerprints, wordlists). */
export { XINGRIN_DATA_DIR as XINGRIN_DATA_PATH } from "../config/read";
/** Where nginx reads its TLS certificate. */
export const NGINX_TLS_PATH = "/etc/nginx/ssl";

export interface Mount {
    /** "volume", "bind", "tmpfs", … */
    type: string;
    /** The volume name, for a volume mount. */
    name?: string;
    source: string;
    destination: string;
}

/** One host port a container port is published on (HostConfig.PortBindings: what was asked for). */
export interface PortBinding {
    /** "8083/tcp" */
    containerPort: string;
    /** "" when published on every interface. */
    hostIp: string;
    hostPort: string;
}

/** What adopt needs of one container from `docker container inspect`. Its environment is never read: it holds the secrets. */
export interface Container {
    id: string;
    /** Without Docker's leading "/". */
    name: string;
    /** Config.Image: the reference the container was created from, as written in the compose file. */
    image: string;
    state: string;
    labels: Record<string, string>;
    mounts: Mount[];
    portBindings: PortBinding[];
    networks: string[];
}

export interface Network {
    id: string;
    name: string;
    driver: string;
    labels: Record<string, string>;
    /** Names of the containers attached to it. */
    containers: string[];
}

export interface Volume {
    name: string;
    driver: string;
    labels: Record<string, string>;
}

/** The installation on one Docker host, as adopt found it. */
export interface Inventory {
    dockerHost: string;
    /** XingRin's containers: named xingrin-*, or in the compose project those belong to. */
    containers: Container[];
    composeProject?: string;
    network?: Network;
    /** The volume mounted at /var/lib/postgresql/data in the postgres container. */
    postgresVolume?: Volume;
}

/** `docker container inspect <id>…`: an array of containers. */
export function parseContainers(json: unknown): Container[] {
    return arrayOf(json, "docker container inspect").map(raw => {
        const config = objectOf(raw.Config);
        const hostConfig = objectOf(raw.HostConfig);
        const state = objectOf(raw.State);
        const bindings = objectOf(hostConfig.PortBindings);
        return {
            id: String(raw.Id ?? ""),
            name: String(raw.Name ?? "").replace(/^\//, ""),
            image: String(config.Image ?? ""),
            state: String(state.Status ?? ""),
            labels: stringsOf(config.Labels),
            mounts: (Array.isArray(raw.Mounts) ? raw.Mounts : []).map(objectOf).map(mount => ({
                type: String(mount.Type ?? ""),
                name: mount.Name === undefined || mount.Name === "" ? undefined : String(mount.Name),
                source: String(mount.Source ?? ""),
                destination: String(mount.Destination ?? ""),
            })),
            portBindings: Object.entries(bindings).flatMap(([containerPort, hosts]) =>
                (Array.isArray(hosts) ? hosts : []).map(objectOf).map(host => ({
                    containerPort,
                    hostIp: String(host.HostIp ?? ""),
                    hostPort: String(host.HostPort ?? ""),
                }))),
            networks: Object.keys(objectOf(objectOf(raw.NetworkSettings).Networks)),
        };
    });
}

/** `docker network inspect <id>…`: the one named xingrin_network, if any. */
export function parseNetwork(json: unknown): Network | undefined {
    const raw = arrayOf(json, "docker network inspect").find(network => network.Name === NETWORK_NAME);
    if (raw === undefined) {
        return undefined;
    }
    return {
        id: String(raw.Id ?? ""),
        name: String(raw.Name),
        driver: String(raw.Driver ?? ""),
        labels: stringsOf(raw.Labels),
        containers: Object.values(objectOf(raw.Containers)).map(objectOf).map(endpoint => String(endpoint.Name ?? "")),
    };
}

/** `docker volume inspect <name>`: the one volume asked for. */
export function parseVolume(json: unknown, name: string): Volume | undefined {
    const raw = arrayOf(json, "docker volume inspect").find(volume => volume.Name === name);
    return raw === undefined ? undefined : { name, driver: String(raw.Driver ?? ""), labels: stringsOf(raw.Labels) };
}

/**
 * XingRin's containers among the candidates: those named xingrin-*, those running a XingRin image,
 * and every other container of the compose project they belong to (redis, whatever its name). A
 * worker image without the name is a scan the server started (`docker run --rm`), not a service.
 */
export function selectXingrin(candidates: readonly Container[]): Container[] {
    const isXingrin = (container: Container) => container.name.startsWith("xingrin-") ||
        (imageService(container) !== undefined && imageService(container) !== "worker");
    const projects = new Set(candidates.filter(isXingrin).map(container => container.labels[COMPOSE_PROJECT_LABEL]).filter(Boolean));
    return candidates
        .filter(container => isXingrin(container) || projects.has(container.labels[COMPOSE_PROJECT_LABEL]))
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** The compose service a container runs: its compose label, else its name without "xingrin-". */
export function serviceOf(container: Container): string {
    return container.labels[COMPOSE_SERVICE_LABEL] ?? container.name.replace(/^xingrin-/, "");
}

/**
 * The one compose project the containers belong to. Containers this program created (they carry
 * its image label) or from two projects cannot be taken over as one installation.
 */
export function composeProjectOf(containers: readonly Container[]): string | undefined {
    const ours = containers.filter(container => IMAGE_LABEL in container.labels);
    if (ours.length > 0) {
        throw new AdoptError(
            `${names(ours)} ${ours.length === 1 ? "carries" : "carry"} the label ${IMAGE_LABEL}: ` +
            "this program created them, so the installation is already deployed by a stack, not by install.sh. " +
            "Deploy with that stack (`pulumi stack ls`), or `pulumi stack export`/`import` it; adopt is only for compose installations");
    }
    const byProject = new Map<string, Container[]>();
    for (const container of containers) {
        const project = container.labels[COMPOSE_PROJECT_LABEL] ?? "";
        byProject.set(project, [...(byProject.get(project) ?? []), container]);
    }
    if (byProject.size > 1) {
        const listing = [...byProject].map(([project, members]) =>
            `${project === "" ? "no compose project" : `compose project ${project}`}: ${names(members)}`).join("; ");
        throw new AdoptError(
            `the XingRin containers do not come from one compose project (${listing}): adopt takes over one ` +
            "install.sh installation. Remove the containers that are not part of it (`docker rm`) and run adopt again");
    }
    const [project] = [...byProject.keys()];
    return project === undefined || project === "" ? undefined : project;
}

/** The container of a compose service, if the installation has it. */
export function containerOf(containers: readonly Container[], service: string): Container | undefined {
    return containers.find(container => serviceOf(container) === service);
}

/** The mount at a path inside a container. */
export function mountAt(container: Container | undefined, destination: string): Mount | undefined {
    return container?.mounts.find(mount => mount.destination === destination);
}

/** Where a container port is published: its one binding, or undefined when it is not published. */
export function bindingOf(container: Container | undefined, containerPort: string): PortBinding | undefined {
    return container?.portBindings.find(binding => binding.containerPort === containerPort);
}

/** The version the installation runs, and where its images come from. */
export interface RunningRelease {
    tag: string;
    registry: string;
    namespace: string;
}

/**
 * The tag every XingRin container runs, and the registry and namespace of their images. XingRin's
 * compose file puts one IMAGE_TAG on every image; containers on different tags, from different
 * places, or created from something that is not a tagged XingRin image cannot be described by one
 * imageTag, so they are refused with every container and what it runs.
 */
export function runningRelease(containers: readonly Container[]): RunningRelease {
    const xingrin = containers
        .map(container => ({ container, ref: parseImageRef(container.image) }))
        .filter(({ container, ref }) => (ref !== undefined && xingrinServiceOfImage(ref) !== undefined) ||
            isXingrinService(serviceOf(container)));
    if (xingrin.length === 0) {
        throw new AdoptError("found no container running a XingRin image (xingrin-server, …): nothing to adopt");
    }
    const untagged = xingrin.filter(({ ref }) => ref === undefined || ref.tag === undefined || xingrinServiceOfImage(ref) === undefined);
    if (untagged.length > 0) {
        throw new AdoptError(
            `${untagged.map(({ container }) => `${container.name} runs "${container.image}"`).join(", ")}: ` +
            "not a tagged XingRin image (<registry>/<namespace>/xingrin-<service>:<version>), so the version it runs is unknown. " +
            "Set IMAGE_TAG in docker/.env to the version (GET /api/system/version/), run `docker compose up -d`, then adopt");
    }
    const tagged = xingrin as Array<{ container: Container; ref: ImageRef & { tag: string } }>;
    const tags = distinct(tagged.map(({ ref }) => ref.tag));
    if (tags.length > 1) {
        throw new AdoptError(
            `the XingRin containers run different tags (${tagged.map(({ container, ref }) => `${container.name} ${ref.tag}`).join(", ")}), ` +
            "but one imageTag must describe them all: finish or undo the update that left them so " +
            "(set IMAGE_TAG in docker/.env, `docker compose up -d`), then adopt");
    }
    const origins = distinct(tagged.map(({ ref }) => `${ref.registry}/${ref.namespace}`));
    if (origins.length > 1) {
        throw new AdoptError(
            `the XingRin images come from different places (${tagged.map(({ container, ref }) =>
                `${container.name} ${ref.registry}/${ref.namespace}`).join(", ")}), but the stack has one registry and namespace: ` +
            "pull every image from one place (docker/.env, `docker compose up -d`), then adopt");
    }
    const { registry, namespace } = tagged[0].ref;
    if (namespace === "library" || namespace === "") {
        throw new AdoptError(
            `${tagged[0].container.name} runs "${tagged[0].container.image}", which has no namespace: ` +
            "images are <registry>/<namespace>/xingrin-<service>:<tag>; pull them from a namespace (DOCKER_USER in docker/.env), then adopt");
    }
    return { tag: tags[0], registry, namespace };
}

function isXingrinService(service: string): boolean {
    return xingrinServiceOfImage({ registry: "", namespace: "", name: `xingrin-${service}` }) !== undefined;
}

function imageService(container: Container): string | undefined {
    const ref = parseImageRef(container.image);
    return ref === undefined ? undefined : xingrinServiceOfImage(ref);
}

export function names(containers: readonly Container[]): string {
    return containers.map(container => container.name).join(", ");
}

function distinct(values: readonly string[]): string[] {
    return [...new Set(values)];
}

type JsonObject = Record<string, unknown>;

function arrayOf(json: unknown, command: string): JsonObject[] {
    if (!Array.isArray(json)) {
        throw new AdoptError(`\`${command}\` did not print a JSON array: check that the docker CLI is a recent one (docker version)`);
    }
    return json.map(objectOf);
}

function objectOf(value: unknown): JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as JsonObject : {};
}

function stringsOf(value: unknown): Record<string, string> {
    return Object.fromEntries(Object.entries(objectOf(value)).map(([key, text]) => [key, String(text)]));
}
