import { NETWORK_NAME } from "../components/mainServer";
import { runCaptured } from "../release/process";
import { AdoptError } from "./errors";
import {
    COMPOSE_PROJECT_LABEL, composeProjectOf, Container, containerOf, Inventory, mountAt, parseContainers, parseNetwork,
    parseVolume, POSTGRES_DATA_PATH, selectXingrin,
} from "./inventory";

/** How adopt asks the main server's Docker daemon; unit specs answer from fixture JSON instead. */
export interface DockerCli {
    /** The endpoint, as `docker --host` takes it. */
    readonly host: string;
    /** Runs `docker --host <host> <args>` and returns what it printed. */
    run(args: readonly string[]): Promise<string>;
}

/** The docker CLI, started with an argument list (no shell), against one endpoint. */
export function processDockerCli(host: string): DockerCli {
    return {
        host,
        async run(args) {
            const result = await runCaptured("docker", ["--host", host, ...args], {
                missingHint: "install the docker CLI (Debian: apt-get install docker.io)",
            });
            if (result.code !== 0) {
                const detail = result.stderr.trim().split("\n").slice(-3).join(" ") || "no error output";
                throw new AdoptError(
                    `\`docker --host ${host} ${args.slice(0, 2).join(" ")}\` failed (exit ${result.code}): ${detail}; ` +
                    "check --docker-host and that the daemon runs and lets you in");
            }
            return result.stdout;
        },
    };
}

/** Container IDs: those named xingrin-* and every compose container, narrowed to XingRin's by selectXingrin. */
export const PS_BY_NAME = ["ps", "--all", "--quiet", "--no-trunc", "--filter", "name=xingrin-"];
export const PS_COMPOSE = ["ps", "--all", "--quiet", "--no-trunc", "--filter", `label=${COMPOSE_PROJECT_LABEL}`];
export const NETWORK_LS = ["network", "ls", "--quiet", "--no-trunc", "--filter", `name=${NETWORK_NAME}`];

/** Reads the installation on one Docker host: its containers, compose project, network and postgres volume. */
export async function readInventory(docker: DockerCli): Promise<Inventory> {
    const ids = [...new Set([...lines(await docker.run(PS_BY_NAME)), ...lines(await docker.run(PS_COMPOSE))])];
    const candidates: Container[] = ids.length === 0 ? [] : parseContainers(parseJson(await docker.run(["container", "inspect", ...ids])));
    const containers = selectXingrin(candidates);
    const composeProject = composeProjectOf(containers);

    // `network ls --filter name=` matches substrings; parseNetwork keeps the exact name.
    const networkIds = lines(await docker.run(NETWORK_LS));
    const network = networkIds.length === 0 ? undefined : parseNetwork(parseJson(await docker.run(["network", "inspect", ...networkIds])));

    const dataMount = mountAt(containerOf(containers, "postgres"), POSTGRES_DATA_PATH);
    const postgresVolume = dataMount?.type === "volume" && dataMount.name !== undefined
        ? parseVolume(parseJson(await docker.run(["volume", "inspect", dataMount.name])), dataMount.name)
        : undefined;

    return { dockerHost: docker.host, containers, composeProject, network, postgresVolume };
}

function lines(text: string): string[] {
    return text.split("\n").map(line => line.trim()).filter(line => line !== "");
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new AdoptError("docker inspect did not print JSON: check that the docker CLI is a recent one (docker version)");
    }
}
