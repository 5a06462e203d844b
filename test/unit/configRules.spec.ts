import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, recordedResources } from "../support/mocks";
import { runProgram, StackConfig } from "../support/program";
import { prodConfig, SECRET_KEYS, WORKERS } from "../support/fixtures";

const HIDDEN = "(the value is secret and not shown)";
const KEY = WORKERS[0].hostKey;

/**
 * One bad value per setting, through the whole program: each is refused with its message while
 * nothing has been registered, so no resource could have started to change.
 */
const cases: Array<[string, StackConfig, string]> = [
    ["registry", { registry: "https://registry.example.com" },
        'registry "https://registry.example.com" has a URL scheme, which an image reference cannot carry; use the host alone: "registry.example.com"'],
    ["namespace", { namespace: "XingRin" }, 'namespace "XingRin" has upper-case letters, and repository names are lower-case; use "xingrin"'],
    ["redisImage", { redisImage: "Redis:7" }, 'redisImage "Redis:7" has upper-case letters in "Redis", and repository names are lower-case; use "redis:7"'],
    ["taskExecutorImage", { taskExecutorImage: "https://localhost:5000/me/xingrin-worker:v1.5.8" },
        'taskExecutorImage "https://localhost:5000/me/xingrin-worker:v1.5.8" has a URL scheme, which an image reference cannot carry; ' +
        'use "localhost:5000/me/xingrin-worker:v1.5.8"'],
    ["taskExecutorImage on prod", { taskExecutorImage: "localhost:5000/me/xingrin-worker:latest" },
        'taskExecutorImage "localhost:5000/me/xingrin-worker:latest": tag "latest" is not a version tag: it must start with "v"; ' +
        'use "v" followed by a semantic version, for example "v1.5.8"'],
    ["dockerHost", { dockerHost: "unix://var/run/docker.sock" },
        'dockerHost "unix://var/run/docker.sock" names the relative socket path "var/run/docker.sock"; a unix endpoint has three slashes: ' +
        'use "unix:///var/run/docker.sock"'],
    ["publicScheme", { publicScheme: "ftp" }, 'publicScheme "ftp" is not one nginx serves: use "https" (XingRin\'s TLS nginx) or "http"'],
    ["publicHost", { publicHost: "https://scan.example.com" },
        'publicHost "https://scan.example.com" is a URL, not a host name; use the host alone: "scan.example.com"'],
    ["publicPort", { publicPort: "8083a" }, 'publicPort "8083a" is not a TCP port: use a whole number from 1 to 65535'],
    ["allowPrerelease", { allowPrerelease: "yes" }, 'allowPrerelease "yes" is not a boolean; use true or false'],
    ["bindAddress", { bindAddress: "localhost" }, 'bindAddress "localhost" is not an IP address; use an IPv4 or IPv6 address such as ' +
        '"0.0.0.0" (every interface), "127.0.0.1" (this host only), "::" or the address of one interface'],
    ["dataDir", { dataDir: "xingrin" },
        'dataDir "xingrin" is a relative path, which would depend on the directory Pulumi runs in; use an absolute path such as "/opt/xingrin"'],
    ["dataDir (not /opt/xingrin)", { dataDir: "/srv/xingrin" },
        'dataDir "/srv/xingrin" is not /opt/xingrin: XingRin mounts /opt/xingrin into each scan container on every host whatever ' +
        "this says, so scan results and logs would land where nothing reads them. Remove the setting (`pulumi config rm dataDir`; " +
        "the default is /opt/xingrin), and put a bigger disk at /opt/xingrin if that is the reason"],
    ["tlsCertDir", { tlsCertDir: "/opt/xingrin/ssl/" }, 'tlsCertDir "/opt/xingrin/ssl/" is not a normalized path; use "/opt/xingrin/ssl"'],
    ["buildSource", { workers: [], buildSource: "../xingrin" }, 'buildSource "../xingrin" is a relative path, which would depend on the ' +
        'directory Pulumi runs in; use an absolute path such as "/home/me/src/xingrin"'],
    ["databaseHost", { databaseHost: "db.example.com:5432" },
        'databaseHost "db.example.com:5432" has a port, which has its own setting; use the host alone: "db.example.com"'],
    ["databasePort", { databasePort: 0 }, "databasePort 0 is not a TCP port: use a whole number from 1 to 65535"],
    ["databaseName", { databaseName: "xingrin db" }, 'databaseName "xingrin db" is not a PostgreSQL name; use a letter or "_", then letters, ' +
        'digits or "_", at most 63 characters, for example "xingrin"'],
    ["databaseUser", { databaseUser: "-U" }, 'databaseUser "-U" is not a PostgreSQL name; use a letter or "_", then letters, ' +
        'digits or "_", at most 63 characters, for example "postgres"'],
    ["databaseBindAddress", { databaseBindAddress: "10.0.1.1/24" }, 'databaseBindAddress "10.0.1.1/24" is not an IP address; use an IPv4 or ' +
        'IPv6 address such as "0.0.0.0" (every interface), "127.0.0.1" (this host only), "::" or the address of one interface'],
    ["postgresVolume", { postgresVolume: "pg data" }, 'postgresVolume "pg data" is not a Docker volume name; use a letter or digit, then ' +
        'letters, digits, "_", "." or "-" (two characters at least), for example "xingrin_postgres_data"'],
    ["databasePassword", { databasePassword: "" }, `databasePassword is empty or only white space ${HIDDEN}; XingRin needs a real one: ` +
        "run `pulumi config set --secret databasePassword <value>`"],
    ["djangoSecretKey", { djangoSecretKey: "   " }, `djangoSecretKey is empty or only white space ${HIDDEN}; XingRin needs a real one: ` +
        "run `pulumi config set --secret djangoSecretKey <value>`"],
    ["workerApiKey", { workerApiKey: "\n" }, `workerApiKey is empty or only white space ${HIDDEN}; XingRin needs a real one: ` +
        "run `pulumi config set --secret workerApiKey <value>`"],
    ["workerSshPrivateKey", { workerSshPrivateKey: "/home/me/.ssh/xingrin_deploy" }, `workerSshPrivateKey is not a private key ${HIDDEN}; ` +
        'it must be the key file\'s content, starting with "-----BEGIN" and ending in "PRIVATE KEY-----", not its path or the public key: ' +
        "run `pulumi config set --secret workerSshPrivateKey < ~/.ssh/id_ed25519`"],
    ["workers", { workers: [{ name: "w1", adress: "10.0.0.5", hostKey: KEY }] }, 'workers[0] ("w1"): unknown field "adress" (set to "10.0.0.5"); ' +
        'did you mean "address"? A worker entry has only name, address, port, user and hostKey'],
];

/** What the program registered, once every registration it started has reached the mocks. */
async function registered(): Promise<RecordedResource[]> {
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return recordedResources();
}

describe("every setting is checked before any resource is registered", () => {
    for (const [what, overrides, message] of cases) {
        it(`refuses a bad ${what}`, async () => {
            await assert.rejects(runProgram(prodConfig(overrides), SECRET_KEYS), { name: "ConfigError", message });
            assert.deepStrictEqual(await registered(), []);
        });
    }

    it("asks for a secret that is not set", async () => {
        const config = prodConfig();
        delete config.djangoSecretKey;
        await assert.rejects(runProgram(config, SECRET_KEYS), {
            name: "ConfigError",
            message: "djangoSecretKey is not set; run `pulumi config set --secret djangoSecretKey <value>`",
        });
    });

    it("requires databaseBindAddress with workers, and registers nothing without it", async () => {
        const config = prodConfig();
        delete config.databaseBindAddress;
        await assert.rejects(runProgram(config, SECRET_KEYS), {
            name: "ConfigError",
            message: "databaseBindAddress is required with workers: their scan tasks connect to postgres directly, so it must be " +
                "published on an address they reach, and Docker's published ports bypass host firewalls; set it to the main " +
                "server's address on the workers' network, e.g. `pulumi config set databaseBindAddress 10.0.0.2`",
        });
        assert.deepStrictEqual(await registered(), []);
    });

    it("publishes postgres on loopback only when no worker needs it, whatever bindAddress says", async () => {
        const config = prodConfig({ workers: [], bindAddress: "0.0.0.0" });
        delete config.databaseBindAddress;
        delete config.workerSshPrivateKey;
        const run = await runProgram(config, SECRET_KEYS);
        const postgres = run.resources.find(r => r.name === "xingrin-postgres")!;
        assert.deepStrictEqual(postgres.inputs.ports.map((p: { ip: string; external: number }) => [p.ip, p.external]), [["127.0.0.1", 5432]]);
    });

    it("puts an IPv6 publicHost in brackets in the public URL", async () => {
        const run = await runProgram(prodConfig({ publicHost: "fd00::5", bindAddress: "::" }), SECRET_KEYS);
        assert.strictEqual(run.outputs.url, "https://[fd00::5]:8083");
    });
});
