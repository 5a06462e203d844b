import * as assert from "assert";
import { validateWorkerPasswords } from "../../config/workerPasswords";
import { validateWorkers } from "../../config/workers";
import { holdAgentUpdatesScript, parseWorkerIds, workerRecordsScript } from "../../components/workerRecordScripts";
import { isSecretInput, named, plain, runProgram, ProgramRun, scriptOf } from "../support/program";
import { prodConfig, SECRET_KEYS, SECRETS, WORKER_PASSWORDS, WORKERS } from "../support/fixtures";

const HOSTS = validateWorkers(WORKERS);
const DB = { container: "xingrin-postgres", user: "postgres", name: "xingrin" };
/** A script's text with sh's quoting of single quotes undone, to read the SQL in it. */
const unquoted = (text: string) => text.replace(/'\\''/g, "'");

describe("XingRin's worker records", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(prodConfig(), SECRET_KEYS);
    });

    it("registers every worker through the new server once it is healthy, the passwords on stdin only", () => {
        const records = named(run.resources, "main-server-worker-records");
        const server = named(run.resources, "xingrin-server-v1.1.0");
        assert.ok(records.dependencies.includes(server.urn), "after the new server");
        assert.deepStrictEqual(plain(records.inputs.triggers), ["xingrin-server-v1.1.0-id"]);
        assert.ok(isSecretInput(records.inputs.stdin));
        assert.strictEqual(plain(records.inputs.stdin), `${WORKER_PASSWORDS["worker-1"]}\n${WORKER_PASSWORDS["worker-2"]}\n`);
        for (const secret of [...Object.values(WORKER_PASSWORDS), SECRETS.workerApiKey]) {
            assert.ok(!scriptOf(records).includes(secret));
        }
    });

    it("gives each agent its own worker's id, so it heartbeats as that remote record", () => {
        const records = named(run.resources, "main-server-worker-records");
        for (const [name, id] of [["worker-1", "1"], ["worker-2", "2"]]) {
            const agent = named(run.resources, `${name}-agent`);
            assert.strictEqual(plain(agent.inputs.stdin), `${SECRETS.workerApiKey}\n${id}\n${scriptOf(agent)}`, name);
            assert.ok(agent.dependencies.includes(records.urn), `${name}'s agent waits for the records`);
            assert.match(scriptOf(agent), /-e WORKER_ID \\\n  -e 'IMAGE_TAG=v1\.1\.0' -e WORKER_API_KEY/);
            assert.doesNotMatch(String(agent.inputs.create), /WORKER_NAME/);
        }
    });

    it("holds XingRin's agent updater before the new server starts, again at every tag", async () => {
        const held = named(run.resources, "main-server-agent-updates-held");
        const server = named(run.resources, "xingrin-server-v1.1.0");
        assert.ok(server.dependencies.includes(held.urn));
        assert.deepStrictEqual(plain(held.inputs.triggers), ["v1.1.0", "xingrin-redis-id"]);
    });

    it("with an external database: registers the workers and stores their credentials through XingRin", async () => {
        const external = await runProgram(prodConfig({ databaseHost: "db.example.com" }), SECRET_KEYS);
        const records = named(external.resources, "main-server-worker-records");
        assert.match(scriptOf(records), /api\/workers\/register\//);
        assert.doesNotMatch(scriptOf(records), /UPDATE worker_node/);
        assert.match(scriptOf(records), /manage\.py shell/);
        assert.strictEqual(plain(records.inputs.stdin), `${WORKER_PASSWORDS["worker-1"]}\n${WORKER_PASSWORDS["worker-2"]}\n`);
        assert.ok(!external.resources.some(r => r.name === "main-server-agent-updates-held"));
    });

    it("makes no records without workers", async () => {
        const alone = await runProgram(prodConfig({ workers: [] }), SECRET_KEYS);
        assert.ok(!alone.resources.some(r => r.name.includes("worker-records")));
    });
});

describe("the worker records scripts", () => {
    const script = workerRecordsScript({ workers: HOSTS, server: "xingrin-server-v1.1.0", redis: "xingrin-redis", database: DB }).text;

    it("registers each worker by name as remote through the server's API, with the server's own key", () => {
        assert.ok(script.includes(`docker exec 'xingrin-server-v1.1.0' sh -c`));
        assert.ok(script.includes(`register '{"name":"worker-1","is_local":false}'`));
        assert.ok(script.includes(`-H "X-Worker-API-Key: $WORKER_API_KEY"`), "the key is the container's own variable");
    });

    it("stores address, port, user and password in the record, the password through psql's environment", () => {
        assert.ok(script.includes("-v ip='10.0.1.12' -v port=2222 -v user='xingrin'"));
        assert.ok(script.includes("docker exec -i -e XINGRIN_WORKER_PASSWORD_1 'xingrin-postgres'"));
        assert.ok(script.includes("\\getenv pw XINGRIN_WORKER_PASSWORD_1"));
        assert.ok(unquoted(script).includes("password = :'pw', is_local = false"));
    });

    it("registers and stores one worker at a time: a new record has the server's address, and two remote records may not share one", () => {
        const order = ['{"name":"worker-1"', "XINGRIN_WORKER_PASSWORD_0 'xingrin-postgres'", '{"name":"worker-2"', "XINGRIN_WORKER_PASSWORD_1 'xingrin-postgres'"]
            .map(marker => script.indexOf(marker));
        assert.ok(order.every(at => at >= 0) && order.every((at, i) => i === 0 || at > order[i - 1]), `order ${order}`);
        assert.ok(script.includes("worker-2: another worker in XingRin already has the address 10.0.1.12: delete that worker"));
    });

    it("with an external database, stores them through XingRin's own model, starting no second scheduler", () => {
        const external = workerRecordsScript({ workers: HOSTS, server: "xingrin-server-v1.1.0", redis: "xingrin-redis" }).text;
        assert.ok(external.includes("docker exec -e SERVER_URL=http://localhost:8888 \\\n-e XINGRIN_WORKER_ID=\"$id_0\""), external);
        assert.ok(external.includes("'xingrin-server-v1.1.0' python manage.py shell -c"));
        assert.ok(external.includes("from apps.engine.models import WorkerNode"));
        assert.doesNotMatch(external, /psql/);
    });

    it("holds each worker's update lock and reports its id", () => {
        assert.ok(script.includes(`docker exec 'xingrin-redis' redis-cli SET 'agent_update_lock:'"$id_1" 'xingrin-deploy'`), script);
        assert.ok(script.includes(`printf '%s %s %s\\n' 'worker-id:' 'worker-2' "$id_1"`), script);
        assert.deepStrictEqual(parseWorkerIds("noise\nworker-id: worker-1 7\nworker-id: worker-2 9\n"), { "worker-1": "7", "worker-2": "9" });
        assert.deepStrictEqual(parseWorkerIds(undefined), {});
    });

    it("before the server: locks only the listed workers XingRin already has", () => {
        const hold = holdAgentUpdatesScript(HOSTS, "xingrin-redis", DB).text;
        assert.ok(unquoted(hold).includes("SELECT id FROM worker_node WHERE name = ANY(string_to_array(:'names', E'\\n'))"), hold);
        assert.ok(hold.includes("-v names='worker-1\nworker-2'"), hold);
        assert.ok(hold.includes(`if [ "$exists" = t ]`), "nothing on a first deploy, before the table exists");
    });
});

describe("workerPasswords", () => {
    const cases: Array<[string, string | undefined, string]> = [
        ["not set", undefined,
            "workerPasswords is not set but workers are: XingRin dispatches scans to a worker over SSH with a user name and " +
            "password (it cannot use workerSshPrivateKey); set the password of root@10.0.1.11 with " +
            "`pulumi config set --secret --path 'workerPasswords.worker-1' <password>`, and one for each other worker"],
        ["one missing", JSON.stringify({ "worker-1": "a" }),
            'workerPasswords has no password for worker "worker-2": XingRin logs in to xingrin@10.0.1.12 with it to start ' +
            "scans there; run `pulumi config set --secret --path 'workerPasswords.worker-2' <password>`"],
        ["a misspelt name, naming both", JSON.stringify({ "worker-1": "a", "wroker-2": "b" }),
            'workerPasswords has no password for worker "worker-2" (it has one for "wroker-2", which is not in workers: misspelt?): ' +
            "XingRin logs in to xingrin@10.0.1.12 with it to start scans there; run " +
            "`pulumi config set --secret --path 'workerPasswords.worker-2' <password>`"],
        ["a line break", JSON.stringify({ "worker-1": "a\nb", "worker-2": "b" }),
            'workerPasswords: the password for "worker-1" has a line break (the values are secret and not shown); ' +
            "an SSH password is one line: run `pulumi config set --secret --path 'workerPasswords.worker-1' <password>`"],
        ["a list", JSON.stringify(["a", "b"]),
            "workerPasswords must be an object of worker name to password (the values are secret and not shown); " +
            "set each with `pulumi config set --secret --path 'workerPasswords.worker-1' <password>`"],
    ];
    for (const [what, text, message] of cases) {
        it(`refuses ${what}, naming the worker and never a password`, () => {
            assert.throws(() => validateWorkerPasswords(text, HOSTS), { name: "ConfigError", message });
        });
    }

    it("is not needed without workers, and keeps a removed worker's password without a word", () => {
        assert.doesNotThrow(() => validateWorkerPasswords(undefined, []));
        assert.doesNotThrow(() => validateWorkerPasswords(JSON.stringify({ "worker-1": "a", "worker-2": "b", "worker-3": "c" }), HOSTS));
    });
});
