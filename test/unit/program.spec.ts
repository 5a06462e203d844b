import * as assert from "assert";
import { byType, isSecretInput, named, plain, runProgram, scriptOf, valueOf, ProgramRun, StackConfig } from "../support/program";
import { prodConfig, SECRET_KEYS, SECRETS, WORKERS } from "../support/fixtures";

const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:remote:Command";
const CONTAINERS_V110 = ["xingrin-postgres", "xingrin-redis", "xingrin-server-v1.1.0", "xingrin-agent-v1.1.0", "xingrin-frontend-v1.1.0", "xingrin-nginx", "xingrin-scheduler"];
const REGISTRY = "registry.example.com/xingrin";

function env(container: { inputs: Record<string, any> }): Record<string, string> {
    const list: string[] = plain(container.inputs.envs) ?? [];
    return Object.fromEntries(list.map(entry => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

function imageLabel(container: { inputs: Record<string, any> }): string {
    return container.inputs.labels.find((l: { label: string }) => l.label === "xingrin.image").value;
}

/** Every image reference the program would put on any host, from images, containers and SSH commands. */
function allImageRefs(run: ProgramRun): string[] {
    const pulled = byType(run.resources, REMOTE_IMAGE).map(r => r.inputs.name as string);
    const labelled = byType(run.resources, CONTAINER).map(imageLabel);
    const remote = byType(run.resources, COMMAND).flatMap(r => scriptOf(r).match(/'[^'= ]+\/xingrin-[a-z]+:[^' ]+'/g) ?? [])
        .map(quoted => quoted.slice(1, -1));
    return [...pulled, ...labelled, ...remote];
}

describe("the program on prod-like config", () => {
    let v110: ProgramRun;
    let v120: ProgramRun;
    before(async () => {
        v110 = await runProgram(prodConfig({ imageTag: "v1.1.0" }), SECRET_KEYS);
        v120 = await runProgram(prodConfig({ imageTag: "v1.2.0" }), SECRET_KEYS);
    });

    it("puts the configured tag on every XingRin image on every host; redis is the only other image", () => {
        const refs = allImageRefs(v110);
        const xingrin = refs.filter(ref => ref.includes("/xingrin-"));
        const others = [...new Set(refs.filter(ref => !ref.includes("/xingrin-")))];
        // redis's label is its repository alone: it follows its image's content (as postgres does).
        assert.deepStrictEqual(others, ["redis:7-alpine", "redis"]);
        assert.ok(xingrin.length >= 6 + 6 + 4, `expected images, labels and worker pulls, got ${xingrin.length}`);
        for (const ref of xingrin.filter(ref => ref !== `${REGISTRY}/xingrin-postgres` && ref !== `${REGISTRY}/xingrin-nginx`)) {
            assert.match(ref, /^registry\.example\.com\/xingrin\/xingrin-[a-z]+:v1\.1\.0$/);
        }
    });

    it("restarts postgres only for a new image content: nothing but its image id may differ between two tags", () => {
        const postgres = (run: ProgramRun) => named(run.resources, "xingrin-postgres");
        assert.strictEqual(imageLabel(postgres(v110)), `${REGISTRY}/xingrin-postgres`);
        const { image: imageBefore, ...before } = postgres(v110).inputs;
        const { image: imageAfter, ...after } = postgres(v120).inputs;
        assert.deepStrictEqual(plain(after), plain(before));
        // The mocks give each tag its own content, so here the id (and only the id) moves.
        assert.notStrictEqual(plain(imageAfter), plain(imageBefore));
    });

    it("passes no previous output to commands on workers, so hosts without AcceptEnv print no warnings", () => {
        const remote = byType(v110.resources, COMMAND);
        assert.ok(remote.length >= 6, `expected pre-pull, agent and prune on each worker, got ${remote.length}`);
        for (const cmd of remote) {
            assert.strictEqual(cmd.inputs.addPreviousOutputInEnv, false, cmd.name);
        }
    });

    it("hands server and frontend over right before nginx starts, after the new ones are healthy", () => {
        const handOver = named(v120.resources, "main-server-hand-over");
        for (const container of ["xingrin-server-v1.2.0", "xingrin-frontend-v1.2.0"]) {
            assert.ok(handOver.dependencies.includes(named(v120.resources, container).urn), `hand-over must wait for ${container}`);
        }
        assert.ok(named(v120.resources, "xingrin-nginx").dependencies.includes(handOver.urn), "nginx must start after the hand-over");
        // Rerun for any new server or frontend container, also at the same tag (nginx resolves it anew).
        assert.strictEqual(handOver.inputs.triggers.length, 2);
        assert.match(scriptOf(handOver), /case "\$name" in 'xingrin-server-v1\.2\.0'\|'xingrin-frontend-v1\.2\.0'\) continue/);
    });

    it("replaces nginx only for a new image content too: its label names no tag, the hand-over reloads it", () => {
        assert.strictEqual(imageLabel(named(v110.resources, "xingrin-nginx")), `${REGISTRY}/xingrin-nginx`);
        const { image: imageBefore, ...before } = named(v110.resources, "xingrin-nginx").inputs;
        const { image: imageAfter, ...after } = named(v120.resources, "xingrin-nginx").inputs;
        assert.deepStrictEqual(plain(after), plain(before));
        assert.notStrictEqual(plain(imageAfter), plain(imageBefore));
        assert.match(scriptOf(named(v120.resources, "main-server-hand-over")), /proxy='xingrin-nginx'/);
    });

    it("pulls one image per XingRin service the main server needs, kept on the host for rollbacks", () => {
        const images = byType(v110.resources, REMOTE_IMAGE);
        assert.deepStrictEqual(images.map(i => i.inputs.name).sort(), [
            `${REGISTRY}/xingrin-agent:v1.1.0`, `${REGISTRY}/xingrin-frontend:v1.1.0`, `${REGISTRY}/xingrin-nginx:v1.1.0`,
            `${REGISTRY}/xingrin-postgres:v1.1.0`, `${REGISTRY}/xingrin-server:v1.1.0`, `${REGISTRY}/xingrin-worker:v1.1.0`,
            "redis:7-alpine",
        ].sort());
        assert.ok(images.every(i => i.inputs.keepLocally === true));
    });

    it("changes every XingRin image reference and every pre-pull's command when the tag changes", () => {
        const before = allImageRefs(v110).filter(ref => ref.includes("/xingrin-"));
        const after = allImageRefs(v120).filter(ref => ref.includes("/xingrin-"));
        assert.deepStrictEqual(after, before.map(ref => ref.replace(/:v1\.1\.0$/, ":v1.2.0")));
        for (const name of ["worker-1-pre-pull", "worker-2-pre-pull", "worker-1-agent", "worker-2-agent"]) {
            const old = scriptOf(named(v110.resources, name));
            const updated = scriptOf(named(v120.resources, name));
            assert.notStrictEqual(updated, old, `${name} must re-run on a tag change`);
            assert.strictEqual(updated, old.split("v1.1.0").join("v1.2.0"));
        }
        // server, frontend and agent get a container per tag; the others are replaced in place.
        const names = (run: ProgramRun) => byType(run.resources, CONTAINER).map(c => c.name).sort();
        assert.deepStrictEqual(names(v120), names(v110).map(name => name.replace("v1.1.0", "v1.2.0")));
    });

    it("gives XingRin's settings the names they read: SECRET_KEY for Django, DOCKER_USER with the registry, results and logs in the data dir", () => {
        const server = env(named(v110.resources, "xingrin-server-v1.1.0"));
        // Django reads SECRET_KEY; DJANGO_SECRET_KEY (what .env.example writes) is read by nothing.
        assert.strictEqual(server.SECRET_KEY, SECRETS.djangoSecretKey);
        assert.strictEqual(server.DJANGO_SECRET_KEY, SECRETS.djangoSecretKey);
        // XingRin builds the images it pulls itself as DOCKER_USER/xingrin-<service>:<tag>.
        assert.strictEqual(server.DOCKER_USER, "registry.example.com/xingrin");
        assert.strictEqual(`${server.DOCKER_USER}/xingrin-worker:${server.IMAGE_TAG}`, server.TASK_EXECUTOR_IMAGE);
        assert.strictEqual(server.SCAN_RESULTS_DIR, "/opt/xingrin/results");
        assert.strictEqual(server.LOG_DIR, "/opt/xingrin/logs");
    });

    it("runs nothing on a worker when the tag is unchanged: same inputs, same commands", async () => {
        const again = await runProgram(prodConfig({ imageTag: "v1.1.0" }), SECRET_KEYS);
        for (const command of byType(v110.resources, COMMAND)) {
            assert.deepStrictEqual(named(again.resources, command.name).inputs, command.inputs);
        }
    });

    it("gives the server TASK_EXECUTOR_IMAGE = the worker image every worker pre-pulls, and IMAGE_TAG", () => {
        const server = env(named(v110.resources, "xingrin-server-v1.1.0"));
        assert.strictEqual(server.TASK_EXECUTOR_IMAGE, `${REGISTRY}/xingrin-worker:v1.1.0`);
        assert.strictEqual(server.IMAGE_TAG, "v1.1.0");
        for (const worker of ["worker-1", "worker-2"]) {
            const pull = scriptOf(named(v110.resources, `${worker}-pre-pull`));
            assert.ok(pull.includes(`\npull '${server.TASK_EXECUTOR_IMAGE}'`), `${worker} must pull the executor image`);
        }
    });

    it("switches nothing before the whole fleet is staged: every container and agent waits for every image on every host", () => {
        const stage = [...byType(v110.resources, REMOTE_IMAGE), ...byType(v110.resources, COMMAND).filter(c => c.name.endsWith("-pre-pull"))];
        assert.strictEqual(stage.length, 7 + 2);
        const switched = [...byType(v110.resources, CONTAINER), ...byType(v110.resources, COMMAND).filter(c => c.name.endsWith("-agent"))];
        assert.deepStrictEqual(switched.map(r => r.name).sort(), [...CONTAINERS_V110, "worker-1-agent", "worker-2-agent"].sort());
        for (const resource of switched) {
            for (const staged of stage) {
                assert.ok(resource.dependencies.includes(staged.urn), `${resource.name} must wait for ${staged.name}`);
            }
        }
    });

    it("restarts each worker's agent after every run of that host's pre-pull", () => {
        const agent = named(v110.resources, "worker-1-agent");
        assert.deepStrictEqual(agent.inputs.triggers, [scriptOf(agent), "20261130T000000.000000001"]);
        assert.ok(!scriptOf(agent).includes("20261130T000000"), "the run id is a trigger, not text in the script");
    });

    it("stops a removed worker's agent from where Pulumi runs, with a short timeout, never failing the update", () => {
        const agent = named(v110.resources, "worker-2-agent");
        assert.strictEqual(agent.inputs.delete, undefined, "a delete on the agent would fail every update once the host is gone");
        const retire = named(v110.resources, "worker-2-retire");
        assert.strictEqual(retire.type, "command:local:Command");
        assert.strictEqual(retire.inputs.create, undefined);
        assert.strictEqual(retire.inputs.delete, `sh -c "$XINGRIN_SCRIPT" worker-2-retire`);
        assert.ok(retire.dependencies.includes(agent.urn));
        const script = scriptOf(retire);
        assert.ok(script.includes("printf '%s\\n' '[10.0.1.12]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo' > \"$dir/known_hosts\""), script);
        assert.ok(script.includes("-o ConnectTimeout=10 -o ConnectionAttempts=1 -p 2222 \\\n  'xingrin@10.0.1.12' -- 'docker ps -a --filter"), script);
        assert.ok(script.includes("xingrin.worker") && script.includes("worker-2"), "the retire step removes only this worker's agent");
        assert.ok(script.includes('-o UserKnownHostsFile="$dir/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes'),
            "only the stack's hostKey may vouch for the worker, not the machine's known_hosts");
        assert.match(script, /could not be reached, so its agent may still run there/);
        assert.match(script.split("\n").pop()!, /^exit 0$/);
        assert.ok(isSecretInput(retire.inputs.stdin));
        assert.strictEqual(plain(retire.inputs.stdin), SECRETS.workerSshPrivateKey);
        assert.ok(!script.includes("PRIVATE KEY"));
    });

    it("records the deploy once the whole fleet runs it, then prunes every host, keeping keepVersions (default 5)", () => {
        const history = named(v110.resources, "prune-history");
        for (const switched of [...byType(v110.resources, CONTAINER), named(v110.resources, "worker-1-agent"), named(v110.resources, "worker-2-agent")]) {
            assert.ok(history.dependencies.includes(switched.urn), `prune-history must wait for ${switched.name}`);
        }
        // It reads its own previous output (the tags deployed before), which the provider passes on an update.
        assert.strictEqual(history.inputs.addPreviousOutputInEnv, true);
        assert.match(scriptOf(history), /^printf '%s\\n' 'v1\.1\.0'$/m);
        const mainPrune = named(v110.resources, "prune-main-server");
        assert.ok(mainPrune.dependencies.includes(history.urn));
        assert.match(scriptOf(mainPrune), /^prefix='registry\.example\.com\/xingrin\/xingrin-' current='v1\.1\.0' keep=5$/m);
        assert.strictEqual(mainPrune.inputs.environment.DOCKER_HOST, "unix:///var/run/docker.sock");
        // The command line names the step only: a failure prints that line, not the script.
        assert.strictEqual(mainPrune.inputs.create, `sh -c "$XINGRIN_SCRIPT" prune-main-server`);
        for (const worker of ["worker-1", "worker-2"]) {
            const workerPrune = named(v110.resources, `prune-${worker}`);
            assert.ok(workerPrune.dependencies.includes(history.urn));
            assert.strictEqual(workerPrune.inputs.create, `sh -c "$(cat)" prune-${worker}`);
            assert.match(scriptOf(workerPrune), /^ {4}case "\$ref" in 'registry\.example\.com\/xingrin\/xingrin-worker:v1\.1\.0'\) continue ;; esac$/m);
        }
    });

    it("labels every container with its stack, service and image, on the main server and on workers", () => {
        for (const container of byType(v110.resources, CONTAINER)) {
            const labels = Object.fromEntries(container.inputs.labels.map((l: { label: string; value: string }) => [l.label, l.value]));
            assert.strictEqual(labels["xingrin.stack"], "xingrin-deploy/prod", container.name);
            assert.ok(container.name.startsWith(`xingrin-${labels["xingrin.service"]}`), container.name);
            // The scheduler runs the server's image.
            const imageOf = labels["xingrin.service"] === "scheduler" ? "server" : labels["xingrin.service"];
            assert.ok(labels["xingrin.image"].includes(imageOf), container.name);
        }
        const agent = scriptOf(named(v110.resources, "worker-1-agent"));
        for (const label of ["'xingrin.stack=xingrin-deploy/prod'", "'xingrin.service=agent'", `'xingrin.image=${REGISTRY}/xingrin-agent:v1.1.0'`]) {
            assert.ok(agent.includes(`--label ${label}`), `agent lacks ${label}`);
        }
    });

    it("runs XingRin's scheduler in one container of its own, after nginx; the web servers start none (SERVER_URL set)", () => {
        const server = named(v110.resources, "xingrin-server-v1.1.0");
        const scheduler = named(v110.resources, "xingrin-scheduler");
        assert.strictEqual(env(server).SERVER_URL, "http://server:8888");
        assert.strictEqual(env(scheduler).SERVER_URL, undefined, "the scheduler container would start no scheduler");
        const serverEnv = env(server);
        delete serverEnv.SERVER_URL;
        assert.deepStrictEqual(env(scheduler), serverEnv, "the scheduler runs with the server's settings");
        assert.strictEqual(scheduler.inputs.image, server.inputs.image);
        assert.deepStrictEqual(scheduler.inputs.networksAdvanced[0].aliases, ["scheduler"], "the scheduler must not answer to `server`");
        assert.ok(scheduler.dependencies.includes(named(v110.resources, "xingrin-nginx").urn));
        assert.ok(scheduler.inputs.healthcheck !== undefined);
    });

    it("names the network xingrin_network and attaches every container to it", () => {
        const network = byType(v110.resources, "docker:index/network:Network");
        assert.deepStrictEqual(network.map(n => n.inputs.name), ["xingrin_network"]);
        for (const container of byType(v110.resources, CONTAINER)) {
            assert.strictEqual(container.inputs.networksAdvanced[0].name, "xingrin_network", container.name);
        }
    });

    it("keeps the postgres volume through a tag change and a destroy", () => {
        const [volume] = byType(v110.resources, "docker:index/volume:Volume");
        const [after] = byType(v120.resources, "docker:index/volume:Volume");
        assert.deepStrictEqual(after.inputs, volume.inputs, "volume inputs must not depend on the tag");
        assert.strictEqual(volume.retainOnDelete, true);
        assert.ok(volume.ignoreChanges?.includes("name"), "a changed postgresVolume must never replace the volume");
        const postgres = named(v110.resources, "xingrin-postgres");
        assert.deepStrictEqual(postgres.inputs.volumes, [{ volumeName: "xingrin_postgres_data", containerPath: "/var/lib/postgresql/data" }]);
    });

    it("starts postgres as XingRin's compose does, pg_ivm preloaded, the same command at every tag", () => {
        assert.deepStrictEqual(named(v110.resources, "xingrin-postgres").inputs.command, ["postgres", "-c", "shared_preload_libraries=pg_ivm"]);
        assert.deepStrictEqual(named(v120.resources, "xingrin-postgres").inputs.command, ["postgres", "-c", "shared_preload_libraries=pg_ivm"]);
        assert.strictEqual(named(v110.resources, "xingrin-server-v1.1.0").inputs.command, undefined, "the server keeps its image's CMD");
    });

    it("sets databasePassword in the running database after postgres starts and before any server, the password on stdin only", () => {
        const step = named(v110.resources, "main-server-database-password");
        assert.ok(step.dependencies.includes(named(v110.resources, "xingrin-postgres").urn), "it must wait for postgres");
        assert.ok(named(v110.resources, "xingrin-server-v1.1.0").dependencies.includes(step.urn), "the server must wait for it");
        assert.ok(isSecretInput(step.inputs.stdin), "stdin must be secret");
        assert.strictEqual(plain(step.inputs.stdin), `${SECRETS.databasePassword}\n`);
        assert.ok(!scriptOf(step).includes(SECRETS.databasePassword));
        // Only the stdin carries the tag-independent secret: the same command at every tag, so
        // an update reruns it only when the password changes.
        assert.deepStrictEqual(named(v120.resources, "main-server-database-password").inputs, step.inputs);
    });

    it("stops a container before replacing it in place (the docker provider does so anyway)", () => {
        for (const container of byType(v110.resources, CONTAINER)) {
            assert.strictEqual(container.deleteBeforeReplace, true, container.name);
        }
    });

    it("keeps secrets secret: container environments, the SSH key, and the worker key off the command text", () => {
        for (const name of ["xingrin-server-v1.1.0", "xingrin-postgres", "xingrin-agent-v1.1.0"]) {
            assert.ok(isSecretInput(named(v110.resources, name).inputs.envs), `${name} envs must be secret`);
        }
        for (const command of byType(v110.resources, COMMAND)) {
            assert.ok(isSecretInput(command.inputs.connection), `${command.name} connection must be secret`);
            assert.ok(!scriptOf(command).includes(SECRETS.workerApiKey), `${command.name} script`);
        }
        // The key, then the worker's id in XingRin (worker-1 is the first record made).
        const agent = named(v110.resources, "worker-1-agent");
        assert.ok(isSecretInput(agent.inputs.stdin));
        assert.strictEqual(plain(agent.inputs.stdin), `${SECRETS.workerApiKey}\n1\n${scriptOf(agent)}`);
        assert.strictEqual(agent.inputs.create, 'IFS= read -r WORKER_API_KEY; IFS= read -r WORKER_ID; export WORKER_API_KEY WORKER_ID; sh -c "$(cat)" worker-1-agent');
    });

    it("exports the tag, the public URL and a version matrix per host", async () => {
        assert.strictEqual(v120.outputs.imageTag, "v1.2.0");
        assert.strictEqual(v120.outputs.url, "https://scan.example.com:8083");
        const matrix = await valueOf<Record<string, Record<string, { image: string; digest: string }>>>(v120.outputs.versions);
        assert.deepStrictEqual(Object.keys(matrix).sort(), ["main-server", "worker-1", "worker-2"]);
        assert.strictEqual(matrix["main-server"].server.image, `${REGISTRY}/xingrin-server:v1.2.0`);
        assert.match(matrix["main-server"].server.digest, /^registry\.example\.com\/xingrin\/xingrin-server@sha256:[0-9a-f]{64}$/);
        assert.strictEqual(matrix["worker-2"].worker.image, `${REGISTRY}/xingrin-worker:v1.2.0`);
        assert.strictEqual(matrix["worker-2"].agent.image, `${REGISTRY}/xingrin-agent:v1.2.0`);
    });
});

describe("the program on dev-like config", () => {
    it("accepts a prerelease where allowPrerelease is set, and lets taskExecutorImage win", async () => {
        const run = await runProgram(prodConfig({
            imageTag: "v1.3.0-dev.2",
            allowPrerelease: true,
            taskExecutorImage: "localhost:5000/me/xingrin-worker:mine",
        }), SECRET_KEYS);
        const server = env(named(run.resources, "xingrin-server-v1.3.0-dev.2"));
        assert.strictEqual(server.TASK_EXECUTOR_IMAGE, "localhost:5000/me/xingrin-worker:mine");
        for (const worker of ["worker-1", "worker-2"]) {
            const pull = scriptOf(named(run.resources, `${worker}-pre-pull`));
            assert.ok(pull.includes("\npull 'localhost:5000/me/xingrin-worker:mine'"), `${worker} must pre-pull the image the server hands out`);
        }
        assert.strictEqual(server.IMAGE_TAG, "v1.3.0-dev.2");
        assert.strictEqual(run.outputs.taskExecutorImage, "localhost:5000/me/xingrin-worker:mine");
    });

    it("runs no postgres container or volume with an external database", async () => {
        const run = await runProgram(prodConfig({ databaseHost: "db.internal" }), SECRET_KEYS);
        assert.deepStrictEqual(byType(run.resources, "docker:index/volume:Volume"), []);
        assert.ok(!byType(run.resources, CONTAINER).some(c => c.name === "xingrin-postgres"));
        assert.strictEqual(env(named(run.resources, "xingrin-server-v1.1.0")).DB_HOST, "db.internal");
    });

    it("builds each image from a source checkout in build mode, with IMAGE_TAG as build arg", async () => {
        const run = await runProgram(prodConfig({ workers: [], buildSource: "/src/xingrin" }), SECRET_KEYS);
        const server = named(run.resources, "main-images-server");
        assert.deepStrictEqual(server.inputs.build, {
            context: "/src/xingrin",
            dockerfile: "docker/server/Dockerfile",
            buildArgs: { IMAGE_TAG: "v1.1.0" },
            tags: [`${REGISTRY}/xingrin-server:v1.1.0`],
        });
    });
});

describe("bad stack config fails before anything is deployed", () => {
    const cases: Array<[string, StackConfig, string | RegExp]> = [
        ["latest on prod", { imageTag: "latest" }, /^imageTag "latest" is not a version tag: it must start with "v"; .*"v1\.5\.8"/],
        ["a tag without v", { imageTag: "1.2.0" }, /^imageTag "1\.2\.0" is not a version tag/],
        ["a two-part version", { imageTag: "v1.2" }, /^imageTag "v1\.2" is not a valid semantic version/],
        ["a prerelease on prod", { imageTag: "v1.3.0-dev.2" }, /^imageTag "v1\.3\.0-dev\.2" is a prerelease, which this stack does not accept/],
        ["duplicate worker names", { workers: [
            { name: "w", address: "10.0.0.1", hostKey: WORKERS[0].hostKey }, { name: "w", address: "10.0.0.2", hostKey: WORKERS[0].hostKey }] },
        'workers[1] ("w") has the same name "w" as workers[0] ("w"): each worker host must have its own name'],
        ["a bad worker port", { workers: [{ name: "w", address: "10.0.0.1", port: 0, hostKey: WORKERS[0].hostKey }] },
            /^workers\[0\] \("w"\): port 0 is not a TCP port/],
        ["build mode with workers", { buildSource: "/src/xingrin" }, /^buildSource builds images on the main server only/],
        ["a bad public port", { publicPort: 80800 }, "publicPort 80800 is not a TCP port: use a whole number from 1 to 65535"],
        ["a bad docker host", { dockerHost: "/var/run/docker.sock" }, /^dockerHost "\/var\/run\/docker\.sock" is not a Docker endpoint/],
        ["keeping fewer than 2 versions", { keepVersions: 1 }, /^keepVersions "1" is not a number of versions to keep: use a whole number of at least 2/],
    ];
    for (const [what, overrides, message] of cases) {
        it(`rejects ${what}`, async () => {
            await assert.rejects(runProgram(prodConfig(overrides), SECRET_KEYS), { name: "ConfigError", message });
        });
    }

    it("asks for the SSH key when workers are listed without one", async () => {
        const config = prodConfig();
        delete config.workerSshPrivateKey;
        await assert.rejects(runProgram(config, SECRET_KEYS), {
            message: "workerSshPrivateKey is not set but workers are: the program logs in to each worker with it; " +
                "run `pulumi config set --secret workerSshPrivateKey < ~/.ssh/id_ed25519`",
        });
    });
});
