import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** One resource as the program registered it: what the engine would be asked to create. */
export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, any>;
    /** URNs this resource waits for (dependsOn and inputs from other resources). */
    dependencies: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    /** The id the resource is imported from ("" when it is created). */
    importId: string;
    ignoreChanges: string[];
}

export const PROJECT = "xingrin-deploy";
export const STACK = "prod";

const recorded: RecordedResource[] = [];

/** What a provider would compute, so components that read these outputs see realistic values. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    const digestOf = (text: string) => `sha256:${crypto.createHash("sha256").update(text).digest("hex")}`;
    switch (type) {
        case "docker:index/remoteImage:RemoteImage": {
            const repository = String(inputs.name).replace(/:[^:/]+$/, "");
            return { imageId: digestOf(`id:${inputs.name}`), repoDigest: `${repository}@${digestOf(`repo:${inputs.name}`)}` };
        }
        case "command:remote:Command":
            // A remote step's script arrives on its stdin (components/workerConnection.ts).
            return { stdout: prePullReport(typeof inputs.stdin === "string" ? inputs.stdin : "", digestOf), stderr: "" };
        case "command:local:Command":
            return { stdout: workerRecordsReport(String(inputs.environment?.XINGRIN_SCRIPT ?? "")), stderr: "" };
        default:
            return {};
    }
}

/**
 * What a worker's pre-pull prints (components/workerScripts.ts): one digest line per image it pulls,
 * with the same content digest the RemoteImage mock gives the main server, then its run marker.
 */
function prePullReport(script: string, digestOf: (text: string) => string): string {
    const refs = [...script.matchAll(/^pull '([^']+)'/gm)].map(match => match[1]);
    if (refs.length === 0) {
        return "";
    }
    const lines = refs.map(ref => `digest: ${ref} ${ref.replace(/:[^:/]+$/, "")}@${digestOf(`repo:${ref}`)}`);
    return [...lines, "stage-run: 20261130T000000.000000001"].join("\n");
}

/**
 * What the worker-records step prints (components/workerRecordScripts.ts): each worker's id in
 * XingRin, numbered in list order as a fresh database would.
 */
function workerRecordsReport(script: string): string {
    const names = [...script.matchAll(/^printf '%s %s %s\\n' 'worker-id:' '(\S+)' "\$id_\d+"$/gm)].map(match => match[1]);
    return names.map((name, i) => `worker-id: ${name} ${i + 1}`).join("\n");
}

pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs) } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        // The program makes no invokes; one appearing means it started asking a provider for something.
        throw new Error(`unexpected invoke ${args.token}`);
    },
}, PROJECT, STACK, false);

// The mock callback sees only type, name and inputs. Wrapping the monitor also records what the
// request says about ordering and lifecycle (dependencies, deleteBeforeReplace, retainOnDelete).
const monitor = pulumi.runtime.getMonitor() as any;
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, callback: (err: any, response: any) => void) => {
    registerResource(req, (err: any, response: any) => {
        if (!err && req.getCustom()) {
            recorded.push({
                type: req.getType(),
                name: req.getName(),
                urn: response.getUrn(),
                inputs: pulumi.runtime.deserializeProperties(req.getObject()),
                dependencies: req.getDependenciesList(),
                deleteBeforeReplace: req.getDeletebeforereplace(),
                retainOnDelete: req.getRetainondelete(),
                importId: req.getImportid(),
                ignoreChanges: req.getIgnorechangesList(),
            });
        }
        callback(err, response);
    });
};

export function recordedResources(): RecordedResource[] {
    return [...recorded];
}

export function clearRecordedResources(): void {
    recorded.length = 0;
}
