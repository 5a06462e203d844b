import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { WorkerHost } from "../config/workers";
import { deleteScript } from "./localScript";
import { afterStage, StagedImages } from "./stageCheck";
import { WorkerStage } from "./stage";
import { remoteScriptWithSecrets, SSH_DIAL_TIMEOUT_SECONDS, workerConnection } from "./workerConnection";
import { agentRetireScript, agentStartScript, AGENT_CONTAINER, AGENT_SECRETS } from "./workerScripts";

export interface RemoteWorkerArgs {
    readonly host: WorkerHost;
    readonly sshPrivateKey: pulumi.Input<string>;
    readonly imageTag: string;
    readonly workerImage: string;
    readonly agentImage: string;
    /** How the agent reaches the server: PUBLIC scheme://host:port. */
    readonly serverUrl: string;
    readonly workerApiKey: pulumi.Output<string>;
    /** This worker's id in XingRin's worker records (MainServer.workerIds). */
    readonly workerId: pulumi.Output<string>;
    /** "<project>/<stack>", for the agent container's labels. */
    readonly stack: string;
    /** This host's pre-pull (phase 1). */
    readonly stage: WorkerStage;
    /** Resolves once the whole fleet is staged (phase 1 succeeded everywhere). */
    readonly staged: pulumi.Output<StagedImages>;
}

/**
 * A remote worker host's part of phase 2: its agent restarted on the new tag. The images it needs
 * were pulled in phase 1 (FleetStage); the agent changes only after every host has staged.
 */
export class RemoteWorker extends pulumi.ComponentResource {
    public readonly agent: command.remote.Command;
    /** Stops the agent when the worker leaves the stack; never fails on a host that is gone. */
    public readonly retire: command.local.Command;
    public readonly host: WorkerHost;
    public readonly images: { worker: string; agent: string };
    /** Repo digest of each pre-pulled image, as the host reported it. */
    public readonly digests: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RemoteWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:worker:RemoteWorker", name, {}, opts);
        const start = agentStartScript({
            image: args.agentImage,
            serverUrl: args.serverUrl,
            imageTag: args.imageTag,
            stack: args.stack,
            worker: args.host.name,
        });
        // The key travels on stdin, so it is never part of the command text that Pulumi logs and
        // shows in previews; as a secret input it is encrypted in state. It is released only once
        // the whole fleet is staged: that is what holds the agent back until then. The worker id
        // follows it: it exists once the new server has registered the worker.
        const secrets = afterStage(args.staged, pulumi.all([args.workerApiKey, args.workerId]));
        const agentStep = remoteScriptWithSecrets(`${name}-agent`, start, { names: AGENT_SECRETS, values: secrets });
        this.agent = new command.remote.Command(`${name}-agent`, {
            ...agentStep,
            connection: workerConnection(args.host, args.sshPrivateKey),
            // No delete here: the command provider fails a delete on a host it cannot reach, which
            // would fail every update after a worker machine is gone. `retire` stops the agent.
            // Each stage of this host (a new run id) restarts the agent, also after an update that
            // was interrupted between the stage and the agent.
            triggers: [...agentStep.triggers, args.stage.run],
        }, { parent: this });
        this.retire = new command.local.Command(`${name}-retire`, {
            ...deleteScript(`${name}-retire`, agentRetireScript({
                workerName: args.host.name,
                stack: args.stack,
                address: args.host.address,
                port: args.host.port,
                user: args.host.user,
                hostKey: args.host.hostKey,
                connectTimeoutSeconds: SSH_DIAL_TIMEOUT_SECONDS,
            })),
            stdin: pulumi.secret(args.sshPrivateKey),
        }, { parent: this, dependsOn: [this.agent] });

        this.host = args.host;
        this.images = { worker: args.workerImage, agent: args.agentImage };
        this.digests = args.stage.digests;
        this.registerOutputs({ agent: this.agent, retire: this.retire, images: this.images, digests: this.digests, container: AGENT_CONTAINER });
    }
}
