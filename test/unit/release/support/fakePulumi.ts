import { UpdateRecord } from "../../../../release/history";
import { PulumiRunner } from "../../../../release/pulumiCli";
import { ProcessResult } from "../../../../release/process";

/** Config as a stack file holds it: strings, or objects for structured keys such as workers. */
export type FakeConfig = Record<string, string | object>;

/** What `pulumi config get` falls back to when the stack sets nothing (the defaults in Pulumi.yaml). */
const PROJECT_DEFAULTS: FakeConfig = {
    imageTag: "",
    allowPrerelease: "false",
    dockerHost: "unix:///var/run/docker.sock",
    keepVersions: "5",
};

/**
 * Stands in for the pulumi CLI: answers config, history and output queries from memory, applies
 * `config set` (a secret's value from stdin, as pulumi reads it), and records every command line
 * and every stdin so specs can assert exactly what would have run and where each value went.
 */
export class FakePulumi implements PulumiRunner {
    readonly commands: string[] = [];
    /** What each command that was given a standard input got there, in order. */
    readonly inputs: Array<{ command: string; input: string }> = [];
    /** The keys set with --secret. */
    readonly secrets = new Set<string>();
    /** A stack that does not exist: every command on it fails as pulumi's does. */
    missingStack = false;
    history: unknown = [];
    outputs: Record<string, unknown> = {};
    upExitCode = 0;
    /** What `pulumi stack export` prints. */
    exported: unknown = { version: 3, deployment: { resources: [] } };
    /** What `pulumi refresh` answers (recover). */
    refreshResult: ProcessResult = { code: 0, stdout: "", stderr: "" };
    /** What `pulumi stack --show-name` answers: the stack `pulumi stack select` chose, if any. */
    selected: string | undefined = undefined;

    constructor(public readonly config: FakeConfig = {}, private readonly stack = "prod") {}

    async capture(args: readonly string[], input?: string): Promise<ProcessResult> {
        const command = ["pulumi", ...args].join(" ");
        this.commands.push(command);
        if (input !== undefined) {
            this.inputs.push({ command, input });
        }
        const [group, verb] = args;
        if (group === "stack" && verb === "--show-name" && args.length === 2) {
            // Without a terminal pulumi does not offer a choice (pkg/cmd/pulumi/stack/io.go, ChooseStack, v3.248.0).
            return this.selected === undefined
                ? { code: 255, stdout: "", stderr: "error: no stack selected; please use `pulumi stack select` or `pulumi stack init` to choose one\n" }
                : ok(`${this.selected}\n`);
        }
        this.expectStack(args);
        if (this.missingStack) {
            return { code: 255, stdout: "", stderr: `error: no stack named '${this.stack}' found\n` };
        }
        const secretSet = group === "config" && verb === "set" && args.includes("--secret");
        if (input !== undefined && !secretSet) {
            throw new Error(`pulumi ${args.join(" ")} was given a standard input, which only a secret's config set reads`);
        }
        if (group === "config") {
            // As the CLIs must write it: options first, then `--`, then key and value, so that a
            // value starting with "-" is never read as a flag.
            const end = args.indexOf("--");
            if (end < 0) throw new Error(`pulumi ${args.join(" ")}: a config command without \`--\` before its key`);
            const [key, value] = args.slice(end + 1);
            if (secretSet) {
                // A secret on the command line would show in `ps`: it must come on stdin only.
                if (input === undefined || value !== undefined) throw new Error(`a secret must come on stdin only: pulumi ${args.join(" ")}`);
                this.secrets.add(key);
                return this.configCommand(verb, key, input, args);
            }
            return this.configCommand(verb, key, value, args);
        }
        if (group === "stack" && verb === "history") {
            return ok(JSON.stringify(this.history, null, 4) + "\n");
        }
        if (group === "stack" && verb === "export") {
            return ok(JSON.stringify(this.exported, null, 4) + "\n");
        }
        if (group === "refresh") {
            return this.refreshResult;
        }
        if (group === "state" && verb === "taint") {
            return ok("");
        }
        if (group === "stack" && verb === "output") {
            return ok(JSON.stringify(this.outputs, null, 2) + "\n");
        }
        throw new Error(`unexpected pulumi command: pulumi ${args.join(" ")}`);
    }

    /**
     * `pulumi up` on the terminal. Like pulumi, it records the update in the stack history (newest
     * first, with the imageTag it ran), so a spec can run one command after another.
     */
    async stream(args: readonly string[]): Promise<number> {
        this.commands.push(["pulumi", ...args].join(" "));
        this.expectStack(args);
        if (args[0] === "up" && Array.isArray(this.history)) {
            const history = this.history as UpdateRecord[];
            const numbered = history.some(update => update.version > 0);
            const version = numbered ? Math.max(...history.map(update => update.version)) + 1 : 0;
            const tag = typeof this.config.imageTag === "string" ? this.config.imageTag : "";
            history.unshift(recordedUpdate(version, this.upExitCode === 0 ? "succeeded" : "failed", tag, history.length));
        }
        return this.upExitCode;
    }

    /** `pulumi config get|set`, key and value already taken from after `--`. */
    private configCommand(verb: string, key: string, value: string | undefined, args: readonly string[]): ProcessResult {
        if (verb === "set") {
            this.config[key] = value ?? "";
            return ok("");
        }
        const found = key in this.config ? this.config[key] : PROJECT_DEFAULTS[key];
        if (found === undefined) {
            // What pulumi v3.248.0 prints, exit status 1 (seen with the real CLI; pkg/cmd/pulumi/config/config.go, getConfig).
            return fail(`error: configuration key '${key}' not found for stack '${this.stack}'\n`);
        }
        if (args.includes("--json")) {
            const text = typeof found === "string" ? found : JSON.stringify(found);
            return ok(JSON.stringify(typeof found === "string" ? { value: text, secret: false }
                : { value: text, objectValue: found, secret: false }, null, 2) + "\n");
        }
        return ok(`${typeof found === "string" ? found : JSON.stringify(found)}\n`);
    }

    private expectStack(args: readonly string[]): void {
        const at = args.indexOf("--stack");
        if (at === -1 || args[at + 1] !== this.stack) {
            throw new Error(`pulumi ${args.join(" ")} does not name stack ${this.stack}`);
        }
    }
}

/** An update as `pulumi stack history --json` shows it; times a day apart, after every fixture's. */
function recordedUpdate(version: number, result: string, imageTag: string, index: number): UpdateRecord {
    const day = new Date(Date.UTC(2026, 11, 1 + index, 10, 0, 0)).toISOString();
    return {
        version,
        kind: "update",
        startTime: day,
        message: "",
        environment: { "exec.kind": "cli" },
        config: imageTag === "" ? {} : { "xingrin-deploy:imageTag": { value: imageTag, secret: false } },
        result,
        endTime: day,
        resourceChanges: { replace: 6, same: 14 },
    };
}

function ok(stdout: string): ProcessResult {
    return { code: 0, stdout, stderr: "" };
}

function fail(stderr: string): ProcessResult {
    return { code: 1, stdout: "", stderr };
}

/** Collects what a command prints, line by line. */
export function printed(): { lines: string[]; print: (line: string) => void } {
    const lines: string[] = [];
    return { lines, print: line => lines.push(line) };
}
