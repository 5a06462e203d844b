import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docker, inspectContainer, serviceContainer } from "./support/hosts";
import { manifestGets, SandboxFleet, sandboxDown, sandboxUp } from "./support/sandbox";
import { createSandboxStack, E2eStack, echoTo, removeSandboxStack } from "./support/stack";

const DEV_TAG = "v2.0.0-dev.1";

/**
 * Issue 10: build mode (`buildSource`) on the real engine. A XingRin source tree is built into every
 * image with the tag as build argument, as XingRin's own `--dev` does, and the fleet runs what was
 * built: nothing of that tag is pulled from a registry.
 */
describe("build mode: the images built from a XingRin source checkout", function () {
    this.timeout(10 * 60 * 1000);
    let fleet: SandboxFleet;
    let e2e: E2eStack;
    let source: string;

    before(async () => {
        fleet = sandboxUp();
        // A source tree shaped like XingRin's: docker/<service>/Dockerfile, built with the repo root as context.
        source = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-source-"));
        for (const service of fleet.services) {
            fs.mkdirSync(path.join(source, "docker", service), { recursive: true });
            fs.writeFileSync(path.join(source, "docker", service, "Dockerfile"), [
                `FROM ${fleet.registry}/${fleet.namespace}/xingrin-${service}:v1.1.0`,
                "ARG IMAGE_TAG",
                "LABEL org.xingrin.built-from-source=$IMAGE_TAG",
                "",
            ].join("\n"));
        }
        e2e = await createSandboxStack(fleet, DEV_TAG);
        // A development stack: prerelease tags, no remote workers (they could not pull a local build).
        await e2e.stack.setAllConfig({
            allowPrerelease: { value: "true" },
            buildSource: { value: source },
            workers: { value: "[]" },
        });
    });

    after(async () => {
        if (e2e !== undefined) {
            await e2e.stack.destroy({ onOutput: echoTo(e2e), color: "never" }).catch(err => console.error(`destroy failed: ${err}`));
            await removeSandboxStack(e2e);
        }
        fs.rmSync(source, { recursive: true, force: true });
        sandboxDown();
    });

    it("builds every XingRin image with IMAGE_TAG, runs them, and pulls nothing of that tag", async () => {
        const result = await e2e.stack.up({ onOutput: echoTo(e2e), color: "never" });
        assert.strictEqual(result.summary.result, "succeeded");
        for (const service of ["postgres", "server", "agent", "frontend", "nginx"]) {
            const container = serviceContainer(fleet.dockerHost, service);
            const image = docker(fleet.dockerHost, ["inspect", "--format", "{{.Image}}", container]);
            assert.strictEqual(docker(fleet.dockerHost, ["image", "inspect", "--format", "{{index .Config.Labels \"org.xingrin.built-from-source\"}}", image]),
                DEV_TAG, `${service} does not run the image built from source`);
        }
        const server = inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, "server"));
        assert.strictEqual(server.env.IMAGE_TAG, DEV_TAG);
        assert.strictEqual(server.env.TASK_EXECUTOR_IMAGE, `${fleet.registry}/${fleet.namespace}/xingrin-worker:${DEV_TAG}`);
        assert.deepStrictEqual(manifestGets(fleet).filter(line => line.includes(DEV_TAG)), [], "a built tag was asked of the registry");
    });

    it("a preview right after shows no change", async () => {
        const preview = await e2e.stack.preview({ color: "never" });
        const changed = Object.entries(preview.changeSummary).filter(([op, count]) => op !== "same" && count > 0);
        assert.deepStrictEqual(changed, [], preview.stdout);
    });
});
