import * as fs from "fs";
import * as path from "path";

const FIXTURES = path.join(__dirname, "..", "fixtures");

/** `docker container inspect` output: a compose install of XingRin v1.5.8 (project "docker"), a gitea container and a running scan. */
export function containersJson(): any[] {
    return read("containers.json");
}

/** `docker network inspect` output: xingrin_network and a look-alike the name filter also matches. */
export function networksJson(): any[] {
    return read("networks.json");
}

/** `docker volume inspect docker_postgres_data` output. */
export function volumeJson(): any[] {
    return read("volume.json");
}

/** The .env install.sh writes next to the compose file. */
export const INSTALL_ENV = path.join(FIXTURES, "install.env");
export function installEnvText(): string {
    return fs.readFileSync(INSTALL_ENV, "utf8");
}

/** The three secret values in the fixtures (in .env and in the containers' environments). */
export const SECRET_VALUES = ["pg-Secret-7f3a9c21e4b8", "dj-Secret-b1e6c0a94f2d8e7c5a3b", "wk-Secret-53c8e1f0a7d2"];

/** The fixture container named so, for specs that change one detail of the installation. */
export function containerNamed(containers: any[], name: string): any {
    const found = containers.find(container => container.Name === `/${name}`);
    if (found === undefined) {
        throw new Error(`no container ${name} in the fixture`);
    }
    return found;
}

function read(file: string): any[] {
    return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));
}
