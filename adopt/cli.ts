import { parseArgs } from "util";
import { ConfigError } from "../config/errors";
import { DEFAULT_DOCKER_HOST, validateDockerHost } from "../config/read";
import { ReleaseError } from "../release/errors";
import { previewCommand, PulumiCli } from "../release/pulumiCli";
import { readAllowPrerelease } from "../release/stackSettings";
import { DockerCli, processDockerCli, readInventory } from "./docker";
import { readEnvFile } from "./envFile";
import { AdoptError } from "./errors";
import { formatPlan, planAdoption } from "./plan";
import { AdoptPulumiRunner, applyPlan, processAdoptPulumiRunner } from "./pulumiConfig";


export const USAGE = [
    "usage:",
    "  npm run adopt -- --env <xingrin>/docker/.env --stack <name> [--docker-host <endpoint>] [--dry-run]",
    "      read an install.sh installation (its docker/.env and the containers on the Docker host) and set",
    "      the stack config that describes it: version, registry, public address, database, volume, secrets",
    `--docker-host defaults to ${DEFAULT_DOCKER_HOST}; --dry-run prints the plan and sets nothing.`,
    "Secrets are shown as [secret] and reach pulumi on its standard input, never on a command line.",
].join("\n");

/** Everything the CLI touches outside itself, so unit specs run it whole on fakes. */
export interface AdoptDeps {
    pulumi: AdoptPulumiRunner;
    docker: (host: string) => DockerCli;
    print: (line: string) => void;
    printError: (line: string) => void;
}

/** Runs adopt and returns the process exit status. */
export async function main(argv: readonly string[], deps: AdoptDeps): Promise<number> {
    try {
        return await run(argv, deps);
    } catch (error) {
        if (error instanceof AdoptError || error instanceof ReleaseError || error instanceof ConfigError) {
            deps.printError(`error: ${error.message}`);
            return 1;
        }
        throw error;
    }
}

async function run(argv: readonly string[], deps: AdoptDeps): Promise<number> {
    const flags = parseCommandLine(argv);
    if (flags === "help") {
        deps.print(USAGE);
        return 0;
    }
    const env = readEnvFile(flags.env);
    const pulumi = new PulumiCli(deps.pulumi, flags.stack);
    const allowPrerelease = await readAllowPrerelease(pulumi);
    const inventory = await readInventory(deps.docker(flags.dockerHost));
    const plan = planAdoption(env, inventory, { dockerHost: flags.dockerHost, allowPrerelease });
    formatPlan(plan, flags.stack).forEach(line => deps.print(line));
    deps.print("");
    const secrets = plan.settings.filter(setting => setting.secret).length;
    if (flags.dryRun) {
        deps.print(`--dry-run: nothing was set. Without --dry-run, adopt sets these ${plan.settings.length} keys ` +
            `(${secrets} as secrets) on stack ${flags.stack}.`);
        return 0;
    }
    await applyPlan(deps.pulumi, flags.stack, plan);
    deps.print(`Set ${plan.settings.length} keys on stack ${flags.stack} (${secrets} as secrets). Review the takeover with:`);
    deps.print(`  ${previewCommand(flags.stack)}`);
    return 0;
}

interface Flags {
    env: string;
    stack: string;
    dockerHost: string;
    dryRun: boolean;
}

function parseCommandLine(argv: readonly string[]): Flags | "help" {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: false,
            strict: true,
            options: {
                "env": { type: "string" },
                "stack": { type: "string", short: "s" },
                "docker-host": { type: "string" },
                "dry-run": { type: "boolean" },
                "help": { type: "boolean", short: "h" },
            },
        });
    } catch (error) {
        throw new AdoptError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    }
    const values = parsed.values;
    if (values.help) {
        return "help";
    }
    const missing = (["env", "stack"] as const).filter(flag => (values[flag] ?? "").trim() === "");
    if (missing.length > 0) {
        throw new AdoptError(`adopt needs ${missing.map(flag => `--${flag}`).join(" and ")}\n${USAGE}`);
    }
    return {
        env: values.env!,
        stack: values.stack!,
        dockerHost: validateDockerHost(values["docker-host"] ?? DEFAULT_DOCKER_HOST),
        dryRun: values["dry-run"] ?? false,
    };
}

if (require.main === module) {
    main(process.argv.slice(2), {
        pulumi: processAdoptPulumiRunner(),
        docker: processDockerCli,
        print: line => console.log(line),
        printError: line => console.error(line),
    }).then(code => {
        process.exitCode = code;
    }, (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
