import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { listedImagePrefix, listedImageRef, mainServerServices, taskExecutorImageRef, xingrinImageRef } from "./config/images";
import { publicUrl, readFleetConfig } from "./config/read";
import { MainServer } from "./components/mainServer";
import { RemoteWorker } from "./components/remoteWorker";
import { Retention } from "./components/retention";
import { FleetStage } from "./components/stage";
import { versionMatrix } from "./components/versionMatrix";

// Every image reference below is derived from this one checked tag (stack imageTag, else VERSION).
const fleet = readFleetConfig();
const tag = fleet.imageTag;
const stack = `${pulumi.getProject()}/${pulumi.getStack()}`;
const executorImage = taskExecutorImageRef(fleet.repository, tag, fleet.taskExecutorImage);
const agentImage = xingrinImageRef(fleet.repository, "agent", tag);

const mainDocker = new docker.Provider("main-server-docker", { host: fleet.main.docker.host, certPath: fleet.main.docker.certPath });

// Phase 1, stage: every image of the tag on every host (main server and workers, in parallel),
// one content per image everywhere. Nothing switches yet; a failure anywhere stops the update here.
const stage = new FleetStage("stage", {
    main: {
        imageTag: tag,
        repository: fleet.repository,
        services: mainServerServices(fleet.main.database.local),
        redisImage: fleet.redisImage,
        buildSource: fleet.buildSource,
        // Local workers run on the main server too: it must hold the image the server hands out.
        taskExecutorImage: fleet.taskExecutorImage,
    },
    workers: fleet.workers,
    // The worker image the server hands out, whatever it is: a worker must hold it before it is handed out.
    workerImages: [...new Set([executorImage, agentImage])],
    // readFleetConfig requires the key whenever workers are listed.
    sshPrivateKey: fleet.workerSshPrivateKey,
    dataDir: fleet.main.dataDir,
}, { providers: [mainDocker] });

// Phase 2, switch: only once the whole fleet is staged. The main server in compose order, and each
// worker's agent; both wait on `stage.staged`, which resolves only when phase 1 succeeded everywhere.
const main = new MainServer("main-server", {
    imageTag: tag,
    images: stage.main,
    settings: fleet.main,
    taskExecutorImage: executorImage,
    registry: fleet.repository.registry,
    namespace: fleet.repository.namespace,
    databasePassword: fleet.secrets.databasePassword,
    djangoSecretKey: fleet.secrets.djangoSecretKey,
    workerApiKey: fleet.secrets.workerApiKey,
    serverExtraEnv: fleet.secrets.serverExtraEnv,
    stack,
    staged: stage.staged,
    keepVersions: fleet.keepVersions,
    workers: fleet.workers,
    workerPasswords: fleet.workerPasswords,
}, { providers: [mainDocker], dependsOn: [stage] });

const workers = stage.workers.map(staged => new RemoteWorker(staged.host.name, {
    host: staged.host,
    sshPrivateKey: fleet.workerSshPrivateKey!,
    imageTag: tag,
    workerImage: executorImage,
    agentImage,
    serverUrl: publicUrl(fleet.main),
    workerApiKey: fleet.secrets.workerApiKey,
    workerId: main.workerIds.apply(ids => ids[staged.host.name] ?? ""),
    stack,
    stage: staged,
    staged: stage.staged,
}, { dependsOn: [stage] }));

// Last, once every host runs the tag: the deploy history records it, then each host prunes the
// versions beyond keepVersions, keeping the deployed ones (where rollbacks go) first.
const neverPruned = [listedImageRef(executorImage)];
new Retention("prune", {
    imageTag: tag,
    keepVersions: fleet.keepVersions,
    imagePrefix: listedImagePrefix(fleet.repository),
    main: { docker: fleet.main.docker, keepImages: neverPruned, switched: main.switchedAll },
    workers: workers.map(worker => ({ host: worker.host, keepImages: neverPruned, switched: worker.agent })),
    sshPrivateKey: fleet.workerSshPrivateKey,
});

export const imageTag = tag;
export const url = main.publicUrl;
export const taskExecutorImage = executorImage;
export const versions = versionMatrix(main, workers);
