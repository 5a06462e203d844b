import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { migrationGuardScript, SNAPSHOT_NAME } from "../../components/migrationGuard";

interface FakeMainServer {
    /** Rows of django_migrations; undefined for a database without the table. */
    ledger?: string[];
    /** What the new image's `showmigrations --plan` prints. */
    plan: string[];
    /** Running containers with the xingrin.service=server label: name -> image label. */
    servers?: Record<string, string>;
    /** Snapshot files already there: name -> content. */
    snapshots?: Record<string, string>;
    /** pg_dump fails. */
    dumpFails?: boolean;
    /** No postgres container runs (a first deploy). */
    noPostgres?: boolean;
    /** The stack's scheduler container runs. */
    scheduler?: boolean;
}

interface GuardRun {
    status: number;
    stdout: string;
    stderr: string;
    /** Every docker call that changes something, in order. */
    calls: string[];
    /** The snapshot directory's files afterwards. */
    files: string[];
    /** Where the fake keeps /snapshots. */
    dir: string;
}

/**
 * Runs the guard against a fake `docker` that answers psql from the ledger, the one-off server from
 * the plan, and keeps /snapshots in a real directory, so pg_dump, tee, ls, cat and rm act on files.
 */
function runGuard(host: FakeMainServer, keepSnapshots = 2, composeProject?: string): GuardRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migration-guard-"));
    const snapshots = path.join(dir, "snapshots");
    fs.mkdirSync(snapshots);
    for (const [name, content] of Object.entries(host.snapshots ?? {})) fs.writeFileSync(path.join(snapshots, name), content);
    fs.writeFileSync(path.join(dir, "ledger"), (host.ledger ?? []).map(line => `${line}\n`).join(""));
    fs.writeFileSync(path.join(dir, "plan"), host.plan.map(line => `${line}\n`).join(""));
    const servers = Object.entries(host.servers ?? {});
    fs.writeFileSync(path.join(dir, "names"), servers.map(([name]) => `${name}\n`).join(""));
    fs.writeFileSync(path.join(dir, "images"), servers.map(([, image]) => `${image}\n`).join(""));
    const calls = path.join(dir, "calls");
    fs.writeFileSync(path.join(dir, "docker"), `#!/bin/bash
d=${dir}
last=\${@: -1}
snap() { echo "$d/snapshots/\${1#/snapshots/}"; }
case "$1 $*" in
  "exec "*psql*)
    sql=$(cat)
    case "$sql" in
      *to_regclass*) ${host.ledger === undefined ? "echo f" : "echo t"} ;;
      *"CREATE ROLE"*) [[ "$*" == *"-e DB_PASSWORD "* && -n "$DB_PASSWORD" ]] || exit 7; echo "create plan role" >> "$d/calls" ;;
      *"DROP ROLE"*) echo "drop plan role" >> "$d/calls" ;;
      *) cat "$d/ledger" ;;
    esac ;;
  "exec "*pg_dump*)
    echo "$*" >> "$d/calls"
    ${host.dumpFails === true ? 'echo "pg_dump: error: connection refused" >&2; exit 1' : "echo dump"} ;;
  "inspect "*"{{.State.Running}} xingrin-postgres") ${host.noPostgres === true ? "exit 1" : "echo true"} ;;
  *showmigrations*)
    [[ "$*" == *"-e SERVER_URL="* && "$*" == *"-e DB_USER=xingrin_migration_plan -e DB_PASSWORD "* && -n "$DB_PASSWORD" ]] || exit 9
    cat "$d/plan" ;;
  "run "*" ls /snapshots") ls "$d/snapshots" ;;
  "run "*" cat "*) cat "$(snap "$last")" ;;
  "run "*" tee "*) echo "$*" >> "$d/calls"; cat > "$(snap "$last")" ;;
  "run "*" dd "*) f=\${@: -2:1}; cat > "$(snap "\${f#of=}")" ;;
  "run "*" rm -f "*) echo "$*" >> "$d/calls"; for f in "$@"; do case "$f" in /snapshots/*) rm -f "$(snap "$f")" ;; esac; done ;;
  "ps "*"{{.Names}}"*)
    [[ "$*" == *compose* ]] && { [ -n "${composeProject ?? ""}" ] && echo compose-server-1; exit 0; }
    [[ "$*" == *"service=scheduler"* ]] && { ${host.scheduler === true ? "echo xingrin-scheduler" : "true"}; exit 0; }
    cat "$d/names" ;;
  "ps "*) [[ "$*" == *compose* ]] && exit 0; cat "$d/images" ;;
  "inspect "*) exit 1 ;;
  *) echo "$*" >> "$d/calls" ;;
esac
`, { mode: 0o755 });
    const script = migrationGuardScript({
        targetTag: "v1.2.0",
        serverImage: "registry.example/yyhuni/xingrin-server:v1.2.0",
        postgresImage: "registry.example/yyhuni/xingrin-postgres:v1.2.0",
        postgres: "xingrin-postgres",
        database: { host: "postgres", port: 5432, name: "xingrin", user: "postgres" },
        network: "xingrin_network",
        stack: "xingrin-deploy/prod",
        snapshotDir: "/opt/xingrin/db-snapshots",
        keepSnapshots,
        composeProject,
    }).text;
    // sh, as the command provider runs it (`sh -c`): on Debian that is dash, which has no bash-isms.
    const result = spawnSync("sh", ["-c", script], {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        encoding: "utf8",
    });
    return {
        status: result.status ?? -1,
        stdout: result.stdout,
        stderr: result.stderr,
        calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
        files: fs.readdirSync(snapshots).sort(),
        dir,
    };
}

const V110 = ["engine.0001_initial"];
const V120_PLAN_FRESH = ["[X]  engine.0001_initial", "[ ]  engine.0002_scan_target_name"];
const V120_PLAN_DONE = ["[X]  engine.0001_initial", "[X]  engine.0002_scan_target_name"];

describe("migration guard before a new server", () => {
    it("on a first deploy (no postgres yet) and on a new database does nothing: the server creates the schema", () => {
        const first = runGuard({ plan: [], noPostgres: true });
        assert.strictEqual(first.status, 0, first.stderr);
        assert.match(first.stdout, /no database runs yet; v1\.2\.0 creates its schema/);
        const fresh = runGuard({ plan: [] });
        assert.strictEqual(fresh.status, 0, fresh.stderr);
        assert.match(fresh.stdout, /a new database/);
        assert.deepStrictEqual(fresh.calls.filter(call => !call.includes("plan role")), []);
    });

    it("without pending migrations leaves the old server running (the overlap) and takes no snapshot", () => {
        const run = runGuard({ ledger: [...V110, "engine.0002_scan_target_name"], plan: V120_PLAN_DONE,
            servers: { "xingrin-server-v1.2.1": "r/xingrin-server:v1.2.1" } });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /migrations: none for v1\.2\.0; the old and new servers overlap/);
        // The ledger is read through a role of the step's own, which goes with it.
        assert.deepStrictEqual(run.calls, ["drop plan role", "create plan role", "drop plan role", "drop plan role"]);
        assert.deepStrictEqual(run.files, []);
    });

    it("before a migration stops the old servers, then snapshots the database under the version that wrote it", () => {
        const run = runGuard({ ledger: V110, plan: V120_PLAN_FRESH, scheduler: true,
            servers: { "xingrin-server-v1.1.0": "r/xingrin-server:v1.1.0", "xingrin-server-v1.2.0": "r/xingrin-server:v1.2.0" } });
        assert.strictEqual(run.status, 0, run.stderr);
        // The plan role is gone before the dump, which would otherwise carry its grant into every restore.
        const dropped = run.calls.indexOf("drop plan role", run.calls.indexOf("create plan role"));
        assert.ok(dropped < run.calls.findIndex(call => call.includes("pg_dump")), "the plan role still existed when pg_dump ran");
        const changes = run.calls.filter(call => !call.includes("plan role"));
        assert.deepStrictEqual(changes.slice(0, 2), ["stop xingrin-server-v1.1.0", "stop xingrin-scheduler"], "the old server and the scheduler stop before the dump");
        assert.strictEqual(changes[2], "exec xingrin-postgres pg_dump -Fc -U postgres -d xingrin");
        assert.strictEqual(run.files.length, 2);
        const [dump, ledger] = run.files;
        assert.match(dump, SNAPSHOT_NAME);
        assert.strictEqual(SNAPSHOT_NAME.exec(dump)![1], "v1.1.0");
        assert.strictEqual(fs.readFileSync(path.join(run.dir, "snapshots", ledger), "utf8"), "engine.0001_initial\n");
        assert.match(run.stdout, /stopped xingrin-server-v1\.1\.0 xingrin-scheduler; the site is down until v1\.2\.0 has migrated/);
    });

    it("in a takeover also stops compose's server", () => {
        const run = runGuard({ ledger: V110, plan: V120_PLAN_FRESH }, 2, "docker");
        assert.strictEqual(run.status, 0, run.stderr);
        assert.strictEqual(run.calls.filter(call => !call.includes("plan role"))[0], "stop compose-server-1");
    });

    it("a failed snapshot starts the old servers again and leaves no snapshot behind", () => {
        const run = runGuard({ ledger: V110, plan: V120_PLAN_FRESH, dumpFails: true,
            servers: { "xingrin-server-v1.1.0": "r/xingrin-server:v1.1.0" } });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /the snapshot before v1\.2\.0 failed, nothing changed: pg_dump: error: connection refused/);
        assert.strictEqual(run.calls[run.calls.length - 1], "start xingrin-server-v1.1.0");
        assert.deepStrictEqual(run.files, []);
    });

    it("keeps keepSnapshots snapshots, newest first", () => {
        const run = runGuard({ ledger: V110, plan: V120_PLAN_FRESH,
            servers: { "xingrin-server-v1.1.0": "r/xingrin-server:v1.1.0" },
            snapshots: {
                "v1.0.0-20260101T000000Z.dump": "", "v1.0.0-20260101T000000Z.migrations": "",
                "v1.0.5-20260301T000000Z.dump": "", "v1.0.5-20260301T000000Z.migrations": "",
            } }, 2);
        assert.strictEqual(run.status, 0, run.stderr);
        assert.strictEqual(run.files.length, 4);
        assert.ok(run.files.includes("v1.0.5-20260301T000000Z.dump"));
        assert.ok(!run.files.some(file => file.startsWith("v1.0.0-")), `${run.files} keeps the oldest`);
        assert.match(run.stdout, /removed snapshot v1\.0\.0-20260101T000000Z\.dump \(keeping 2\)/);
    });

    it("refuses a rollback past a migration before anything changes, naming the snapshot that fits", () => {
        const run = runGuard({
            ledger: [...V110, "engine.0002_scan_target_name", "engine.0003_engine_index"],
            plan: V120_PLAN_DONE,
            servers: { "xingrin-server-v1.3.0": "r/xingrin-server:v1.3.0" },
            snapshots: {
                "v1.2.0-20260301T000000Z.dump": "", "v1.2.0-20260301T000000Z.migrations": "engine.0001_initial\nengine.0002_scan_target_name\n",
                // Newer, but with a migration v1.2.0 does not know: it does not fit.
                "v1.3.0-20260401T000000Z.dump": "", "v1.3.0-20260401T000000Z.migrations": "engine.0001_initial\nengine.0003_engine_index\n",
            },
        });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /imageTag v1\.2\.0 is older than the database: it has migrations v1\.2\.0 does not know \(engine\.0003_engine_index\)/);
        assert.match(run.stderr, /npm run restore -- v1\.2\.0-20260301T000000Z\.dump --stack prod/);
        assert.deepStrictEqual(run.calls, ["drop plan role", "create plan role", "drop plan role", "drop plan role"], "a refused rollback changed something");
    });

    it("falls back to the newest snapshot whose migrations the target knows", () => {
        const run = runGuard({
            ledger: [...V110, "engine.0002_scan_target_name", "engine.0003_engine_index"],
            plan: V120_PLAN_DONE,
            snapshots: {
                "v1.1.0-20260201T000000Z.dump": "", "v1.1.0-20260201T000000Z.migrations": "engine.0001_initial\n",
                "v1.1.5-20260301T000000Z.dump": "", "v1.1.5-20260301T000000Z.migrations": "engine.0001_initial\nengine.0002_scan_target_name\n",
                // An incomplete snapshot (no .migrations) is never offered.
                "v1.2.0-20260401T000000Z.dump": "",
            },
        });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /npm run restore -- v1\.1\.5-20260301T000000Z\.dump --stack prod/);
    });

    it("without a fitting snapshot says to set imageTag back", () => {
        const run = runGuard({ ledger: [...V110, "engine.0002_scan_target_name"], plan: ["[X]  engine.0001_initial"] });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /Set imageTag back to a version that knows them: no snapshot in \/opt\/xingrin\/db-snapshots fits v1\.2\.0/);
    });

    it("fails, naming the image, when the image prints no plan", () => {
        const run = runGuard({ ledger: V110, plan: ["Traceback (most recent call last):"] });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /xingrin-server:v1\.2\.0 printed no migration plan: Traceback/);
    });
});
