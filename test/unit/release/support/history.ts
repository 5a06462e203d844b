import * as fs from "fs";
import * as path from "path";
import { UpdateRecord } from "../../../../release/history";

/**
 * `pulumi stack history --json --stack prod` of a stack that has lived through several releases,
 * newest first. Its shape follows pulumi v3.248.0 exactly: pkg/cmd/pulumi/stack/stack_history.go
 * (updateInfoJSON: version, kind, startTime, message, environment, config, result, endTime,
 * resourceChanges; configValueJSON: value, objectValue, secret; secrets carry no value without
 * --show-secrets), with kinds and results from sdk/go/common/apitype/history.go and times in
 * pkg/cmd/pulumi/cmd/time.go's format. The story, newest first:
 *
 *   #9 refresh   succeeded v1.6.1   (a refresh deploys nothing: v1.6.1 never ran)
 *   #8 update    succeeded v1.6.0   <- what runs now
 *   #7 update    failed    v1.6.0
 *   #6 update    succeeded v1.5.8   (same tag deployed again)
 *   #5 update    succeeded v1.5.8
 *   #4 update    succeeded v1.5.7
 *   #3 update    failed    v1.5.6   (v1.5.6 never finished deploying)
 *   #2 refresh   succeeded v1.5.5
 *   #1 update    succeeded v1.5.5
 *
 * Update numbers as Pulumi Cloud gives them; environment keys and the config map (project defaults
 * included, secrets without a value) as the real CLI records them.
 */
export const PROD_HISTORY_JSON = fs.readFileSync(path.join(__dirname, "..", "fixtures", "stackHistory.prod.json"), "utf8");

/**
 * Real output of pulumi v3.248.0 on the local file backend (PULUMI_BACKEND_URL=file://…), captured
 * from a scratch stack of this project: up on v1.5.8, up on v1.6.0, refresh. That backend reports
 * `"version": 0` for every update.
 */
export const LOCAL_BACKEND_HISTORY_JSON = fs.readFileSync(path.join(__dirname, "..", "fixtures", "stackHistory.local-backend.json"), "utf8");

export function prodHistory(): UpdateRecord[] {
    return JSON.parse(PROD_HISTORY_JSON) as UpdateRecord[];
}

/** A minimal history entry, for specs that need one particular sequence. */
export function update(version: number, kind: string, result: string, imageTag?: string): UpdateRecord {
    return {
        version,
        kind,
        startTime: `2026-07-${String(version).padStart(2, "0")}T10:00:00.000Z`,
        message: "",
        environment: { "exec.kind": "cli" },
        config: imageTag === undefined ? {} : { "xingrin-deploy:imageTag": { value: imageTag, secret: false } },
        result,
        endTime: `2026-07-${String(version).padStart(2, "0")}T10:04:00.000Z`,
        resourceChanges: { same: 20 },
    };
}
