import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as docker from "@pulumi/docker";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { SandboxFleet, sandboxDown, sandboxUp } from "./support/sandbox";
import { createSandboxStack, E2eStack, removeSandboxStack } from "./support/stack";

const POLICY_PACK = path.resolve(__dirname, "..", "..", "policy");

describe("the release policy pack on the real engine", function () {
    this.timeout(10 * 60 * 1000);
    let fleet: SandboxFleet;

    before(() => { fleet = sandboxUp(); });
    after(() => sandboxDown());

    it("lets the program's own preview through", async () => {
        const e2e: E2eStack = await createSandboxStack(fleet, "v1.2.0");
        try {
            const preview = await e2e.stack.preview({ policyPacks: [POLICY_PACK], color: "never" });
            assert.ok(preview.changeSummary.create! > 0, preview.stdout);
            assert.match(preview.stdout, /xingrin-release-policy/, "the policy pack did not run");
        } finally {
            await removeSandboxStack(e2e);
        }
    });

    it("rejects a program that pins XingRin to a mutable tag and drops images after a change", async () => {
        const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-policy-backend-"));
        const latest = `${fleet.registry}/${fleet.namespace}/xingrin-server:latest`;
        // An inline program standing in for a hand-edited deployment: what the policy exists to stop.
        const stack: Stack = await LocalWorkspace.createOrSelectStack({
            stackName: "policy-violation",
            projectName: "xingrin-policy-violation",
            program: async () => {
                const provider = new docker.Provider("sandbox-main", { host: fleet.dockerHost });
                new docker.RemoteImage("server", { name: latest, keepLocally: false }, { provider });
                new docker.RemoteImage("worker", { name: `${fleet.registry}/${fleet.namespace}/xingrin-worker:v1.1.0`, keepLocally: true }, { provider });
            },
        }, { envVars: { PULUMI_BACKEND_URL: `file://${backendDir}`, PULUMI_CONFIG_PASSPHRASE: "policy" } });
        try {
            await assert.rejects(stack.preview({ policyPacks: [POLICY_PACK], color: "never" }), (err: Error) => {
                const text = err.message;
                assert.match(text, /mandatory/);
                assert.ok(text.includes(`${latest}: tag "latest" is not a version tag`), `no immutable-tag violation in: ${text.slice(-3000)}`);
                assert.ok(text.includes("is not kept on the host after a change"), "no keep-locally violation");
                assert.ok(text.includes("XingRin images must all carry one tag"), "no one-tag violation");
                return true;
            });
        } finally {
            await stack.workspace.removeStack("policy-violation", { force: true });
            fs.rmSync(backendDir, { recursive: true, force: true });
        }
    });
});
