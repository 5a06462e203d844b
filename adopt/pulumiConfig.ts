import { spawn } from "child_process";
import { ProcessResult } from "../release/process";
import { commandLine, PROJECT_DIR, processPulumiRunner, PulumiCli, PulumiRunner } from "../release/pulumiCli";
import { AdoptError } from "./errors";
import { AdoptionPlan } from "./plan";

/**
 * The release CLI's way of reaching pulumi, plus the one thing adopt needs beyond it: a value on
 * pulumi's standard input. `pulumi config set KEY --secret` reads the value from a stdin that is not
 * a terminal (pkg/cmd/pulumi/config/config.go, configSetCmd.Run, v3.248.0), so a secret never
 * appears in an argument list, where `ps` and /proc/<pid>/cmdline would show it.
 */
export interface AdoptPulumiRunner extends PulumiRunner {
    /** Runs pulumi with `input` on its standard input and returns what it printed; nothing is echoed. */
    captureWithInput(args: readonly string[], input: string): Promise<ProcessResult>;
}

const MISSING_HINT = "put the pulumi CLI on PATH or set PULUMI=/path/to/pulumi";

/** The real pulumi: `$PULUMI` when set, else `pulumi` on PATH, run in the project directory. */
export function processAdoptPulumiRunner(binary = process.env.PULUMI || "pulumi"): AdoptPulumiRunner {
    return {
        ...processPulumiRunner(binary),
        captureWithInput: (args, input) => new Promise((resolve, reject) => {
            const child = spawn(binary, args, { cwd: PROJECT_DIR, stdio: ["pipe", "pipe", "pipe"] });
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
            child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
            // A pulumi that exits before reading (a bad flag) closes the pipe: its exit status tells why.
            child.stdin.on("error", () => undefined);
            child.on("error", (error: NodeJS.ErrnoException) =>
                reject(error.code === "ENOENT" ? new AdoptError(`${binary} was not found: ${MISSING_HINT}`) : error));
            child.on("close", code => resolve({
                code: code ?? 1,
                stdout: Buffer.concat(stdout).toString("utf8"),
                stderr: Buffer.concat(stderr).toString("utf8"),
            }));
            child.stdin.end(input);
        }),
    };
}

/**
 * `pulumi config set --secret --raw --stack S -- KEY`, the value on stdin (--raw keeps it byte for
 * byte; `--` ends the options, as in every config command the CLIs run).
 */
export function secretSetArgs(key: string, stack: string): string[] {
    return ["config", "set", "--secret", "--raw", "--stack", stack, "--", key];
}

/**
 * Sets every planned key on the stack: plain values with `pulumi config set`, as the release CLI
 * does, secrets through stdin and encrypted with the stack's secrets provider.
 */
export async function applyPlan(runner: AdoptPulumiRunner, stack: string, plan: AdoptionPlan): Promise<void> {
    const pulumi = new PulumiCli(runner, stack);
    for (const setting of plan.settings) {
        if (!setting.secret) {
            await pulumi.configSet(setting.key, setting.value);
            continue;
        }
        const args = secretSetArgs(setting.key, stack);
        const result = await runner.captureWithInput(args, setting.value);
        if (result.code !== 0) {
            // stderr only, and the command line carries no value.
            const detail = result.stderr.trim().split("\n").slice(-5).join("\n");
            throw new AdoptError(`\`${commandLine(args)}\` failed (exit ${result.code}): ${detail || "no error output"}`);
        }
    }
}
