import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint } from "../config/dockerEndpoint";
import { Takeover } from "../config/takeover";
import { createScript } from "./localScript";
import { script, sh, Shell } from "./shell";

/**
 * How compose made the network and volume an install.sh installation already has: settings the
 * program never sets and XingRin does not depend on (only their names do). The docker provider
 * replaces a network or volume when one of them differs, so an adopted one keeps them for good:
 * compose's labels, and networks that compose makes attachable.
 */
export const COMPOSE_NETWORK_SETTINGS = ["labels", "attachable", "ingress", "ipv6", "internal", "driver", "options",
    "ipamDriver", "ipamOptions", "ipamConfigs"];
export const COMPOSE_VOLUME_SETTINGS = ["labels", "driver", "driverOpts"];

/** For a resource the installation already has: import it as it is, instead of creating it. */
export function adoptExisting(id: string | undefined, composeSettings: string[]): pulumi.CustomResourceOptions {
    return id === undefined ? {} : { import: id, ignoreChanges: composeSettings };
}

/**
 * The shell that removes an install.sh installation's containers of some compose services, without
 * their volumes. It is the create command of a one-time step: after the takeover it never runs again.
 */
export function removeComposeServicesScript(project: string, services: string[]): Shell {
    return script(
        sh`set -eu`,
        sh`for service in ${services}; do`,
        sh`  ids=$(docker ps -aq --filter label=com.docker.compose.project=${project} --filter "label=com.docker.compose.service=$service")`,
        sh`  [ -n "$ids" ] || continue`,
        sh`  echo "install.sh's $service gives way: $(docker inspect --format '{{.Name}}' $ids | tr -d / | tr '\n' ' ')"`,
        sh`  docker rm --force $ids >/dev/null`,
        sh`done`,
    );
}

export interface TakeoverStepArgs {
    takeover: Takeover;
    /** Compose services whose containers give way in this step. */
    services: string[];
    /** The main server's Docker endpoint. */
    docker: DockerEndpoint;
    /** Holds the step back until the fleet is staged (components/stageCheck.ts afterStage). */
    gate: (script: Shell) => pulumi.Input<Shell>;
}

/** One step of a takeover, on the machine running Pulumi, against the main server's Docker. */
export function takeoverStep(name: string, args: TakeoverStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    return new command.local.Command(name, {
        ...createScript(name, args.gate(removeComposeServicesScript(args.takeover.composeProject, args.services)), args.docker),
    }, opts);
}
