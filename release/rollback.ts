import * as semver from "semver";
import { ReleaseError } from "./errors";
import { checkRollbackTarget, describeDeployment, parseHistory, previousDeployment } from "./history";
import { PulumiCli } from "./pulumiCli";
import { checkTagForStack, readAllowPrerelease, readCurrentTag, stackConfigFile } from "./stackSettings";
import { readVersionFile } from "./versionFile";

export interface RollbackOptions {
    /** The version to go back to; without one, the version deployed before the current one. */
    version?: string;
    /** Accept a version this stack never deployed. */
    force: boolean;
    /** Run `pulumi up --yes` right away instead of printing the command. */
    yes: boolean;
}

export interface RollbackDeps {
    pulumi: PulumiCli;
    versionFile: string;
    print: (line: string) => void;
}

/**
 * Points the stack's imageTag back at an earlier version. VERSION is left alone: it records the
 * release, while the stack records what runs, so a rollback never rewrites release history.
 */
export async function rollback(options: RollbackOptions, deps: RollbackDeps): Promise<void> {
    const { pulumi, print } = deps;
    const stack = pulumi.stack;
    const released = readVersionFile(deps.versionFile);
    const current = (await readCurrentTag(pulumi, released)).tag;
    const history = parseHistory(await pulumi.history());

    let target: string;
    if (options.version === undefined) {
        const previous = previousDeployment(history, current, stack);
        target = previous.tag;
        print(`stack ${stack}: the version deployed before ${current} is ${target} (${describeDeployment(previous)})`);
        if (semver.gt(target.slice(1), current.slice(1))) {
            // The stack was already rolled back: "the version before" is the one it was rolled back from.
            print(`note: ${target} is newer than ${current}, so this undoes an earlier rollback; ` +
                `to go further back, name the version: \`npm run rollback -- <version> --stack ${stack}\``);
        }
    } else {
        // A rollback target obeys the same tag rules as any imageTag on this stack.
        target = checkTagForStack(options.version, await readAllowPrerelease(pulumi), stack);
        if (target === current) {
            throw new ReleaseError(
                `stack ${stack} already has imageTag ${current}, so there is nothing to roll back; ` +
                `to deploy it again, run \`${pulumi.upCommand()}\``);
        }
        const deployed = checkRollbackTarget(history, target, stack, options.force);
        if (deployed === undefined) {
            print(`${target} was never deployed to stack ${stack}; going ahead because of --force (the hosts pull images they lack)`);
        }
    }

    await pulumi.configSet("imageTag", target);
    print(`stack ${stack}: imageTag ${current} -> ${target} (${stackConfigFile(stack)})`);
    print(`VERSION stays ${released || "(empty)"}: VERSION records the released version, the stack records what runs`);
    if (options.yes) {
        print(`Running ${pulumi.upWithYesCommand()}`);
        await pulumi.up();
        print(`stack ${stack} runs ${target}`);
    } else {
        print("Next, apply it (pulumi shows every container that moves and asks before changing anything):");
        print(`  ${pulumi.upCommand()}`);
    }
}
