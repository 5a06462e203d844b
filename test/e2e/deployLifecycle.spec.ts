import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { assertScanOnEveryWorker } from "./support/scans";
import { assertOneSchedulerAtATime, snapshotsOn, watchServerSwitch, withDowntimeProbe } from "./support/migrations";
import { docker, expectedImageLabel, imageOf, httpsGet, inspectContainer, localXingrinImages, login, publicRequest, scanTargets, serviceContainer, sql, storeScan } from "./support/hosts";
import { manifestGets, SandboxFleet, sandboxDown, sandboxUp } from "./support/sandbox";
import { collectSteps, createSandboxStack, E2E_SECRETS, E2eStack, echoTo, releaseCli, releaseCliInBackground, removeSandboxStack, STACK_NAME, storedState, upAt } from "./support/stack";
import { assertWorkersRegistered } from "./support/xingrinWorkers";

const ROTATED_PASSWORD = "e2e-db-Rotated-0b7e";
const MAIN_SERVICES = ["postgres", "server", "agent", "frontend", "nginx", "scheduler"];
const REPLACEMENT_STEPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);

describe("deploy, update and roll back the sandbox fleet with the real engine", function () {
    this.timeout(15 * 60 * 1000);
    let fleet: SandboxFleet;
    let e2e: E2eStack;

    const ref = (service: string, tag: string) => `${fleet.registry}/${fleet.namespace}/xingrin-${service}:${tag}`;

    const up = (tag: string) => upAt(e2e, tag);

    const containerIds = () => MAIN_SERVICES.map(service => docker(fleet.dockerHost, ["inspect", "--format", "{{.Id}}", serviceContainer(fleet.dockerHost, service)]));

    /**
     * What every host runs must be exactly `tag`, and the stack outputs must say the same; and a
     * scan runs on every worker.
     */
    async function assertFleetAt(tag: string) {
        for (const service of MAIN_SERVICES) {
            const name = serviceContainer(fleet.dockerHost, service);
            const container = inspectContainer(fleet.dockerHost, name);
            assert.ok(container.running, `${name} is not running`);
            assert.strictEqual(container.imageLabel, expectedImageLabel(service, ref(imageOf(service), tag)), `${name} label`);
            assert.ok(container.imageTags.includes(ref(imageOf(service), tag)), `${name} runs ${container.imageTags.join(",")}`);
        }
        // XingRin's compose preloads pg_ivm (the stand-in reports that preload as xingrin.preloaded).
        assert.strictEqual(sql(fleet.dockerHost, "SHOW xingrin.preloaded"), "pg_ivm", "postgres runs without pg_ivm preloaded");
        const server = inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, "server"));
        assert.strictEqual(server.env.IMAGE_TAG, tag);
        assert.strictEqual(server.env.TASK_EXECUTOR_IMAGE, ref("worker", tag));

        // nginx resolved its upstreams when it started: every request, whichever peer it tries
        // first, must reach the running server at once (an old server's address would be dead).
        const session = await login(fleet);
        for (let i = 0; i < 10; i++) {
            const started = Date.now();
            const version = await publicRequest(fleet, "GET", "/api/system/version/", undefined, session);
            assert.strictEqual(version.status, 200, version.body);
            assert.ok(version.body.includes(tag), `server reports ${version.body}`);
            assert.ok(Date.now() - started < 1500, `a request through nginx took ${Date.now() - started} ms: a dead upstream peer?`);
        }

        const outputs = await e2e.stack.outputs();
        assert.strictEqual(outputs.imageTag.value, tag);
        const matrix = outputs.versions.value as Record<string, Record<string, { image: string; digest: string }>>;
        for (const service of MAIN_SERVICES) {
            assert.strictEqual(matrix["main-server"][service].image, ref(imageOf(service), tag));
        }
        for (const worker of fleet.workers) {
            const agent = inspectContainer(worker.dockerHost, serviceContainer(worker.dockerHost, "agent"));
            assert.ok(agent.running, `${worker.name}: agent not running`);
            assert.ok(agent.imageTags.includes(ref("agent", tag)), `${worker.name}: agent runs ${agent.imageTags}`);
            assert.strictEqual(agent.env.IMAGE_TAG, tag);
            assert.strictEqual(agent.env.WORKER_API_KEY, E2E_SECRETS.workerApiKey, `${worker.name}: agent lacks its key`);
            assert.ok(localXingrinImages(worker.dockerHost).includes(ref("worker", tag)), `${worker.name} lacks the worker image`);
            assert.strictEqual(matrix[worker.name].worker.image, ref("worker", tag));
            assert.strictEqual(matrix[worker.name].agent.image, agent.imageLabel);
            assert.match(matrix[worker.name].worker.digest, /@sha256:[0-9a-f]{64}$/, `${worker.name} digest`);
        }
        // What XingRin itself must see: each worker remote, online, dispatchable, its agent ours.
        await assertWorkersRegistered(fleet.dockerHost, `xingrin-deploy/${STACK_NAME}`, fleet.workers);
        // Never two of XingRin's schedulers at once, through every step so far; and one runs.
        assertOneSchedulerAtATime(fleet.dockerHost);
        // And what it must do: a scan on every worker and on the local one, as the UI starts it.
        await assertScanOnEveryWorker(fleet, `xingrin-deploy/${STACK_NAME}`, ref("worker", tag));
    }

    before(async function () {
        fleet = sandboxUp();
        // A clean main daemon: the suite asserts on what it deploys, not on leftovers.
        e2e = await createSandboxStack(fleet, "v1.1.0");
    });

    after(async function () {
        if (e2e !== undefined) {
            await e2e.stack.destroy({ onOutput: echoTo(e2e), color: "never" }).catch(err => console.error(`destroy failed: ${err}`));
            await removeSandboxStack(e2e);
        }
        sandboxDown();
    });

    it("1. up at v1.1.0: every host runs v1.1.0, the public health check answers through nginx", async () => {
        const result = await up("v1.1.0");
        assert.strictEqual(result.summary.result, "succeeded");
        const health = await httpsGet(fleet, "/api/health/");
        assert.strictEqual(health.status, 200);
        assert.deepStrictEqual(JSON.parse(health.body), { status: "ok" });
        await assertFleetAt("v1.1.0");
        // XingRin's directories, in each host's own /opt/xingrin (the sandbox gives each its own).
        const made = (dir: string) => fs.readdirSync(dir).sort();
        assert.deepStrictEqual(made(fleet.mainOptXingrinDir), ["fingerprints", "logs", "nuclei-repos", "results", "wordlists"]);
        for (const worker of fleet.workers) {
            assert.deepStrictEqual(made(worker.optXingrinDir), ["fingerprints", "logs", "results", "wordlists"], worker.name);
        }
    });

    it("2. a preview right after an up reports no changes", async () => {
        const preview = await e2e.stack.preview({ color: "never", onOutput: echoTo(e2e) });
        const changed = Object.entries(preview.changeSummary).filter(([op, count]) => op !== "same" && count > 0);
        assert.deepStrictEqual(changed, [], preview.stdout);
    });

    it("3. a tag bump's preview stages every image on every host, then switches exactly the XingRin containers", async () => {
        await e2e.stack.setConfig("imageTag", { value: "v1.2.0" });
        const events: EngineEvent[] = [];
        await e2e.stack.preview({ diff: true, color: "never", onEvent: e => events.push(e), onOutput: echoTo(e2e) });
        const steps = collectSteps(events).filter(step => step.op !== "same");
        const name = (urn: string) => urn.split("::").pop()!;
        // A replacement is reported as several steps (create-replacement, replace, delete-replaced).
        const changed = Object.fromEntries(steps.map(step => [name(step.urn), REPLACEMENT_STEPS.has(step.op) ? "replace" : step.op]));

        // Phase 1 (parent "stage"): images on the main server and each worker's pre-pull.
        const expected: Record<string, string> = {};
        for (const service of ["server", "frontend", "nginx", "agent", "worker", "postgres"]) {
            expected[`main-images-${service}`] = "replace";
        }
        for (const worker of fleet.workers) {
            expected[`${worker.name}-pre-pull`] = "update";
        }
        // Phase 2: postgres and nginx replaced in place (postgres because the sandbox's two tags
        // differ in content; the preview cannot know the new image id yet); server, frontend and
        // agent get a container per tag, started beside the old one, which is deleted last; the
        // hand-over takes the old server and frontend off the network before nginx starts; each
        // worker's agent restarts.
        for (const service of ["postgres", "nginx"]) {
            expected[`xingrin-${service}`] = "replace";
        }
        // XingRin's scheduler, in its own container: replaced at every tag, the old one stopped first.
        expected["xingrin-scheduler"] = "replace";
        expected["main-server-hand-over"] = "replace";   // triggered by the new server and frontend
        // Before the switch: the data directories and certificate checked again, and XingRin's agent
        // updater held for the known workers; after the new server is up, it makes sure of the admin
        // account and registers the workers.
        expected["main-server-host-preparation"] = "replace";
        expected["main-server-admin-account"] = "replace";
        expected["main-server-agent-updates-held"] = "replace";
        expected["main-server-worker-records"] = "replace";
        // Before the new server: its migration plan against the database (a snapshot if it migrates).
        expected["main-server-migrations"] = "replace";
        for (const service of ["server", "agent", "frontend"]) {
            expected[`xingrin-${service}-v1.2.0`] = "create";
            expected[`xingrin-${service}-v1.1.0`] = "delete";
        }
        for (const worker of fleet.workers) {
            // Its triggers carry the stage's run id and its script: every stage restarts it.
            expected[`${worker.name}-agent`] = "replace";
            expected[`prune-${worker.name}`] = "update";
        }
        // After the switch: the deploy history takes the tag, then each host prunes versions beyond keepVersions.
        expected["prune-history"] = "update";
        expected["prune-main-server"] = "update";
        assert.deepStrictEqual(changed, expected);

        const parentOf = (step: { urn: string }) => step.urn.split("::")[2];
        for (const step of steps) {
            const stage = /^main-images-|-pre-pull$/.test(name(step.urn));
            assert.strictEqual(parentOf(step).includes("xingrin:stage:FleetStage"), stage, `${name(step.urn)} is in the wrong phase`);
        }

        const label = (state: any) => state.inputs.labels.find((l: any) => l.label === "xingrin.image").value;
        const switched = steps.filter(s => s.type === "docker:index/container:Container" && (s.op === "replace" || s.op === "create"));
        assert.strictEqual(switched.length, 6);
        for (const step of switched) {
            const service = name(step.urn).replace(/^xingrin-/, "").replace(/-v1\.2\.0$/, "");
            if (step.op === "replace") {
                assert.strictEqual(label(step.old), expectedImageLabel(service, ref(imageOf(service), "v1.1.0")), `${step.urn} old image`);
            }
            assert.strictEqual(label(step.new), expectedImageLabel(service, ref(imageOf(service), "v1.2.0")), `${step.urn} new image`);
        }
    });

    it("4. up at v1.2.0, which migrates: the old server stops first, a snapshot keeps the v1.1.0 database, the rows survive", async () => {
        // A row stored through XingRin's API at v1.1.0; v1.2.0 migrates the table it lives in.
        await storeScan(fleet, "written-at-v1.1.0.example.com");
        const serverSwitch = await watchServerSwitch(fleet.dockerHost, "xingrin-server-v1.1.0", "xingrin-server-v1.2.0",
            () => withDowntimeProbe(fleet, "update v1.1.0 -> v1.2.0 (migrates)", async () => {
                assert.strictEqual((await up("v1.2.0")).summary.result, "succeeded");
            }));
        assert.ok(serverSwitch.oldStopped < serverSwitch.newCreated, "the new server was created while the old one still ran against the database");
        await assertFleetAt("v1.2.0");
        for (const worker of fleet.workers) {
            const held = localXingrinImages(worker.dockerHost);
            for (const tag of ["v1.1.0", "v1.2.0"]) {
                assert.ok(held.includes(ref("worker", tag)), `${worker.name} lacks worker ${tag}: ${held}`);
            }
        }
        assert.deepStrictEqual(scanTargets(fleet.dockerHost), ["written-at-v1.1.0.example.com"]);
        const snapshots = snapshotsOn(fleet.mainOptXingrinDir);
        assert.strictEqual(snapshots.length, 1, JSON.stringify(snapshots));
        assert.match(snapshots[0].dump, /^v1\.1\.0-\d{8}T\d{6}Z\.dump$/);
        assert.deepStrictEqual(snapshots[0].migrations, ["engine.0001_initial"]);
        // Written after the snapshot: a restore of it loses this row, as it says.
        await storeScan(fleet, "written-at-v1.2.0.example.com");
    });

    let snapshot = "";
    it("5. a rollback to v1.1.0 is refused before anything changes, naming the snapshot; `npm run restore` of it rolls back, losing what came after", async () => {
        const before = containerIds();
        await e2e.stack.setConfig("imageTag", { value: "v1.1.0" });
        await assert.rejects(e2e.stack.up({ onOutput: echoTo(e2e), color: "never" }), (err: Error) => {
            assert.match(err.message, /imageTag v1\.1\.0 is older than the database: it has migrations v1\.1\.0 does not know \(engine\.0002_scan_target_name\), and XingRin cannot undo them\. Nothing changed\./);
            const named = /npm run restore -- (v1\.1\.0-\d{8}T\d{6}Z\.dump) --stack e2e/.exec(err.message);
            assert.ok(named !== null, err.message);
            snapshot = named[1];
            return true;
        });
        assert.deepStrictEqual(containerIds(), before, "a container was replaced by the refused rollback");
        assert.strictEqual(snapshot, snapshotsOn(fleet.mainOptXingrinDir)[0].dump);
        assert.deepStrictEqual(scanTargets(fleet.dockerHost), ["written-at-v1.1.0.example.com", "written-at-v1.2.0.example.com"]);

        const pullsBefore = manifestGets(fleet).length;
        const restored = await withDowntimeProbe(fleet, "npm run restore (rollback v1.2.0 -> v1.1.0)", () => releaseCliInBackground(e2e, ["restore", snapshot, "--yes"]));
        assert.strictEqual(restored.status, 0, restored.output);
        assert.match(restored.output, /goes back to how XingRin v1\.1\.0 left it at .* UTC\. Everything written since is lost/);
        await assertFleetAt("v1.1.0");
        assert.deepStrictEqual(manifestGets(fleet).slice(pullsBefore), [], "the rollback asked the registry for images");
        assert.deepStrictEqual(scanTargets(fleet.dockerHost), ["written-at-v1.1.0.example.com"]);
    });

    it("6. a tag missing from the registry fails, naming the image, and leaves v1.1.0 running", async () => {
        const before = containerIds();
        await e2e.stack.setConfig("imageTag", { value: "v9.9.9" });
        await assert.rejects(e2e.stack.up({ onOutput: echoTo(e2e), color: "never" }), (err: Error) => {
            assert.match(err.message, /unable to pull image 127\.0\.0\.1:5000\/yyhuni\/xingrin-[a-z]+:v9\.9\.9/);
            // Each worker's pre-pull says which image failed and why, in one line; its script is not printed (issue 18).
            assert.match(err.message, /worker-1: pull of 127\.0\.0\.1:5000\/yyhuni\/xingrin-(worker|agent):v9\.9\.9 failed: .*(manifest unknown|not found)/i);
            assert.doesNotMatch(err.message, /docker pull --quiet|docker image inspect/, "a failed step printed its script");
            return true;
        });
        assert.deepStrictEqual(containerIds(), before, "a container was replaced by the failed update");
        await e2e.stack.setConfig("imageTag", { value: "v1.1.0" });
        await assertFleetAt("v1.1.0");
    });

    it("7. `npm run rollback -- --yes` walks back no further than v1.1.0 (rolled back from v1.2.0); forward again is named, and `versions` agrees", async () => {
        // History: v1.1.0, v1.2.0, v1.1.0 (a rollback step, so v1.2.0 drops out of the walk), failed v9.9.9.
        const refused = releaseCli(e2e, ["rollback", "--yes"]);
        assert.strictEqual(refused.status, 1, refused.output);
        assert.match(refused.output, /^stack e2e \(named by --stack\)$/m);
        assert.match(refused.output, /^ {2}v9\.9\.9 .*failed: not deployed$/m);
        assert.match(refused.output, /nothing older to roll back to: v1\.1\.0 is the oldest version on the walk back \(the walk skips v1\.2\.0: rolled back from\)/);
        assert.match(refused.output, /`npm run rollback -- v1\.2\.0 --stack e2e`/);
        assert.strictEqual((await e2e.stack.getConfig("imageTag")).value, "v1.1.0", "a refused rollback changed imageTag");
        await assertFleetAt("v1.1.0");

        const rollback = releaseCli(e2e, ["rollback", "v1.2.0", "--yes"]);
        assert.strictEqual(rollback.status, 0, rollback.output);
        assert.match(rollback.output, /imageTag v1\.1\.0 -> v1\.2\.0/);
        await assertFleetAt("v1.2.0");

        const versions = releaseCli(e2e, ["versions"]);
        assert.strictEqual(versions.status, 0, versions.output);
        for (const host of ["main-server", ...fleet.workers.map(w => w.name)]) {
            assert.ok(versions.output.includes(host), `versions does not list ${host}`);
        }
        assert.ok(!/MISMATCH|MISSING|NOT RUNNING/.test(versions.output), "versions reports a host out of step");
    });

    /** No secret (the stack's, and a rotated database password) in the state file or in anything the engine and the CLIs printed. */
    function assertNoSecretLeaked(extra: Record<string, string> = {}) {
        const state = storedState(e2e);
        assert.ok(state.includes("xingrin-server"), "read no state");
        const printed = e2e.output.join("");
        for (const [key, secret] of Object.entries({ ...E2E_SECRETS, ...extra })) {
            assert.ok(!state.includes(secret), `${key} is in the state in plain text`);
            assert.ok(!printed.includes(secret), `${key} was printed`);
        }
        assert.ok(!state.includes("PRIVATE KEY"), "the SSH private key is in the state in plain text");
    }

    it("8. no secret reached the state file or any engine output (ups, previews, the failed update, the restore)", () => {
        assertNoSecretLeaked();
    });

    it("9. rotating databasePassword: the database takes the new password before the server does, the rows stay, the old password stops working", async () => {
        const rotated = ROTATED_PASSWORD;
        const logsIn = (password: string) => spawnSync("docker", ["--host", fleet.dockerHost, "exec", "-e", `PGPASSWORD=${password}`,
            serviceContainer(fleet.dockerHost, "postgres"), "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "xingrin", "-tAc", "SELECT 1"],
        { encoding: "utf8" }).stdout.trim() === "1";
        assert.ok(logsIn(E2E_SECRETS.databasePassword), "the deployed password does not log in");
        await e2e.stack.setConfig("databasePassword", { value: rotated, secret: true });
        const result = await withDowntimeProbe(fleet, "rotate databasePassword", () => up("v1.2.0"));
        assert.strictEqual(result.summary.result, "succeeded");
        await assertFleetAt("v1.2.0");
        assert.ok(logsIn(rotated), "the rotated password does not log in");
        assert.ok(!logsIn(E2E_SECRETS.databasePassword), "the old password still logs in");
        // The server (new password) reads and writes the database.
        await storeScan(fleet, "after-rotation.example.com");
        assert.deepStrictEqual(scanTargets(fleet.dockerHost), ["written-at-v1.1.0.example.com", "after-rotation.example.com"]);
        assert.strictEqual(inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, "server")).env.DB_PASSWORD, rotated);
        assert.ok(!storedState(e2e).includes(rotated), "the rotated password is in the state in plain text");
        assert.ok(!e2e.output.join("").includes(rotated), "the rotated password was printed");
    });

    it("10. a changed postgresVolume is refused before anything changes, naming the volume that holds the data", async () => {
        const before = containerIds();
        await e2e.stack.setConfig("postgresVolume", { value: "moved_postgres_data" });
        await assert.rejects(e2e.stack.up({ onOutput: echoTo(e2e), color: "never" }), (err: Error) => {
            assert.match(err.message, /postgresVolume is "moved_postgres_data", but this stack's database is in volume "xingrin_postgres_data": XingRin would start on an empty database/);
            return true;
        });
        assert.deepStrictEqual(containerIds(), before, "a container was replaced by the refused update");
        assert.strictEqual(docker(fleet.dockerHost, ["volume", "ls", "-q", "--filter", "name=moved_postgres_data"]), "", "a new volume was created");
        await e2e.stack.removeConfig("postgresVolume");
        assert.deepStrictEqual(scanTargets(fleet.dockerHost), ["written-at-v1.1.0.example.com", "after-rotation.example.com"]);
    });

    it("11. an update without a migration (v1.2.0 -> v1.2.1) keeps the overlap: the old server serves until the new one runs, no snapshot, the rows stay", async () => {
        const snapshotsBefore = snapshotsOn(fleet.mainOptXingrinDir).map(s => s.dump);
        const serverSwitch = await watchServerSwitch(fleet.dockerHost, "xingrin-server-v1.2.0", "xingrin-server-v1.2.1",
            () => withDowntimeProbe(fleet, "update v1.2.0 -> v1.2.1 (no migration)", async () => {
                assert.strictEqual((await up("v1.2.1")).summary.result, "succeeded");
            }));
        assert.ok(serverSwitch.newCreated < serverSwitch.oldStopped, "the old server stopped before the new one was created: downtime without a migration");
        await assertFleetAt("v1.2.1");
        assert.deepStrictEqual(snapshotsOn(fleet.mainOptXingrinDir).map(s => s.dump), snapshotsBefore, "an update without a migration took a snapshot");
        assert.deepStrictEqual(scanTargets(fleet.dockerHost), ["written-at-v1.1.0.example.com", "after-rotation.example.com"]);
    });

    it("12. still no secret in the state file or any output after the rotation, the refused volume change and the last update", () => {
        assertNoSecretLeaked({ rotatedDatabasePassword: ROTATED_PASSWORD });
    });
});
