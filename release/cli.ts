import { parseArgs } from "util";
import { adopt } from "../adopt/adopt";
import { DockerCli, processDockerCli } from "../adopt/docker";
import { ConfigError } from "../config/errors";
import { DEFAULT_DOCKER_HOST, validateDockerHost, VERSION_FILE } from "../config/read";
import { bump } from "./bump";
import { confirmOnTerminal } from "./confirm";
import { ReleaseError } from "./errors";
import { OpenHostAccess, openProcessHostAccess } from "./hostAccess";
import { PulumiCli, PulumiRunner, processPulumiRunner, selectedStack } from "./pulumiCli";
import { recover } from "./recover";
import { restore } from "./restore";
import { rollback } from "./rollback";
import { versions } from "./versions";

const HELP = {
    bump: [
        "  npm run bump -- <version> [--stack <stack>] [--no-preview]",
        "      Sets the stack's imageTag to a newer version, and VERSION for a stable release on prod;",
        "      prints each file it changes, then the preview to run.",
    ],
    rollback: [
        "  npm run rollback -- [version] [--stack <stack>] [--force] [--yes]",
        "      Without a version: one step back along the stack's deployed history. With one: that version;",
        "      going forward again is always this, or a bump. Prints the history (newest first, marking",
        "      what runs and where the rollback goes), then the stack and imageTag from -> to.",
        "      Then it asks y/N on a terminal; --yes applies without asking. Applying sets imageTag and runs",
        "      `pulumi up --yes --diff`. Without --yes and without a terminal it changes nothing.",
        "      --force accepts a version the stack never deployed.",
        "      The walk back: only a succeeded `pulumi up` that recorded an imageTag deployed a version",
        "      (a failed or cancelled update deployed nothing). An update to a version older than the one",
        "      before it is a rollback step, and the versions it moved back from drop out of the walk.",
        "      One rollback goes to the newest version deployed before what runs that was not rolled back",
        "      from. After v1.1.0, v1.2.0, v1.3.0, two rollbacks reach v1.2.0, then v1.1.0. When the",
        "      stack's imageTag is not what the last succeeded update deployed (that update failed, or the",
        "      tag is set but not deployed), the first step back is to the version that last deployed.",
    ],
    recover: [
        "  npm run recover -- [--stack <stack>] [--yes]",
        "      After `pulumi up` was killed or lost its connection (run `pulumi cancel` first if the stack is",
        "      still locked): lists what the interrupted update left half done, then removes containers that",
        "      carry the stack's label but are not in its state, clears the interrupted operations, and marks",
        "      worker commands that were running to run again. Asks y/N on a terminal; --yes does it without",
        "      asking. Then `pulumi up` finishes the update (or, with the previous tag, rolls back).",
    ],
    restore: [
        "  npm run restore -- <snapshot> [--stack <stack>] [--yes]",
        "      Puts the stack's database back to a snapshot that an update took before it migrated",
        "      (v1.1.0-20261208T001500Z.dump, as the update printed it), then deploys that version: stops the",
        "      servers, recreates the database from the snapshot, sets imageTag and runs `pulumi up --yes --diff`.",
        "      Everything written since the snapshot is lost. Asks y/N on a terminal; --yes does it without asking.",
    ],
    versions: [
        "  npm run versions -- [--stack <stack>]",
        "      Per host: the images the stack outputs name, what the host runs, and the versions it holds;",
        "      exits 2 when a host differs from the outputs or cannot be reached.",
    ],
    adopt: [
        "  npm run adopt -- --env <xingrin>/docker/.env [--stack <stack>] [--docker-host <endpoint>] [--dry-run]",
        "      Prepares the takeover of an install.sh installation: reads its docker/.env and the containers on",
        "      the Docker host, prints the stack config that describes it (version, registry, public address,",
        "      database, volume, secrets) and sets it; `pulumi up` then takes the installation over. Every value",
        "      must pass the checks `pulumi up` makes: if one does not, or the installation cannot be taken over",
        "      as it is, adopt says why and sets nothing.",
        `      --docker-host defaults to ${DEFAULT_DOCKER_HOST}; --dry-run prints the plan and sets nothing.`,
        "      Secrets are shown as [secret] and reach pulumi on its standard input, never on a command line.",
    ],
} as const;

const FOOTER = [
    "--stack names the stack. Without it, the command uses the stack `pulumi stack select` chose",
    "(`pulumi stack --show-name`), and refuses when none is selected. The first line of output names",
    "the stack. pulumi is `$PULUMI` when set, else `pulumi` on PATH.",
];

export const USAGE = [
    "usage:", ...HELP.bump, ...HELP.rollback, ...HELP.recover, ...HELP.restore, ...HELP.versions, ...HELP.adopt, ...FOOTER,
].join("\n");

/** `npm run <command> -- --help`: that command's part of the usage. */
export function helpOf(command: Command): string {
    return ["usage:", ...HELP[command], ...FOOTER].join("\n");
}

/** Everything the CLI touches outside itself, so unit tests can run it whole on fakes. */
export interface CliDeps {
    pulumi: PulumiRunner;
    openHosts: OpenHostAccess;
    /** The docker CLI against one endpoint (adopt reads the installation through it). */
    docker: (host: string) => DockerCli;
    versionFile: string;
    print: (line: string) => void;
    printError: (line: string) => void;
    /** Asks the operator y/N; undefined when stdin is not a terminal. */
    confirm?: (question: string) => Promise<boolean>;
}

const FLAGS_OF = {
    bump: ["stack", "no-preview", "help"],
    rollback: ["stack", "force", "yes", "help"],
    recover: ["stack", "yes", "help"],
    restore: ["stack", "yes", "help"],
    versions: ["stack", "help"],
    adopt: ["stack", "env", "docker-host", "dry-run", "help"],
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
        throw new ReleaseError(`unknown command "${command}": use bump, rollback, recover, restore, versions or adopt\n${USAGE}`);
    }
    const name = command as Command;
    const { positionals, flags } = parseCommandLine(name, rest);
    if (flags.help) {
        deps.print(helpOf(name));
        return 0;
    }
    // The example a refusal shows keeps the operator's --stack, and never makes one up.
    const stackFlag = flags.stack === undefined ? "" : ` --stack ${flags.stack}`;
    switch (name) {
        case "bump": {
            if (positionals.length !== 1) {
                throw new ReleaseError(`bump takes exactly one version, for example \`npm run bump -- v1.6.0${stackFlag}\``);
            }
            const pulumi = await stackFor(name, rest, flags.stack, deps);
            await bump({ version: positionals[0], showPreviewHint: !flags.noPreview },
                { pulumi, versionFile: deps.versionFile, print: deps.print });
            return 0;
        }
        case "rollback": {
            if (positionals.length > 1) {
                throw new ReleaseError(`rollback takes at most one version, for example \`npm run rollback -- v1.5.7${stackFlag}\``);
            }
            const pulumi = await stackFor(name, rest, flags.stack, deps);
            await rollback({ version: positionals[0], force: flags.force, yes: flags.yes },
                { pulumi, versionFile: deps.versionFile, print: deps.print, confirm: deps.confirm });
            return 0;
        }
        case "recover": {
            if (positionals.length > 0) {
                throw new ReleaseError(`recover takes no version, only --stack and --yes: \`npm run recover -- --stack ${flags.stack ?? "<stack>"}\``);
            }
            const pulumi = await stackFor(name, rest, flags.stack, deps);
            await recover({ yes: flags.yes }, { pulumi, openHosts: deps.openHosts, print: deps.print, confirm: deps.confirm });
            return 0;
        }
        case "restore": {
            if (positionals.length !== 1) {
                throw new ReleaseError(`restore takes exactly one snapshot, for example \`npm run restore -- v1.1.0-20261208T001500Z.dump${stackFlag}\``);
            }
            const pulumi = await stackFor(name, rest, flags.stack, deps);
            await restore({ snapshot: positionals[0], yes: flags.yes }, { pulumi, openHosts: deps.openHosts, print: deps.print, confirm: deps.confirm });
            return 0;
        }
        case "versions": {
            if (positionals.length > 0) {
                throw new ReleaseError(`versions takes no arguments, only --stack: \`npm run versions -- --stack ${flags.stack ?? "<stack>"}\``);
            }
            const pulumi = await stackFor(name, rest, flags.stack, deps);
            return versions({ pulumi, openHosts: deps.openHosts, print: deps.print });
        }
        case "adopt": {
            const example = `\`npm run adopt -- --env /root/xingrin/docker/.env${stackFlag}\``;
            if (positionals.length > 0) {
                throw new ReleaseError(`adopt takes no arguments, only flags: ${example}`);
            }
            if (flags.env === undefined || flags.env.trim() === "") {
                throw new ReleaseError(`adopt needs --env, the docker/.env that install.sh wrote in the XingRin checkout: ${example}`);
            }
            // Refused before anything runs: it becomes the stack's dockerHost, under the program's rule.
            const dockerHost = validateDockerHost(flags.dockerHost ?? DEFAULT_DOCKER_HOST);
            const pulumi = await stackFor(name, rest, flags.stack, deps);
            await adopt({ env: flags.env, dockerHost, dryRun: flags.dryRun }, { pulumi, docker: deps.docker, print: deps.print });
            return 0;
        }
    }
}

/**
 * The stack the command acts on: the one --stack names, else the selected one; never a default
 * of our own, since acting on prod by surprise is the worst outcome. The first line says which.
 */
async function stackFor(command: Command, args: string[], flag: string | undefined, deps: CliDeps): Promise<PulumiCli> {
    if (flag !== undefined) {
        deps.print(`stack ${flag} (named by --stack)`);
        return new PulumiCli(deps.pulumi, flag);
    }
    const selected = await selectedStack(deps.pulumi);
    if (selected === undefined) {
        // The operator's own command line, with the flag added.
        const example = ["npm", "run", command, "--", ...args, "--stack", "<stack>"].join(" ");
        throw new ReleaseError(
            `no stack is selected and --stack was not given, so ${command} does not know which stack to act on: ` +
            `name it with --stack (\`${example}\`; \`pulumi stack ls\` lists them), or select one with \`pulumi stack select <stack>\``);
    }
    deps.print(`stack ${selected} (the selected stack, from \`pulumi stack --show-name\`; --stack names another)`);
    return new PulumiCli(deps.pulumi, selected);
}

interface Flags {
    stack?: string;
    force: boolean;
    yes: boolean;
    noPreview: boolean;
    help: boolean;
    env?: string;
    dockerHost?: string;
    dryRun: boolean;
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
                "help": { type: "boolean", short: "h" },
                "env": { type: "string" },
                "docker-host": { type: "string" },
                "dry-run": { type: "boolean" },
            },
        });
    } catch (error) {
        throw new ReleaseError(`${command}: ${error instanceof Error ? error.message : String(error)}\n${helpOf(command)}`);
    }
    const given = Object.keys(parsed.values).filter(flag => !allowed.includes(flag));
    if (given.length > 0) {
        throw new ReleaseError(`${command} does not take --${given[0]} (it takes ${allowed.map(f => `--${f}`).join(", ")})\n${helpOf(command)}`);
    }
    const stack = parsed.values.stack;
    if (stack !== undefined && stack.trim() === "") {
        throw new ReleaseError("--stack is empty: name a stack, for example --stack dev (`pulumi stack ls` lists them)");
    }
    return {
        positionals: parsed.positionals,
        flags: {
            stack,
            force: parsed.values.force ?? false,
            yes: parsed.values.yes ?? false,
            noPreview: parsed.values["no-preview"] ?? false,
            help: parsed.values.help ?? false,
            env: parsed.values.env,
            dockerHost: parsed.values["docker-host"],
            dryRun: parsed.values["dry-run"] ?? false,
        },
    };
}

if (require.main === module) {
    main(process.argv.slice(2), {
        pulumi: processPulumiRunner(),
        openHosts: openProcessHostAccess,
        docker: processDockerCli,
        versionFile: VERSION_FILE,
        print: line => console.log(line),
        printError: line => console.error(line),
        confirm: process.stdin.isTTY ? confirmOnTerminal : undefined,
    }).then(code => {
        process.exitCode = code;
    }, (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
