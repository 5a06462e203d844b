import * as assert from "assert";
import { PulumiCli } from "../../../release/pulumiCli";
import { DOCKER_IMAGES_ARGS, DOCKER_PS_ARGS } from "../../../release/hostInventory";
import { EXIT_MISMATCH, versions } from "../../../release/versions";
import { FakeHost, FakeHosts, imageId, repoDigest } from "./support/fakeHosts";
import { FakePulumi, printed } from "./support/fakePulumi";

const REPO = "registry.example.com/xingrin";
const ref = (service: string, tag: string) => `${REPO}/xingrin-${service}:${tag}`;
const image = (service: string, tag: string) => ({ image: ref(service, tag), digest: `${REPO}/xingrin-${service}@${repoDigest(ref(service, tag))}` });
const MAIN_SERVICES = ["postgres", "server", "agent", "frontend", "nginx"];
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
const WORKERS = [
    { name: "worker-1", address: "10.0.1.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne" },
    { name: "worker-2", address: "10.0.1.12", port: 2222, user: "xingrin", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo" },
];

/** `pulumi stack output --json` after deploying v1.6.0 (the shape index.ts exports). */
function stackOutputs(tag = "v1.6.0"): Record<string, unknown> {
    const main: Record<string, unknown> = { redis: { image: "redis:7-alpine", digest: `redis@${repoDigest("redis:7-alpine")}` } };
    MAIN_SERVICES.forEach(service => { main[service] = image(service, tag); });
    return {
        imageTag: tag,
        url: "https://xingrin.example.com:8083",
        taskExecutorImage: ref("worker", tag),
        versions: {
            "main-server": main,
            "worker-1": { worker: image("worker", tag), agent: image("agent", tag) },
            "worker-2": { worker: image("worker", tag), agent: image("agent", tag) },
        },
    };
}

/** The main server: containers created by image ID (as the program creates them), three versions on disk. */
function mainServer(): FakeHost {
    const images = [
        { repository: "redis", tag: "7-alpine" },
        ...["v1.6.0", "v1.5.8"].flatMap(tag => [...MAIN_SERVICES, "worker"].map(service => ({ repository: `${REPO}/xingrin-${service}`, tag }))),
        ...[...MAIN_SERVICES, "worker"].filter(s => s !== "frontend").map(service => ({ repository: `${REPO}/xingrin-${service}`, tag: "v1.5.7" })),
    ];
    return {
        containers: [
            { name: "xingrin-redis", image: imageId("redis:7-alpine") },
            ...MAIN_SERVICES.map(service => ({ name: `xingrin-${service}`, image: imageId(ref(service, "v1.6.0")) })),
        ],
        images,
    };
}

/** A worker whose agent runs `agentTag` (started by reference, as workerScripts.ts does). */
function worker(agentTag: string, heldTags: string[]): FakeHost {
    return {
        containers: [{ name: "xingrin-agent", image: ref("agent", agentTag) }],
        images: heldTags.flatMap(tag => ["worker", "agent"].map(service => ({ repository: `${REPO}/xingrin-${service}`, tag }))),
    };
}

function prodPulumi(outputs = stackOutputs()): FakePulumi {
    const fake = new FakePulumi({ imageTag: "v1.6.0", workers: WORKERS, workerSshPrivateKey: SSH_KEY });
    fake.outputs = outputs;
    return fake;
}

async function runVersions(fake: FakePulumi, hosts: FakeHosts): Promise<{ code: number; lines: string[] }> {
    const out = printed();
    const code = await versions({ pulumi: new PulumiCli(fake, "prod"), openHosts: hosts.open, print: out.print });
    return { code, lines: out.lines };
}

describe("release versions", () => {
    it("reads outputs and config through pulumi, and asks each host's docker what it runs and holds", async () => {
        const fake = prodPulumi();
        const hosts = new FakeHosts({ "main-server": mainServer(), "worker-1": worker("v1.6.0", ["v1.6.0"]), "worker-2": worker("v1.6.0", ["v1.6.0"]) });
        await runVersions(fake, hosts);

        assert.deepStrictEqual(fake.commands, [
            "pulumi stack output --json --stack prod",
            "pulumi config get --stack prod -- imageTag",
            "pulumi config get --stack prod -- dockerHost",
            "pulumi config get --stack prod -- dockerCertPath",
            "pulumi config get --json --stack prod -- workers",
            "pulumi config get --stack prod -- workerSshPrivateKey",
            "pulumi config get --stack prod -- keepVersions",
            "pulumi stack export --stack prod",
        ]);
        const ps = `docker ${DOCKER_PS_ARGS.join(" ")}`;
        const ls = `docker ${DOCKER_IMAGES_ARGS.join(" ")}`;
        assert.deepStrictEqual([...hosts.calls].sort(), [
            `main-server: ${ls}`, `main-server: ${ps}`, `worker-1: ${ls}`, `worker-1: ${ps}`, `worker-2: ${ls}`, `worker-2: ${ps}`,
        ]);
        assert.strictEqual(ps, "docker ps --all --no-trunc --filter name=xingrin- --format {{json .}}");
        assert.strictEqual(ls, "docker image ls --digests --no-trunc --format {{json .}}");
        // The decrypted key goes to host access (for its temp file), and the session is closed.
        assert.deepStrictEqual(hosts.options, { workers: WORKERS, sshPrivateKey: SSH_KEY });
        assert.strictEqual(hosts.closed, true);
    });

    it("prints a table per host and exits 0 when every host matches the outputs", async () => {
        const hosts = new FakeHosts({ "main-server": mainServer(), "worker-1": worker("v1.6.0", ["v1.6.0", "v1.5.8"]), "worker-2": worker("v1.6.0", ["v1.6.0"]) });
        const { code, lines } = await runVersions(prodPulumi(), hosts);

        assert.strictEqual(code, 0);
        const mainAt = lines.indexOf("main-server  (docker unix:///var/run/docker.sock)");
        assert.deepStrictEqual(lines.slice(mainAt, mainAt + 10).map(line => line.replace(/ +/g, " ")), [
            "main-server (docker unix:///var/run/docker.sock)",
            " SERVICE STACK OUTPUT ON HOST CHECK",
            " redis redis:7-alpine redis:7-alpine ok",
            ` postgres ${ref("postgres", "v1.6.0")} ${ref("postgres", "v1.6.0")} ok`,
            ` server ${ref("server", "v1.6.0")} ${ref("server", "v1.6.0")} ok`,
            ` agent ${ref("agent", "v1.6.0")} ${ref("agent", "v1.6.0")} ok`,
            ` frontend ${ref("frontend", "v1.6.0")} ${ref("frontend", "v1.6.0")} ok`,
            ` nginx ${ref("nginx", "v1.6.0")} ${ref("nginx", "v1.6.0")} ok`,
            ` worker ${ref("worker", "v1.6.0")} held for tasks ok`,
            " XingRin versions held locally: v1.6.0 (complete), v1.5.8 (complete), v1.5.7 (lacks frontend); a rollback to a complete one pulls nothing",
        ]);
        assert.ok(lines.includes("worker-2  (ssh xingrin@10.0.1.12:2222)"), lines.join("\n"));
        assert.ok(lines.includes("  XingRin versions held locally: v1.6.0 (complete), v1.5.8 (complete); a rollback to a complete one pulls nothing"));
        assert.strictEqual(lines[lines.length - 1], "Every host runs what stack prod says.");
        assert.ok(!lines.some(line => line.includes("PRIVATE KEY")), "the SSH key is never printed");
    });

    it("flags a worker whose agent runs another image than the outputs say, and one that lacks the worker image", async () => {
        const hosts = new FakeHosts({ "main-server": mainServer(), "worker-1": worker("v1.6.0", ["v1.6.0"]), "worker-2": worker("v1.5.8", ["v1.5.8"]) });
        const { code, lines } = await runVersions(prodPulumi(), hosts);

        assert.strictEqual(code, EXIT_MISMATCH);
        const at = lines.indexOf("worker-2  (ssh xingrin@10.0.1.12:2222)");
        assert.deepStrictEqual(lines.slice(at + 1, at + 7).map(line => line.replace(/ +/g, " ")), [
            " SERVICE STACK OUTPUT ON HOST CHECK",
            ` worker ${ref("worker", "v1.6.0")} not held MISSING`,
            ` agent ${ref("agent", "v1.6.0")} ${ref("agent", "v1.5.8")} MISMATCH`,
            " !! worker: the host does not hold this image: the next task pulls it first (slow; a failed pull fails the scan)",
            ` !! agent: xingrin-agent runs ${ref("agent", "v1.5.8")}, but the stack output says ${ref("agent", "v1.6.0")}`,
            " XingRin versions held locally: v1.5.8 (complete); a rollback to a complete one pulls nothing",
        ]);
        assert.deepStrictEqual(lines.slice(-4), [
            "2 difference(s) between stack prod and its hosts:",
            "  worker-2 worker: the host does not hold this image: the next task pulls it first (slow; a failed pull fails the scan)",
            `  worker-2 agent: xingrin-agent runs ${ref("agent", "v1.5.8")}, but the stack output says ${ref("agent", "v1.6.0")}`,
            "`pulumi preview --stack prod --diff` shows what a `pulumi up` would change to put them back in line.",
        ]);
    });

    it("flags a main-server container running an image ID whose tag is not the one in the outputs", async () => {
        const main = mainServer();
        main.containers = main.containers.map(c => c.name === "xingrin-server" ? { ...c, image: imageId(ref("server", "v1.5.8")) } : c);
        const hosts = new FakeHosts({ "main-server": main, "worker-1": worker("v1.6.0", ["v1.6.0"]), "worker-2": worker("v1.6.0", ["v1.6.0"]) });
        const { code, lines } = await runVersions(prodPulumi(), hosts);

        assert.strictEqual(code, EXIT_MISMATCH);
        assert.ok(lines.includes(`  main-server server: xingrin-server runs ${ref("server", "v1.5.8")}, but the stack output says ${ref("server", "v1.6.0")}`),
            lines.join("\n"));
    });

    it("flags a stopped container, a re-pushed tag (digest differs) and an unreachable host, and keeps checking the rest", async () => {
        const main = mainServer();
        main.containers = main.containers.map(c => c.name === "xingrin-nginx" ? { ...c, state: "exited" } : c);
        main.images = main.images.map(i => i.repository.endsWith("xingrin-frontend") && i.tag === "v1.6.0" ? { ...i, digest: "sha256:0000" } : i);
        const hosts = new FakeHosts({
            "main-server": main,
            "worker-1": new Error("ssh root@10.0.1.11:22 docker ps failed (exit 255): Host key verification failed."),
            "worker-2": worker("v1.6.0", ["v1.6.0"]),
        });
        const { code, lines } = await runVersions(prodPulumi(), hosts);

        assert.strictEqual(code, EXIT_MISMATCH);
        const summary = lines.slice(lines.indexOf("3 difference(s) between stack prod and its hosts:"));
        assert.deepStrictEqual(summary.slice(1, 4), [
            `  main-server frontend: ${ref("frontend", "v1.6.0")} on the host has digest sha256:0000, but the deploy recorded ` +
                `${repoDigest(ref("frontend", "v1.6.0"))} (the tag was pushed again)`,
            "  main-server nginx: xingrin-nginx is exited",
            "  worker-1: not checked (ssh root@10.0.1.11:22 docker ps failed (exit 255): Host key verification failed.)",
        ]);
        assert.ok(lines.includes("worker-2  (ssh xingrin@10.0.1.12:2222)"));
    });

    it("matches Docker Hub references by their short name (docker.io/… is shown without the registry)", async () => {
        const hub = "docker.io/yyhuni";
        const fake = new FakePulumi({ imageTag: "v1.5.8" });
        fake.outputs = {
            imageTag: "v1.5.8",
            taskExecutorImage: `${hub}/xingrin-worker:v1.5.8`,
            versions: { "main-server": { server: { image: `${hub}/xingrin-server:v1.5.8`, digest: "" } } },
        };
        const hosts = new FakeHosts({
            "main-server": {
                containers: [{ name: "xingrin-server", image: imageId("yyhuni/xingrin-server:v1.5.8") }],
                images: [{ repository: "yyhuni/xingrin-server", tag: "v1.5.8" }, { repository: "yyhuni/xingrin-worker", tag: "v1.5.8" }],
            },
        });
        const { code, lines } = await runVersions(fake, hosts);
        assert.strictEqual(code, 0, lines.join("\n"));
        // No workers: the SSH key is not even read.
        assert.ok(!fake.commands.includes("pulumi config get --stack prod -- workerSshPrivateKey"));
        assert.deepStrictEqual(hosts.options, { workers: [], sshPrivateKey: undefined });
    });

    it("notes a tag set in the stack but not deployed yet, and workers missing from outputs or config", async () => {
        const fake = prodPulumi();
        fake.config.imageTag = "v1.6.1";
        fake.config.workers = [WORKERS[0], { ...WORKERS[1], name: "worker-3", address: "10.0.1.13" }];
        const hosts = new FakeHosts({ "main-server": mainServer(), "worker-1": worker("v1.6.0", ["v1.6.0"]) });
        const { lines } = await runVersions(fake, hosts);
        assert.deepStrictEqual(lines.slice(0, 4), [
            "stack prod: last update deployed imageTag v1.6.0",
            "  note: the stack's imageTag is now v1.6.1, not deployed yet (`pulumi preview --stack prod --diff` shows what moves)",
            "  note: worker-2 is in the outputs but no longer in the stack's workers, so it is not checked (the next pulumi up removes it)",
            "  note: worker-3 is in the stack's workers but not in the outputs yet (the next pulumi up sets it up)",
        ]);
    });

    it("explains what to do when the stack has no versions output", async () => {
        const fake = prodPulumi({});
        await assert.rejects(runVersions(fake, new FakeHosts({})), {
            name: "ReleaseError",
            message: "stack prod has no `versions` output (has it been deployed?): run `pulumi up --stack prod --diff` first",
        });
    });

    it("explains a versions output that pulumi masks as secret", async () => {
        const fake = prodPulumi({ ...stackOutputs(), versions: "[secret]" });
        await assert.rejects(runVersions(fake, new FakeHosts({})), {
            name: "ReleaseError",
            message: /^stack prod's `versions` output is marked secret, so pulumi shows only "\[secret\]"/,
        });
    });

    it("asks for workerSshPrivateKey when workers are listed without it", async () => {
        const fake = prodPulumi();
        delete fake.config.workerSshPrivateKey;
        await assert.rejects(runVersions(fake, new FakeHosts({})), {
            name: "ReleaseError",
            message: "stack prod lists workers but has no workerSshPrivateKey to reach them: " +
                "run `pulumi config set --secret --stack prod -- workerSshPrivateKey < ~/.ssh/id_ed25519`",
        });
    });

    it("finds containers by their service label, and flags two of one service (an interrupted update)", async () => {
        const main = mainServer();
        main.containers = main.containers.filter(c => c.name !== "xingrin-server");
        main.containers.push({ name: "xingrin-server-v1.6.0", image: imageId(ref("server", "v1.6.0")) });
        main.containers.push({ name: "xingrin-server-v1.5.8", image: imageId(ref("server", "v1.5.8")) });
        const hosts = new FakeHosts({ "main-server": main, "worker-1": worker("v1.6.0", ["v1.6.0"]), "worker-2": worker("v1.6.0", ["v1.6.0"]) });
        const { code, lines } = await runVersions(prodPulumi(), hosts);
        assert.strictEqual(code, EXIT_MISMATCH, lines.join("\n"));
        assert.ok(lines.includes(
            `  main-server server: 2 server containers on the host (xingrin-server-v1.6.0: ${imageId(ref("server", "v1.6.0"))}, ` +
            `xingrin-server-v1.5.8: ${imageId(ref("server", "v1.5.8"))}): an update was interrupted; ` +
            "`npm run recover` removes the one the stack does not track"), lines.join("\n"));
    });

    it("compares the hosts with the stack's imageTag, so a failed update that left outputs ahead is not called fine", async () => {
        // The outputs say v1.6.1 (the failed update recorded them); the stack's imageTag is v1.6.0 again.
        const fake = prodPulumi(stackOutputs("v1.6.1"));
        const hosts = new FakeHosts({ "main-server": mainServer(), "worker-1": worker("v1.6.0", ["v1.6.0"]), "worker-2": worker("v1.6.0", ["v1.6.0"]) });
        const { code, lines } = await runVersions(fake, hosts);
        assert.strictEqual(code, 0, lines.join("\n"));
        fake.config.imageTag = "v1.6.1";
        const ahead = await runVersions(fake, new FakeHosts({ "main-server": mainServer(), "worker-1": worker("v1.6.0", ["v1.6.0"]), "worker-2": worker("v1.6.0", ["v1.6.0"]) }));
        assert.strictEqual(ahead.code, EXIT_MISMATCH);
        assert.ok(ahead.lines.some(line => line.includes(`runs ${ref("server", "v1.6.0")}, but the stack output says ${ref("server", "v1.6.1")}`)), ahead.lines.join("\n"));
    });
});

