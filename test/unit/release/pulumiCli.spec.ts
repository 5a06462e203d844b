import * as assert from "assert";
import { ProcessResult } from "../../../release/process";
import { PulumiCli, PulumiRunner } from "../../../release/pulumiCli";

/** A runner that answers every command with one canned result and records the arguments and stdin. */
function answering(result: ProcessResult): PulumiRunner & { calls: string[][]; inputs: Array<string | undefined> } {
    const calls: string[][] = [];
    const inputs: Array<string | undefined> = [];
    return {
        calls,
        inputs,
        capture: async (args, input) => { calls.push([...args]); inputs.push(input); return result; },
        stream: async args => { calls.push([...args]); return result.code; },
    };
}

describe("release pulumi commands", () => {
    it("reads a value without pulumi's trailing newline, keeping a private key's own line breaks", async () => {
        const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n";
        const runner = answering({ code: 0, stdout: `${key}\n`, stderr: "" });
        assert.strictEqual(await new PulumiCli(runner, "prod").configGet("workerSshPrivateKey"), key);
        assert.deepStrictEqual(runner.calls, [["config", "get", "--stack", "prod", "--", "workerSshPrivateKey"]]);
    });

    it("ends a config set's options with `--`, so a value that starts with \"-\" is stored, not read as a flag", async () => {
        const runner = answering({ code: 0, stdout: "", stderr: "" });
        await new PulumiCli(runner, "prod").configSet("imageTag", "--help");
        assert.deepStrictEqual(runner.calls, [["config", "set", "--stack", "prod", "--", "imageTag", "--help"]]);
        assert.deepStrictEqual(runner.inputs, [undefined]);
    });

    it("sets a secret from stdin: no value among the arguments, which end with `--` and the key", async () => {
        const runner = answering({ code: 0, stdout: "", stderr: "" });
        await new PulumiCli(runner, "prod").configSetSecret("databasePassword", "--help me");
        assert.deepStrictEqual(runner.calls, [["config", "set", "--secret", "--raw", "--stack", "prod", "--", "databasePassword"]]);
        assert.deepStrictEqual(runner.inputs, ["--help me"]);
    });

    it("reports a failed secret set with its command line, which carries no value", async () => {
        const runner = answering({ code: 255, stdout: "", stderr: "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE\n" });
        await assert.rejects(new PulumiCli(runner, "prod").configSetSecret("workerApiKey", "wk-SECRET"), {
            name: "ReleaseError",
            message: "`pulumi config set --secret --raw --stack prod -- workerApiKey` failed (exit 255): error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE",
        });
    });

    it("treats pulumi's 'configuration key … not found' as an unset key", async () => {
        const runner = answering({ code: 1, stdout: "", stderr: "error: configuration key 'workers' not found for stack 'prod'\n" });
        const pulumi = new PulumiCli(runner, "prod");
        assert.strictEqual(await pulumi.configGet("workers"), undefined);
        assert.strictEqual(await pulumi.configGetObject("workers"), undefined);
    });

    it("reads a structured value stored as a JSON string, as the program's getObject does", async () => {
        const workers = [{ name: "w1", address: "10.0.0.5" }];
        const runner = answering({ code: 0, stdout: JSON.stringify({ value: JSON.stringify(workers), secret: false }), stderr: "" });
        assert.deepStrictEqual(await new PulumiCli(runner, "prod").configGetObject("workers"), workers);
    });

    it("reads a structured value from `config get --json` (objectValue)", async () => {
        const workers = [{ name: "worker-1", address: "10.0.1.11" }];
        const runner = answering({ code: 0, stdout: JSON.stringify({ value: JSON.stringify(workers), objectValue: workers, secret: false }), stderr: "" });
        assert.deepStrictEqual(await new PulumiCli(runner, "prod").configGetObject("workers"), workers);
        assert.deepStrictEqual(runner.calls, [["config", "get", "--json", "--stack", "prod", "--", "workers"]]);
    });

    it("reports a failure with the command and pulumi's error output, never its standard output", async () => {
        const runner = answering({ code: 255, stdout: "SECRET-VALUE", stderr: "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE\n" });
        await assert.rejects(new PulumiCli(runner, "prod").configGet("workerSshPrivateKey"), (error: Error) => {
            assert.strictEqual(error.name, "ReleaseError");
            assert.strictEqual(error.message,
                "`pulumi config get --stack prod -- workerSshPrivateKey` failed (exit 255): error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE");
            return true;
        });
    });

    it("asks for the whole history, not pulumi's default page of 10", async () => {
        const runner = answering({ code: 0, stdout: "[]\n", stderr: "" });
        assert.deepStrictEqual(await new PulumiCli(runner, "prod").history(), []);
        assert.deepStrictEqual(runner.calls, [["stack", "history", "--json", "--page-size", "0", "--stack", "prod"]]);
    });

    it("names the command when pulumi prints something other than JSON", async () => {
        const runner = answering({ code: 0, stdout: "Current stack outputs (0):\n", stderr: "" });
        await assert.rejects(new PulumiCli(runner, "dev").outputs(), {
            name: "ReleaseError",
            message: "`pulumi stack output --json --stack dev` did not print JSON: check that `pulumi version` is v3.248.0, the version this project pins",
        });
    });
});
