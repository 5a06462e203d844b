import { ReleaseError } from "./errors";

/** The key `pulumi stack history --json` records imageTag under: "<project name in Pulumi.yaml>:imageTag". */
export const IMAGE_TAG_HISTORY_KEY = "xingrin-deploy:imageTag";

/**
 * One element of `pulumi stack history --json`, newest first. Shape from pulumi v3.248.0,
 * pkg/cmd/pulumi/stack/stack_history.go (updateInfoJSON, configValueJSON); kind and result values
 * from sdk/go/common/apitype/history.go and pkg/backend/updates.go.
 */
export interface UpdateRecord {
    /** The update's number in the stack (Pulumi Cloud); the local file backend reports 0 for every update. */
    version: number;
    /** "update" (pulumi up), "preview", "refresh", "destroy", "rename", "import", "resource-import". */
    kind: string;
    startTime: string;
    message: string;
    environment?: Record<string, string>;
    config?: Record<string, { value?: string; objectValue?: unknown; secret: boolean }>;
    /** "succeeded", "failed", "in-progress" or "not-started"; absent on some very old records. */
    result?: string;
    endTime?: string;
    resourceChanges?: Record<string, number>;
}

/** A `pulumi up` that finished: the fleet ran this tag afterwards. */
export interface Deployment {
    update: number;
    tag: string;
    startTime: string;
}

export function parseHistory(raw: unknown): UpdateRecord[] {
    if (!Array.isArray(raw)) {
        throw new ReleaseError("`pulumi stack history --json` did not print a list of updates: check that `pulumi version` is v3.248.0");
    }
    return raw as UpdateRecord[];
}

/**
 * Succeeded `pulumi up` runs and the tag each deployed, newest first. Failed updates may have left
 * hosts half-way, previews/refreshes/destroys deploy nothing, and an update whose record carries no
 * imageTag ran the VERSION file of that day, which the history cannot tell.
 */
export function deployments(history: UpdateRecord[]): Deployment[] {
    const deployed: Deployment[] = [];
    for (const update of history) {
        const tag = tagOf(update);
        if (update.kind === "update" && update.result === "succeeded" && tag !== "") {
            deployed.push({ update: update.version, tag, startTime: update.startTime });
        }
    }
    return deployed;
}

/** The imageTag an update's record carries ("" when none: it ran the VERSION file of that day). */
export function tagOf(update: UpdateRecord): string {
    return update.config?.[IMAGE_TAG_HISTORY_KEY]?.value?.trim() ?? "";
}

/** Each deployed tag once, most recently deployed first. */
export function deployedTags(history: UpdateRecord[]): string[] {
    return [...new Set(deployments(history).map(d => d.tag))];
}

/**
 * A named rollback target must have run on this stack before: its images are then known to work
 * together and are still on the hosts. `force` accepts any version (the hosts pull what they lack).
 */
export function checkRollbackTarget(history: UpdateRecord[], requested: string, stack: string, force: boolean): Deployment | undefined {
    const found = deployments(history).find(d => d.tag === requested);
    if (found !== undefined || force) {
        return found;
    }
    const tags = deployedTags(history);
    const known = tags.length > 0 ? `versions it has deployed, newest first: ${tags.join(", ")}` : "it has no succeeded deployment on record";
    throw new ReleaseError(
        `${requested} was never deployed to stack ${stack} (no succeeded update ran it); ${known}. ` +
        `Roll back to one of those, or add --force to deploy ${requested} anyway ` +
        `(for example \`npm run rollback -- ${requested} --stack ${stack} --force\`)`);
}
