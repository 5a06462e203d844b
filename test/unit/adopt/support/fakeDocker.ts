import { DockerCli } from "../../../../adopt/docker";
import { containersJson, networksJson, volumeJson } from "./fixtures";

/**
 * Stands in for `docker --host <host>`: answers ps, network ls and the inspect commands adopt runs
 * from inspect JSON, filtering as the daemon does, and records every command line.
 */
export class FakeDocker implements DockerCli {
    readonly commands: string[] = [];

    constructor(
        public containers: any[] = containersJson(),
        public networks: any[] = networksJson(),
        public volumes: any[] = volumeJson(),
        public readonly host = "unix:///var/run/docker.sock",
    ) {}

    async run(args: readonly string[]): Promise<string> {
        this.commands.push(["docker", "--host", this.host, ...args].join(" "));
        const [group, verb] = args;
        if (group === "ps") {
            return this.containers.filter(container => matchesFilter(container, filterOf(args)))
                .map(container => `${container.Id}\n`).join("");
        }
        if (group === "container" && verb === "inspect") {
            return JSON.stringify(args.slice(2).map(id => this.find(this.containers, c => c.Id === id, id)), null, 4);
        }
        if (group === "network" && verb === "ls") {
            // Docker matches a name filter anywhere in the name.
            const name = filterOf(args).replace(/^name=/, "");
            return this.networks.filter(network => network.Name.includes(name)).map(network => `${network.Id}\n`).join("");
        }
        if (group === "network" && verb === "inspect") {
            return JSON.stringify(args.slice(2).map(id => this.find(this.networks, n => n.Id === id, id)), null, 4);
        }
        if (group === "volume" && verb === "inspect") {
            return JSON.stringify(args.slice(2).map(name => this.find(this.volumes, v => v.Name === name, name)), null, 4);
        }
        throw new Error(`unexpected docker command: docker ${args.join(" ")}`);
    }

    private find(items: any[], match: (item: any) => boolean, what: string): any {
        const found = items.find(match);
        if (found === undefined) {
            // The real CLI fails the whole command; adopt only asks for what it listed.
            throw new Error(`docker inspect: no such object: ${what}`);
        }
        return found;
    }
}

function filterOf(args: readonly string[]): string {
    return args[args.indexOf("--filter") + 1] ?? "";
}

function matchesFilter(container: any, filter: string): boolean {
    if (filter.startsWith("name=")) {
        return container.Name.includes(filter.slice("name=".length));
    }
    if (filter.startsWith("label=")) {
        return filter.slice("label=".length) in (container.Config.Labels ?? {});
    }
    throw new Error(`unexpected filter ${filter}`);
}
