import * as assert from "assert";
import { PulumiCli } from "../../../release/pulumiCli";
import { recover } from "../../../release/recover";
import { FakeHosts } from "./support/fakeHosts";
import { FakePulumi, printed } from "./support/fakePulumi";

const URN = (type: string, name: string) => `urn:pulumi:prod::xingrin-deploy::${type}::${name}`;
const CONTAINER = "docker:index/container:Container";
const AGENT = URN("xingrin:worker:RemoteWorker$command:remote:Command", "worker-2-agent");

/** The state a `pulumi up` killed while replacing postgres leaves: postgres gone, its create pending. */
function interruptedState() {
    return {
        version: 3,
        deployment: {
            resources: [
                { urn: URN(`xingrin:server:MainServer$${CONTAINER}`, "xingrin-server-v1.1.0"), type: CONTAINER, id: "id-of-xingrin-server-v1.1.0" },
                { urn: AGENT, type: "command:remote:Command", id: "worker-2-agent-id" },
            ],
            pending_operations: [
                { resource: { urn: URN(`xingrin:server:MainServer$${CONTAINER}`, "xingrin-postgres"), type: CONTAINER }, type: "creating" },
                { resource: { urn: AGENT, type: "command:remote:Command" }, type: "updating" },
            ],
        },
    };
}

function hosts(): FakeHosts {
    return new FakeHosts({
        "main-server": {
            containers: [
                { name: "xingrin-server-v1.1.0", image: "sha256:1" },
                { name: "xingrin-postgres", image: "sha256:2" },   // created, never recorded
            ],
            images: [],
        },
    });
}

async function run(fake: FakePulumi, fakeHosts: FakeHosts, yes: boolean, confirm?: () => Promise<boolean>) {
    const out = printed();
    await recover({ yes }, { pulumi: new PulumiCli(fake, "prod"), openHosts: fakeHosts.open, print: out.print, confirm });
    return out.lines;
}

describe("release recover", () => {
    it("removes the untracked container, clears the interrupted operations and re-runs the agent", async () => {
        const fake = new FakePulumi({ imageTag: "v1.2.0" });
        fake.exported = interruptedState();
        const fakeHosts = hosts();
        const lines = await run(fake, fakeHosts, true);
        assert.deepStrictEqual(lines, [
            "stack prod: the last update was interrupted while creating xingrin-postgres, updating worker-2-agent\n" +
            "  leftover container xingrin-postgres (sha256:2): not tracked by the stack, will be removed\n" +
            "  worker-2-agent may have run only partly: the next up runs it again",
            "cleared 2 interrupted operation(s) and refreshed the state from the hosts",
            "removed leftover container xingrin-postgres",
            "the next up runs worker-2-agent again",
            "recovered. Now run `pulumi up --stack prod --diff`: with imageTag v1.2.0 it finishes the update; " +
            "set the previous tag first to roll back instead",
        ]);
        assert.ok(fake.commands.includes("pulumi refresh --yes --skip-preview --clear-pending-creates --stack prod"));
        assert.ok(fake.commands.includes(`pulumi state taint ${AGENT} --yes --stack prod`));
        assert.ok(fakeHosts.calls.includes("main-server: docker rm --force id-of-xingrin-postgres"));
        assert.ok(!fakeHosts.calls.some(call => call.includes("rm --force id-of-xingrin-server-v1.1.0")), "removed a tracked container");
    });

    it("finds the stack's containers by their label also when --stack is fully qualified (org/prod)", async () => {
        const fake = new FakePulumi({ imageTag: "v1.2.0" }, "acme/prod");
        fake.exported = interruptedState();
        const fakeHosts = hosts();
        const out = printed();
        await recover({ yes: true }, { pulumi: new PulumiCli(fake, "acme/prod"), openHosts: fakeHosts.open, print: out.print });
        const listing = fakeHosts.calls.find(call => call.includes(" ps "));
        assert.ok(listing?.includes("--filter label=xingrin.stack=xingrin-deploy/prod "), listing);
        assert.ok(fakeHosts.calls.includes("main-server: docker rm --force id-of-xingrin-postgres"));
    });

    it("changes nothing without --yes and without a terminal", async () => {
        const fake = new FakePulumi({ imageTag: "v1.2.0" });
        fake.exported = interruptedState();
        const fakeHosts = hosts();
        const lines = await run(fake, fakeHosts, false);
        assert.strictEqual(lines[lines.length - 1], "nothing changed: no terminal to ask on; run again with --yes to recover");
        assert.ok(!fake.commands.some(c => c.startsWith("pulumi refresh") || c.startsWith("pulumi state")));
        assert.ok(!fakeHosts.calls.some(call => call.includes(" rm ")));
    });

    it("stops before touching a container while the stack is locked, and says how to unlock it", async () => {
        const fake = new FakePulumi({ imageTag: "v1.2.0" });
        fake.exported = interruptedState();
        fake.refreshResult = { code: 255, stdout: "", stderr: "error: the stack is currently locked by 1 lock(s). Either wait…\n" };
        const fakeHosts = hosts();
        await assert.rejects(run(fake, fakeHosts, true), {
            name: "ReleaseError",
            message: "stack prod is locked: another pulumi command runs on it, or the interrupted one left its lock. " +
                "If none runs any more, run `pulumi cancel --stack prod`, then `npm run recover -- --stack prod` again",
        });
        assert.ok(!fakeHosts.calls.some(call => call.includes(" rm ")));
    });

    it("says there is nothing to do after a clean update", async () => {
        const fake = new FakePulumi({ imageTag: "v1.2.0" });
        fake.exported = { version: 3, deployment: { resources: interruptedState().deployment.resources } };
        const fakeHosts = new FakeHosts({ "main-server": { containers: [{ name: "xingrin-server-v1.1.0", image: "sha256:1" }], images: [] } });
        const lines = await run(fake, fakeHosts, true);
        assert.deepStrictEqual(lines, ["stack prod: no interrupted operation in the state", "nothing to recover: run `pulumi up --stack prod --diff`"]);
    });

    it("finds drift on the workers that no refresh sees, and has the next up run their commands again", async () => {
        const workers = [
            { name: "worker-1", address: "10.0.1.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne" },
            { name: "worker-2", address: "10.0.1.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo" },
        ];
        const fake = new FakePulumi({
            imageTag: "v1.2.0", registry: "reg.example.com", namespace: "xingrin", workers,
            workerSshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----",
        });
        const command = "xingrin:worker:RemoteWorker$command:remote:Command";
        const stageCommand = "xingrin:stage:FleetStage$command:remote:Command";
        fake.exported = { version: 3, deployment: { resources: [
            { urn: URN(command, "worker-1-agent"), type: "command:remote:Command", id: "a1" },
            { urn: URN(stageCommand, "worker-2-pre-pull"), type: "command:remote:Command", id: "p2" },
        ] } };
        const held = (tag: string) => ["worker", "agent"].map(service => ({ repository: `reg.example.com/xingrin/xingrin-${service}`, tag }));
        const fakeHosts = new FakeHosts({
            "main-server": { containers: [], images: [] },
            // The agent was removed by hand.
            "worker-1": { containers: [], images: held("v1.2.0") },
            // The worker image was deleted by hand.
            "worker-2": {
                containers: [{ name: "xingrin-agent", image: "reg.example.com/xingrin/xingrin-agent:v1.2.0" }],
                images: held("v1.2.0").filter(image => !image.repository.endsWith("xingrin-worker")),
            },
        });
        const lines = await run(fake, fakeHosts, true);
        assert.deepStrictEqual(lines.slice(0, 1), [
            "stack prod: no interrupted operation in the state\n" +
            "  worker-1 runs no agent container, not one agent on reg.example.com/xingrin/xingrin-agent:v1.2.0: the next up runs worker-1-agent again\n" +
            "  worker-2 does not hold reg.example.com/xingrin/xingrin-worker:v1.2.0: the next up runs worker-2-pre-pull again",
        ]);
        assert.ok(fake.commands.includes(`pulumi state taint ${URN(command, "worker-1-agent")} --yes --stack prod`));
        assert.ok(fake.commands.includes(`pulumi state taint ${URN(stageCommand, "worker-2-pre-pull")} --yes --stack prod`));
    });
});

