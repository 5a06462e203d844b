import * as semver from "semver";
import { ReleaseError } from "./errors";
import { PulumiCli, upCommand } from "./pulumiCli";
import { checkTagForStack, isReleaseStack, readAllowPrerelease, readCurrentTag, RELEASE_STACK, stackConfigFile } from "./stackSettings";
import { readVersionFile, writeVersionFile } from "./versionFile";

export interface BumpOptions {
    version: string;
    /** false with --no-preview (CI runs the preview itself). */
    showPreviewHint: boolean;
}

export interface BumpDeps {
    pulumi: PulumiCli;
    versionFile: string;
    print: (line: string) => void;
}

/**
 * The tag rules of the program (config/imageTag.ts) plus the one rule of a bump: it only moves
 * forward. Going back is a rollback, which checks the stack's history instead.
 */
export function checkBumpVersion(requested: string, current: string, allowPrerelease: boolean, stack: string): string {
    checkTagForStack(requested, allowPrerelease, stack);
    const next = requested.slice(1);
    const now = current.slice(1);
    if (semver.gt(next, now)) {
        return requested;
    }
    const example = `v${semver.inc(now, "patch")}`;
    if (semver.eq(next, now)) {
        throw new ReleaseError(
            `stack ${stack}: imageTag is already ${current}: a bump needs a newer version, for example ${example} ` +
            `(to deploy ${current} again, run \`${upCommand(stack)}\`)`);
    }
    throw new ReleaseError(
        `stack ${stack}: ${requested} is older than the current imageTag ${current}: a bump only moves forward ` +
        `(semver ${next} < ${now}); use a newer version such as ${example}, ` +
        `or go back with \`npm run rollback -- ${requested} --stack ${stack}\``);
}

/** Sets the stack's imageTag to a newer version and, for a stable release on prod, writes VERSION. */
export async function bump(options: BumpOptions, deps: BumpDeps): Promise<void> {
    const { pulumi, print } = deps;
    const stack = pulumi.stack;
    const allowPrerelease = await readAllowPrerelease(pulumi);
    const released = readVersionFile(deps.versionFile);
    const current = await readCurrentTag(pulumi, released);
    const next = checkBumpVersion(options.version, current.tag, allowPrerelease, stack);

    await pulumi.configSet("imageTag", next);
    const from = current.fromVersionFile ? `${current.tag} (from VERSION; the stack set none)` : current.tag;
    print(`stack ${stack}: imageTag ${from} -> ${next} (${stackConfigFile(stack)})`);

    const stable = semver.prerelease(next.slice(1)) === null;
    if (isReleaseStack(stack) && stable) {
        writeVersionFile(deps.versionFile, next);
        print(`VERSION: ${released || "(empty)"} -> ${next} (the released version)`);
    } else {
        const why = stable ? `only a bump on stack ${RELEASE_STACK} releases` : `${next} is a prerelease`;
        print(`VERSION stays ${released || "(empty)"}: it records the released version, and ${why}`);
    }
    if (options.showPreviewHint) {
        print("Next, review every container and image this moves, then apply it:");
        print(`  ${pulumi.previewCommand()}`);
    }
}
