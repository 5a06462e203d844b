/**
 * (a) XingRin's own update, as its update.sh does it: stop the whole stack, pull the new tag,
 * start it again (docker-compose down / pull / up -d on XingRin's compose file). Measured with
 * docker commands only; XingRin Deploy takes no part.
 */
import * as fs from "fs";
import * as path from "path";
import { mustRun, run, sleep } from "./run";

const PROJECT = "xingrin-bench-baseline";
const CONTAINERS = ["xingrin-postgres", "xingrin-redis", "xingrin-server", "xingrin-agent", "xingrin-frontend", "xingrin-nginx"];

export interface BaselineArgs {
    readonly dockerHost: string;
    readonly registry: string;
    readonly namespace: string;
    readonly redisImage: string;
    readonly bindAddress: string;
    readonly publicUrl: string;
    /** The sandbox's certificate and key (sandbox.json's tlsCertDir), which nginx serves and the checks trust. */
    readonly tlsCertDir: string;
    readonly workDir: string;
    readonly log: (line: string) => void;
}

export interface Phase { readonly name: string; readonly start: number; readonly end: number }

export interface BaselineUpdate {
    readonly start: number;
    readonly end: number;
    readonly phases: Phase[];
    /** When each container was running and, where it has a health check, healthy (ms on the clock). */
    readonly ready: Record<string, number>;
}

export class Baseline {
    constructor(private readonly args: BaselineArgs) {}

    /** A first install at `tag`, as install.sh leaves it (not measured). */
    async install(tag: string): Promise<void> {
        fs.rmSync(this.args.workDir, { recursive: true, force: true });
        for (const dir of ["data", "ssl"]) fs.mkdirSync(path.join(this.args.workDir, dir), { recursive: true });
        for (const file of ["fullchain.pem", "privkey.pem"]) {
            fs.copyFileSync(path.join(this.args.tlsCertDir, file), path.join(this.args.workDir, "ssl", file));
        }
        fs.copyFileSync(path.join(__dirname, "baseline", "docker-compose.yml"), path.join(this.args.workDir, "docker-compose.yml"));
        this.writeEnv(tag);
        await this.compose(["up", "-d"]);
        await this.waitReady(() => 0, 300_000);
    }

    /** update.sh: down, new IMAGE_TAG, pull, up; done when every service is healthy and the public endpoint answers. */
    async update(tag: string, clock: () => number): Promise<BaselineUpdate> {
        const phases: Phase[] = [];
        const phase = async (name: string, work: () => Promise<unknown>) => {
            this.args.log(`(a) baseline: ${name}`);
            const start = clock();
            await work();
            phases.push({ name, start, end: clock() });
        };
        const start = clock();
        await phase("stop (down)", () => this.compose(["down"]));
        this.writeEnv(tag);
        await phase("pull", () => this.compose(["pull", "--quiet"]));
        let ready: Record<string, number> = {};
        await phase("start (up -d, until healthy)", async () => {
            const up = this.compose(["up", "-d"]);
            ready = await this.waitReady(clock, 600_000);
            await up;
        });
        return { start, end: clock(), phases, ready };
    }

    async remove(): Promise<void> {
        if (fs.existsSync(path.join(this.args.workDir, "docker-compose.yml"))) {
            await this.compose(["down", "-v"]);
        }
        fs.rmSync(this.args.workDir, { recursive: true, force: true });
    }

    private writeEnv(tag: string): void {
        const env = {
            IMAGE_TAG: tag,
            IMAGE_REGISTRY: this.args.registry,
            DOCKER_USER: this.args.namespace,
            REDIS_IMAGE: this.args.redisImage,
            BIND_ADDRESS: this.args.bindAddress,
            PUBLIC_HOST: this.args.bindAddress,
            PUBLIC_PORT: "8083",
            SERVER_PORT: "8888",
            DB_HOST: "postgres",
            DB_PORT: "5432",
            DB_NAME: "xingrin",
            DB_USER: "postgres",
            DB_PASSWORD: "bench-db-password",
            REDIS_HOST: "redis",
            DJANGO_SECRET_KEY: "bench-django-key",
            WORKER_API_KEY: "bench-worker-key",
            DATA_DIR: path.join(this.args.workDir, "data"),
            TLS_DIR: path.join(this.args.workDir, "ssl"),
        };
        fs.writeFileSync(path.join(this.args.workDir, ".env"), Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
    }

    private compose(args: string[]): Promise<string> {
        return mustRun("docker-compose", ["-p", PROJECT, ...args], { cwd: this.args.workDir, env: { DOCKER_HOST: this.args.dockerHost } });
    }

    /** Polls until every container runs (healthy where it has a check) and the public endpoint answers. */
    private async waitReady(clock: () => number, timeoutMs: number): Promise<Record<string, number>> {
        const ready: Record<string, number> = {};
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const inspect = await run("docker", ["inspect", "--format", "{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", ...CONTAINERS],
                { env: { DOCKER_HOST: this.args.dockerHost } });
            for (const line of inspect.stdout.split("\n")) {
                const [name, status, health] = line.trim().split(" ");
                if (name && status === "running" && (health === "healthy" || health === "none") && ready[name.slice(1)] === undefined) {
                    ready[name.slice(1)] = clock();
                }
            }
            const publicOk = (await run("curl", ["-fs", "-o", "/dev/null", "--max-time", "1",
                "--cacert", path.join(this.args.tlsCertDir, "fullchain.pem"), this.args.publicUrl], {})).code === 0;
            if (publicOk && CONTAINERS.every(c => ready[c] !== undefined)) return ready;
            if (Date.now() > deadline) {
                throw new Error(`baseline: not ready after ${timeoutMs / 1000} s; ready so far: ${JSON.stringify(ready)}`);
            }
            await sleep(250);
        }
    }
}
