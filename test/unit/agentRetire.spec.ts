import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { agentRetireScript, agentStartScript } from "../../components/workerScripts";

const STACK = "xingrin-deploy/prod";

/** A worker host's agents as `docker ps` lists them: id, then its xingrin.worker label ("" for an agent from before that label). */
type Agents = Array<[string, string]>;

/**
 * Runs the retire step as the command provider does (`sh -c`, the private key on stdin) with a fake
 * `ssh` that loads the key the way OpenSSH does (`ssh-keygen -y`: a key it cannot load fails there,
 * as "Load key … error in libcrypto" fails the real one) and runs the remote command against a fake
 * docker holding `agents`. Returns what ssh was asked and which containers were removed.
 */
function retire(key: string, agents: Agents, workerName = "worker-2") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "retire-"));
    fs.writeFileSync(path.join(dir, "agents"), agents.map(([id, worker]) => `${id} ${worker}\n`).join(""));
    fs.writeFileSync(path.join(dir, "ssh"), `#!/bin/sh
while [ $# -gt 2 ]; do
  case "$1" in -i) key=$2; shift ;; esac
  shift
done
ssh-keygen -y -f "$key" >/dev/null 2>"${dir}/ssh-error" || { echo "Load key \\"$key\\": $(cat "${dir}/ssh-error")" >&2; exit 255; }
echo "$2" > "${dir}/remote"
PATH="${dir}/remote-bin:$PATH" sh -c "$2"
`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, "remote-bin"));
    fs.writeFileSync(path.join(dir, "remote-bin", "docker"), `#!/bin/sh
case "$1" in
  ps) case "$*" in *"label=xingrin.stack=${STACK}"*"label=xingrin.service=agent"*) cat "${dir}/agents" ;; esac ;;
  rm) shift; [ "$1" = -f ] && shift; echo "$@" >> "${dir}/removed" ;;
  *) echo "unexpected docker $*" >&2; exit 1 ;;
esac
`, { mode: 0o755 });
    const script = agentRetireScript({
        workerName, stack: STACK, address: "10.0.1.12", port: 2222, user: "xingrin",
        hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey", connectTimeoutSeconds: 10,
    }).text;
    const result = spawnSync("sh", ["-c", script], { input: key, env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8" });
    const read = (file: string) => fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8").trim() : "";
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, removed: read("removed").split(/\s+/).filter(id => id !== "") };
}

/** A real ed25519 private key, as `pulumi config set --secret workerSshPrivateKey < key` stores it: without its final newline. */
function privateKeyWithoutFinalNewline(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "retire-key-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "key")]);
    return fs.readFileSync(path.join(dir, "key"), "utf8").replace(/\n$/, "");
}

describe("retiring a worker's agent", () => {
    const key = privateKeyWithoutFinalNewline();

    it("loads a private key that lacks its final newline, and stops the agent of that worker", () => {
        const run = retire(key, [["c0ffee", "worker-2"]]);
        assert.strictEqual(run.stderr, "");
        assert.deepStrictEqual(run.removed, ["c0ffee"]);
        assert.match(run.stdout, /worker-2 \(xingrin@10\.0\.1\.12:2222\): agent stopped/);
    });

    it("leaves the agent of another worker alone: a rename to the same address keeps the new agent", () => {
        // worker-1 renamed to worker-2: worker-2's agent started first, then worker-1 retires.
        const run = retire(key, [["newagent", "worker-2"]], "worker-1");
        assert.deepStrictEqual(run.removed, []);
        assert.match(run.stdout, /worker-1 \(xingrin@10\.0\.1\.12:2222\): no agent of this worker runs there/);
    });

    it("also stops an agent started before agents carried their worker's name", () => {
        assert.deepStrictEqual(retire(key, [["legacy", ""], ["other", "worker-3"]]).removed, ["legacy"]);
    });

    it("never fails the update on a host it cannot log in to, and says what may still run", () => {
        const run = retire("not a key", [["c0ffee", "worker-2"]]);
        assert.strictEqual(run.status, 0);
        assert.deepStrictEqual(run.removed, []);
        assert.match(run.stderr, /worker-2 \(xingrin@10\.0\.1\.12:2222\) could not be reached, so its agent may still run there/);
    });

    it("labels each agent with its worker's name, which is what the retire step looks for", () => {
        const start = agentStartScript({ image: "r/xingrin-agent:v1.2.0", serverUrl: "https://10.0.0.2:8083", imageTag: "v1.2.0",
            stack: STACK, worker: "worker-2" }).text;
        assert.ok(start.includes("--label 'xingrin.worker=worker-2'"), start);
    });
});
