import * as net from "net";
import { ConfigError } from "./errors";
import { Problem } from "./imageReference";

// RFC 1123 labels; "_" is let through because Docker resolves container names that carry it.
const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const HOST_NAME_MAX_LENGTH = 253;
// What useradd and sshd accept everywhere; "-" first would read as an option to ssh.
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

/**
 * What is wrong with a value that should be a host name or an IP address, or undefined when it is
 * one. The common slips get their own words: a URL, a host:port, a leading "-".
 */
export function hostProblem(value: string): Problem | undefined {
    if (net.isIP(value) !== 0 || (HOST_NAME.test(value) && value.length <= HOST_NAME_MAX_LENGTH && !/^[0-9.]+$/.test(value))) {
        return undefined;
    }
    if (value === "") {
        return { problem: "is empty" };
    }
    if (value.includes("://")) {
        return { problem: "is a URL, not a host name", suggestion: hostOfUrl(value) };
    }
    if (/\s/.test(value)) {
        return { problem: "contains white space" };
    }
    if (value.startsWith("-")) {
        return { problem: 'starts with "-", which ssh and docker would read as an option' };
    }
    if (value.startsWith("[") && value.endsWith("]") && net.isIP(value.slice(1, -1)) === 6) {
        return { problem: "has brackets around an IPv6 address", suggestion: value.slice(1, -1) };
    }
    if (/^[^@]+@[^@]+$/.test(value)) {
        return { problem: "has a user name in it, which has its own setting", suggestion: value.slice(value.indexOf("@") + 1) };
    }
    if (value.includes("/")) {
        return { problem: "has a path", suggestion: value.slice(0, value.indexOf("/")) };
    }
    if (/^[^:]+:[0-9]*$/.test(value)) {
        return { problem: "has a port, which has its own setting", suggestion: value.slice(0, value.indexOf(":")) };
    }
    if (/^[0-9.]+$/.test(value)) {
        return { problem: "looks like an IPv4 address but is not one" };
    }
    return { problem: "is not a host name or IP address" };
}

function hostOfUrl(value: string): string | undefined {
    try {
        return new URL(value).hostname.replace(/^\[(.*)\]$/, "$1") || undefined;
    } catch {
        return undefined;
    }
}

/** `subject` is how the message names the setting, e.g. `publicHost` or `workers[0] ("w1"): address`. */
export function validateHost(subject: string, value: string, example: string): string {
    const found = hostProblem(value);
    if (found !== undefined) {
        const fix = found.suggestion !== undefined
            ? `use the host alone: ${JSON.stringify(found.suggestion)}`
            : `use a DNS name such as ${JSON.stringify(example)} or an IP address such as "10.0.0.5"`;
        throw new ConfigError(`${subject} ${JSON.stringify(value)} ${found.problem}; ${fix}`);
    }
    return value;
}

/** A host address to publish a port on: IPv4 or IPv6, as Docker's port binding takes it. */
export function validateIpAddress(key: string, value: string): string {
    if (net.isIP(value) === 0) {
        throw new ConfigError(
            `${key} ${JSON.stringify(value)} is not an IP address; use an IPv4 or IPv6 address such as ` +
            '"0.0.0.0" (every interface), "127.0.0.1" (this host only), "::" or the address of one interface');
    }
    return value;
}

export function validateUserName(subject: string, value: unknown): string {
    if (typeof value !== "string" || !USER_NAME.test(value)) {
        throw new ConfigError(
            `${subject} ${JSON.stringify(value)} is not a user name; use up to 32 letters, digits, ".", "_" and "-", ` +
            'not starting with "." or "-", for example "root" or "xingrin"');
    }
    return value;
}

/** A host name for a URL: an IPv6 address goes in brackets. */
export function urlHost(host: string): string {
    return net.isIP(host) === 6 ? `[${host}]` : host;
}
