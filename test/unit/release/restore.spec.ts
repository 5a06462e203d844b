import * as assert from "assert";
import { HostAccess, HostTarget } from "../../../release/hostAccess";
import { PulumiCli } from "../../../release/pulumiCli";
import { parseSnapshotName, restore } from "../../../release/restore";
import { FakePulumi, printed } from "./support/fakePulumi";

const SNAPSHOT = "v1.1.0-20261208T001500Z.dump";

/** The main server's docker as restore sees it: what each command answers, and every call with its environment. */
class FakeMainServer {
    readonly calls: string[] = [];
    readonly envs: Array<Record<string, string> | undefined> = [];
    snapshots = [SNAPSHOT, "v1.1.0-20261208T001500Z.migrations"];
    restoreFails = false;

    readonly open = (): HostAccess => ({
        docker: async (target: HostTarget, args: readonly string[], options?: { env?: Record<string, string> }) => {
            assert.strictEqual(target.kind, "main-server");
            const line = args.join(" ");
            this.calls.push(line);
            this.envs.push(options?.env);
            if (args[0] === "inspect") return "r/yyhuni/xingrin-postgres:v1.2.0\n";
            if (line.endsWith("ls /snapshots")) return this.snapshots.join("\n") + "\n";
            if (args[0] === "ps") return line.includes("service=scheduler") ? "xingrin-scheduler\n" : "xingrin-server-v1.2.0\n";
            if (args.includes("pg_restore") && this.restoreFails) throw new Error("pg_restore: error: could not read input file");
            return "";
        },
        close: () => undefined,
    });
}

function stackWithState(): FakePulumi {
    const fake = new FakePulumi({ imageTag: "v1.1.0", databasePassword: "s3cret" });
    fake.exported = { version: 3, deployment: { resources: [{ urn: "urn:pulumi:prod::xingrin-deploy::pulumi:pulumi:Stack::xingrin-deploy-prod", type: "pulumi:pulumi:Stack" }] } };
    return fake;
}

describe("release restore", () => {
    it("reads version and time from a snapshot's name, with or without its directory", () => {
        assert.deepStrictEqual(parseSnapshotName(`/opt/xingrin/db-snapshots/${SNAPSHOT}`),
            { file: SNAPSHOT, version: "v1.1.0", taken: "2026-12-08 00:15:00 UTC" });
        assert.throws(() => parseSnapshotName("latest"), /"latest" is not a snapshot: give the name an update printed/);
        assert.throws(() => parseSnapshotName("v1.1.0-20261208T001500Z.dump; rm -rf /"), /is not a snapshot/);
    });

    it("stops the servers and the scheduler, recreates the database from the snapshot, then deploys its version", async () => {
        const fake = stackWithState();
        const host = new FakeMainServer();
        const out = printed();
        await restore({ snapshot: SNAPSHOT, yes: true }, { pulumi: new PulumiCli(fake, "prod"), openHosts: host.open, print: out.print });
        assert.match(out.lines[0], /goes back to how XingRin v1\.1\.0 left it at 2026-12-08 00:15:00 UTC\. Everything written since is lost/);
        const changes = host.calls.filter(call => !call.startsWith("inspect") && !call.endsWith("ls /snapshots"));
        assert.deepStrictEqual(changes, [
            "ps --filter label=xingrin.stack=xingrin-deploy/prod --filter label=xingrin.service=server --format {{.Names}}",
            "ps --filter label=xingrin.stack=xingrin-deploy/prod --filter label=xingrin.service=scheduler --format {{.Names}}",
            "stop xingrin-server-v1.2.0",
            "stop xingrin-scheduler",
            "exec xingrin-postgres psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres " +
                "-c DROP DATABASE IF EXISTS \"xingrin\" WITH (FORCE) -c CREATE DATABASE \"xingrin\" OWNER \"postgres\"",
            "run --rm --network xingrin_network -e PGPASSWORD -v /opt/xingrin/db-snapshots:/snapshots:ro r/yyhuni/xingrin-postgres:v1.2.0 " +
                `pg_restore -h postgres -p 5432 -U postgres -d xingrin --exit-on-error /snapshots/${SNAPSHOT}`,
        ]);
        assert.ok(!host.calls.some(call => call.includes("s3cret")), "the password reached a command line");
        assert.deepStrictEqual(host.envs[host.calls.findIndex(call => call.includes("pg_restore"))], { PGPASSWORD: "s3cret" });
        assert.strictEqual(fake.config.imageTag, "v1.1.0");
        assert.strictEqual(fake.commands[fake.commands.length - 1], "pulumi up --stack prod --yes --diff");
    });

    it("changes nothing without --yes and without a terminal", async () => {
        const fake = stackWithState();
        const host = new FakeMainServer();
        const out = printed();
        await restore({ snapshot: SNAPSHOT, yes: false }, { pulumi: new PulumiCli(fake, "prod"), openHosts: host.open, print: out.print });
        assert.match(out.lines[out.lines.length - 1], /nothing changed: no terminal to ask on/);
        assert.ok(!host.calls.some(call => /^(stop|exec|run .*pg_restore)/.test(call)), host.calls.join("\n"));
        assert.ok(!fake.commands.some(command => command.startsWith("pulumi up")));
    });

    it("refuses a snapshot the main server does not hold completely, listing those it has", async () => {
        const host = new FakeMainServer();
        host.snapshots = [SNAPSHOT, "v1.0.0-20261101T000000Z.dump", "v1.0.0-20261101T000000Z.migrations"];
        await assert.rejects(restore({ snapshot: SNAPSHOT, yes: true }, { pulumi: new PulumiCli(stackWithState(), "prod"), openHosts: host.open, print: () => undefined }),
            /v1\.1\.0-20261208T001500Z\.dump is not a complete snapshot on unix:\/\/\/var\/run\/docker\.sock; there are: v1\.0\.0-20261101T000000Z\.dump/);
        assert.ok(!host.calls.some(call => call.startsWith("stop")));
    });

    it("refuses an external database", async () => {
        const fake = stackWithState();
        fake.config.databaseHost = "db.example.com";
        await assert.rejects(restore({ snapshot: SNAPSHOT, yes: true }, { pulumi: new PulumiCli(fake, "prod"), openHosts: new FakeMainServer().open, print: () => undefined }),
            /external database db\.example\.com, which the program neither snapshots nor restores/);
    });

    it("a failed pg_restore says the database is incomplete and how to try again, and deploys nothing", async () => {
        const fake = stackWithState();
        const host = new FakeMainServer();
        host.restoreFails = true;
        await assert.rejects(restore({ snapshot: SNAPSHOT, yes: true }, { pulumi: new PulumiCli(fake, "prod"), openHosts: host.open, print: () => undefined }),
            /database xingrin is empty or incomplete: pg_restore: error: could not read input file\. Run `npm run restore -- v1\.1\.0-20261208T001500Z\.dump --stack prod` again/);
        assert.ok(!fake.commands.some(command => command.startsWith("pulumi up")));
    });
});
