import * as assert from "assert";
import { NETWORK_LS, PS_BY_NAME, PS_COMPOSE, readInventory } from "../../../adopt/docker";
import { canonicalRef, parseImageRef } from "../../../adopt/imageRef";
import {
    composeProjectOf, Container, parseContainers, parseNetwork, parseVolume, runningRelease, selectXingrin,
} from "../../../adopt/inventory";
import { FakeDocker } from "./support/fakeDocker";
import { containerNamed, containersJson, networksJson, SECRET_VALUES, volumeJson } from "./support/fixtures";

/** The installation's containers from the fixture, after one change to their inspect JSON. */
function installation(change: (json: any[]) => void = () => undefined): Container[] {
    const json = containersJson();
    change(json);
    return selectXingrin(parseContainers(json));
}

describe("adopt: inventory of an installation", () => {
    describe("image references", () => {
        const cases: Array<[string, string, string, string, string | undefined]> = [
            ["yyhuni/xingrin-server:v1.5.8", "docker.io", "yyhuni", "xingrin-server", "v1.5.8"],
            ["docker.io/yyhuni/xingrin-server:v1.5.8", "docker.io", "yyhuni", "xingrin-server", "v1.5.8"],
            ["index.docker.io/yyhuni/xingrin-server:v1.5.8", "docker.io", "yyhuni", "xingrin-server", "v1.5.8"],
            ["registry.cn-hangzhou.aliyuncs.com/yyhuni/xingrin-agent:v1.5.8", "registry.cn-hangzhou.aliyuncs.com", "yyhuni", "xingrin-agent", "v1.5.8"],
            ["localhost:5000/team/xingrin/xingrin-nginx:v1.6.0-dev.2", "localhost:5000", "team/xingrin", "xingrin-nginx", "v1.6.0-dev.2"],
            ["redis:7-alpine", "docker.io", "library", "redis", "7-alpine"],
            ["yyhuni/xingrin-server", "docker.io", "yyhuni", "xingrin-server", undefined],
        ];
        for (const [ref, registry, namespace, name, tag] of cases) {
            it(`splits ${ref}`, () => {
                const parsed = parseImageRef(ref)!;
                assert.deepStrictEqual([parsed.registry, parsed.namespace, parsed.name, parsed.tag], [registry, namespace, name, tag]);
            });
        }

        it("reads a digest and tells an image ID from a reference", () => {
            const withDigest = parseImageRef(`yyhuni/xingrin-server:v1.5.8@sha256:${"a".repeat(64)}`)!;
            assert.strictEqual(withDigest.tag, "v1.5.8");
            assert.strictEqual(withDigest.digest, `sha256:${"a".repeat(64)}`);
            assert.strictEqual(parseImageRef(`sha256:${"b".repeat(64)}`), undefined);
        });

        it("spells two names of one image the same way", () => {
            assert.strictEqual(canonicalRef(parseImageRef("yyhuni/xingrin-worker:v1.5.8")!),
                canonicalRef(parseImageRef("docker.io/yyhuni/xingrin-worker:v1.5.8")!));
        });
    });

    describe("parsing docker inspect output", () => {
        it("reads name, image, state, labels, mounts, published ports and networks of a container", () => {
            const postgres = parseContainers(containersJson()).find(container => container.name === "xingrin-postgres")!;
            assert.strictEqual(postgres.image, "yyhuni/xingrin-postgres:v1.5.8");
            assert.strictEqual(postgres.state, "running");
            assert.strictEqual(postgres.labels["com.docker.compose.project"], "docker");
            assert.deepStrictEqual(postgres.mounts, [{
                type: "volume", name: "docker_postgres_data",
                source: "/var/lib/docker/volumes/docker_postgres_data/_data", destination: "/var/lib/postgresql/data",
            }]);
            assert.deepStrictEqual(postgres.portBindings, [{ containerPort: "5432/tcp", hostIp: "", hostPort: "5432" }]);
            assert.deepStrictEqual(postgres.networks, ["xingrin_network"]);
        });

        it("keeps no container environment: it holds the secrets", () => {
            const parsed = JSON.stringify(parseContainers(containersJson()));
            for (const secret of SECRET_VALUES) {
                assert.ok(!parsed.includes(secret), `${secret} was kept`);
            }
        });

        it("picks xingrin_network out of the networks a name filter matches", () => {
            const network = parseNetwork(networksJson())!;
            assert.strictEqual(network.name, "xingrin_network");
            assert.strictEqual(network.driver, "bridge");
            assert.strictEqual(network.labels["com.docker.compose.project"], "docker");
            assert.ok(network.containers.includes("xingrin-server") && network.containers.includes("eager_tesla"));
            assert.strictEqual(parseNetwork(networksJson().filter(n => n.Name !== "xingrin_network")), undefined);
        });

        it("reads the postgres volume", () => {
            assert.deepStrictEqual(parseVolume(volumeJson(), "docker_postgres_data"), {
                name: "docker_postgres_data", driver: "local",
                labels: { "com.docker.compose.project": "docker", "com.docker.compose.version": "2.26.1", "com.docker.compose.volume": "postgres_data" },
            });
        });

        it("refuses output that is not an inspect array", () => {
            assert.throws(() => parseContainers({ message: "Error" }), {
                name: "AdoptError",
                message: "`docker container inspect` did not print a JSON array: check that the docker CLI is a recent one (docker version)",
            });
        });
    });

    describe("which containers are the installation", () => {
        it("takes the xingrin-* containers and redis of their compose project, not another project or a running scan", () => {
            assert.deepStrictEqual(installation().map(container => container.name),
                ["xingrin-agent", "xingrin-frontend", "xingrin-nginx", "xingrin-postgres", "xingrin-redis", "xingrin-server"]);
        });

        it("finds a compose service by project even when it is not named xingrin-*", () => {
            const names = installation(json => { containerNamed(json, "xingrin-redis").Name = "/docker-redis-1"; }).map(c => c.name);
            assert.ok(names.includes("docker-redis-1"), names.join(", "));
            assert.ok(!names.includes("gitea-web-1"));
        });

        it("reads the one compose project", () => {
            assert.strictEqual(composeProjectOf(installation()), "docker");
        });

        it("refuses containers from two compose projects, naming them", () => {
            const containers = installation(json => {
                containerNamed(json, "xingrin-agent").Config.Labels["com.docker.compose.project"] = "xingrin";
            });
            assert.throws(() => composeProjectOf(containers), {
                name: "AdoptError",
                message: "the XingRin containers do not come from one compose project (compose project xingrin: xingrin-agent; " +
                    "compose project docker: xingrin-frontend, xingrin-nginx, xingrin-postgres, xingrin-redis, xingrin-server): " +
                    "adopt takes over one install.sh installation. Remove the containers that are not part of it (`docker rm`) and run adopt again",
            });
        });

        it("refuses an installation this program already deploys", () => {
            const containers = installation(json => {
                containerNamed(json, "xingrin-server").Config.Labels["xingrin.image"] = "docker.io/yyhuni/xingrin-server:v1.5.8";
            });
            assert.throws(() => composeProjectOf(containers), {
                message: /^xingrin-server carries the label xingrin\.image: this program created them, so the installation is already deployed by a stack/,
            });
        });
    });

    describe("the running version", () => {
        it("reads one tag, registry and namespace from the XingRin images (redis is not one of them)", () => {
            assert.deepStrictEqual(runningRelease(installation()), { tag: "v1.5.8", registry: "docker.io", namespace: "yyhuni" });
        });

        it("reads a mirror registry spelled out in the image references", () => {
            const mirrored = installation(json => json.forEach(c => {
                c.Config.Image = c.Config.Image.replace(/^yyhuni\//, "registry.cn-hangzhou.aliyuncs.com/yyhuni/");
            }));
            assert.deepStrictEqual(runningRelease(mirrored), { tag: "v1.5.8", registry: "registry.cn-hangzhou.aliyuncs.com", namespace: "yyhuni" });
        });

        it("refuses containers on different tags, naming each container and its tag", () => {
            const mixed = installation(json => {
                containerNamed(json, "xingrin-agent").Config.Image = "yyhuni/xingrin-agent:v1.5.7";
                containerNamed(json, "xingrin-nginx").Config.Image = "docker.io/yyhuni/xingrin-nginx:v1.5.7";
            });
            assert.throws(() => runningRelease(mixed), {
                name: "AdoptError",
                message: "the XingRin containers run different tags (xingrin-agent v1.5.7, xingrin-frontend v1.5.8, xingrin-nginx v1.5.7, " +
                    "xingrin-postgres v1.5.8, xingrin-server v1.5.8), but one imageTag must describe them all: finish or undo the update " +
                    "that left them so (set IMAGE_TAG in docker/.env, `docker compose up -d`), then adopt",
            });
        });

        it("refuses images from two registries", () => {
            const mixed = installation(json => {
                containerNamed(json, "xingrin-frontend").Config.Image = "registry.example.com/yyhuni/xingrin-frontend:v1.5.8";
            });
            assert.throws(() => runningRelease(mixed), {
                message: /^the XingRin images come from different places \(xingrin-agent docker\.io\/yyhuni, xingrin-frontend registry\.example\.com\/yyhuni,/,
            });
        });

        it("refuses a XingRin container whose version cannot be known: no tag, an image ID, a local build", () => {
            const unknown = installation(json => {
                containerNamed(json, "xingrin-agent").Config.Image = "yyhuni/xingrin-agent";
                containerNamed(json, "xingrin-frontend").Config.Image = `sha256:${"c".repeat(64)}`;
                containerNamed(json, "xingrin-server").Config.Image = "docker-server:latest";
            });
            assert.throws(() => runningRelease(unknown), {
                message: `xingrin-agent runs "yyhuni/xingrin-agent", xingrin-frontend runs "sha256:${"c".repeat(64)}", ` +
                    "xingrin-server runs \"docker-server:latest\": not a tagged XingRin image (<registry>/<namespace>/xingrin-<service>:<version>), " +
                    "so the version it runs is unknown. Set IMAGE_TAG in docker/.env to the version (GET /api/system/version/), " +
                    "run `docker compose up -d`, then adopt",
            });
        });

        it("refuses when no XingRin container is there at all", () => {
            assert.throws(() => runningRelease([]), { message: "found no container running a XingRin image (xingrin-server, …): nothing to adopt" });
        });
    });

    describe("reading the host", () => {
        it("asks the daemon with argument lists: ps by name and by compose label, inspect, network and volume", async () => {
            const docker = new FakeDocker();
            const inventory = await readInventory(docker);
            const ids = (names: string[]) => names.map(name => containerNamed(containersJson(), name).Id);
            const host = "docker --host unix:///var/run/docker.sock";
            assert.deepStrictEqual(docker.commands, [
                `${host} ${PS_BY_NAME.join(" ")}`,
                `${host} ${PS_COMPOSE.join(" ")}`,
                `${host} container inspect ${[
                    ...ids(["xingrin-agent", "xingrin-frontend", "xingrin-nginx", "xingrin-postgres", "xingrin-redis", "xingrin-server"]),
                    ...ids(["gitea-web-1"]),
                ].join(" ")}`,
                `${host} ${NETWORK_LS.join(" ")}`,
                `${host} network inspect ${networksJson().map(n => n.Id).join(" ")}`,
                `${host} volume inspect docker_postgres_data`,
            ]);
            assert.strictEqual(inventory.dockerHost, "unix:///var/run/docker.sock");
            assert.strictEqual(inventory.composeProject, "docker");
            assert.strictEqual(inventory.containers.length, 6);
            assert.strictEqual(inventory.network?.id, networksJson()[0].Id);
            assert.strictEqual(inventory.postgresVolume?.name, "docker_postgres_data");
        });

        it("reads a host with no installation and inspects nothing", async () => {
            const docker = new FakeDocker([], [], []);
            const inventory = await readInventory(docker);
            assert.deepStrictEqual(inventory, { dockerHost: docker.host, containers: [], composeProject: undefined, network: undefined, postgresVolume: undefined });
            assert.strictEqual(docker.commands.length, 3);
        });
    });
});
