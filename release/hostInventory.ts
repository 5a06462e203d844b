import { SERVICE_LABEL } from "../components/labels";
import { HostAccess, HostTarget } from "./hostAccess";

/** A container as `docker ps --format '{{json .}}'` reports it. */
export interface HostContainer {
    name: string;
    /** The compose service it runs (the program's xingrin.service label; for older containers, from the name xingrin-<service>). */
    service?: string;
    /** The reference it was created from, or its image ID ("sha256:…") when created by ID or the tag has moved since. */
    image: string;
    /** "running", "exited", "restarting", … */
    state: string;
}

/** One row of `docker image ls --digests --format '{{json .}}'`. */
export interface HostImage {
    /** Docker's short ("familiar") name: docker.io/ and library/ are dropped. */
    repository: string;
    /** "<none>" for an untagged image. */
    tag: string;
    id: string;
    /** "sha256:…", or "<none>" when the image never came from a registry. */
    digest: string;
}

export interface HostInventory {
    containers: HostContainer[];
    images: HostImage[];
}

/** XingRin's containers are all named xingrin-… (components/mainServer.ts, workerScripts.ts); their labels say which service. */
export const DOCKER_PS_ARGS = ["ps", "--all", "--no-trunc", "--filter", "name=xingrin-", "--format", "{{json .}}"];
/** --digests makes the JSON carry each image's repo digest; --no-trunc gives IDs comparable with `docker ps`. */
export const DOCKER_IMAGES_ARGS = ["image", "ls", "--digests", "--no-trunc", "--format", "{{json .}}"];

export async function readInventory(access: HostAccess, target: HostTarget): Promise<HostInventory> {
    const containers = parseJsonLines(await access.docker(target, DOCKER_PS_ARGS)).map(row => ({
        name: String(row.Names ?? ""),
        service: serviceOf(String(row.Names ?? ""), String(row.Labels ?? "")),
        image: String(row.Image ?? ""),
        state: String(row.State ?? ""),
    }));
    const images = parseJsonLines(await access.docker(target, DOCKER_IMAGES_ARGS)).map(row => ({
        repository: String(row.Repository ?? ""),
        tag: String(row.Tag ?? ""),
        id: String(row.ID ?? ""),
        digest: String(row.Digest ?? ""),
    }));
    return { containers: containers.filter(c => c.name.startsWith("xingrin-")), images };
}

/** `docker ps` prints labels as "a=b,c=d". */
function serviceOf(name: string, labels: string): string | undefined {
    const label = labels.split(",").map(pair => pair.split("=")).find(([key]) => key === SERVICE_LABEL);
    if (label !== undefined) {
        return label.slice(1).join("=");
    }
    return /^xingrin-([a-z]+)$/.exec(name)?.[1];
}

function parseJsonLines(text: string): Array<Record<string, unknown>> {
    return text.split("\n").map(line => line.trim()).filter(line => line !== "").map(line => JSON.parse(line) as Record<string, unknown>);
}

/** The name Docker shows for an image reference: "docker.io/library/redis:7" is "redis:7". */
export function familiarRef(ref: string): string {
    let name = ref.replace(/^(docker\.io|index\.docker\.io)\//, "");
    if (name.startsWith("library/") && !name.slice("library/".length).includes("/")) {
        name = name.slice("library/".length);
    }
    return name;
}

/** Every tagged reference of the image with this ID. */
export function refsOfImage(inventory: HostInventory, id: string): string[] {
    const refs = inventory.images.filter(image => image.id === id && image.tag !== "<none>")
        .map(image => `${image.repository}:${image.tag}`);
    return [...new Set(refs)];
}

/** The image ID a reference points to on this host, if the host holds it. */
export function imageIdOf(inventory: HostInventory, ref: string): string | undefined {
    const wanted = familiarRef(ref);
    return inventory.images.find(image => `${image.repository}:${image.tag}` === wanted)?.id;
}
