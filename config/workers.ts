import * as net from "net";
import { ConfigError } from "./errors";
import { validateHost, validateUserName } from "./hosts";

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

const FIELDS = ["name", "address", "port", "user", "hostKey"];
/** The main server's name among the fleet's hosts (the stage check's messages, the `versions` output's rows). */
export const MAIN_SERVER_HOST = "main-server";
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

    rejectUnknownFields(fields, label);
    if (!NAME_PATTERN.test(name)) {
        throw new ConfigError(`${label}: name must be lower-case letters, digits and dashes, for example "worker-1"`);
    }
    if (name === MAIN_SERVER_HOST) {
        throw new ConfigError(`${label}: the name ${name} is the main server's in the stack's outputs (versions): give this worker another name, for example "worker-1"`);
    }
    const address = typeof fields.address === "string" ? fields.address.trim() : "";
    if (address === "") {
        throw new ConfigError(`${label}: address is empty: set it to the host's IP address`);
    }
    validateHost(`${label}: address`, address, "worker-1.example.com");
    if (net.isIP(address) === 0) {
        throw new ConfigError(
            `${label}: address ${JSON.stringify(address)} is a host name, but XingRin keeps an IP address in its worker ` +
            "record (worker_node.ip_address) and starts scans by connecting to it: use the host's IP address, for example \"10.0.0.5\"");
    }
    if (isLoopbackOrUnspecified(address)) {
        throw new ConfigError(
            `${label}: address ${address} is not reachable from XingRin's server: it connects to each worker from inside its ` +
            "container, where a loopback address is the container itself: use the worker's address on your network, for example \"10.0.0.5\"");
    }
    const port = fields.port ?? 22;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new ConfigError(`${label}: port ${JSON.stringify(port)} is not a TCP port: use a whole number from 1 to 65535 (SSH is usually 22)`);
    }
    const user = fields.user === undefined || (typeof fields.user === "string" && fields.user.trim() === "")
        ? "root"
        : validateUserName(`${label}: user`, typeof fields.user === "string" ? fields.user.trim() : fields.user);
    const hostKey = typeof fields.hostKey === "string" ? fields.hostKey.trim() : "";
    const keyProblem = hostKeyProblem(hostKey);
    if (keyProblem !== undefined) {
        throw new ConfigError(
            `${label}: hostKey ${keyProblem}; it must be the host's public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ` +
            `read it with \`ssh-keyscan -p ${port} -t ed25519 ${address || "<address>"}\` and paste the key part`);
    }
    return { name, address, port, user, hostKey };
}

/** The host key types OpenSSH offers to a client. */
const HOST_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];

/**
 * What is wrong with a hostKey value, or undefined for one public key line. The value becomes a
 * known_hosts line: a second line could add an entry for other hosts, or for every host ("*"). So it
 * is exactly one "<type> <base64 key> [comment]" on one line, and the key's own encoded type must be
 * the type written before it (a key pasted under the wrong type never matches, and says so here).
 */
export function hostKeyProblem(value: string): string | undefined {
    if (/[\r\n]/.test(value)) return "has more than one line";
    const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [\x20-\x7e]*)?$/.exec(value);
    if (match === null) return "is not one key line of a type, a key and an optional comment";
    const [, type, encoded] = match;
    if (!HOST_KEY_TYPES.includes(type)) return `has the type "${type}", which is not one of ${HOST_KEY_TYPES.join(", ")}`;
    const blob = Buffer.from(encoded, "base64");
    const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
    const encodedType = length > 0 && 4 + length <= blob.length ? blob.subarray(4, 4 + length).toString("latin1") : undefined;
    if (encodedType !== type) return `says "${type}" but holds ${encodedType === undefined ? "no SSH key" : `a "${encodedType}" key`}`;
    return undefined;
}

/** A misspelt field would otherwise be ignored, and its default used without a word. */
function rejectUnknownFields(fields: Record<string, unknown>, label: string): void {
    for (const [field, value] of Object.entries(fields)) {
        if (!FIELDS.includes(field)) {
            const closest = closestField(field);
            const known = "worker entry has only name, address, port, user and hostKey";
            const fix = closest !== undefined ? `did you mean "${closest}"? A ${known}` : `a ${known}`;
            // A field that may hold a credential is named but its value is not printed; hostKey is public.
            const credential = closest !== "hostKey" && /pass|secret|token|private|key/i.test(field);
            const shown = credential ? "value not shown" : `set to ${JSON.stringify(value)}`;
            throw new ConfigError(`${label}: unknown field "${field}" (${shown}); ${fix}`);
        }
    }
}

/** The known field within two edits (ignoring case) of a misspelt one. */
function closestField(field: string): string | undefined {
    const ranked = FIELDS.map(known => ({ known, distance: editDistance(field.toLowerCase(), known.toLowerCase()) }))
        .sort((a, b) => a.distance - b.distance);
    return ranked[0].distance <= 2 ? ranked[0].known : undefined;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** 127.0.0.0/8, ::1, 0.0.0.0 and ::, in any spelling net.isIP accepts. */
function isLoopbackOrUnspecified(address: string): boolean {
    if (net.isIPv4(address)) return address.startsWith("127.") || address === "0.0.0.0";
    const blocks = new net.BlockList();
    blocks.addAddress("::1", "ipv6");
    blocks.addAddress("::", "ipv6");
    blocks.addSubnet("::ffff:127.0.0.0", 104, "ipv6");
    return blocks.check(address, "ipv6");
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
