import * as assert from "assert";
import { PROGRAM_ENV_KEYS, validateServerExtraEnv } from "../../config/serverExtraEnv";
import { named, plain, runProgram } from "../support/program";
import { prodConfig, SECRET_KEYS } from "../support/fixtures";

describe("serverExtraEnv: the rest of XingRin's .env", () => {
    it("reaches the server as it is, secret, beside what the program sets", async () => {
        const run = await runProgram(prodConfig({ serverExtraEnv: { LOG_LEVEL: "DEBUG", CSRF_TRUSTED_ORIGINS: "https://scan.example.com" } }),
            [...SECRET_KEYS, "serverExtraEnv"]);
        const envs: string[] = plain(named(run.resources, "xingrin-server-v1.1.0").inputs.envs);
        assert.ok(envs.includes("LOG_LEVEL=DEBUG"));
        assert.ok(envs.includes("CSRF_TRUSTED_ORIGINS=https://scan.example.com"));
        assert.ok(envs.includes("IMAGE_TAG=v1.1.0"));
    });

    it("names exactly the keys the program sets itself", async () => {
        const run = await runProgram(prodConfig(), SECRET_KEYS);
        const envs: string[] = plain(named(run.resources, "xingrin-server-v1.1.0").inputs.envs);
        assert.deepStrictEqual(envs.map(e => e.slice(0, e.indexOf("="))).sort(), Object.keys(PROGRAM_ENV_KEYS).sort());
    });

    const cases: Array<[string, string, string]> = [
        ["a key the program sets, naming its setting", '{"IMAGE_TAG":"v9"}',
            "serverExtraEnv: IMAGE_TAG is set by the program from imageTag: remove it with " +
            "`pulumi config rm --path 'serverExtraEnv.IMAGE_TAG'` and set imageTag instead"],
        ["a name no environment takes", '{"LOG LEVEL":"x"}',
            'serverExtraEnv: "LOG LEVEL" is not an environment variable name: use letters, digits and _, not starting with a digit'],
        ["a value that is not text", '{"SCAN_RETENTION_DAYS":14}',
            "serverExtraEnv: SCAN_RETENTION_DAYS must be text (values are secret and not shown); a number or true is written in quotes, as in .env"],
        ["a list", '["LOG_LEVEL"]',
            "serverExtraEnv must be an object of variable name to text (values are secret and not shown), such as " +
            '{"LOG_LEVEL": "INFO"}: set one with `pulumi config set --secret --path \'serverExtraEnv.LOG_LEVEL\' INFO`'],
    ];
    for (const [what, text, message] of cases) {
        it(`refuses ${what}`, () => {
            assert.throws(() => validateServerExtraEnv(text), { name: "ConfigError", message });
        });
    }
});
