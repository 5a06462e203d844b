import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../config/dockerEndpoint";
import { MAIN_SERVER_HOST, WorkerHost } from "../config/workers";
import { createScript, selfReadingScript } from "./localScript";
import { pruneScript } from "./prune";
import { script, sh, Shell } from "./shell";
import { remoteScript, workerConnection } from "./workerConnection";

/** Deployed versions remembered, newest first: more than any keepVersions needs. */
export const HISTORY_LENGTH = 20;

export interface RetentionArgs {
    readonly imageTag: string;
    readonly keepVersions: number;
    /** "<registry>/<namespace>/xingrin-" as `docker image ls` shows it. */
    readonly imagePrefix: string;
    readonly main: {
        readonly docker: DockerEndpoint;
        /** Images never pruned (the image the server hands out), as the host lists them. */
        readonly keepImages: string[];
        /** What the main server's switch made: the history waits for all of it. */
        readonly switched: pulumi.Resource[];
    };
    readonly workers: ReadonlyArray<{ readonly host: WorkerHost; readonly keepImages: string[]; readonly switched: pulumi.Resource }>;
    readonly sshPrivateKey?: pulumi.Input<string>;
}

/**
 * The last part of an update, once every host runs the new version: the stack's deploy history
 * gets the tag, then every host prunes the versions beyond keepVersions, keeping the deployed ones
 * first (pruneScript). A failed update records nothing, so its version is never kept ahead of the
 * one a rollback goes to.
 */
export class Retention extends pulumi.ComponentResource {
    /** Deployed tags, newest first, this one included. */
    public readonly history: pulumi.Output<string[]>;
    public readonly prunes: Array<command.local.Command | command.remote.Command>;

    constructor(name: string, args: RetentionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("xingrin:retention:Retention", name, {}, opts);
        const switched = [...args.main.switched, ...args.workers.map(w => w.switched)];
        const record = new command.local.Command(`${name}-history`, {
            ...selfReadingScript(`${name}-history`, historyScript(args.imageTag)),
        }, { parent: this, dependsOn: switched });
        this.history = record.stdout.apply(out => out.split("\n").map(line => line.trim()).filter(line => line !== ""));

        const prune = (keepImages: string[]) => this.history.apply(history => pruneScript({
            imagePrefix: args.imagePrefix, currentTag: args.imageTag, keepVersions: args.keepVersions, history, keepImages,
        }));
        const mainPrune = new command.local.Command(`${name}-${MAIN_SERVER_HOST}`, {
            ...createScript(`${name}-${MAIN_SERVER_HOST}`, prune(args.main.keepImages), args.main.docker),
        }, { parent: this, dependsOn: [record] });
        const workerPrunes = args.workers.map(worker => new command.remote.Command(`${name}-${worker.host.name}`, {
            ...remoteScript(`${name}-${worker.host.name}`, prune(worker.keepImages)),
            connection: workerConnection(worker.host, args.sshPrivateKey!),
        }, { parent: this, dependsOn: [record] }));
        this.prunes = [mainPrune, ...workerPrunes];
        this.registerOutputs({ history: this.history, prunes: this.prunes });
    }
}

/** Prints the tag, then the tags deployed before it (the step's previous output), newest first. */
export function historyScript(tag: string): Shell {
    return script(
        sh`printf '%s\n' ${tag}`,
        sh`printf '%s\n' "\${PULUMI_COMMAND_STDOUT:-}" | grep -vxF -e ${tag} -e '' | head -n ${HISTORY_LENGTH - 1}`,
        sh`exit 0`,
    );
}
