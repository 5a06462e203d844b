import { execFileSync } from "child_process";
import { repositoryOf } from "../../../config/imageReference";

/** Runs the docker CLI against one host's daemon (main server or a worker's own socket). */
export function docker(host: string, args: string[]): string {
    return execFileSync("docker", ["--host", host, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export interface ContainerView {
    name: string;
    running: boolean;
    /** The image reference the container was created for, from the deployment's label. */
    imageLabel: string;
    /** RepoTags of the image the container actually runs. */
    imageTags: string[];
    env: Record<string, string>;
}

/** The services replaced in place only for a new image content: their label names no tag. */
export const FOLLOW_CONTENT = ["postgres", "redis", "nginx"];

/** The xingrin.image label the program gives a service's container for image `ref`. */
export function expectedImageLabel(service: string, ref: string): string {
    return FOLLOW_CONTENT.includes(service) ? repositoryOf(ref) : ref;
}

export function inspectContainer(host: string, name: string): ContainerView {
    const [info] = JSON.parse(docker(host, ["inspect", name]));
    const [image] = JSON.parse(docker(host, ["image", "inspect", info.Image]));
    const env: Record<string, string> = {};
    for (const entry of info.Config.Env as string[]) {
        env[entry.slice(0, entry.indexOf("="))] = entry.slice(entry.indexOf("=") + 1);
    }
    return {
        name,
        running: info.State.Running === true,
        imageLabel: info.Config.Labels?.["xingrin.image"] ?? "",
        imageTags: image.RepoTags ?? [],
        env,
    };
}

/**
 * The one container that runs a service on a host, found by the program's labels (names carry the
 * tag for some services). More than one, or none, fails: one version runs per service.
 */
export function serviceContainer(host: string, service: string): string {
    const names = docker(host, ["ps", "-a", "--filter", `label=xingrin.service=${service}`, "--format", "{{.Names}}"])
        .split("\n").filter(name => name !== "");
    if (names.length !== 1) {
        throw new Error(`expected one ${service} container on ${host}, found ${names.length}: ${names.join(", ")}`);
    }
    return names[0];
}

/** The XingRin image references a host holds locally, e.g. "127.0.0.1:5000/yyhuni/xingrin-worker:v1.1.0". */
export function localXingrinImages(host: string): string[] {
    return docker(host, ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])
        .split("\n").filter(ref => ref.includes("/xingrin-"));
}

/** GET over loopback, for the public health check through nginx. */
export async function httpGet(url: string): Promise<{ status: number; body: string }> {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text() };
}
