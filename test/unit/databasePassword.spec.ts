import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { databasePasswordScript } from "../../components/databasePassword";

describe("setting databasePassword in the running database", () => {
    const script = databasePasswordScript({ container: "xingrin-postgres", user: "postgres" }).text;

    /** Runs the script with a fake `docker` on PATH that records its words and what psql would read. */
    function runWithFakeDocker(stdin: string, failFirst = 0): { words: string[]; psqlInput: string; env: string; output: string } {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "db-password-"));
        fs.writeFileSync(path.join(dir, "docker"), [
            "#!/bin/sh",
            // The first failFirst calls fail as psql does while postgres restarts after its initdb.
            `n=$(cat ${dir}/calls 2>/dev/null || echo 0); echo $((n + 1)) > ${dir}/calls`,
            `if [ "$n" -lt ${failFirst} ]; then cat >/dev/null; echo 'psql: error: connection to server on socket failed' >&2; exit 2; fi`,
            `for w in "$@"; do printf '%s\\n' "$w"; done > ${dir}/words`,
            `cat > ${dir}/psql-input`,
            `printf '%s' "$XINGRIN_DB_PASSWORD" > ${dir}/env`,
        ].join("\n"), { mode: 0o755 });
        const output = execFileSync("sh", ["-c", script], { input: stdin, encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
        const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
        const result = { words: read("words").trimEnd().split("\n"), psqlInput: read("psql-input"), env: read("env"), output };
        fs.rmSync(dir, { recursive: true, force: true });
        return result;
    }

    it("keeps the password off every command line: stdin in, one environment variable to psql", () => {
        const password = "p'a$(touch /tmp/x)`id` \"w\" ü";
        const run = runWithFakeDocker(`${password}\n`);
        assert.deepStrictEqual(run.words, ["exec", "-i", "-e", "XINGRIN_DB_PASSWORD", "xingrin-postgres",
            "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "role=postgres", "-U", "postgres", "-d", "postgres"]);
        assert.strictEqual(run.env, password);
        // psql quotes the value itself (:'pw'); the SQL it reads names no password.
        assert.strictEqual(run.psqlInput, "\\getenv pw XINGRIN_DB_PASSWORD\nALTER ROLE :\"role\" PASSWORD :'pw';\n");
        assert.ok(!script.includes(password));
        assert.strictEqual(run.output, "database password: set for role postgres in xingrin-postgres\n");
    });

    it("tries again while postgres finishes starting (its healthcheck passes during initdb)", () => {
        const run = runWithFakeDocker("pw\n", 2);
        assert.strictEqual(run.env, "pw");
        assert.strictEqual(run.output, "database password: set for role postgres in xingrin-postgres\n");
    });

    it("refuses to run without a password on stdin", () => {
        assert.throws(() => runWithFakeDocker(""), /Command failed/);
    });
});
