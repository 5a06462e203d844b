import { parseArgs } from "util";
import { ConfigError } from "../config/errors";
import { VERSION_FILE } from "../config/read";
import { bump } from "./bump";
import { ReleaseError } from "./errors";
import { OpenHostAccess, openProcessHostAccess } from "./hostAccess";
import { PulumiCli, PulumiRunner, processPulumiRunner } from "./pulumiCli";
import { rollback } from "./rollback";
import { RELEASE_STACK } from "./stackSettings";
import { versions } from "./versions";

export const USAGE = [
    "usage:",
    "  npm run bump -- <version> [--stack prod] [--no-preview]",
    "      set the stack's imageTag to a newer version (and VERSION, for a stable release on prod)",
    "  npm run rollback -- [version] [--stack prod] [--force] [--yes]",
    "      set the stack's imageTag back to the version deployed before (or the one named); --yes runs pulumi up",
    "  npm run versions -- [--stack prod]",
    "      per host: the images the stack outputs name, what the host runs, and the versions it holds;",
    "      exits 2 when a host differs from the outputs or cannot be reached",
    `--stack defaults to ${RELEASE_STACK}. pulumi is \`$PULUMI\` when set, else \`pulumi\` on PATH.`,
].join("\n");

/** Everything the CLI touches outside itself, so unit tests can run it whole on fakes. */
export interface CliDeps {
    pulumi: PulumiRunner;
    openHosts: OpenHostAccess;
    versionFile: string;
    print: (line: string) => void;
    printError: (line: string) => void;
}

const FLAGS_OF = {
    bump: ["stack", "no-preview"],
    rollback: ["stack", "force", "yes"],
    versions: ["stack"],
} as const;
type Command = keyof typeof FLAGS_OF;

/** Runs one command and returns the process exit status. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
    try {
        return await run(argv, deps);
    } catch (error) {
        if (error instanceof ReleaseError || error instanceof ConfigError) {
            deps.printError(`error: ${error.message}`);
            return 1;
        }
        throw error;
    }
}

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
    const [command, ...rest] = argv;
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
        deps.print(USAGE);
        return command === undefined ? 1 : 0;
    }
    if (!(command in FLAGS_OF)) {
        throw new ReleaseError(`unknown command "${command}": use bump, rollback or versions\n${USAGE}`);
    }
    const { positionals, flags } = parseCommandLine(command as Command, rest);
    const pulumi = new PulumiCli(deps.pulumi, flags.stack);
    switch (command as Command) {
        case "bump": {
            if (positionals.length !== 1) {
                throw new ReleaseError(`bump takes exactly one version, for example \`npm run bump -- v1.6.0 --stack ${flags.stack}\``);
            }
            await bump({ version: positionals[0], showPreviewHint: !flags.noPreview },
                { pulumi, versionFile: deps.versionFile, print: deps.print });
            return 0;
        }
        case "rollback": {
            if (positionals.length > 1) {
                throw new ReleaseError(`rollback takes at most one version, for example \`npm run rollback -- v1.5.7 --stack ${flags.stack}\``);
            }
            await rollback({ version: positionals[0], force: flags.force, yes: flags.yes },
                { pulumi, versionFile: deps.versionFile, print: deps.print });
            return 0;
        }
        case "versions": {
            if (positionals.length > 0) {
                throw new ReleaseError(`versions takes no arguments, only --stack: \`npm run versions -- --stack ${flags.stack}\``);
            }
            return versions({ pulumi, openHosts: deps.openHosts, print: deps.print });
        }
    }
}

interface Flags {
    stack: string;
    force: boolean;
    yes: boolean;
    noPreview: boolean;
}

function parseCommandLine(command: Command, args: string[]): { positionals: string[]; flags: Flags } {
    const allowed: readonly string[] = FLAGS_OF[command];
    let parsed;
    try {
        parsed = parseArgs({
            args,
            allowPositionals: true,
            strict: true,
            options: {
                "stack": { type: "string", short: "s" },
                "force": { type: "boolean" },
                "yes": { type: "boolean", short: "y" },
                "no-preview": { type: "boolean" },
            },
        });
    } catch (error) {
        throw new ReleaseError(`${command}: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    }
    const given = Object.keys(parsed.values).filter(flag => !allowed.includes(flag));
    if (given.length > 0) {
        throw new ReleaseError(`${command} does not take --${given[0]} (it takes ${allowed.map(f => `--${f}`).join(", ")})\n${USAGE}`);
    }
    const stack = parsed.values.stack ?? RELEASE_STACK;
    if (stack.trim() === "") {
        throw new ReleaseError(`--stack is empty: name a stack, for example --stack ${RELEASE_STACK}`);
    }
    return {
        positionals: parsed.positionals,
        flags: {
            stack,
            force: parsed.values.force ?? false,
            yes: parsed.values.yes ?? false,
            noPreview: parsed.values["no-preview"] ?? false,
        },
    };
}

if (require.main === module) {
    main(process.argv.slice(2), {
        pulumi: processPulumiRunner(),
        openHosts: openProcessHostAccess,
        versionFile: VERSION_FILE,
        print: line => console.log(line),
        printError: line => console.error(line),
    }).then(code => {
        process.exitCode = code;
    }, (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
