import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";

/** What one host reported for the images it holds: reference -> repo digest ("repo@sha256:…", or "" if built locally). */
export interface HostDigests {
    host: string;
    digests: Record<string, string>;
}

/** The image every host agreed on, per reference: the content that will run everywhere. */
export type StagedImages = Record<string, string>;

/**
 * The gate between the two phases of an update. Every image must be on every host that needs it,
 * with one content everywhere: a tag pushed again between two pulls would otherwise run two
 * different programs under one version. Throws, naming the image, the hosts and both digests.
 */
export function checkStaged(reports: HostDigests[]): StagedImages {
    const agreed: Record<string, { host: string; digest: string }> = {};
    for (const report of reports) {
        for (const [ref, repoDigest] of Object.entries(report.digests)) {
            const digest = contentDigest(repoDigest);
            if (digest === "") {
                continue; // built on the host: nothing to compare with
            }
            const first = agreed[ref];
            if (first === undefined) {
                agreed[ref] = { host: report.host, digest };
            } else if (first.digest !== digest) {
                throw new StageError(
                    `image ${ref} differs between hosts: ${first.host} holds ${first.digest}, ${report.host} holds ${digest}. ` +
                    "The tag was pushed again between the two pulls, so nothing was switched: every host still runs the " +
                    "version it had. Tags are releases: push the new build under a new tag and deploy that one.");
            }
        }
    }
    return Object.fromEntries(Object.entries(agreed).map(([ref, { digest }]) => [ref, digest]));
}

/** "127.0.0.1:5000/yyhuni/xingrin-worker@sha256:ab…" -> "sha256:ab…"; "" stays "". */
export function contentDigest(repoDigest: string): string {
    const at = repoDigest.lastIndexOf("@");
    return at === -1 ? "" : repoDigest.slice(at + 1);
}

/** The stage failed its check: printed like a config error, without a stack trace. */
export class StageError extends ConfigError {
    constructor(message: string) {
        super(message);
        this.name = "StageError";
    }
}

/**
 * `value`, released only once the fleet is staged: a phase-2 resource that takes it cannot change
 * before every host holds its images. A preview changes nothing, so there the value is passed
 * as it is: a value that will not change must not show as unknown (and as a change) in a preview.
 */
export function afterStage<T>(staged: pulumi.Output<StagedImages>, value: pulumi.Input<T>): pulumi.Output<T> {
    if (pulumi.runtime.isDryRun()) {
        return pulumi.output(value) as pulumi.Output<T>;
    }
    return pulumi.all([staged, value]).apply(([, released]) => released) as pulumi.Output<T>;
}
