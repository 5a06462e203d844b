import * as assert from "assert";
import { AdoptedKey, CheckedSetting, programProblems } from "../../../adopt/configChecks";

const STABLE = { allowPrerelease: false };
const NETWORK_ID = "3c5bac42a239df2b51af56f285ab6d6b6e2bb2bac5b246c00ff00ba4cef16d2c";

function setting(key: AdoptedKey, value: string, from = `source of ${key}`): CheckedSetting {
    return { key, value, from };
}

describe("adopt: the program's config checks on what adopt sets", () => {
    // One value per key that `pulumi up` refuses; a Record over every AdoptedKey, so a new key needs a row here.
    const refused: Record<AdoptedKey, string> = {
        imageTag: "1.5.8",
        registry: "-registry.example.com",
        namespace: "Yyhuni",
        redisImage: "Redis:7",
        dockerHost: "/var/run/docker.sock",
        publicHost: "-oProxyCommand=x",
        publicPort: "0",
        bindAddress: "localhost",
        dataDir: "/srv/xingrin",
        tlsCertDir: "ssl",
        databaseHost: "db.internal:5432",
        databasePort: "",
        databaseName: "1xingrin",
        databaseUser: "-U",
        postgresVolume: "-v",
        databaseBindAddress: "every",
        databasePassword: "  ",
        djangoSecretKey: "",
        workerApiKey: "wk-Secret-1\nwk-Secret-2",
        serverExtraEnv: JSON.stringify({ DB_HOST: "elsewhere" }),
        takeoverComposeProject: "Docker",
        takeoverNetworkId: "3c5bac42",
    };
    const secrets: readonly AdoptedKey[] = ["databasePassword", "djangoSecretKey", "workerApiKey", "serverExtraEnv"];

    for (const [key, value] of Object.entries(refused) as Array<[AdoptedKey, string]>) {
        it(`${key} ${JSON.stringify(value)}: refused with the program's message, naming the key, after where the value came from`, () => {
            const planned = key === "takeoverNetworkId" ? [setting("takeoverComposeProject", "docker"), setting(key, value)] : [setting(key, value)];
            const problems = programProblems(planned, STABLE);
            assert.strictEqual(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], new RegExp(`^source of ${key}: ${key}[ :]`));
            if (secrets.includes(key) && value.trim() !== "") {
                assert.ok(!problems[0].includes(value) && !problems[0].includes("elsewhere"), problems[0]);
            }
        });
    }

    it("says nothing of values the program takes", () => {
        assert.deepStrictEqual(programProblems([
            setting("imageTag", "v1.5.8"), setting("registry", "docker.io"), setting("namespace", "yyhuni"),
            setting("publicHost", "10.20.0.5"), setting("publicPort", "8083"), setting("dataDir", "/opt/xingrin"),
            setting("databaseHost", "postgres"), setting("workerApiKey", "wk-Secret"), setting("serverExtraEnv", JSON.stringify({ LOG_LEVEL: "DEBUG" })),
            setting("takeoverComposeProject", "docker"), setting("takeoverNetworkId", NETWORK_ID),
        ], STABLE), []);
    });

    it("applies the stack's prerelease rule to imageTag", () => {
        const planned = [setting("imageTag", "v1.6.0-rc.1")];
        assert.deepStrictEqual(programProblems(planned, STABLE), ["source of imageTag: imageTag \"v1.6.0-rc.1\" is a prerelease, which this stack " +
            "does not accept (allowPrerelease is false): use a stable version such as \"v1.6.0\", or set allowPrerelease: true on a development stack"]);
        assert.deepStrictEqual(programProblems(planned, { allowPrerelease: true }), []);
    });

    it("checks the image references registry, namespace and imageTag make together, as the program does", () => {
        const namespace = "a".repeat(240);
        const problems = programProblems([setting("imageTag", "v1.5.8"), setting("registry", "docker.io"), setting("namespace", namespace)], STABLE);
        assert.strictEqual(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^source of imageTag: registry "docker\.io", namespace "a+" and imageTag "v1\.5\.8" make the image reference .* Docker allows at most 255; shorten registry or namespace$/);
    });

    it("refuses a network id without the compose project it belongs to, as readTakeover does", () => {
        assert.deepStrictEqual(programProblems([setting("takeoverNetworkId", NETWORK_ID)], STABLE), [
            `source of takeoverNetworkId: takeoverNetworkId "${NETWORK_ID}" is set but takeoverComposeProject is not: set both ` +
            "(npm run adopt writes them), or unset takeoverNetworkId for a fresh install",
        ]);
    });

    it("lists a bad value once, also when another key's check reads it", () => {
        const problems = programProblems([
            setting("imageTag", "v1.5.8"), setting("registry", "Registry.Example.com:5000/x"), setting("namespace", "yyhuni"),
            setting("takeoverComposeProject", "Docker"), setting("takeoverNetworkId", NETWORK_ID),
        ], STABLE);
        assert.deepStrictEqual(problems.map(problem => problem.split(":")[0]), ["source of registry", "source of takeoverComposeProject"]);
    });
});
