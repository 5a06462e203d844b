import { ConfigError } from "./errors";

/** A remote worker host, reached over SSH to pre-pull images and run its agent. */
export interface WorkerHost {
    /** Unique, used in resource names and as the agent's WORKER_NAME. */
    name: string;
    address: string;
    port: number;
    user: string;
    /** The host's public SSH key ("ssh-ed25519 AAAA…"); connections to any other key are refused. */
    hostKey: string;
}

const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const EXAMPLE = '{name: "worker-1", address: "10.0.0.5", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA…"}';

/**
 * Turns the stack's `workers` list into checked hosts. Every message names the entry (index and
 * name) so an operator with a dozen hosts knows which line to fix.
 */
export function validateWorkers(raw: unknown): WorkerHost[] {
    if (raw === undefined || raw === null) {
        return [];
    }
    if (!Array.isArray(raw)) {
        throw new ConfigError(`workers must be a list of hosts such as [${EXAMPLE}]`);
    }
    const hosts = raw.map((entry, index) => validateWorker(entry, index));
    rejectDuplicates(hosts, "name");
    rejectDuplicates(hosts, "address");
    return hosts;
}

function validateWorker(entry: unknown, index: number): WorkerHost {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        throw new ConfigError(`workers[${index}] must be an object such as ${EXAMPLE}`);
    }
    const fields = entry as Record<string, unknown>;
    const name = typeof fields.name === "string" ? fields.name.trim() : "";
    const label = name !== "" ? `workers[${index}] ("${name}")` : `workers[${index}]`;

    if (!NAME_PATTERN.test(name)) {
        throw new ConfigError(`${label}: name must be lower-case letters, digits and dashes, for example "worker-1"`);
    }
    const address = typeof fields.address === "string" ? fields.address.trim() : "";
    if (address === "") {
        throw new ConfigError(`${label}: address is empty: set it to the host's IP address or DNS name`);
    }
    const port = fields.port ?? 22;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new ConfigError(`${label}: port ${JSON.stringify(port)} is not a TCP port: use a whole number from 1 to 65535 (SSH is usually 22)`);
    }
    const user = typeof fields.user === "string" && fields.user.trim() !== "" ? fields.user.trim() : "root";
    const hostKey = typeof fields.hostKey === "string" ? fields.hostKey.trim() : "";
    if (!/^(ssh-|ecdsa-)[a-z0-9-]+ [A-Za-z0-9+/=]+/.test(hostKey)) {
        throw new ConfigError(
            `${label}: hostKey must be the host's public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ` +
            `read it with \`ssh-keyscan -p ${port} -t ed25519 ${address || "<address>"}\` and paste the key part`);
    }
    return { name, address, port, user, hostKey };
}

function rejectDuplicates(hosts: WorkerHost[], field: "name" | "address"): void {
    const firstIndex = new Map<string, number>();
    hosts.forEach((host, index) => {
        const earlier = firstIndex.get(host[field]);
        if (earlier !== undefined) {
            throw new ConfigError(
                `workers[${index}] ("${host.name}") has the same ${field} "${host[field]}" as workers[${earlier}] ` +
                `("${hosts[earlier].name}"): each worker host must have its own ${field}`);
        }
        firstIndex.set(host[field], index);
    });
}
