import { AdoptPulumiRunner } from "../../../../adopt/pulumiConfig";
import { ProcessResult } from "../../../../release/process";

/** One pulumi command line and what it was given on standard input. */
export interface RecordedCommand {
    line: string;
    stdin?: string;
}

/**
 * Stands in for the pulumi CLI as adopt uses it: `config get` answers from memory (with the
 * project's defaults), `config set` stores the value from the command line or, with --secret,
 * from stdin. Every command is recorded with its stdin so specs can prove where each value went.
 */
export class FakePulumi implements AdoptPulumiRunner {
    readonly commands: RecordedCommand[] = [];
    readonly secrets = new Set<string>();
    /** A stack that does not exist answers every command as pulumi does. */
    missingStack = false;

    constructor(public readonly config: Record<string, string> = {}, private readonly stack = "prod") {}

    async capture(args: readonly string[]): Promise<ProcessResult> {
        return this.answer(args, undefined);
    }

    async captureWithInput(args: readonly string[], input: string): Promise<ProcessResult> {
        return this.answer(args, input);
    }

    async stream(args: readonly string[]): Promise<number> {
        throw new Error(`adopt never streams a pulumi command: pulumi ${args.join(" ")}`);
    }

    /** The recorded command lines, without stdin. */
    get lines(): string[] {
        return this.commands.map(command => command.line);
    }

    private answer(args: readonly string[], stdin: string | undefined): ProcessResult {
        this.commands.push({ line: ["pulumi", ...args].join(" "), stdin });
        const at = args.indexOf("--stack");
        if (at === -1 || args[at + 1] !== this.stack) {
            throw new Error(`pulumi ${args.join(" ")} does not name stack ${this.stack}`);
        }
        if (this.missingStack) {
            return { code: 255, stdout: "", stderr: `error: no stack named '${this.stack}' found\n` };
        }
        const [group, verb] = args;
        // Options first, then `--`, then key and value, as the CLIs must write every config command.
        const end = args.indexOf("--");
        if (group === "config" && end < 0) throw new Error(`pulumi ${args.join(" ")}: a config command without \`--\` before its key`);
        const [key, value] = args.slice(end + 1);
        if (group === "config" && verb === "get") {
            const value = this.config[key] ?? (key === "allowPrerelease" ? "false" : undefined);
            return value === undefined
                ? { code: 1, stdout: "", stderr: `error: configuration key '${key}' not found for stack '${this.stack}'\n` }
                : { code: 0, stdout: `${value}\n`, stderr: "" };
        }
        if (group === "config" && verb === "set") {
            if (args.includes("--secret")) {
                if (stdin === undefined || value !== undefined) {
                    throw new Error(`a secret must come on stdin only: pulumi ${args.join(" ")}`);
                }
                this.config[key] = stdin;
                this.secrets.add(key);
            } else {
                this.config[key] = value;
            }
            return { code: 0, stdout: "", stderr: "" };
        }
        throw new Error(`unexpected pulumi command: pulumi ${args.join(" ")}`);
    }
}
