import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";

/**
 * An installation made by XingRin's install.sh (docker compose) that this stack takes over: its
 * containers are removed one service at a time, right before the program's own start, and its
 * network is adopted as it is. `npm run adopt` writes both keys.
 */
export interface Takeover {
    /** The compose project (label com.docker.compose.project) whose containers give way. */
    composeProject: string;
    /** Docker's id of the xingrin_network compose created, imported instead of created. */
    networkId?: string;
}

const PROJECT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

export function readTakeover(config: pulumi.Config): Takeover | undefined {
    const composeProject = (config.get("takeoverComposeProject") ?? "").trim();
    const networkId = (config.get("takeoverNetworkId") ?? "").trim();
    if (composeProject === "") {
        if (networkId !== "") {
            throw new ConfigError(
                `takeoverNetworkId "${networkId}" is set but takeoverComposeProject is not: set both (npm run adopt writes them), ` +
                "or unset takeoverNetworkId for a fresh install");
        }
        return undefined;
    }
    if (!PROJECT_PATTERN.test(composeProject)) {
        throw new ConfigError(
            `takeoverComposeProject "${composeProject}" is not a compose project name: lower-case letters, digits, "_" and "-", ` +
            'as in the label com.docker.compose.project of the installation\'s containers (install.sh\'s is usually "docker")');
    }
    if (networkId !== "" && !/^[0-9a-f]{64}$/.test(networkId)) {
        throw new ConfigError(
            `takeoverNetworkId "${networkId}" is not a Docker network id: use the full 64-character id ` +
            "(`docker network inspect --format '{{.Id}}' xingrin_network`)");
    }
    return { composeProject, networkId: networkId === "" ? undefined : networkId };
}
