import { SERVICE_LABEL, STACK_LABEL } from "./labels";
import { alternatives, script, sh, Shell } from "./shell";

export interface HandOverArgs {
    /** "<project>/<stack>", as the containers' xingrin.stack label. */
    stack: string;
    network: string;
    /** The services nginx proxies to, whose old versions must leave the network. */
    services: string[];
    /** The containers of this update, which stay. */
    current: string[];
    /** The nginx container, reloaded if it runs (it is kept when its image did not change). */
    proxy: string;
}

/**
 * Shell run once the new server and frontend are healthy, before nginx is replaced (if its image
 * changed): every older container of the proxied services leaves XingRin's network, then the
 * running nginx reloads (SIGHUP, nginx's graceful reload: workers that hold requests finish them).
 * XingRin's nginx resolves `server` and `frontend` when it starts or reloads (`upstream backend {
 * server server:8888; }`); while an old server still answers to the name, nginx would take both
 * addresses and keep the old one, dead once the update removes it, as a peer. The old containers
 * keep running until the update deletes them, and a rollback creates its containers anew, so
 * nothing here needs undoing.
 */
export function handOverScript(args: HandOverArgs): Shell {
    return script(
        sh`set -eu`,
        sh`stack=${args.stack} network=${args.network}`,
        sh`for service in ${args.services}; do`,
        sh`  for name in $(docker ps -a --filter label=${STACK_LABEL}"=$stack" --filter label=${SERVICE_LABEL}"=$service" --format '{{.Names}}'); do`,
        sh`    case "$name" in ${alternatives(args.current)}) continue ;; esac`,
        sh`    if docker network disconnect -f "$network" "$name" 2>/dev/null; then echo "handed over: $name left $network"; fi`,
        sh`  done`,
        sh`done`,
        // Right after the disconnects: until the reload, nginx still sends requests to the old addresses.
        sh`proxy=${args.proxy}`,
        sh`if [ "$(docker inspect --format '{{.State.Running}}' "$proxy" 2>/dev/null)" = true ]; then`,
        sh`  docker kill --signal HUP "$proxy" >/dev/null && echo "reloaded: $proxy"`,
        sh`fi`,
        sh`echo nginx will reach: ${args.current}`,
    );
}
