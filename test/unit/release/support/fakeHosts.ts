import * as crypto from "crypto";
import { HostAccess, HostAccessOptions, HostTarget } from "../../../../release/hostAccess";

export interface FakeContainer {
    name: string;
    /** A reference, or an image ID when the container was created by ID. */
    image: string;
    state?: string;
}

export interface FakeImage {
    repository: string;
    tag: string;
    /** Defaults to an ID derived from repository:tag. */
    id?: string;
    /** Defaults to a digest derived from repository:tag. */
    digest?: string;
}

export interface FakeHost {
    containers: FakeContainer[];
    images: FakeImage[];
}

/** A stable fake "sha256:…" for a name, so image IDs and digests line up across a spec. */
export function sha(label: string): string {
    return `sha256:${crypto.createHash("sha256").update(label).digest("hex")}`;
}

export function imageId(ref: string): string {
    return sha(`id:${ref}`);
}

export function repoDigest(ref: string): string {
    return sha(`digest:${ref}`);
}

/**
 * Answers `docker ps` / `docker image ls` for each host the way the docker 28 CLI prints them with
 * `--format '{{json .}}'`, and records which host was asked what.
 */
export class FakeHosts {
    readonly calls: string[] = [];
    options?: HostAccessOptions;
    closed = false;

    constructor(private readonly hosts: Record<string, FakeHost | Error>) {}

    readonly open = (options: HostAccessOptions): HostAccess => {
        this.options = options;
        return {
            docker: async (target: HostTarget, args: readonly string[]) => {
                this.calls.push(`${target.name}: docker ${args.join(" ")}`);
                const host = this.hosts[target.name];
                if (host === undefined) {
                    throw new Error(`no fake host ${target.name}`);
                }
                if (host instanceof Error) {
                    throw host;
                }
                if (args[0] === "rm") {
                    host.containers = host.containers.filter(c => `id-of-${c.name}` !== args[args.length - 1]);
                    return "";
                }
                return args[0] === "ps" ? host.containers.map(psLine).join("\n") + "\n"
                    : host.images.map(imageLine).join("\n") + "\n";
            },
            close: () => {
                this.closed = true;
            },
        };
    };
}

function psLine(container: FakeContainer): string {
    const state = container.state ?? "running";
    return JSON.stringify({
        Command: "\"/entrypoint.sh\"",
        CreatedAt: "2026-08-03 10:14:51 +0000 UTC",
        ID: `id-of-${container.name}`,
        Image: container.image,
        Labels: `xingrin.image=${container.image},xingrin.service=${container.name.replace(/^xingrin-/, "").replace(/-v\d.*$/, "")}`,
        LocalVolumes: "0",
        Mounts: "",
        Names: container.name,
        Networks: "xingrin_network",
        Ports: "",
        RunningFor: "3 days ago",
        Size: "0B",
        State: state,
        Status: state === "running" ? "Up 3 days" : "Exited (1) 2 hours ago",
    });
}

function imageLine(image: FakeImage): string {
    const ref = `${image.repository}:${image.tag}`;
    return JSON.stringify({
        Containers: "N/A",
        CreatedAt: "2026-08-01 12:00:00 +0000 UTC",
        CreatedSince: "5 days ago",
        Digest: image.digest ?? repoDigest(ref),
        ID: image.id ?? imageId(ref),
        Repository: image.repository,
        SharedSize: "N/A",
        Size: "312MB",
        Tag: image.tag,
        UniqueSize: "N/A",
        VirtualSize: "312MB",
    });
}
