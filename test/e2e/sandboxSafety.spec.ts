import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docker } from "./support/hosts";
import { OperatorDocker } from "./support/operatorDocker";
import { sandboxDown, sandboxUp } from "./support/sandbox";

const REPO = path.resolve(__dirname, "..", "..");
const IMAGE = "yyhuni/xingrin-server:v1.5.8";

/** A XingRin as install.sh leaves it: compose containers, its network, its database volume. */
function stageInstallation(operator: OperatorDocker): void {
    operator.importBusybox(IMAGE);
    docker(operator.host, ["network", "create", "xingrin_network"]);
    docker(operator.host, ["volume", "create", "docker_postgres_data"]);
    for (const name of ["xingrin-postgres", "xingrin-server"]) {
        docker(operator.host, ["run", "-d", "--name", name, "--network", "xingrin_network",
            "--label", "com.docker.compose.project=docker",
            "-v", "docker_postgres_data:/var/lib/postgresql/data", IMAGE, "sh", "-c", "sleep 100000"]);
    }
    docker(operator.host, ["exec", "xingrin-postgres", "sh", "-c", "echo scan-history > /var/lib/postgresql/data/marker"]);
}

/** What must not change: container ids and states, the network, the volume's data, the data dir. */
function snapshot(operator: OperatorDocker, dataDir: string): string {
    return JSON.stringify({
        containers: docker(operator.host, ["ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}"]),
        networks: docker(operator.host, ["network", "ls", "--format", "{{.ID}} {{.Name}}"]),
        volumes: docker(operator.host, ["volume", "ls", "--format", "{{.Name}}"]),
        data: docker(operator.host, ["exec", "xingrin-postgres", "cat", "/var/lib/postgresql/data/marker"]),
        files: fs.readdirSync(dataDir).map(file => `${file}:${fs.readFileSync(path.join(dataDir, file), "utf8")}`),
    });
}

describe("the sandbox next to a XingRin it did not create", function () {
    this.timeout(10 * 60 * 1000);
    const operator = new OperatorDocker();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "xr-op-data-"));
    // Where the sandbox looks for someone else's XingRin: the staged one instead of the machine's.
    const guard = { XINGRIN_SANDBOX_GUARD_DOCKER: operator.host, XINGRIN_SANDBOX_GUARD_DATA: dataDir };
    let untouched: string;

    function sandboxScript(script: string, args: string[] = []) {
        const result = spawnSync("bash", [path.join(REPO, "sandbox", script), ...args], {
            encoding: "utf8", env: { ...process.env, ...guard }, timeout: 5 * 60 * 1000,
        });
        process.stdout.write(`${result.stdout}${result.stderr}`.split("\n").map(line => `      | ${line}`).join("\n"));
        return { status: result.status, output: `${result.stdout}${result.stderr}` };
    }

    before(() => {
        sandboxUp();   // the sandbox runs (and its packages are installed) before the installation appears
        operator.start();
        stageInstallation(operator);
        fs.writeFileSync(path.join(dataDir, "results.txt"), "scan results");
        untouched = snapshot(operator, dataDir);
    });

    after(() => {
        operator.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
        sandboxDown();
    });

    it("up.sh refuses to start, naming what it found and why", () => {
        const up = sandboxScript("up.sh");
        assert.strictEqual(up.status, 3, up.output);
        assert.match(up.output, /REFUSED: this machine runs or holds a XingRin that the sandbox did not create/);
        assert.match(up.output, new RegExp(`on the Docker daemon at ${operator.host}: container xingrin-postgres, container xingrin-server, network xingrin_network, volume docker_postgres_data`));
        assert.match(up.output, new RegExp(`data in ${dataDir} \\(results\\.txt\\)`));
        assert.strictEqual(snapshot(operator, dataDir), untouched);
    });

    it("deploy.sh refuses before any pulumi command runs", () => {
        const deploy = sandboxScript("deploy.sh", ["v1.1.0"]);
        assert.strictEqual(deploy.status, 3, deploy.output);
        assert.doesNotMatch(deploy.output, /pulumi up at/);
        assert.strictEqual(snapshot(operator, dataDir), untouched);
    });

    it("down.sh removes the sandbox and leaves the installation exactly as it was", () => {
        const down = sandboxScript("down.sh");
        assert.strictEqual(down.status, 0, down.output);
        assert.strictEqual(snapshot(operator, dataDir), untouched);
        const state = process.env.XINGRIN_SANDBOX_DIR ?? "/var/lib/xingrin-sandbox";
        for (const gone of ["main", "workers", "data", "pulumi-state", "sandbox.json"]) {
            assert.ok(!fs.existsSync(path.join(state, gone)), `down.sh left ${gone} behind in ${state}`);
        }
        assert.ok(!fs.existsSync(path.join(REPO, "Pulumi.sandbox.yaml")), "down.sh left the sandbox stack file behind");
    });
});
