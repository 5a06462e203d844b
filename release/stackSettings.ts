import { ConfigError } from "../config/errors";
import { resolveImageTag, validateImageTag } from "../config/imageTag";
import { ReleaseError } from "./errors";
import { PulumiCli } from "./pulumiCli";

/** The stack whose stable version is the release: only a bump there writes VERSION. */
export const RELEASE_STACK = "prod";

/** The stack's current version and where it came from: its own imageTag, or the VERSION file. */
export interface CurrentTag {
    tag: string;
    fromVersionFile: boolean;
}

/**
 * The imageTag the program would deploy right now, resolved exactly as the program resolves it
 * (config/imageTag.ts). Prerelease policy is not applied: this is only what bump and rollback move from.
 */
export async function readCurrentTag(pulumi: PulumiCli, versionFileText: string): Promise<CurrentTag> {
    const configured = await pulumi.configGet("imageTag");
    try {
        return {
            tag: resolveImageTag(configured, versionFileText, true),
            fromVersionFile: (configured ?? "").trim() === "",
        };
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new ReleaseError(`stack ${pulumi.stack}: the current ${error.message}`);
        }
        throw error;
    }
}

/** Whether the stack accepts prerelease tags (Pulumi.yaml defaults it to false). */
export async function readAllowPrerelease(pulumi: PulumiCli): Promise<boolean> {
    const value = (await pulumi.configGet("allowPrerelease"))?.trim() ?? "false";
    if (value !== "true" && value !== "false") {
        throw new ReleaseError(
            `stack ${pulumi.stack}: allowPrerelease is "${value}", not a boolean: ` +
            `run \`pulumi config set --type bool --stack ${pulumi.stack} -- allowPrerelease false\` (true only on development stacks)`);
    }
    return value === "true";
}

/** The program's tag rules (config/imageTag.ts), with the stack named in the message. */
export function checkTagForStack(tag: string, allowPrerelease: boolean, stack: string): string {
    try {
        return validateImageTag(tag, allowPrerelease, "imageTag");
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new ReleaseError(`stack ${stack}: ${error.message}`);
        }
        throw error;
    }
}

/** "org/prod" and "prod" are both the release stack. */
export function isReleaseStack(stack: string): boolean {
    return stackFileName(stack) === RELEASE_STACK;
}

/** The file `pulumi config set` edits for this stack. */
export function stackConfigFile(stack: string): string {
    return `Pulumi.${stackFileName(stack)}.yaml`;
}

/** The stack's own name, without organization or project: "org/prod" is "prod" (what pulumi.getStack() says). */
export function stackFileName(stack: string): string {
    return stack.split("/").pop() ?? stack;
}
