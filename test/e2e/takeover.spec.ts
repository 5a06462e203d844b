import * as assert from "assert";
import { assertScanOnEveryWorker } from "./support/scans";
import { assertWorkersRegistered } from "./support/xingrinWorkers";
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { clusterIdentifier, docker, inspectContainer, scanTargets, serviceContainer, sql } from "./support/hosts";
import { SandboxFleet, sandboxDown, sandboxUp } from "./support/sandbox";
import { collectSteps, createSandboxStack, E2eStack, echoTo, removeSandboxStack, STACK_NAME, stackEnv, storedState, upAt } from "./support/stack";

const REPO = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(__dirname, "fixtures", "install-sh", "docker-compose.yml");
const PROJECT = "docker";   // install.sh runs compose in XingRin's docker/ directory
const STORED_SCANS = ["a.example.com", "b.example.com", "c.example.com"];

/**
 * Issue 11: an installation made the way install.sh makes one (compose, generated secrets, a
 * remote worker started with `docker run`), with data in its database, taken over by `npm run adopt`
 * and one `pulumi up`, then updated and rolled back. At every step the data and the worker's
 * registration are still there, no xingrin-* container is outside the program's control, and no
 * secret appears in plain text.
 */
describe("taking over an install.sh installation with its data", function () {
    this.timeout(15 * 60 * 1000);
    let fleet: SandboxFleet;
    let e2e: E2eStack;
    let installDir: string;
    let clusterId: string;
    let workerOneId: string;
    const secrets = {
        DB_PASSWORD: `pw-${crypto.randomBytes(8).toString("hex")}`,
        DJANGO_SECRET_KEY: `dj-${crypto.randomBytes(16).toString("hex")}`,
        WORKER_API_KEY: `wk-${crypto.randomBytes(16).toString("hex")}`,
    };
    const ref = (service: string, tag: string) => `${fleet.registry}/${fleet.namespace}/xingrin-${service}:${tag}`;
    const postgres = () => serviceContainer(fleet.dockerHost, "postgres");

    function compose(args: string[]): void {
        execFileSync("docker-compose", ["--project-name", PROJECT, ...args], {
            cwd: installDir, env: { ...process.env, DOCKER_HOST: fleet.dockerHost }, stdio: ["ignore", "inherit", "inherit"],
        });
    }

    /** What the takeover must keep, and what it must leave under the program's control alone. */
    async function assertTakenOver(tag: string) {
        assert.deepStrictEqual(scanTargets(fleet.dockerHost, postgres()), STORED_SCANS);
        assert.strictEqual(clusterIdentifier(fleet.dockerHost, postgres()), clusterId, "postgres runs on another cluster than install.sh's");
        for (const host of [fleet.dockerHost, ...fleet.workers.map(w => w.dockerHost)]) {
            const rows = docker(host, ["ps", "-a", "--format", `{{.Names}} {{.Label "xingrin.stack"}} {{.Label "com.docker.compose.project"}}`])
                .split("\n").filter(row => row.startsWith("xingrin-"));
            for (const row of rows) {
                const [name, stack, composeProject] = row.split(" ");
                assert.strictEqual(stack, `xingrin-deploy/${STACK_NAME}`, `${name} on ${host} is not the program's`);
                assert.ok(composeProject === undefined || composeProject === "", `${name} on ${host} still belongs to compose`);
            }
        }
        const server = inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, "server"));
        assert.strictEqual(server.env.IMAGE_TAG, tag);
        // The installation's own secrets carry on: the database and the registered workers keep working.
        assert.strictEqual(server.env.DB_PASSWORD, secrets.DB_PASSWORD);
        assert.strictEqual(server.env.WORKER_API_KEY, secrets.WORKER_API_KEY);
        // .env settings the program has no key of its own for are carried (serverExtraEnv).
        assert.strictEqual(server.env.LOG_LEVEL, "DEBUG");
        assert.strictEqual(server.env.SCAN_RETENTION_DAYS, "14");
        const agent = inspectContainer(fleet.workers[0].dockerHost, serviceContainer(fleet.workers[0].dockerHost, "agent"));
        assert.ok(agent.imageTags.includes(ref("agent", tag)), `worker-1's agent runs ${agent.imageTags}`);
        assert.strictEqual(agent.env.WORKER_API_KEY, secrets.WORKER_API_KEY);
        assert.strictEqual(agent.env.WORKER_ID, workerOneId, "worker-1 keeps the record XingRin made for it");
        await assertWorkersRegistered(fleet.dockerHost, `xingrin-deploy/${STACK_NAME}`, fleet.workers);
        await assertScanOnEveryWorker(fleet, `xingrin-deploy/${STACK_NAME}`, ref("worker", tag));
        const state = storedState(e2e);
        const printed = e2e.output.join("");
        for (const [key, secret] of Object.entries(secrets)) {
            assert.ok(!state.includes(secret), `${key} is in the state in plain text`);
            assert.ok(!printed.includes(secret), `${key} was printed`);
        }
    }

    async function up(tag: string) {
        assert.strictEqual((await upAt(e2e, tag)).summary.result, "succeeded");
    }

    before(async () => {
        fleet = sandboxUp();
        // 1. Deploy XingRin the way install.sh does: compose, an .env with generated secrets.
        installDir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-install-sh-"));
        fs.copyFileSync(FIXTURE, path.join(installDir, "docker-compose.yml"));
        fs.mkdirSync(fleet.tlsCertDir, { recursive: true });
        fs.writeFileSync(path.join(installDir, ".env"), [
            "# written like install.sh writes docker/.env",
            `IMAGE_REGISTRY=${fleet.registry}`, `DOCKER_USER=${fleet.namespace}`, "IMAGE_TAG=v1.1.0",
            `REDIS_IMAGE=${fleet.redisImage}`,
            "DB_HOST=postgres", "DB_PORT=5432", "DB_NAME=xingrin", "DB_USER=postgres",
            `DB_PASSWORD=${secrets.DB_PASSWORD}`, "REDIS_HOST=redis", "SERVER_PORT=8888",
            `PUBLIC_HOST=${fleet.publicHost}`, "PUBLIC_PORT=8083", `BIND_ADDRESS=${fleet.bindAddress}`, `DJANGO_SECRET_KEY="${secrets.DJANGO_SECRET_KEY}"`, "DEBUG=False",
            `WORKER_API_KEY=${secrets.WORKER_API_KEY}`, `DATA_DIR=${fleet.dataDir}`, `TLS_DIR=${fleet.tlsCertDir}`,
            "LOG_LEVEL=DEBUG", "SCAN_RETENTION_DAYS=14", "",
        ].join("\n"), { mode: 0o600 });
        compose(["up", "--detach"]);
        // 2. Data in its database, once its server has migrated the schema.
        const deadline = Date.now() + 90_000;
        const migrated = () => spawnSync("docker", ["--host", fleet.dockerHost, "exec", "xingrin-postgres", "psql", "-U", "postgres",
            "-d", "xingrin", "-tAc", "SELECT to_regclass('scan') IS NOT NULL"], { encoding: "utf8" }).stdout.trim() === "t";
        while (!migrated()) {
            assert.ok(Date.now() < deadline, "install.sh's server did not migrate its database");
            execFileSync("sleep", ["0.5"]);
        }
        sql(fleet.dockerHost, `INSERT INTO scan (target) VALUES ${STORED_SCANS.map(t => `('${t}')`).join(", ")}`, "xingrin-postgres");
        // worker-1 as XingRin's UI made it (POST /api/workers/, then its deploy), and its agent with that record's id.
        const w1 = fleet.workers[0];
        workerOneId = sql(fleet.dockerHost, "INSERT INTO worker_node (name, ip_address, ssh_port, username, password, is_local, status, created_at, updated_at) " +
            `VALUES ('${w1.name}', '${w1.address}', ${w1.port}, 'root', 'set-in-the-ui', false, 'pending', now(), now()) RETURNING id`, "xingrin-postgres");
        // install.sh's remote worker: the agent started by hand with docker run.
        execFileSync("ssh", ["-F", path.join(fleet.stateDir, "ssh", "config"), "worker-1",
            "IFS= read -r WORKER_API_KEY; export WORKER_API_KEY; " +
            `docker run -d --name xingrin-agent --restart always -e SERVER_URL=https://${fleet.publicHost}:8083 -e WORKER_ID=${workerOneId} ` +
            `-e IMAGE_TAG=v1.1.0 -e WORKER_API_KEY -v /proc:/host/proc:ro ${ref("agent", "v1.1.0")}`],
        { input: `${secrets.WORKER_API_KEY}\n`, stdio: ["pipe", "ignore", "inherit"] });

        clusterId = clusterIdentifier(fleet.dockerHost, "xingrin-postgres");
        e2e = await createSandboxStack(fleet, "v1.1.0");
    });

    after(async () => {
        if (e2e !== undefined) {
            await e2e.stack.destroy({ onOutput: echoTo(e2e), color: "never" }).catch(err => console.error(`destroy failed: ${err}`));
            await removeSandboxStack(e2e);
        }
        fs.rmSync(installDir, { recursive: true, force: true });
        sandboxDown();
    });

    it("3a. `npm run adopt` writes the installation's settings and secrets, printing no secret", () => {
        const adopt = spawnSync("npx", ["ts-node", "--transpile-only", "release/cli.ts", "adopt", "--env", path.join(installDir, ".env"),
            "--docker-host", fleet.dockerHost, "--stack", STACK_NAME], {
            cwd: REPO, encoding: "utf8", env: { ...process.env, ...stackEnv(e2e) },
        });
        const output = `${adopt.stdout}${adopt.stderr}`;
        e2e.output.push(output);
        process.stdout.write(output.split("\n").map(line => `      | ${line}`).join("\n"));
        assert.strictEqual(adopt.status, 0, output);
        assert.match(output, /postgresVolume +docker_postgres_data/);
        assert.match(output, /takeoverComposeProject +docker/);
        assert.match(output, /databasePassword +\[secret\]/);
    });

    it("3b. the takeover's preview imports the network and the volume and deletes nothing that holds data", async () => {
        const events: EngineEvent[] = [];
        await e2e.stack.preview({ color: "never", onEvent: e => events.push(e), onOutput: echoTo(e2e) });
        const steps = collectSteps(events);
        const op = (name: string) => steps.find(step => step.urn.endsWith(`::${name}`))?.op;
        assert.strictEqual(op("main-server-network"), "import");
        assert.strictEqual(op("main-server-postgres-data"), "import");
        for (const name of ["take-over-postgres", "take-over-redis", "take-over-nginx", "xingrin-postgres", "xingrin-nginx", "xingrin-server-v1.1.0"]) {
            assert.strictEqual(op(name), "create", name);
        }
        assert.deepStrictEqual(steps.filter(step => step.op === "delete" || step.op === "replace").map(step => step.urn), []);
    });

    it("3c. one `pulumi up` takes it over: data and registration kept, compose's containers gone", async () => {
        await up("v1.1.0");
        await assertTakenOver("v1.1.0");
        assert.strictEqual(docker(fleet.dockerHost, ["ps", "-aq", "--filter", `label=com.docker.compose.project=${PROJECT}`]), "");
        const preview = await e2e.stack.preview({ color: "never" });
        const changed = Object.entries(preview.changeSummary).filter(([op, count]) => op !== "same" && count > 0);
        assert.deepStrictEqual(changed, [], preview.stdout);
    });

    it("3d. then an update to the next tag (a migrating one) keeps everything, and a rollback past its migration is refused", async () => {
        await up("v1.2.0");
        await assertTakenOver("v1.2.0");
        await assert.rejects(up("v1.1.0"), /imageTag v1\.1\.0 is older than the database/);
        await e2e.stack.setConfig("imageTag", { value: "v1.2.0" });
        await assertTakenOver("v1.2.0");
    });
});
