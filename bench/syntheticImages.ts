/**
 * The benchmark's images: each sandbox stand-in (the same small programs the specs run) with filler
 * layers that give it the size in imageSizes.ts. Pushed to the registry behind the limited link,
 * under a namespace per scale. Deterministic: the same scale and tag always give the same digests,
 * and blobs the registry already holds are not uploaded again.
 */
import * as fs from "fs";
import * as path from "path";
import { benchNamespace, IMAGE_SIZES, MB } from "./imageSizes";
import { payloadLayer, versionLayer } from "./payloadLayer";
import { Descriptor, MANIFEST_V2, RegistryClient } from "./registryClient";

const LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
const CONFIG = "application/vnd.docker.container.image.v1+json";

export interface SyntheticImagesArgs {
    /** The sandbox registry holding the stand-ins (sandbox.json's registry). */
    readonly standinRegistry: string;
    readonly standinNamespace: string;
    /** The tag of the stand-ins to build on. */
    readonly standinTag: string;
    readonly standinRedis: string;
    /** Where to push (the limited registry's own address, not the relay: pushes are not shaped). */
    readonly pushTo: string;
    readonly scale: number;
    /** Remembers the digests of generated layers across runs. */
    readonly indexFile: string;
    readonly log: (line: string) => void;
}

type LayerIndex = Record<string, { digest: string; size: number }>;

export class SyntheticImages {
    private readonly source: RegistryClient;
    private readonly target: RegistryClient;
    private readonly index: LayerIndex;

    constructor(private readonly args: SyntheticImagesArgs) {
        this.source = new RegistryClient(`http://${args.standinRegistry}`);
        this.target = new RegistryClient(`http://${args.pushTo}`);
        this.index = fs.existsSync(args.indexFile) ? JSON.parse(fs.readFileSync(args.indexFile, "utf8")) : {};
    }

    get namespace(): string {
        return benchNamespace(this.args.scale);
    }

    /** The redis image reference, as the stack's redisImage (pulled through `registry`). */
    redisRef(registry: string): string {
        return `${registry}/${this.namespace}/redis:7-alpine`;
    }

    /** Every XingRin image of `tag`, and redis, in the limited registry. */
    async ensureTag(tag: string): Promise<void> {
        for (const service of Object.keys(IMAGE_SIZES)) {
            await this.ensureImage(service, tag);
        }
    }

    private async ensureImage(service: string, tag: string): Promise<void> {
        const size = IMAGE_SIZES[service];
        const repo = service === "redis" ? `${this.namespace}/redis` : `${this.namespace}/xingrin-${service}`;
        const targetTag = service === "redis" ? "7-alpine" : tag;
        const standinRepo = service === "redis" ? this.args.standinRedis.split(":")[0] : `${this.args.standinNamespace}/xingrin-${service}`;
        const standinTag = service === "redis" ? this.args.standinRedis.split(":")[1] : this.args.standinTag;
        const { manifest: standin } = await this.source.manifest(standinRepo, standinTag);
        const config = JSON.parse((await this.source.blob(standinRepo, standin.config.digest)).toString("utf8"));

        const layers: Descriptor[] = [];
        for (const layer of standin.layers) {
            const content = await this.source.blob(standinRepo, layer.digest);
            const pushed = await this.target.putBlob(repo, content);
            layers.push({ ...pushed, mediaType: layer.mediaType });
        }
        // Filler layers (uncompressed tars, so a layer's digest is also its diff id).
        const changes = size.perReleaseMb > 0;
        const diffIds = [...config.rootfs.diff_ids];
        const history = [...(config.history ?? [])];
        const add = (layer: Descriptor, what: string) => {
            layers.push(layer);
            diffIds.push(layer.digest);
            history.push({ created: "1970-01-01T00:00:00Z", created_by: `xingrin-bench: ${what}` });
        };
        const baseBytes = Math.round((size.totalMb - size.perReleaseMb) * this.args.scale * MB);
        add(await this.filler(repo, `${service}/base/${baseBytes}`, "base", baseBytes), `${service} shared part, ${baseBytes} bytes`);
        if (changes) {
            const releaseBytes = Math.round(size.perReleaseMb * this.args.scale * MB);
            add(await this.filler(repo, `${service}/${tag}/${releaseBytes}`, "release", releaseBytes), `${service} ${tag} release part, ${releaseBytes} bytes`);
            const version = await this.target.putBlob(repo, versionLayer(tag));
            add({ ...version, mediaType: LAYER_TAR }, `/VERSION ${tag}`);
            config.config.Env = (config.config.Env ?? []).map((e: string) => e.startsWith("XINGRIN_STANDIN_VERSION=") ? `XINGRIN_STANDIN_VERSION=${tag}` : e);
            config.config.Labels = { ...(config.config.Labels ?? {}), "org.opencontainers.image.version": tag };
        }
        config.rootfs = { type: "layers", diff_ids: diffIds };
        config.history = history;
        const configBlob = await this.target.putBlob(repo, Buffer.from(JSON.stringify(config)));
        const digest = await this.target.putManifest(repo, targetTag, {
            schemaVersion: 2,
            mediaType: MANIFEST_V2,
            config: { ...configBlob, mediaType: CONFIG },
            layers,
        });
        const total = layers.reduce((sum, layer) => sum + layer.size, 0);
        this.args.log(`${repo}:${targetTag} ${(total / MB).toFixed(0)} MB (${digest.slice(0, 19)})`);
    }

    private async filler(repo: string, seed: string, name: string, bytes: number): Promise<Descriptor> {
        const key = `${repo}|${seed}`;
        const known = this.index[key];
        if (known !== undefined && await this.target.hasBlob(repo, known.digest)) {
            return { mediaType: LAYER_TAR, ...known };
        }
        this.args.log(`generating ${(bytes / MB).toFixed(0)} MB for ${repo} (${seed})`);
        const pushed = await this.target.streamBlob(repo, payloadLayer(seed, name, bytes));
        this.index[key] = pushed;
        fs.mkdirSync(path.dirname(this.args.indexFile), { recursive: true });
        fs.writeFileSync(this.args.indexFile, JSON.stringify(this.index, null, 1));
        return { mediaType: LAYER_TAR, ...pushed };
    }
}
