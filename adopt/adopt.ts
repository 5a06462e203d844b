import { PulumiCli } from "../release/pulumiCli";
import { readAllowPrerelease } from "../release/stackSettings";
import { DockerCli, readInventory } from "./docker";
import { readEnvFile } from "./envFile";
import { AdoptionPlan, formatPlan, planAdoption } from "./plan";

export interface AdoptOptions {
    /** The docker/.env install.sh wrote. */
    env: string;
    /** The main server's Docker endpoint, already checked as the program checks dockerHost. */
    dockerHost: string;
    dryRun: boolean;
}

export interface AdoptDeps {
    /** The target stack, as the CLI chose it (--stack, else the selected one). */
    pulumi: PulumiCli;
    docker: (host: string) => DockerCli;
    print: (line: string) => void;
}

/**
 * `npm run adopt`: reads the installation, prints the plan, and sets it on the stack. The plan
 * refuses, before anything is set, what cannot be taken over and every value the program's config
 * checks would refuse; a refusal is an AdoptError, which the CLI prints as `error: …`.
 */
export async function adopt(options: AdoptOptions, deps: AdoptDeps): Promise<void> {
    const { pulumi, print } = deps;
    const env = readEnvFile(options.env);
    const allowPrerelease = await readAllowPrerelease(pulumi);
    const inventory = await readInventory(deps.docker(options.dockerHost));
    const plan = planAdoption(env, inventory, { dockerHost: options.dockerHost, allowPrerelease });
    formatPlan(plan, pulumi.stack).forEach(line => print(line));
    print("");
    const secrets = plan.settings.filter(setting => setting.secret).length;
    if (options.dryRun) {
        print(`--dry-run: nothing was set. Without --dry-run, adopt sets these ${plan.settings.length} keys ` +
            `(${secrets} as secrets) on stack ${pulumi.stack}.`);
        return;
    }
    await applyPlan(pulumi, plan);
    print(`Set ${plan.settings.length} keys on stack ${pulumi.stack} (${secrets} as secrets). Review the takeover with:`);
    print(`  ${pulumi.previewCommand()}`);
}

/** Plain values on pulumi's command line, secrets on its stdin, encrypted by the stack's secrets provider. */
async function applyPlan(pulumi: PulumiCli, plan: AdoptionPlan): Promise<void> {
    for (const setting of plan.settings) {
        if (setting.secret) {
            await pulumi.configSetSecret(setting.key, setting.value);
        } else {
            await pulumi.configSet(setting.key, setting.value);
        }
    }
}
