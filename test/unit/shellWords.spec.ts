import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { adminAccountScript } from "../../components/adminAccount";
import { databasePasswordScript } from "../../components/databasePassword";
import { handOverScript } from "../../components/handOver";
import { hostPreparationScript } from "../../components/hostPreparation";
import { stepName } from "../../components/localScript";
import { migrationGuardScript } from "../../components/migrationGuard";
import { pruneScript } from "../../components/prune";
import { historyScript } from "../../components/retention";
import { alternatives, sh, ShellValueError, variable } from "../../components/shell";
import { removeComposeServicesScript } from "../../components/takeover";
import { remoteScriptWithSecrets } from "../../components/workerConnection";
import { holdAgentUpdatesScript, workerRecordsScript } from "../../components/workerRecordScripts";
import { agentRetireScript, agentStartScript, prePullScript } from "../../components/workerScripts";

/**
 * Every script builder, fed values an attacker or a slip could put in config: each value must reach
 * the host as exactly the word it is, and nothing in it may run. The scripts run under sh (dash, as
 * the command provider runs them) against fake commands that record the words they receive.
 */

// A quote, a command substitution, backticks, double quotes, a backslash, a glob, non-ASCII, a newline.
const CANARY_SUBSTITUTIONS = "$(touch \"$CANARY\") `touch \"$CANARY\"`";
const HOSTILE = `it's ${CANARY_SUBSTITUTIONS} "q" a\\b * 星环\nsecond line`;
// For values a listing prints one per line (container labels, image names): all of the above but the newline.
const HOSTILE_LINE = HOSTILE.replace("\n", " ");

type Call = string[];

interface Recorded {
    calls: Call[];
    stdout: string;
    stderr: string;
    status: number | null;
}

/**
 * Runs `script` with fake `names` on PATH. Each records its argv, then runs `responses[name]` (sh,
 * with the call's words in "$@") to answer like the real command would.
 */
function runWithFakes(script: string, responses: Record<string, string>, options: { stdin?: string; env?: Record<string, string> } = {}): Recorded {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shell-words-"));
    const log = path.join(dir, "calls");
    const canary = path.join(dir, "canary");
    for (const [name, response] of Object.entries(responses)) {
        fs.writeFileSync(path.join(dir, name), [
            "#!/bin/sh",
            `{ printf '%s' ${name}; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\036'; } >> "${log}"`,
            response,
            "exit 0",
        ].join("\n"), { mode: 0o755 });
    }
    const run = spawnSync("sh", ["-c", script, "spec"], {
        input: options.stdin ?? "",
        encoding: "utf8",
        env: { PATH: `${dir}:${process.env.PATH}`, CANARY: canary, HOME: dir, ...options.env },
    });
    const calls = fs.existsSync(log)
        ? fs.readFileSync(log, "utf8").split("\x1e").filter(record => record !== "").map(record => record.split("\x1f"))
        : [];
    const ranSomething = fs.existsSync(canary);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.ok(!ranSomething, "a value was run as a command");
    return { calls, stdout: run.stdout, stderr: run.stderr, status: run.status };
}

/** The call to `name` whose words start with `start`. */
function callOf(recorded: Recorded, name: string, ...start: string[]): Call {
    const found = recorded.calls.find(call => call[0] === name && start.every((word, i) => call[i + 1] === word));
    assert.ok(found, `no call ${[name, ...start].join(" ")} in ${JSON.stringify(recorded.calls)}\n${recorded.stderr}`);
    return found;
}

/** Asserts that `words` holds `expected` in a row. */
function hasWords(call: Call, ...expected: string[]): void {
    const at = call.findIndex((_, i) => expected.every((word, j) => call[i + j] === word));
    assert.ok(at >= 0, `${JSON.stringify(expected)} not in ${JSON.stringify(call)}`);
}

describe("the shell builder (components/shell.ts)", () => {
    it("makes each value one word, and a list one word per item", () => {
        const recorded = runWithFakes(sh`docker run ${HOSTILE} ${[HOSTILE_LINE, 7]} ${[]}x`.text, { docker: "" });
        assert.deepStrictEqual(callOf(recorded, "docker", "run"), ["docker", "run", HOSTILE, HOSTILE_LINE, "7", "x"]);
    });

    it("refuses a value that a command would read as an option", () => {
        assert.throws(() => sh`docker rm -f ${"-rf"}`, (e: Error) => e instanceof ShellValueError && /starts with "-"/.test(e.message));
        assert.throws(() => sh`docker rm ${["ok", "--all"]}`, ShellValueError);
    });

    it("refuses a value inside quotes, where its own quotes would be taken literally", () => {
        assert.throws(() => sh`echo "name: ${"x"}"`, /inside "…"/);
        assert.throws(() => sh`echo 'name: ${"x"}'`, /inside '…'/);
        assert.throws(() => sh`true # ${"x"}`, /inside a comment/);
        // $( … ) inside "…" starts anew, and a value there is a word again.
        assert.strictEqual(sh`echo "$(printf %s ${"x"})"`.text, `echo "$(printf %s 'x')"`);
    });

    it("refuses a NUL byte, a number that is not one, and a variable name that is not one", () => {
        assert.throws(() => sh`echo ${"a\0b"}`, /NUL/);
        assert.throws(() => sh`sleep ${NaN}`, ShellValueError);
        assert.throws(() => variable("id; rm"), ShellValueError);
    });

    it("matches case patterns exactly, also when the list is empty", () => {
        const match = (values: string[], subject: string) => runWithFakes(
            sh`case ${subject} in ${alternatives(values)}) echo yes ;; *) echo no ;; esac`.text, {}).stdout.trim();
        assert.strictEqual(match([HOSTILE_LINE, "b"], HOSTILE_LINE), "yes");
        assert.strictEqual(match(["*"], "anything"), "no");
        assert.throws(() => alternatives([]), /no values/);
    });

    it("names a step by one word only, since the command line carries it unquoted", () => {
        assert.strictEqual(stepName("worker-1-pre-pull"), "worker-1-pre-pull");
        assert.throws(() => stepName("w1; reboot"), /not one word/);
        assert.throws(() => remoteScriptWithSecrets("w", sh`true`, { names: ["A; reboot"], values: [] }), /not an environment variable name/);
    });
});

describe("hostile values through every script builder", () => {
    it("pre-pull: the image and the data directory", () => {
        const image = `reg.example.com/${HOSTILE}:v1`;
        const recorded = runWithFakes(prePullScript([image], `/data/${HOSTILE}`, HOSTILE).text, {
            // Absent until pulled; then its digest.
            docker: `case "$1 $2 $3" in "image inspect --format") echo sha ;; "image inspect "*) exit 1 ;; esac`,
            mkdir: "",
        });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        assert.deepStrictEqual(callOf(recorded, "docker", "pull"), ["docker", "pull", "--quiet", image]);
        hasWords(callOf(recorded, "mkdir"), "-p", `/data/${HOSTILE}/results`, `/data/${HOSTILE}/logs`);
        assert.ok(recorded.stdout.includes(`digest: ${image} sha`), recorded.stdout);
    });

    it("pre-pull: a failed pull says which host, which image, and Docker's reason, in one line", () => {
        const recorded = runWithFakes(prePullScript(["reg.example.com/x/xingrin-worker:v9"], "/data", "worker-2").text, {
            docker: `case "$1 $2" in "image inspect") exit 1 ;; "pull "*) echo "Error response from daemon: manifest unknown" >&2; exit 1 ;; esac`,
            mkdir: "",
        });
        assert.strictEqual(recorded.status, 1);
        assert.strictEqual(recorded.stderr, "worker-2: pull of reg.example.com/x/xingrin-worker:v9 failed: Error response from daemon: manifest unknown\n");
    });

    it("agent start: server URL, tag, labels and image", () => {
        const recorded = runWithFakes(agentStartScript({ image: `agent:${HOSTILE}`, serverUrl: HOSTILE, imageTag: HOSTILE, stack: HOSTILE, worker: HOSTILE }).text,
            { docker: "" }, { env: { WORKER_API_KEY: "k", WORKER_ID: "3" } });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        const run = callOf(recorded, "docker", "run");
        hasWords(run, "-e", `SERVER_URL=${HOSTILE}`);
        hasWords(run, "-e", `IMAGE_TAG=${HOSTILE}`);
        hasWords(run, "--label", `xingrin.stack=${HOSTILE}`);
        hasWords(run, "--label", `xingrin.worker=${HOSTILE}`);
        assert.strictEqual(run[run.length - 1], `agent:${HOSTILE}`);
    });

    it("agent start: another stack's agent on the host is refused, this stack's and an unlabelled one are replaced (issue 18)", () => {
        const start = agentStartScript({ image: "agent:v1", serverUrl: "https://s", imageTag: "v1", stack: "xingrin-deploy/prod", worker: "worker-1" }).text;
        const withOwner = (owner: string) => runWithFakes(start, { docker: `case "$1" in inspect) printf '%s\\n' "$OWNER" ;; esac` },
            { env: { WORKER_API_KEY: "k", WORKER_ID: "3", OWNER: owner } });
        const other = withOwner("xingrin-deploy/staging");
        assert.strictEqual(other.status, 1);
        assert.strictEqual(other.stderr, "worker-1: its xingrin-agent belongs to the stack xingrin-deploy/staging; a host runs one XingRin agent: " +
            "take the worker out of one stack\n");
        assert.ok(!other.calls.some(call => call[1] === "rm" || call[1] === "run"), "nothing removed or started");
        for (const owner of ["xingrin-deploy/prod", ""]) {
            const replaced = withOwner(owner);
            assert.strictEqual(replaced.status, 0, replaced.stderr);
            assert.deepStrictEqual(replaced.calls.filter(call => call[1] === "rm" || call[1] === "run").map(call => call[1]), ["rm", "run"], owner);
        }
    });

    it("retire: the pinned key line, the destination, and on the worker only this worker's agent", () => {
        const args = { workerName: HOSTILE_LINE, stack: HOSTILE, address: "10.0.0.5", port: 2222, user: "root", hostKey: "ssh-ed25519 AAAA", connectTimeoutSeconds: 5 };
        const local = runWithFakes(agentRetireScript(args).text, { ssh: "" }, { stdin: "key" });
        const ssh = callOf(local, "ssh");
        hasWords(ssh, "-p", "2222", "root@10.0.0.5", "--");
        const remote = ssh[ssh.length - 1];
        const onWorker = runWithFakes(remote, {
            docker: `case "$1" in ps) printf 'c1 %s\\nc2 other\\nc3 \\n' "$HOSTILE_NAME" ;; esac`,
        }, { env: { HOSTILE_NAME: HOSTILE_LINE } });
        hasWords(callOf(onWorker, "docker", "ps"), "--filter", `label=xingrin.stack=${HOSTILE}`);
        const removed = onWorker.calls.filter(call => call[1] === "rm").map(call => call[3]);
        assert.deepStrictEqual(removed, ["c1", "c3"], "this worker's agent and an unlabelled one of the stack, not another worker's");
    });

    it("hand-over: stack, network and nginx's container", () => {
        const recorded = runWithFakes(handOverScript({ stack: HOSTILE, network: HOSTILE, services: ["server"], current: ["new"], proxy: HOSTILE }).text, {
            docker: `case "$1" in ps) printf '%s\\n' old new ;; inspect) echo true ;; esac`,
        });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        hasWords(callOf(recorded, "docker", "ps"), "--filter", `label=xingrin.stack=${HOSTILE}`);
        assert.deepStrictEqual(callOf(recorded, "docker", "network"), ["docker", "network", "disconnect", "-f", HOSTILE, "old"]);
        assert.deepStrictEqual(callOf(recorded, "docker", "kill"), ["docker", "kill", "--signal", "HUP", HOSTILE]);
    });

    it("takeover: the compose project and its services", () => {
        const recorded = runWithFakes(removeComposeServicesScript(HOSTILE, [HOSTILE_LINE]).text, { docker: "" });
        hasWords(callOf(recorded, "docker", "ps"), "--filter", `label=com.docker.compose.project=${HOSTILE}`, "--filter", `label=com.docker.compose.service=${HOSTILE_LINE}`);
    });

    it("database password: container and role; the password only on stdin and in psql's environment", () => {
        const recorded = runWithFakes(databasePasswordScript({ container: HOSTILE, user: HOSTILE }).text, { docker: "cat >/dev/null" }, { stdin: "pw$(x)\n" });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        const exec = callOf(recorded, "docker", "exec");
        hasWords(exec, "-e", "XINGRIN_DB_PASSWORD", HOSTILE, "psql");
        hasWords(exec, "-v", `role=${HOSTILE}`, "-U", HOSTILE);
        assert.ok(!exec.some(word => word.includes("pw$(x)")));
    });

    it("admin account: the server container", () => {
        const recorded = runWithFakes(adminAccountScript(HOSTILE).text, { docker: "" });
        hasWords(callOf(recorded, "docker", "exec"), HOSTILE, "python", "manage.py", "init_admin");
    });

    it("host preparation: image, data and certificate directories, inside the one-off container too", () => {
        const recorded = runWithFakes(hostPreparationScript({ image: HOSTILE, dataDir: `/d/${HOSTILE}`, tlsCertDir: `/c/${HOSTILE}`, publicHost: "scan.example.com" }).text, { docker: "" });
        const run = callOf(recorded, "docker", "run");
        hasWords(run, "-v", `/d/${HOSTILE}:/d/${HOSTILE}`, "-v", `/c/${HOSTILE}:/ssl`, HOSTILE, "-c");
        const inside = runWithFakes(run[run.length - 1], { mkdir: "", openssl: "", chmod: "" });
        hasWords(callOf(inside, "mkdir"), "-p", `/d/${HOSTILE}/results`);
        hasWords(callOf(inside, "openssl"), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:scan.example.com");
    });

    it("prune: the repository prefix, the history and the images never pruned", () => {
        const prefix = `reg/${HOSTILE_LINE}\\n/xingrin-`;
        const refs = ["v1.0.0", "v1.1.0", "v1.2.0"].map(tag => `${prefix}worker:${tag}`);
        const recorded = runWithFakes(pruneScript({ imagePrefix: prefix, currentTag: "v1.2.0", keepVersions: 2, history: [HOSTILE_LINE], keepImages: [HOSTILE_LINE] }).text, {
            docker: `case "$1 $2" in "image ls") printf '%s\\n' "$@" >/dev/null; printf '%s\\n' "$REFS" ;; esac`,
        }, { env: { REFS: refs.join("\n") } });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        assert.deepStrictEqual(recorded.calls.filter(call => call[1] === "image" && call[2] === "rm").map(call => call[3]), [refs[0]]);
    });

    it("deploy history: the tag", () => {
        const recorded = runWithFakes(historyScript(HOSTILE).text, {}, { env: { PULUMI_COMMAND_STDOUT: "v1.0.0" } });
        assert.strictEqual(recorded.stdout, `${HOSTILE}\nv1.0.0\n`);
    });

    it("migration guard: images, database settings, stack and directories", () => {
        const script = migrationGuardScript({
            targetTag: "v1.2.0", serverImage: HOSTILE, postgresImage: HOSTILE, postgres: HOSTILE,
            database: { host: HOSTILE, port: 5432, name: HOSTILE, user: HOSTILE }, network: HOSTILE, stack: HOSTILE,
            snapshotDir: `/s/${HOSTILE}`, keepSnapshots: 3,
        }).text;
        const recorded = runWithFakes(script, {
            // A running database with one applied migration, which the new image knows: nothing to migrate.
            docker: [
                'case "$1" in',
                "  inspect) echo true ;;",
                '  exec) sql=$(cat); case "$sql" in *to_regclass*) echo t ;; *"FROM django_migrations"*) echo app.0001 ;; esac ;;',
                '  run) echo " [X] app.0001" ;;',
                "esac",
            ].join("\n"),
        });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        assert.match(recorded.stdout, /migrations: none for v1\.2\.0/);
        const plan = callOf(recorded, "docker", "run");
        hasWords(plan, "--network", HOSTILE);
        hasWords(plan, "-e", `DB_HOST=${HOSTILE}`, "-e", "DB_PORT=5432", "-e", `DB_NAME=${HOSTILE}`);
        hasWords(plan, HOSTILE, "python", "manage.py", "showmigrations", "--plan");
        hasWords(callOf(recorded, "docker", "exec"), HOSTILE, "psql");
        hasWords(callOf(recorded, "docker", "exec"), "-U", HOSTILE, "-d", HOSTILE);
        hasWords(callOf(recorded, "docker", "ps"), "--filter", `label=xingrin.stack=${HOSTILE}`);
    });

    it("worker records: server, redis, database, and each worker's name, address and user", () => {
        const worker = { name: HOSTILE_LINE, address: HOSTILE, port: 22, user: HOSTILE, hostKey: "ssh-ed25519 AAAA" };
        const database = { container: HOSTILE, user: HOSTILE, name: HOSTILE };
        const recorded = runWithFakes(workerRecordsScript({ workers: [worker], server: HOSTILE, redis: HOSTILE, database }).text, {
            docker: 'case "$1 $3" in "exec sh") echo \'{"workerId": 7}\' ;; esac; [ "$2" != -i ] || cat >/dev/null',
        }, { stdin: "pw\n", env: { WORKER_API_KEY: "k" } });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        const register = callOf(recorded, "docker", "exec", HOSTILE, "sh", "-c");
        assert.strictEqual(register[register.length - 1], JSON.stringify({ name: HOSTILE_LINE, is_local: false }));
        const store = callOf(recorded, "docker", "exec", "-i", "-e", "XINGRIN_WORKER_PASSWORD_0", HOSTILE);
        hasWords(store, "-v", "id=7", "-v", `ip=${HOSTILE}`, "-v", "port=22", "-v", `user=${HOSTILE}`, "-U", HOSTILE, "-d", HOSTILE);
        hasWords(callOf(recorded, "docker", "exec", HOSTILE, "redis-cli"), "SET", "agent_update_lock:7", "xingrin-deploy");
        assert.ok(recorded.stdout.includes(`worker-id: ${HOSTILE_LINE} 7`), recorded.stdout);
    });

    it("agent updates held: the names travel as one psql variable, never as SQL text", () => {
        const database = { container: "pg", user: "u", name: "d" };
        const recorded = runWithFakes(holdAgentUpdatesScript([{ name: HOSTILE_LINE, address: "10.0.0.5", port: 22, user: "root", hostKey: "k" }], HOSTILE, database).text, {
            docker: 'sql=$(cat); case "$sql" in *to_regclass*) echo t ;; *worker_node*) echo 4 ;; esac',
        });
        assert.strictEqual(recorded.status, 0, recorded.stderr);
        const lookup = recorded.calls.filter(call => call.includes("psql"))[1];
        hasWords(lookup, "-v", `names=${HOSTILE_LINE}`);
        hasWords(callOf(recorded, "docker", "exec", HOSTILE, "redis-cli"), "SET", "agent_update_lock:4");
    });
});
