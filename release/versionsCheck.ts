import * as semver from "semver";
import { validateImageTag } from "../config/imageTag";
import { repositoryOf } from "../config/imageReference";
import { familiarRef, HostInventory, imageIdOf, refsOfImage } from "./hostInventory";

/** One service in the stack output `versions` (components/versionMatrix.ts). */
export interface ImageVersion {
    image: string;
    /** repo@sha256:… where the host reported one at deploy time; "" otherwise. */
    digest: string;
}

/** Per host, per service: the stack output `versions`. */
export type VersionMatrix = Record<string, Record<string, ImageVersion>>;

/** The worker image is started per task and never kept running: a host only has to hold it. */
export const TASK_IMAGE_SERVICE = "worker";

export type CheckStatus = "ok" | "mismatch" | "missing" | "stopped";

export interface ServiceCheck {
    service: string;
    /** The image the stack output says this service runs (or, for the worker image, holds). */
    expected: string;
    /** What the host has: the image the container runs, or whether the task image is present. */
    onHost: string;
    status: CheckStatus;
    /** Why the status is not ok, in words an operator can act on. */
    problem?: string;
}

/** A XingRin version whose images the host holds; complete when `lacking` is empty. */
export interface HeldVersion {
    tag: string;
    lacking: string[];
}

export interface HostCheck {
    checks: ServiceCheck[];
    held: HeldVersion[];
}

/** Compares one host's row of the `versions` output with what its Docker daemon reports. */
export function checkHost(row: Record<string, ImageVersion>, inventory: HostInventory): HostCheck {
    const checks = Object.entries(row).map(([service, expected]) => checkService(service, expected, inventory));
    return { checks, held: heldVersions(row, inventory) };
}

function checkService(service: string, expected: ImageVersion, inventory: HostInventory): ServiceCheck {
    const base = { service, expected: expected.image };
    if (service === TASK_IMAGE_SERVICE) {
        const id = imageIdOf(inventory, expected.image);
        if (id === undefined) {
            return {
                ...base, onHost: "not held", status: "missing",
                problem: "the host does not hold this image: the next task pulls it first (slow; a failed pull fails the scan)",
            };
        }
        return digestCheck({ ...base, onHost: "held for tasks", status: "ok" }, expected, inventory, id);
    }

    // Found by the service label: some services get a container per tag (xingrin-server-v1.6.0).
    const running = inventory.containers.filter(c => c.service === service);
    if (running.length === 0) {
        return { ...base, onHost: "no container", status: "missing", problem: `no ${service} container on the host` };
    }
    if (running.length > 1) {
        return {
            ...base, onHost: `${running.length} containers`, status: "mismatch",
            problem: `${running.length} ${service} containers on the host (${running.map(c => `${c.name}: ${c.image}`).join(", ")}): ` +
                "an update was interrupted; `npm run recover` removes the one the stack does not track",
        };
    }
    const container = running[0];
    const name = container.name;
    // docker ps shows the image ID instead of a name when the container was created by ID (the main
    // server's are) or when its tag has since moved to another image.
    const byId = container.image.startsWith("sha256:");
    const id = byId ? container.image : imageIdOf(inventory, container.image);
    const refs = byId ? refsOfImage(inventory, container.image) : [familiarRef(container.image)];
    if (!refs.includes(familiarRef(expected.image))) {
        const runs = refs.length > 0 ? refs.join(", ") : `untagged image ${container.image.slice(0, 19)}`;
        return {
            ...base, onHost: runs, status: "mismatch",
            problem: `${name} runs ${runs}, but the stack output says ${expected.image}`,
        };
    }
    if (container.state !== "running") {
        return { ...base, onHost: expected.image, status: "stopped", problem: `${name} is ${container.state || "not running"}` };
    }
    return id === undefined ? { ...base, onHost: expected.image, status: "ok" }
        : digestCheck({ ...base, onHost: expected.image, status: "ok" }, expected, inventory, id);
}

/** Same tag, different content: the tag was pushed again after the deploy recorded its digest. */
function digestCheck(check: ServiceCheck, expected: ImageVersion, inventory: HostInventory, id: string): ServiceCheck {
    const wanted = expected.digest.split("@")[1];
    if (wanted === undefined || wanted === "") {
        return check;
    }
    const repository = familiarRef(repositoryOf(expected.image));
    const onHost = inventory.images
        .filter(image => image.id === id && image.repository === repository && image.digest.startsWith("sha256:"))
        .map(image => image.digest);
    if (onHost.length === 0 || onHost.includes(wanted)) {
        return check;
    }
    return {
        ...check, status: "mismatch",
        problem: `${expected.image} on the host has digest ${onHost[0]}, but the deploy recorded ${wanted} (the tag was pushed again)`,
    };
}

/**
 * The XingRin versions the host holds, newest first, and which of this host's images each lacks:
 * a rollback to a complete version pulls nothing.
 */
function heldVersions(row: Record<string, ImageVersion>, inventory: HostInventory): HeldVersion[] {
    const needed = new Set(Object.values(row).map(v => xingrinService(familiarRef(repositoryOf(v.image))))
        .filter((service): service is string => service !== undefined));
    const present = new Map<string, Set<string>>();
    for (const image of inventory.images) {
        const service = xingrinService(image.repository);
        if (service !== undefined && needed.has(service) && isVersionTag(image.tag)) {
            present.set(image.tag, (present.get(image.tag) ?? new Set()).add(service));
        }
    }
    return [...present.keys()]
        .sort((a, b) => semver.rcompare(a.slice(1), b.slice(1)))
        .map(tag => ({ tag, lacking: [...needed].filter(service => !present.get(tag)!.has(service)).sort() }));
}

/** "yyhuni/xingrin-server" -> "server"; undefined for third-party images such as redis. */
function xingrinService(repository: string): string | undefined {
    const last = repository.split("/").pop() ?? "";
    return last.startsWith("xingrin-") ? last.slice("xingrin-".length) : undefined;
}

function isVersionTag(tag: string): boolean {
    try {
        validateImageTag(tag, true);
        return true;
    } catch {
        return false;
    }
}
