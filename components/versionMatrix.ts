import * as pulumi from "@pulumi/pulumi";
import { MAIN_SERVER_HOST } from "../config/workers";
import { MainServer } from "./mainServer";
import { RemoteWorker } from "./remoteWorker";

export interface ImageVersion {
    image: string;
    /** repo@sha256:… where the host reported one; "" for a locally built image. */
    digest: string;
}

/**
 * The stack output operators and `versions` read: per host, per service, the image it runs (main
 * server containers) or holds for tasks (worker hosts), with digests where known.
 */
export function versionMatrix(main: MainServer, workers: RemoteWorker[]): pulumi.Output<Record<string, Record<string, ImageVersion>>> {
    const mainServer = pulumi.all(main.running.map(r => r.digest)).apply(digests => {
        const row: Record<string, ImageVersion> = {};
        main.running.forEach((r, i) => { row[r.service] = { image: r.image, digest: digests[i] ?? "" }; });
        return row;
    });
    const workerRows = workers.map(worker => worker.digests.apply(digests => ({
        worker: { image: worker.images.worker, digest: digests[worker.images.worker] ?? "" },
        agent: { image: worker.images.agent, digest: digests[worker.images.agent] ?? "" },
    })));
    return pulumi.all([mainServer, pulumi.all(workerRows)]).apply(([serverRow, rows]) => {
        const matrix: Record<string, Record<string, ImageVersion>> = { [MAIN_SERVER_HOST]: serverRow };
        rows.forEach((row, i) => { matrix[workers[i].host.name] = row; });
        return matrix;
    });
}
