import * as assert from "assert";
import { byType, named, runProgram, scriptOf } from "../support/program";
import { prodConfig, SECRET_KEYS } from "../support/fixtures";

const NETWORK_ID = "3c5bac42a23947e7b1a40d3b5c2e8f6a9d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d";
const TAKEOVER = { takeoverComposeProject: "docker", takeoverNetworkId: NETWORK_ID, postgresVolume: "docker_postgres_data" };
const LOCAL_COMMAND = "command:local:Command";

describe("taking over an install.sh installation", () => {
    it("adopts its network and postgres volume as they are, and never deletes the volume", async () => {
        const run = await runProgram(prodConfig(TAKEOVER), SECRET_KEYS);
        const network = named(run.resources, "main-server-network");
        assert.strictEqual(network.importId, NETWORK_ID);
        // Compose makes its network attachable and labels it; only the name matters to XingRin.
        for (const setting of ["labels", "attachable", "ipamConfigs"]) {
            assert.ok(network.ignoreChanges.includes(setting), `network ${setting} must not replace it`);
        }
        const volume = named(run.resources, "main-server-postgres-data");
        assert.deepStrictEqual([volume.inputs.name, volume.importId, volume.ignoreChanges, volume.retainOnDelete],
            ["docker_postgres_data", "docker_postgres_data", ["labels", "driver", "driverOpts", "name"], true]);
        assert.deepStrictEqual(named(run.resources, "xingrin-postgres").inputs.volumes,
            [{ volumeName: "docker_postgres_data", containerPath: "/var/lib/postgresql/data" }]);
    });

    it("removes compose's containers one service at a time, each right before the program's own starts", async () => {
        const run = await runProgram(prodConfig(TAKEOVER), SECRET_KEYS);
        const steps = byType(run.resources, LOCAL_COMMAND).filter(r => r.name.startsWith("take-over-"));
        assert.deepStrictEqual(steps.map(s => s.name).sort(), ["take-over-nginx", "take-over-postgres", "take-over-redis"]);
        const urn = (name: string) => named(run.resources, name).urn;
        assert.ok(named(run.resources, "xingrin-postgres").dependencies.includes(urn("take-over-postgres")));
        assert.ok(named(run.resources, "xingrin-redis").dependencies.includes(urn("take-over-redis")));
        // nginx (the public port) goes last: after the program's server and frontend run beside compose's.
        const nginxStep = named(run.resources, "take-over-nginx");
        for (const service of ["xingrin-server-v1.1.0", "xingrin-frontend-v1.1.0"]) {
            assert.ok(nginxStep.dependencies.includes(urn(service)), `take-over-nginx must wait for ${service}`);
        }
        assert.ok(named(run.resources, "xingrin-nginx").dependencies.includes(urn("take-over-nginx")));
        assert.match(scriptOf(nginxStep), /for service in 'nginx' 'server' 'agent' 'frontend'; do/);
        assert.match(scriptOf(nginxStep), /--filter label=com\.docker\.compose\.project='docker'/);
        assert.match(scriptOf(nginxStep), /docker rm --force \$ids/);
        assert.ok(!/\s-v\b|--volumes/.test(scriptOf(nginxStep)), "a takeover step must never remove volumes");
        assert.strictEqual(nginxStep.inputs.environment.DOCKER_HOST, "unix:///var/run/docker.sock");
        // Like every phase-2 change, they wait for the whole fleet to be staged.
        for (const step of steps) {
            assert.ok(step.dependencies.includes(urn("worker-2-pre-pull")), `${step.name} must wait for the stage`);
        }
    });

    it("imports and removes nothing on a fresh install", async () => {
        const run = await runProgram(prodConfig(), SECRET_KEYS);
        assert.deepStrictEqual(byType(run.resources, LOCAL_COMMAND).filter(r => r.name.startsWith("take-over-")), []);
        assert.ok(run.resources.every(r => r.importId === ""));
    });

    it("refuses a network id without a project, or one that is not a full id", async () => {
        await assert.rejects(runProgram(prodConfig({ takeoverNetworkId: NETWORK_ID }), SECRET_KEYS), {
            name: "ConfigError",
            message: `takeoverNetworkId "${NETWORK_ID}" is set but takeoverComposeProject is not: set both (npm run adopt writes them), ` +
                "or unset takeoverNetworkId for a fresh install",
        });
        await assert.rejects(runProgram(prodConfig({ ...TAKEOVER, takeoverNetworkId: "3c5bac42a239" }), SECRET_KEYS), {
            name: "ConfigError",
            message: /^takeoverNetworkId "3c5bac42a239" is not a Docker network id: use the full 64-character id/,
        });
    });
});
