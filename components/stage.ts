import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { MAIN_SERVER_HOST, WorkerHost } from "../config/workers";
import { XingrinImages, ImagesArgs } from "./images";
import { checkStaged, HostDigests, StagedImages } from "./stageCheck";
import { parseDigests, prePullScript, parseStageRun } from "./workerScripts";
import { remoteScript, workerConnection } from "./workerConnection";

export interface FleetStageArgs {
    /** The main server's images: pulled (or built) there with RemoteImage. */
    readonly main: ImagesArgs;
    readonly workers: WorkerHost[];
    /** Every image each worker must hold: the worker image the server hands out, and the agent's. */
    readonly workerImages: string[];
    readonly sshPrivateKey?: pulumi.Input<string>;
    readonly dataDir: string;
}

/** A worker's pre-pull: done when the host holds every image it needs. */
export interface WorkerStage {
    readonly host: WorkerHost;
    readonly prePull: command.remote.Command;
    /** Repo digest of each image on that host, as it reported them. */
    readonly digests: pulumi.Output<Record<string, string>>;
    /** Changes each time the pre-pull runs, so the agent is restarted after every stage of its host. */
    readonly run: pulumi.Output<string>;
}

/**
 * Phase 1 of every update: the images of the new tag on every host, pulled in parallel, and a check
 * that each image has one content everywhere. Nothing runs a new version yet. Phase 2 (MainServer,
 * RemoteWorker) takes its inputs from `staged`, which resolves only once all of this succeeded,
 * so no container on any host changes before the whole fleet is staged, however slowly a host fails.
 * Old images stay on every host, so a rollback stages without the registry.
 */
export class FleetStage extends pulumi.ComponentResource {
    public readonly main: XingrinImages;
    public readonly workers: WorkerStage[];
    /** The agreed content per image reference; rejects (failing the update) if hosts disagree. */
    public readonly staged: pulumi.Output<StagedImages>;

    constructor(name: string, args: FleetStageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:stage:FleetStage", name, {}, opts);
        this.main = new XingrinImages("main-images", args.main, { parent: this });

        this.workers = args.workers.map(host => {
            const prePull = new command.remote.Command(`${host.name}-pre-pull`, {
                ...remoteScript(`${host.name}-pre-pull`, prePullScript(args.workerImages, args.dataDir, host.name)),
                connection: workerConnection(host, args.sshPrivateKey!),
            }, { parent: this });
            return { host, prePull, digests: prePull.stdout.apply(parseDigests), run: prePull.stdout.apply(parseStageRun) };
        });

        const mainImages = [...Object.values(this.main.xingrin), this.main.redis, ...(this.main.taskExecutor ? [this.main.taskExecutor] : [])];
        const mainDigests = pulumi.all(mainImages.map(image =>
            image.repoDigest.apply(digest => [image.ref, digest] as const)));
        this.staged = pulumi.all([mainDigests, pulumi.all(this.workers.map(w => w.digests))])
            .apply(([main, workers]) => checkStaged([
                { host: MAIN_SERVER_HOST, digests: Object.fromEntries(main) },
                ...workers.map((digests, i): HostDigests => ({ host: this.workers[i].host.name, digests })),
            ]));

        this.registerOutputs({ main: this.main, workers: this.workers, staged: this.staged });
    }
}
