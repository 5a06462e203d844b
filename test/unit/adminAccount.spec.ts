import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ADMIN_ACCOUNT_DONE, adminAccountScript } from "../../components/adminAccount";
import { named, plain, runProgram } from "../support/program";
import { prodConfig, SECRET_KEYS } from "../support/fixtures";

/** Runs the script with a `docker` on PATH that prints `output` and exits with `status`. */
function runWithDocker(output: string, status: number): { status: number | null; stdout: string; stderr: string; calls: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "admin-account-"));
    const calls = path.join(dir, "calls");
    fs.writeFileSync(path.join(dir, "docker"), `#!/bin/sh\necho "$*" >>${calls}\nprintf '%s\\n' '${output}'\nexit ${status}\n`, { mode: 0o755 });
    const run = spawnSync("sh", ["-c", adminAccountScript("xingrin-server-v1.1.0").text], {
        encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    });
    const called = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "";
    fs.rmSync(dir, { recursive: true });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls: called };
}

describe("XingRin's admin account", () => {
    it("is made by init_admin in the new server, as install.sh's INIT does, with no second scheduler", () => {
        const run = runWithDocker("admin user created", 0);
        assert.strictEqual(run.status, 0);
        assert.strictEqual(run.calls.trim(), "exec -e SERVER_URL=http://localhost:8888 xingrin-server-v1.1.0 python manage.py init_admin");
        assert.strictEqual(run.stdout.trim(), ADMIN_ACCOUNT_DONE);
    });

    it("never lets the password init_admin prints reach the output (the stack's state)", () => {
        const ok = runWithDocker("  密码: s3cret-admin", 0);
        assert.ok(!ok.stdout.includes("s3cret") && !ok.stderr.includes("s3cret"));
        const failed = runWithDocker("password: s3cret-admin\ndjango.db.utils.OperationalError: connection refused", 1);
        assert.strictEqual(failed.status, 1);
        assert.ok(failed.stderr.includes("nobody can log in yet") && failed.stderr.includes("connection refused"), failed.stderr);
        assert.ok(!failed.stderr.includes("s3cret") && !failed.stdout.includes("s3cret"));
    });

    it("runs once the new server is up, again for every new server container", async () => {
        const run = await runProgram(prodConfig(), SECRET_KEYS);
        const account = named(run.resources, "main-server-admin-account");
        const server = named(run.resources, "xingrin-server-v1.1.0");
        assert.ok(account.dependencies.includes(server.urn));
        assert.deepStrictEqual(plain(account.inputs.triggers), ["xingrin-server-v1.1.0-id"]);
    });
});
