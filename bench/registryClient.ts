/**
 * The few calls of the registry HTTP API (distribution v2) the benchmark needs to copy the
 * stand-in images and to push the synthetic layers that give them a realistic size.
 */
import * as crypto from "crypto";
import * as http from "http";
import { Readable } from "stream";

export const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

export interface Descriptor {
    mediaType: string;
    size: number;
    digest: string;
}

export interface ManifestV2 {
    schemaVersion: 2;
    mediaType: string;
    config: Descriptor;
    layers: Descriptor[];
}

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function request(url: string, method: string, headers: Record<string, string> = {}, body?: Buffer | Readable): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, headers }, res => {
            const chunks: Buffer[] = [];
            res.on("data", chunk => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on("error", reject);
        });
        req.on("error", reject);
        if (body instanceof Readable) {
            body.on("error", reject);
            body.pipe(req);
        } else {
            req.end(body);
        }
    });
}

function expect(reply: Reply, ok: number[], what: string): Reply {
    if (!ok.includes(reply.status)) {
        throw new Error(`registry: ${what} answered ${reply.status}: ${reply.body.toString("utf8").slice(0, 300)}`);
    }
    return reply;
}

export class RegistryClient {
    /** base: "http://host:port" */
    constructor(private readonly base: string) {}

    async manifest(repo: string, reference: string): Promise<{ manifest: ManifestV2; digest: string }> {
        const reply = expect(await request(`${this.base}/v2/${repo}/manifests/${reference}`, "GET", { Accept: MANIFEST_V2 }),
            [200], `GET manifest ${repo}:${reference}`);
        const digest = reply.headers["docker-content-digest"] as string;
        return { manifest: JSON.parse(reply.body.toString("utf8")), digest };
    }

    async blob(repo: string, digest: string): Promise<Buffer> {
        return expect(await request(`${this.base}/v2/${repo}/blobs/${digest}`, "GET"), [200], `GET blob ${repo}@${digest}`).body;
    }

    async hasBlob(repo: string, digest: string): Promise<boolean> {
        return (await request(`${this.base}/v2/${repo}/blobs/${digest}`, "HEAD")).status === 200;
    }

    /** Uploads a small blob held in memory; skipped when the repository has it already. */
    async putBlob(repo: string, content: Buffer): Promise<Descriptor & { mediaType: "" }> {
        const digest = `sha256:${crypto.createHash("sha256").update(content).digest("hex")}`;
        if (!(await this.hasBlob(repo, digest))) {
            const location = await this.startUpload(repo);
            expect(await request(withDigest(location, digest), "PUT", { "Content-Type": "application/octet-stream", "Content-Length": String(content.length) }, content),
                [201], `PUT blob ${repo}@${digest}`);
        }
        return { mediaType: "", size: content.length, digest };
    }

    /**
     * Streams a large blob whose digest is not known in advance: PATCH the whole stream, then
     * close the upload with the digest computed on the way.
     */
    async streamBlob(repo: string, content: Readable): Promise<{ digest: string; size: number }> {
        const location = await this.startUpload(repo);
        // Hash on the way out; attached only now, so no chunk flows before the upload is open.
        const hash = crypto.createHash("sha256");
        let size = 0;
        content.on("data", (chunk: Buffer) => { hash.update(chunk); size += chunk.length; });
        const patched = expect(await request(absolute(this.base, location), "PATCH", { "Content-Type": "application/octet-stream" }, content),
            [202], `PATCH upload ${repo}`);
        const digest = `sha256:${hash.digest("hex")}`;
        expect(await request(withDigest(absolute(this.base, patched.headers.location as string), digest), "PUT", { "Content-Length": "0" }),
            [201], `PUT (close upload) ${repo}@${digest}`);
        return { digest, size };
    }

    async putManifest(repo: string, tag: string, manifest: ManifestV2): Promise<string> {
        const body = Buffer.from(JSON.stringify(manifest));
        const reply = expect(await request(`${this.base}/v2/${repo}/manifests/${tag}`, "PUT", { "Content-Type": MANIFEST_V2 }, body),
            [201], `PUT manifest ${repo}:${tag}`);
        return reply.headers["docker-content-digest"] as string;
    }

    private async startUpload(repo: string): Promise<string> {
        const reply = expect(await request(`${this.base}/v2/${repo}/blobs/uploads/`, "POST", { "Content-Length": "0" }), [202], `POST upload ${repo}`);
        return absolute(this.base, reply.headers.location as string);
    }
}

function absolute(base: string, location: string): string {
    return location.startsWith("http") ? location : `${base}${location}`;
}

function withDigest(location: string, digest: string): string {
    return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}
