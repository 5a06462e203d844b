import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
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

/** The XingRin image a service's container runs: the scheduler runs the server's. */
export function imageOf(service: string): string {
    return service === "scheduler" ? "server" : service;
}

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

export interface PublicAnswer { status: number; body: string; setCookie: string[] }
/** Where the sandbox's nginx answers and the certificate it serves (sandbox.json). */
export interface PublicEntry { publicHost: string; tlsCaFile: string }

/**
 * One request to XingRin's public entry, nginx on 8083 at the fleet's publicHost over TLS, trusting
 * exactly the sandbox's certificate (sandbox.json's tlsCaFile): certificate checks stay on.
 */
export function publicRequest(fleet: PublicEntry, method: "GET" | "POST", path: string, body?: unknown, cookie?: string): Promise<PublicAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) };
    if (cookie !== undefined) headers.Cookie = cookie;
    return new Promise((resolve, reject) => {
        const req = https.request(`https://${fleet.publicHost}:8083${path}`, {
            method,
            ca: fs.readFileSync(fleet.tlsCaFile),
            agent: false,
            timeout: 10_000,
            headers,
        }, res => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", chunk => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers["set-cookie"] ?? [] }));
        });
        req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
        req.on("error", reject);
        req.end(payload);
    });
}

/** GET through nginx without a login: the public health check. */
export function httpsGet(fleet: PublicEntry, path: string): Promise<PublicAnswer> {
    return publicRequest(fleet, "GET", path);
}

/**
 * Logs in as XingRin's UI does (POST /api/auth/login/, contract §9) as admin, with the password
 * init_admin gave it (the sandbox sets no ADMIN_PASSWORD, so XingRin's default): the session cookie.
 */
export async function login(fleet: PublicEntry): Promise<string> {
    const answer = await publicRequest(fleet, "POST", "/api/auth/login/", { username: "admin", password: "admin" });
    const session = answer.setCookie.map(c => c.split(";")[0]).find(c => c.startsWith("sessionid="));
    if (answer.status !== 200 || session === undefined) throw new Error(`login as admin answered ${answer.status}: ${answer.body}`);
    return session;
}

/** A request on a session route: logged in first, as the UI is. */
export async function sessionRequest(fleet: PublicEntry, method: "GET" | "POST", path: string, body?: unknown): Promise<PublicAnswer> {
    return publicRequest(fleet, method, path, body, await login(fleet));
}

/** Stores a scan through XingRin's API (nginx, then the server, then postgres): a row that must survive. */
export async function storeScan(fleet: PublicEntry, target: string): Promise<void> {
    const answer = await sessionRequest(fleet, "POST", "/api/scans/", { target });
    if (answer.status !== 201) throw new Error(`POST /api/scans/ answered ${answer.status}: ${answer.body}`);
}

/**
 * Runs SQL in the stack's postgres (database xingrin, user postgres: the defaults), or in another
 * postgres container, and returns its rows, unaligned. Data-survival checks read rows back this way, from the database itself.
 */
export function sql(host: string, query: string, container = serviceContainer(host, "postgres")): string {
    return docker(host, ["exec", container, "psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
        "-U", "postgres", "-d", "xingrin", "-c", query]);
}

/** The targets of every stored scan, in order, whichever schema version the table has. */
export function scanTargets(host: string, container?: string): string[] {
    const rows = sql(host, "SELECT coalesce(to_jsonb(s)->>'target_name', to_jsonb(s)->>'target') FROM scan s ORDER BY id", container);
    return rows === "" ? [] : rows.split("\n");
}

/** The identifier initdb gave the cluster: the same value means the same database files. */
export function clusterIdentifier(host: string, container?: string): string {
    return sql(host, "SELECT system_identifier FROM pg_control_system()", container);
}
