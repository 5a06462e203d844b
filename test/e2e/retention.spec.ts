import * as assert from "assert";
import { docker, inspectContainer, localXingrinImages, serviceContainer } from "./support/hosts";
import { copyTag } from "./support/faults";
import { manifestGets, SandboxFleet, sandboxDown, sandboxUp } from "./support/sandbox";
import { createSandboxStack, E2eStack, echoTo, releaseCli, removeSandboxStack, upAt } from "./support/stack";

/**
 * Issue 10: the dev override taskExecutorImage is pre-pulled by every worker before the server
 * hands it out; old versions are pruned beyond keepVersions, never the rollback target; and
 * `npm run rollback` run twice walks back two versions. Issue 18: what is kept follows the stack's
 * deploy history, not version order, so a failed update's version never displaces the one before.
 */
describe("retention, rollbacks in a row and the pre-pulled taskExecutorImage", function () {
    this.timeout(15 * 60 * 1000);
    let fleet: SandboxFleet;
    let e2e: E2eStack;
    // A version no earlier run pushed (the sandbox keeps its registry between runs).
    const run = Math.floor(Date.now() / 1000);
    const v3 = `v1.3.${run}`;
    // An update that fails after its stage: v1.1.0's images, older than the schema v1.2.0 migrated.
    const failing = `v1.4.${run}`;
    const newer = `v1.5.${run}`;
    const ref = (service: string, tag: string) => `${fleet.registry}/${fleet.namespace}/xingrin-${service}:${tag}`;
    const versionsOn = (host: string) => [...new Set(localXingrinImages(host).map(image => image.split(":").pop()!))].sort();

    async function up(tag: string) {
        assert.strictEqual((await upAt(e2e, tag)).summary.result, "succeeded");
    }

    before(async () => {
        fleet = sandboxUp();
        for (const service of fleet.services) {
            await copyTag(fleet, `${fleet.namespace}/xingrin-${service}`, "v1.2.1", v3);
            await copyTag(fleet, `${fleet.namespace}/xingrin-${service}`, "v1.1.0", failing);
            await copyTag(fleet, `${fleet.namespace}/xingrin-${service}`, "v1.2.1", newer);
        }
        e2e = await createSandboxStack(fleet, "v1.2.0");
        await e2e.stack.setConfig("keepVersions", { value: "2" });
    });

    after(async () => {
        if (e2e !== undefined) {
            await e2e.stack.destroy({ onOutput: echoTo(e2e), color: "never" }).catch(err => console.error(`destroy failed: ${err}`));
            await removeSandboxStack(e2e);
        }
        sandboxDown();
    });

    it("hands out a taskExecutorImage override only once every worker holds it", async () => {
        await e2e.stack.setConfig("taskExecutorImage", { value: ref("worker", "v1.2.1") });
        await up("v1.2.0");
        const server = inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, "server"));
        assert.strictEqual(server.env.TASK_EXECUTOR_IMAGE, ref("worker", "v1.2.1"));
        for (const worker of fleet.workers) {
            assert.ok(localXingrinImages(worker.dockerHost).includes(ref("worker", "v1.2.1")), `${worker.name} lacks the override`);
        }
        await e2e.stack.removeConfig("taskExecutorImage");
    });

    it("keeps keepVersions versions on every host, the current one and the rollback target among them", async () => {
        await up("v1.2.1");
        await up(v3);
        for (const host of [fleet.dockerHost, ...fleet.workers.map(w => w.dockerHost)]) {
            assert.deepStrictEqual(versionsOn(host), ["v1.2.1", v3].sort(), `${host} holds ${versionsOn(host)}`);
        }
    });

    it("`npm run rollback` twice walks back two versions: the first pulls nothing, the second what was pruned", async () => {
        const pullsBefore = manifestGets(fleet).length;
        const first = releaseCli(e2e, ["rollback", "--yes"]);
        assert.strictEqual(first.status, 0, first.output);
        assert.match(first.output, new RegExp(`imageTag ${v3.replace(/\./g, "\\.")} -> v1\\.2\\.1`));
        assert.deepStrictEqual(manifestGets(fleet).slice(pullsBefore), [], "the first rollback pulled");
        const second = releaseCli(e2e, ["rollback", "--yes"]);
        assert.strictEqual(second.status, 0, second.output);
        assert.match(second.output, /imageTag v1\.2\.1 -> v1\.2\.0/);
        const server = inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, "server"));
        assert.strictEqual(server.env.IMAGE_TAG, "v1.2.0");
        assert.strictEqual(docker(fleet.workers[0].dockerHost, ["inspect", "--format", "{{.Config.Image}}", "xingrin-agent"]), ref("agent", "v1.2.0"));
    });

    it("keeps the version deployed before an update that failed after its stage, not the failed one (deploy history)", async () => {
        // Where the rollbacks left it: v1.2.0 runs. The failed update stages everywhere, then its
        // migration check refuses it (its server is older than the schema); then a newer one deploys.
        const failed = await upAt(e2e, failing).then(() => "succeeded", (error: Error) => error.message);
        assert.match(failed, /is older than the database/);
        for (const worker of fleet.workers) {
            assert.ok(versionsOn(worker.dockerHost).includes(failing), `${worker.name} staged ${failing}`);
        }
        await up(newer);
        for (const host of [fleet.dockerHost, ...fleet.workers.map(w => w.dockerHost)]) {
            assert.deepStrictEqual(versionsOn(host), ["v1.2.0", newer].sort(),
                `${host} holds ${versionsOn(host)}: the rollback target v1.2.0 must stay, ${failing} (never deployed) must go`);
        }
    });
});
