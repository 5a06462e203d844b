/**
 * Labels on every container the program runs, on the main server and on workers. They are how
 * `npm run versions`, `npm run recover` and the leftover cleanup recognise XingRin's containers,
 * whatever their names: a container carrying this stack's label and not tracked by the stack is
 * a leftover of an interrupted update.
 */
import { IMAGE_LABEL } from "../config/images";

export { IMAGE_LABEL };
/** "<project>/<stack>": which deployment owns the container. */
export const STACK_LABEL = "xingrin.stack";
/** The compose service it stands for: server, frontend, nginx, agent, postgres, redis. */
export const SERVICE_LABEL = "xingrin.service";
/** On a remote worker's agent: the worker's name in `workers`, so that only its own retire step removes it. */
export const WORKER_LABEL = "xingrin.worker";

export interface ContainerLabels {
    stack: string;
    service: string;
    image: string;
    worker?: string;
}

/** Docker's label list, in a fixed order so previews show only real changes. */
export function containerLabels(labels: ContainerLabels): Array<{ label: string; value: string }> {
    return [
        { label: IMAGE_LABEL, value: labels.image },
        { label: SERVICE_LABEL, value: labels.service },
        { label: STACK_LABEL, value: labels.stack },
        ...(labels.worker === undefined ? [] : [{ label: WORKER_LABEL, value: labels.worker }]),
    ];
}
