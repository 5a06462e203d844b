import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EnvFile, envValue, parseEnvFile, readEnvFile, requireKeys } from "../../../adopt/envFile";
import { INSTALL_ENV } from "./support/fixtures";

const FILE = "/root/xingrin/docker/.env";

function values(text: string): Record<string, string> {
    const env = parseEnvFile(text, FILE);
    return Object.fromEntries([...env.entries].map(([key, entry]) => [key, entry.value]));
}

function refusal(text: string): string {
    try {
        parseEnvFile(text, FILE);
    } catch (error) {
        assert.strictEqual((error as Error).name, "AdoptError");
        return (error as Error).message;
    }
    assert.fail("the file was accepted");
}

describe("adopt: reading docker/.env", () => {
    describe("syntax", () => {
        it("reads the .env install.sh writes", () => {
            const env = readEnvFile(INSTALL_ENV);
            assert.strictEqual(env.file, INSTALL_ENV);
            assert.deepStrictEqual(Object.fromEntries([...env.entries].map(([key, entry]) => [key, entry.value])), {
                DB_HOST: "postgres",
                DB_PORT: "5432",
                DB_NAME: "xingrin",
                DB_USER: "postgres",
                DB_PASSWORD: "pg-Secret-7f3a9c21e4b8",
                REDIS_HOST: "redis",
                SERVER_PORT: "8888",
                PUBLIC_HOST: "10.20.0.5",
                PUBLIC_PORT: "8083",
                DJANGO_SECRET_KEY: "dj-Secret-b1e6c0a94f2d8e7c5a3b",
                DEBUG: "False",
                WORKER_API_KEY: "wk-Secret-53c8e1f0a7d2",
                DOCKER_USER: "yyhuni",
                IMAGE_TAG: "v1.5.8",
                RESULTS_DIR: "/opt/xingrin/results",
                LOGS_DIR: "/opt/xingrin/logs",
                LOG_LEVEL: "DEBUG",
                SCAN_RETENTION_DAYS: "14",
            });
            assert.strictEqual(env.entries.get("DB_HOST")!.line, 7);
        });

        it("skips comment lines, indented comments and blank lines", () => {
            assert.deepStrictEqual(values("# a comment\n\n   # indented\n\t\nA=1\n   \n"), { A: "1" });
        });

        it("trims an unquoted value and ends it at an inline comment after whitespace", () => {
            assert.deepStrictEqual(values("A=  spaced out  \nB=value # comment\nC=value\t# tab comment\nD= # only a comment"),
                { A: "spaced out", B: "value", C: "value", D: "" });
        });

        it("keeps a # that is not preceded by whitespace", () => {
            assert.deepStrictEqual(values("A=abc#def\nB=#start\nC=http://host/#/path"), { A: "abc#def", B: "#start", C: "http://host/#/path" });
        });

        it("reads export KEY=value as KEY=value", () => {
            assert.deepStrictEqual(values("export A=1\nexport\tB='two'\nexported=3"), { A: "1", B: "two", exported: "3" });
        });

        it("takes a single-quoted value literally: no escapes, no comments, no expansion", () => {
            assert.deepStrictEqual(values(String.raw`A='a\nb # not a comment $HOME "x"'`), { A: String.raw`a\nb # not a comment $HOME "x"` });
            assert.strictEqual(parseEnvFile("A='$HOME'", FILE).entries.get("A")!.interpolated, false);
        });

        it("resolves \\n, \\\", \\\\ (and \\t, \\r, \\$) in a double-quoted value and keeps other backslashes", () => {
            assert.deepStrictEqual(values(String.raw`A="line1\nline2 \"quoted\" back\\slash tab\tcr\r dollar\$ other\q"`),
                { A: "line1\nline2 \"quoted\" back\\slash tab\tcr\r dollar$ other\\q" });
        });

        it("keeps # and surrounding spaces inside quotes, and allows a comment after the closing quote", () => {
            assert.deepStrictEqual(values("A=\"  a # b  \" # comment\nB='  c # d  '   # comment\nC=\"\"\nD=''"),
                { A: "  a # b  ", B: "  c # d  ", C: "", D: "" });
        });

        it("reads a quoted value that spans lines, and counts lines after it correctly", () => {
            const env = parseEnvFile("A=\"first\nsecond\"\nB='x\ny'\nC=3", FILE);
            assert.deepStrictEqual([...env.entries].map(([key, entry]) => [key, entry.value, entry.line]),
                [["A", "first\nsecond", 1], ["B", "x\ny", 3], ["C", "3", 5]]);
        });

        it("reads KEY= as an empty value, distinct from a key that is not there", () => {
            const env = parseEnvFile("EMPTY=\nSPACES=   \n", FILE);
            assert.strictEqual(envValue(env, "EMPTY"), "");
            assert.strictEqual(envValue(env, "SPACES"), "");
            assert.strictEqual(envValue(env, "ABSENT"), undefined);
        });

        it("lets the last assignment of a key win, with its line", () => {
            const env = parseEnvFile("IMAGE_TAG=v1.5.7\nOTHER=x\nIMAGE_TAG=v1.5.8\n", FILE);
            assert.strictEqual(envValue(env, "IMAGE_TAG"), "v1.5.8");
            assert.strictEqual(env.entries.get("IMAGE_TAG")!.line, 3);
        });

        it("accepts Windows line endings and spaces around the key", () => {
            assert.deepStrictEqual(values("A=1\r\nB = 2\r\nC=\"3\"\r\n"), { A: "1", B: "2", C: "3" });
        });

        it("marks values that refer to other variables, which compose would expand", () => {
            const env = parseEnvFile("A=${DOCKER_USER}/x\nB=\"$HOME\"\nC=\"\\$HOME\"\nD=price$5\nE=$(date)", FILE);
            assert.deepStrictEqual([...env.entries].map(([key, entry]) => [key, entry.interpolated]),
                [["A", true], ["B", true], ["C", false], ["D", false], ["E", true]]);
        });
    });

    describe("errors name the file, the line and the problem, never the value", () => {
        const cases: Array<[string, string, string]> = [
            ["an unterminated double quote", "A=1\nDB_PASSWORD=\"s3cret\nB=2",
                `${FILE}, line 2: the value of DB_PASSWORD opens a double quote that is never closed`],
            ["an unterminated single quote", "\n\nDB_PASSWORD='s3cret", `${FILE}, line 3: the value of DB_PASSWORD opens a single quote that is never closed`],
            ["text after the closing quote", "A=1\nDB_PASSWORD=\"s3\"cret",
                `${FILE}, line 2: unexpected text after the closing quote of DB_PASSWORD's value: put the whole value inside the quotes`],
            ["a line without =", "A=1\nB=2\nDB_PASSWORD", `${FILE}, line 3: DB_PASSWORD has no "=": write DB_PASSWORD=<value> (adopt reads values only from this file, not from the shell)`],
            ["a line that is not an assignment", "this is not valid", `${FILE}, line 1: expected KEY=VALUE`],
            ["a name that is not a variable name", "A=1\nDB PASSWORD=s3cret", `${FILE}, line 2: the name before "=" is not a variable name: expected KEY=VALUE`],
            ["a line starting with =", "=s3cret", `${FILE}, line 1: a line starts with "=": expected KEY=VALUE`],
        ];
        for (const [what, text, message] of cases) {
            it(`refuses ${what}`, () => {
                const error = refusal(text);
                assert.strictEqual(error, message);
                assert.ok(!error.includes("s3cret") && !error.includes("s3\""), error);
            });
        }

        it("names the file when it cannot be read", () => {
            const missing = path.join(os.tmpdir(), "xingrin-adopt-no-such-dir", ".env");
            assert.throws(() => readEnvFile(missing), {
                name: "AdoptError",
                message: `cannot read ${missing}: it does not exist; pass the .env that install.sh wrote, in the docker/ folder of the XingRin checkout`,
            });
        });
    });

    describe("requireKeys", () => {
        let env: EnvFile;
        beforeEach(() => {
            env = parseEnvFile("A=1\nB=\nC=${A}\nD='x'\n", FILE);
        });

        it("returns the values of keys that are all set", () => {
            assert.deepStrictEqual(requireKeys(env, ["A", "D"]), { A: "1", D: "x" });
        });

        it("names every missing key in one error", () => {
            assert.throws(() => requireKeys(env, ["A", "DB_PASSWORD", "WORKER_API_KEY"]), {
                name: "AdoptError",
                message: `${FILE}: missing DB_PASSWORD, WORKER_API_KEY. adopt needs A, DB_PASSWORD, WORKER_API_KEY each written out ` +
                    "as KEY=value, as install.sh writes them: complete the file and run adopt again",
            });
        });

        it("names missing, empty and interpolated keys together, with their lines", () => {
            assert.throws(() => requireKeys(env, ["A", "B", "C", "X"]), {
                message: `${FILE}: missing X; empty B (line 2); referring to another variable, which adopt does not expand: C (line 3). ` +
                    "adopt needs A, B, C, X each written out as KEY=value, as install.sh writes them: complete the file and run adopt again",
            });
        });

        it("reads the fixture file from disk the same way", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-adopt-env-"));
            try {
                const file = path.join(dir, ".env");
                fs.writeFileSync(file, "PUBLIC_HOST=xingrin.example.com\n");
                assert.throws(() => requireKeys(readEnvFile(file), ["PUBLIC_HOST", "PUBLIC_PORT"]), { message: new RegExp(`^${file}: missing PUBLIC_PORT\\.`) });
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
