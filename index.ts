import * as docker from "@pulumi/docker";
import { mainServerServices, taskExecutorImageRef, xingrinImageRef } from "./config/images";
import { publicUrl, readFleetConfig } from "./config/read";
import { XingrinImages } from "./components/images";
import { MainServer } from "./components/mainServer";
import { RemoteWorker } from "./components/remoteWorker";
import { versionMatrix } from "./components/versionMatrix";

// Every image reference below is derived from this one checked tag (stack imageTag, else VERSION).
const fleet = readFleetConfig();
const tag = fleet.imageTag;

const mainDocker = new docker.Provider("main-server-docker", { host: fleet.main.dockerHost });

// 1. Images present on every host: the main server's via RemoteImage, each worker's via SSH pre-pull.
const images = new XingrinImages("main-images", {
    imageTag: tag,
    repository: fleet.repository,
    services: mainServerServices(fleet.main.database.local),
    redisImage: fleet.redisImage,
    buildSource: fleet.buildSource,
}, { providers: [mainDocker] });

const workers = fleet.workers.map(host => new RemoteWorker(host.name, {
    host,
    // readFleetConfig requires the key whenever workers are listed.
    sshPrivateKey: fleet.workerSshPrivateKey!,
    imageTag: tag,
    workerImage: xingrinImageRef(fleet.repository, "worker", tag),
    agentImage: xingrinImageRef(fleet.repository, "agent", tag),
    serverUrl: publicUrl(fleet.main),
    workerApiKey: fleet.secrets.workerApiKey,
    dataDir: fleet.main.dataDir,
}));

const executorImage = taskExecutorImageRef(fleet.repository, tag, fleet.taskExecutorImage);

// 2. Only then does the server switch: it depends on every worker's pre-pull.
const main = new MainServer("main-server", {
    imageTag: tag,
    images,
    settings: fleet.main,
    taskExecutorImage: executorImage,
    registry: fleet.repository.registry,
    namespace: fleet.repository.namespace,
    databasePassword: fleet.secrets.databasePassword,
    djangoSecretKey: fleet.secrets.djangoSecretKey,
    workerApiKey: fleet.secrets.workerApiKey,
    serverDependsOn: workers.map(worker => worker.prePull),
}, { providers: [mainDocker] });

export const imageTag = tag;
export const url = main.publicUrl;
export const taskExecutorImage = executorImage;
export const versions = versionMatrix(main, workers);
