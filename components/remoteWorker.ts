import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { WorkerHost } from "../config/workers";
import { agentStartScript, AGENT_CONTAINER, agentStopScript, parseDigests, prePullScript } from "./workerScripts";

export interface RemoteWorkerArgs {
    readonly host: WorkerHost;
    readonly sshPrivateKey: pulumi.Input<string>;
    readonly imageTag: string;
    readonly workerImage: string;
    readonly agentImage: string;
    /** How the agent reaches the server: https://PUBLIC_HOST:PUBLIC_PORT. */
    readonly serverUrl: string;
    readonly workerApiKey: pulumi.Output<string>;
    readonly dataDir: string;
}

/**
 * A remote worker host. Over SSH it pre-pulls the worker and agent images for the tag (old ones
 * stay, so a rollback pulls nothing), then restarts the agent on that tag. Both commands embed the
 * image references, so a tag change re-runs them and an unchanged tag runs nothing.
 */
export class RemoteWorker extends pulumi.ComponentResource {
    /** Done when the host holds the images: the server waits on this before handing them out. */
    public readonly prePull: command.remote.Command;
    public readonly agent: command.remote.Command;
    public readonly hostName: string;
    public readonly images: { worker: string; agent: string };
    /** Repo digest of each pre-pulled image, as the host reported it. */
    public readonly digests: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RemoteWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:worker:RemoteWorker", name, {}, opts);
        const connection: command.types.input.remote.ConnectionArgs = {
            host: args.host.address,
            port: args.host.port,
            user: args.host.user,
            privateKey: args.sshPrivateKey,
            hostKey: args.host.hostKey,
        };
        const pull = prePullScript([args.workerImage, args.agentImage], args.dataDir);
        this.prePull = new command.remote.Command(`${name}-pre-pull`, {
            connection,
            create: pull,
            update: pull,
        }, { parent: this });

        const start = agentStartScript({
            image: args.agentImage,
            workerName: args.host.name,
            serverUrl: args.serverUrl,
            imageTag: args.imageTag,
        });
        this.agent = new command.remote.Command(`${name}-agent`, {
            connection,
            create: start,
            update: start,
            delete: agentStopScript(),
            // The key travels on stdin, so it is never part of the command text that Pulumi logs
            // and shows in previews; as a secret input it is encrypted in state.
            stdin: pulumi.secret(args.workerApiKey),
        }, {
            parent: this,
            dependsOn: [this.prePull],
            // Replacing must stop the old agent before starting the new one: both use one name.
            deleteBeforeReplace: true,
        });

        this.hostName = args.host.name;
        this.images = { worker: args.workerImage, agent: args.agentImage };
        this.digests = this.prePull.stdout.apply(parseDigests);
        this.registerOutputs({
            prePull: this.prePull, agent: this.agent, images: this.images, digests: this.digests, container: AGENT_CONTAINER,
        });
    }
}
