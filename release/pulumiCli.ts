import * as path from "path";
import { ReleaseError } from "./errors";
import { ProcessResult, runCaptured, runStreaming } from "./process";

/** The project directory: pulumi reads Pulumi.yaml and Pulumi.<stack>.yaml from here. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * How the CLI reaches pulumi. Everything it asks of pulumi goes through one of these two calls, so
 * unit tests swap in a fake that records the exact command lines (and what went to stdin).
 */
export interface PulumiRunner {
    /**
     * Runs pulumi and returns its output; nothing is echoed (some values are secrets). `input` goes
     * to pulumi's standard input: how a secret reaches `config set --secret` without a command line.
     */
    capture(args: readonly string[], input?: string): Promise<ProcessResult>;
    /** Runs pulumi on the operator's terminal and returns its exit code. */
    stream(args: readonly string[]): Promise<number>;
}

/** The real pulumi: `$PULUMI` when set (a toolchain outside PATH), else `pulumi` on PATH. */
export function processPulumiRunner(binary = process.env.PULUMI || "pulumi"): PulumiRunner {
    const options = {
        cwd: PROJECT_DIR,
        missingHint: "put the pulumi CLI on PATH or set PULUMI=/path/to/pulumi " +
            "(the test rig's: `bash sandbox/toolchain/build.sh && source sandbox/toolchain/env.sh`)",
    };
    return {
        capture: (args, input) => runCaptured(binary, args, { ...options, input }),
        stream: args => runStreaming(binary, args, options),
    };
}

/** One entry of `pulumi config get KEY --json` (pkg/cmd/pulumi/config/config.go, configValueJSON, v3.248.0). */
interface ConfigValueJson {
    value?: string;
    objectValue?: unknown;
    secret: boolean;
}

/**
 * The pulumi commands the CLI uses, each bound to one stack. `--stack` is always passed
 * explicitly: the CLI resolves the stack once, says which it is, and every command then acts on
 * that one even if another is selected meanwhile.
 */
export class PulumiCli {
    constructor(private readonly runner: PulumiRunner, public readonly stack: string) {}

    /** A config value with Pulumi.yaml defaults applied, or undefined when the key is not set at all. */
    async configGet(key: string): Promise<string | undefined> {
        const args = ["config", "get", "--stack", this.stack, "--", key];
        const result = await this.runner.capture(args);
        if (isKeyNotFound(result)) {
            return undefined;
        }
        requireSuccess(args, result);
        // pulumi prints the value followed by one newline; a private key keeps its own line breaks.
        return result.stdout.replace(/\n$/, "");
    }

    /** A structured config value (for example `workers`), or undefined when the key is not set. */
    async configGetObject(key: string): Promise<unknown> {
        const args = ["config", "get", "--json", "--stack", this.stack, "--", key];
        const result = await this.runner.capture(args);
        if (isKeyNotFound(result)) {
            return undefined;
        }
        requireSuccess(args, result);
        const parsed = parseJson(args, result.stdout) as ConfigValueJson;
        if (parsed.objectValue !== undefined) {
            return parsed.objectValue;
        }
        // Like pulumi.Config.getObject in the program: a value stored as a JSON string (as
        // `pulumi config set workers '[...]'` stores it) is read as that JSON.
        try {
            return parsed.value === undefined ? undefined : JSON.parse(parsed.value);
        } catch {
            return parsed.value;
        }
    }

    /**
     * Edits Pulumi.<stack>.yaml the official way, leaving other keys and secrets as they are. The
     * options end with `--`, so a value that starts with "-" is stored, never read as a flag.
     */
    async configSet(key: string, value: string): Promise<void> {
        const args = ["config", "set", "--stack", this.stack, "--", key, value];
        requireSuccess(args, await this.runner.capture(args));
    }

    /**
     * Stores a secret, encrypted with the stack's secrets provider. The value goes to pulumi's
     * standard input, never on the command line: `pulumi config set KEY --secret` reads a stdin
     * that is not a terminal (pkg/cmd/pulumi/config/config.go, configSetCmd.Run, v3.248.0); --raw
     * keeps it byte for byte. A failure names the command line, which carries no value.
     */
    async configSetSecret(key: string, value: string): Promise<void> {
        const args = ["config", "set", "--secret", "--raw", "--stack", this.stack, "--", key];
        requireSuccess(args, await this.runner.capture(args, value));
    }

    /**
     * Every recorded update, newest first. `--page-size 0` asks for all of them: the default page
     * is the 10 most recent, which would hide older deployed versions from a rollback
     * (pkg/cmd/pulumi/stack/stack_history.go, v3.248.0).
     */
    async history(): Promise<unknown> {
        const args = ["stack", "history", "--json", "--page-size", "0", "--stack", this.stack];
        const result = await this.runner.capture(args);
        requireSuccess(args, result);
        return parseJson(args, result.stdout);
    }

    /** The outputs of the stack's last update (`imageTag`, `versions`, …). */
    async outputs(): Promise<Record<string, unknown>> {
        const args = ["stack", "output", "--json", "--stack", this.stack];
        const result = await this.runner.capture(args);
        requireSuccess(args, result);
        const parsed = parseJson(args, result.stdout);
        return typeof parsed === "object" && parsed !== null ? parsed as Record<string, unknown> : {};
    }

    /** The stack's state as `pulumi stack export` prints it (secrets stay encrypted). */
    async exportState(): Promise<unknown> {
        const args = ["stack", "export", "--stack", this.stack];
        const result = await this.runner.capture(args);
        requireSuccess(args, result);
        return parseJson(args, result.stdout);
    }

    /** Any pulumi command on this stack, captured; the caller reads the result (recover). */
    async runCaptured(args: readonly string[]): Promise<ProcessResult> {
        return this.runner.capture(args);
    }

    /** `pulumi up --yes --diff` on the operator's terminal; throws when it fails. */
    async up(): Promise<void> {
        const args = this.upWithYesArgs();
        const code = await this.runner.stream(args);
        if (code !== 0) {
            throw new ReleaseError(
                `\`${commandLine(args)}\` failed (exit ${code}): read its output above, fix the cause, ` +
                `and run \`${this.upCommand()}\` again`);
        }
    }

    /** The command `up` runs, as the operator would type it. */
    upWithYesCommand(): string {
        return commandLine(this.upWithYesArgs());
    }

    previewCommand(): string {
        return previewCommand(this.stack);
    }

    upCommand(): string {
        return upCommand(this.stack);
    }

    private upWithYesArgs(): string[] {
        return ["up", "--stack", this.stack, "--yes", "--diff"];
    }
}

/**
 * The stack `pulumi stack select` chose for this project (`pulumi stack --show-name`), or undefined
 * when none is selected. Without a terminal pulumi does not offer a choice; it fails with "no stack
 * selected; please use `pulumi stack select` …" (pkg/cmd/pulumi/stack/io.go, ChooseStack, v3.248.0).
 */
export async function selectedStack(runner: PulumiRunner): Promise<string | undefined> {
    const args = ["stack", "--show-name"];
    const result = await runner.capture(args);
    if (result.code !== 0 && /no stack selected/.test(result.stderr)) {
        return undefined;
    }
    requireSuccess(args, result);
    const name = result.stdout.trim();
    return name === "" ? undefined : name;
}

/** What to run to see every container and image a change moves, before applying it. */
export function previewCommand(stack: string): string {
    return commandLine(["preview", "--stack", stack, "--diff"]);
}

/** What to run to apply the stack's config: without --yes pulumi shows the preview and asks first. */
export function upCommand(stack: string): string {
    return commandLine(["up", "--stack", stack, "--diff"]);
}

export function commandLine(args: readonly string[]): string {
    return ["pulumi", ...args].join(" ");
}

function requireSuccess(args: readonly string[], result: ProcessResult): void {
    if (result.code !== 0) {
        // stderr only: the stdout of `config get` may be a secret.
        const detail = result.stderr.trim().split("\n").slice(-5).join("\n");
        throw new ReleaseError(`\`${commandLine(args)}\` failed (exit ${result.code}): ${detail || "no error output"}`);
    }
}

/**
 * pulumi's answer for a key that is neither in Pulumi.<stack>.yaml nor defaulted in Pulumi.yaml:
 * "configuration key '<key>' not found for stack '<stack>'" (pkg/cmd/pulumi/config/config.go, getConfig, v3.248.0).
 */
function isKeyNotFound(result: ProcessResult): boolean {
    return result.code !== 0 && /configuration key '[^']+' not found for stack/.test(result.stderr);
}

function parseJson(args: readonly string[], text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new ReleaseError(
            `\`${commandLine(args)}\` did not print JSON: check that \`pulumi version\` is v3.248.0, the version this project pins`);
    }
}
