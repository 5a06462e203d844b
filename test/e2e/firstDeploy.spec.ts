import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectedImageLabel, httpsGet, inspectContainer, serviceContainer } from "./support/hosts";
import { copyTag } from "./support/faults";
import { SandboxFleet, sandboxDown, sandboxUp } from "./support/sandbox";

const REPO = path.resolve(__dirname, "..", "..");
const README = path.join(REPO, "README.md");

/**
 * Issue 12: the README's first deploy, run as written on a new state store, against the sandbox
 * fleet. Three things differ from an operator's terminal, and only these: the state backend is a
 * local directory (no object storage here), `$EDITOR` is a script that sets the sandbox's
 * addresses the way an operator would type them, and `pulumi up` gets `--yes` (a person answers
 * its prompt). Everything runs in a fresh clone, with its own HOME and PULUMI_HOME.
 */
describe("the README's first deploy, as written", function () {
    this.timeout(10 * 60 * 1000);
    let fleet: SandboxFleet;
    let work: string;
    let clone: string;
    let tlsCertDir: string;
    let env: NodeJS.ProcessEnv;
    // Pulumi.prod.yaml's imageTag: the sandbox registry gets that tag (a copy of v1.2.0).
    const prodTag = /imageTag: (v\S+)/.exec(fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8"))![1];

    /** The shell block under "Then, once per state backend:". */
    function firstDeployBlock(): string {
        const text = fs.readFileSync(README, "utf8");
        const start = text.indexOf("Then, once per state backend:");
        const open = text.indexOf("```sh\n", start);
        const close = text.indexOf("```", open + 6);
        assert.ok(start >= 0 && open > start && close > open, "the README has no first-deploy block");
        return text.slice(open + 6, close);
    }

    before(async () => {
        fleet = sandboxUp();
        for (const service of fleet.services) {
            await copyTag(fleet, `${fleet.namespace}/xingrin-${service}`, "v1.2.0", prodTag);
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-first-deploy-"));
        clone = path.join(work, "xingrin-deploy");
        execFileSync("git", ["clone", "--quiet", REPO, clone]);
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(clone, "node_modules"));
        const home = path.join(work, "home");
        fs.mkdirSync(path.join(home, ".ssh"), { recursive: true, mode: 0o700 });
        fs.copyFileSync(fleet.sshPrivateKeyFile, path.join(home, ".ssh", "xingrin_workers"));
        // The README's block names worker-1 and worker-2, the sandbox's two workers.
        assert.deepStrictEqual(fleet.workers.map(w => w.name), ["worker-1", "worker-2"]);
        fs.mkdirSync(path.join(home, ".config", "xingrin"), { recursive: true, mode: 0o700 });
        for (const worker of fleet.workers) {
            fs.writeFileSync(path.join(home, ".config", "xingrin", `${worker.name}.password`), worker.xingrinPassword, { mode: 0o600 });
        }
        // A Pulumi home of its own (login writes there), with the rig's plugins.
        const pulumiHome = path.join(work, "pulumi-home");
        fs.mkdirSync(pulumiHome);
        fs.symlinkSync(path.join(process.env.PULUMI_HOME!, "plugins"), path.join(pulumiHome, "plugins"));
        // No certificate of the operator's: the first deploy must still serve TLS (it makes one).
        tlsCertDir = path.join(work, "ssl");
        fs.mkdirSync(tlsCertDir);
        // The operator's edit of Pulumi.prod.yaml: the sandbox's registry, addresses and workers.
        const workers = JSON.stringify(fleet.workers.map(({ name, address, port, user, hostKey }) => ({ name, address, port, user, hostKey })));
        const editor = path.join(work, "editor.sh");
        fs.writeFileSync(editor, [
            "#!/bin/sh",
            "set -eu",
            'cd "$(dirname "$1")"',
            `pulumi config set registry ${fleet.registry}`,
            `pulumi config set namespace ${fleet.namespace}`,
            `pulumi config set redisImage ${fleet.redisImage}`,
            `pulumi config set dockerHost ${fleet.dockerHost}`,
            `pulumi config set publicHost ${fleet.publicHost}`,
            `pulumi config set publicScheme ${fleet.publicScheme}`,
            `pulumi config set bindAddress ${fleet.bindAddress}`,
            `pulumi config set databaseBindAddress ${fleet.bindAddress}`,
            `pulumi config set dataDir ${fleet.dataDir}`,
            `pulumi config set tlsCertDir ${tlsCertDir}`,
            `pulumi config set workers '${workers}'`,
        ].join("\n"), { mode: 0o755 });
        env = { ...process.env, HOME: home, PULUMI_HOME: pulumiHome, EDITOR: editor };
        for (const key of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_ACCESS_TOKEN"]) {
            delete env[key];
        }
    });

    after(() => {
        spawnSync("pulumi", ["destroy", "--yes", "--stack", "prod"], { cwd: clone, env: { ...env,
            PULUMI_CONFIG_PASSPHRASE_FILE: path.join(env.HOME!, ".config", "xingrin", "prod.passphrase") }, stdio: "ignore" });
        fs.rmSync(work, { recursive: true, force: true });
        sandboxDown();
    });

    it("deploys the fleet from a new state store, with every secret encrypted in Pulumi.prod.yaml", async () => {
        const state = path.join(work, "state");
        fs.mkdirSync(state);
        const script = firstDeployBlock()
            .replace("pulumi login s3://your-bucket/xingrin", `pulumi login file://${state}`)
            .replace("pulumi up --stack prod --diff --policy-pack policy", "pulumi up --stack prod --diff --policy-pack policy --yes");
        const run = spawnSync("bash", ["-euo", "pipefail", "-c", script], { cwd: clone, env, encoding: "utf8", timeout: 8 * 60 * 1000 });
        const output = `${run.stdout}${run.stderr}`;
        process.stdout.write(output.split("\n").map(line => `      | ${line}`).join("\n"));
        assert.strictEqual(run.status, 0, output.slice(-4000));
        assert.match(output, /xingrin-release-policy/, "the policy pack did not run");

        for (const service of ["postgres", "server", "agent", "frontend", "nginx"]) {
            const container = inspectContainer(fleet.dockerHost, serviceContainer(fleet.dockerHost, service));
            const ref = `${fleet.registry}/${fleet.namespace}/xingrin-${service}:${prodTag}`;
            assert.strictEqual(container.imageLabel, expectedImageLabel(service, ref), service);
            assert.ok(container.imageTags.includes(ref), `${service} runs ${container.imageTags.join(",")}`);
        }
        const stackFile = fs.readFileSync(path.join(clone, "Pulumi.prod.yaml"), "utf8");
        for (const key of ["databasePassword", "djangoSecretKey", "workerApiKey", "workerSshPrivateKey"]) {
            assert.match(stackFile, new RegExp(`xingrin-deploy:${key}:\\n\\s+secure: `), `${key} is not stored encrypted`);
        }
        for (const worker of fleet.workers) {
            assert.ok(!stackFile.includes(worker.xingrinPassword), `${worker.name}'s password is in Pulumi.prod.yaml in plain text`);
            assert.match(stackFile, new RegExp(`${worker.name}:\\n\\s+secure: `), `${worker.name}'s password is not stored encrypted`);
        }
        assert.ok(!stackFile.includes("PRIVATE KEY"), "the SSH key is in Pulumi.prod.yaml in plain text");
        // TLS from the first deploy on, with a certificate made for it that names publicHost.
        assert.match(output, /tls: no certificate in .*: made a self-signed one for localhost, 127\.0\.0\.1 and /);
        const made = path.join(tlsCertDir, "fullchain.pem");
        const health = await httpsGet({ publicHost: fleet.publicHost, tlsCaFile: made }, "/api/health/");
        assert.strictEqual(health.status, 200, health.body);
        assert.strictEqual(fs.statSync(path.join(tlsCertDir, "privkey.pem")).mode & 0o077, 0, "the private key is readable by others");
        const passphrase = path.join(env.HOME!, ".config", "xingrin", "prod.passphrase");
        assert.strictEqual(fs.statSync(path.dirname(passphrase)).mode & 0o777, 0o700);
        assert.ok(fs.statSync(passphrase).size > 0);
    });
});
