import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { handOverScript } from "../../components/handOver";

/**
 * Runs the script against a fake `docker` that lists containers per xingrin.service label and
 * records every other call.
 */
function runWithFakeDocker(script: string, containers: Record<string, string[]>, nginxRunning = false): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hand-over-"));
    const calls = path.join(dir, "calls");
    const listing = Object.entries(containers).map(([service, names]) =>
        `*"label=xingrin.service=${service}"*) printf '%s\\n' ${names.join(" ")} ;;`).join("\n    ");
    fs.writeFileSync(path.join(dir, "docker"), `#!/bin/bash
case "$1" in
  inspect)
    [ "\${@: -1}" = xingrin-nginx ] && ${nginxRunning ? "echo true" : "exit 1"} ;;
  ps)
    [[ "$*" == *"label=xingrin.stack=xingrin-deploy/prod"* ]] || exit 0
    case "$*" in
    ${listing}
    esac ;;
  *) echo "$*" >> ${calls} ;;
esac
`, { mode: 0o755 });
    const output = execFileSync("bash", ["-c", script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8" });
    assert.match(output, /nginx will reach: xingrin-server-v1\.2\.0 xingrin-frontend-v1\.2\.0/);
    return fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [];
}

describe("hand-over before nginx starts", () => {
    const script = handOverScript({
        stack: "xingrin-deploy/prod",
        network: "xingrin_network",
        services: ["server", "frontend"],
        current: ["xingrin-server-v1.2.0", "xingrin-frontend-v1.2.0"],
        proxy: "xingrin-nginx",
    }).text;

    it("takes every older server and frontend of this stack off the network, then reloads the running nginx", () => {
        const calls = runWithFakeDocker(script, {
            server: ["xingrin-server-v1.1.0", "xingrin-server-v1.2.0", "xingrin-server-v1.0.0"],
            frontend: ["xingrin-frontend-v1.1.0", "xingrin-frontend-v1.2.0"],
            agent: ["xingrin-agent-v1.1.0"],
        }, true);
        assert.deepStrictEqual(calls, [
            "network disconnect -f xingrin_network xingrin-server-v1.1.0",
            "network disconnect -f xingrin_network xingrin-server-v1.0.0",
            "network disconnect -f xingrin_network xingrin-frontend-v1.1.0",
            "kill --signal HUP xingrin-nginx",
        ]);
    });

    it("does nothing on a first deploy", () => {
        assert.deepStrictEqual(runWithFakeDocker(script, { server: ["xingrin-server-v1.2.0"], frontend: ["xingrin-frontend-v1.2.0"] }), []);
    });
});
