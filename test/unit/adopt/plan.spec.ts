import * as assert from "assert";
import { readInventory } from "../../../adopt/docker";
import { EnvFile, parseEnvFile } from "../../../adopt/envFile";
import { Inventory } from "../../../adopt/inventory";
import { AdoptionPlan, formatPlan, planAdoption, PlanOptions } from "../../../adopt/plan";
import { FakeDocker } from "./support/fakeDocker";
import { containerNamed, containersJson, INSTALL_ENV, installEnvText, networksJson, SECRET_VALUES, volumeJson } from "./support/fixtures";

const HOST = "unix:///var/run/docker.sock";
const OPTIONS: PlanOptions = { dockerHost: HOST, allowPrerelease: false };

/** The fixture installation as adopt reads it, after changes to its inspect JSON. */
async function inventory(change: (containers: any[], networks: any[], volumes: any[]) => void = () => undefined): Promise<Inventory> {
    const [containers, networks, volumes] = [containersJson(), networksJson(), volumeJson()];
    change(containers, networks, volumes);
    return readInventory(new FakeDocker(containers, networks, volumes, HOST));
}

/** The fixture .env with lines replaced or added (KEY=value replaces KEY's line; a KEY alone removes it). */
function env(...edits: string[]): EnvFile {
    let text = installEnvText();
    for (const edit of edits) {
        const key = edit.split("=")[0];
        const line = new RegExp(`^${key}=.*$`, "m");
        const replacement = edit.includes("=") ? edit : "";
        text = line.test(text) ? text.replace(line, replacement) : `${text}${replacement}\n`;
    }
    return parseEnvFile(text, INSTALL_ENV);
}

async function refusal(envFile: EnvFile, found: Inventory | Promise<Inventory>, options = OPTIONS): Promise<string> {
    const resolved = await found;
    try {
        planAdoption(envFile, resolved, options);
    } catch (error) {
        assert.strictEqual((error as Error).name, "AdoptError");
        return (error as Error).message;
    }
    assert.fail("the installation was accepted");
}

function settingsOf(plan: AdoptionPlan): Array<[string, string, boolean]> {
    return plan.settings.map(setting => [setting.key, setting.value, setting.secret]);
}

const REFUSED = `cannot adopt the XingRin installation on ${HOST}:\n  - `;

describe("adopt: from .env and containers to stack config", () => {
    it("maps a typical install.sh installation to every key, the secrets marked secret, every other .env key carried", async () => {
        const plan = planAdoption(env(), await inventory(), OPTIONS);
        assert.deepStrictEqual(settingsOf(plan), [
            ["imageTag", "v1.5.8", false],
            ["registry", "docker.io", false],
            ["namespace", "yyhuni", false],
            ["redisImage", "redis:7-alpine", false],
            ["dockerHost", HOST, false],
            ["publicHost", "10.20.0.5", false],
            ["publicPort", "8083", false],
            ["bindAddress", "0.0.0.0", false],
            ["dataDir", "/opt/xingrin", false],
            ["tlsCertDir", "/root/xingrin/docker/nginx/ssl", false],
            ["databaseHost", "postgres", false],
            ["databasePort", "5432", false],
            ["databaseName", "xingrin", false],
            ["databaseUser", "postgres", false],
            ["postgresVolume", "docker_postgres_data", false],
            ["databaseBindAddress", "0.0.0.0", false],
            ["databasePassword", SECRET_VALUES[0], true],
            ["djangoSecretKey", SECRET_VALUES[1], true],
            ["workerApiKey", SECRET_VALUES[2], true],
            ["serverExtraEnv", JSON.stringify({ RESULTS_DIR: "/opt/xingrin/results", LOGS_DIR: "/opt/xingrin/logs", LOG_LEVEL: "DEBUG", SCAN_RETENTION_DAYS: "14" }), true],
            ["takeoverComposeProject", "docker", false],
            ["takeoverNetworkId", "3c5bac42a239df2b51af56f285ab6d6b6e2bb2bac5b246c00ff00ba4cef16d2c", false],
        ]);
        assert.deepStrictEqual(plan.notes, [
            "the TLS certificate is in the XingRin checkout (/root/xingrin/docker/nginx/ssl): keep it there, or copy it to " +
                "/opt/xingrin/ssl and set tlsCertDir, before retiring the checkout",
            "passed to the server as they are (serverExtraEnv): RESULTS_DIR, LOGS_DIR, LOG_LEVEL, SCAN_RETENTION_DAYS",
            "also on xingrin_network: eager_tesla (scans in progress?): wait for them to finish before the takeover",
        ]);
    });

    it("says where each value comes from", async () => {
        const plan = planAdoption(env(), await inventory(), OPTIONS);
        const from = Object.fromEntries(plan.settings.map(setting => [setting.key, setting.from]));
        assert.strictEqual(from.imageTag, "images of the 5 XingRin containers");
        assert.strictEqual(from.publicHost, ".env PUBLIC_HOST (line 18)");
        assert.strictEqual(from.postgresVolume, "volume at /var/lib/postgresql/data of xingrin-postgres");
        assert.strictEqual(from.bindAddress, "port 8083/tcp of xingrin-nginx");
        assert.strictEqual(from.databasePassword, ".env DB_PASSWORD (line 11)");
    });

    it("prints the plan with every key and value, and [secret] in place of each secret", async () => {
        const lines = formatPlan(planAdoption(env(), await inventory(), OPTIONS), "prod");
        const text = lines.join("\n");
        for (const secret of SECRET_VALUES) {
            assert.ok(!text.includes(secret), `${secret} printed:\n${text}`);
        }
        assert.ok(lines.includes("  databasePassword        [secret]                                                          .env DB_PASSWORD (line 11)"), text);
        assert.ok(lines.includes("  postgresVolume          docker_postgres_data                                              volume at /var/lib/postgresql/data of xingrin-postgres"), text);
        assert.deepStrictEqual(lines.slice(0, 5), [
            `XingRin installation on ${HOST}`,
            `  .env             ${INSTALL_ENV}`,
            "  compose project  docker",
            "  containers       xingrin-agent yyhuni/xingrin-agent:v1.5.8",
            "                   xingrin-frontend yyhuni/xingrin-frontend:v1.5.8",
        ]);
    });

    it("takes the image registry from the images, however compose spelled them", async () => {
        const plan = planAdoption(env(), await inventory(containers => containers.forEach(c => {
            c.Config.Image = c.Config.Image.replace(/^yyhuni\//, "registry.cn-hangzhou.aliyuncs.com/yyhuni/");
        })), OPTIONS);
        assert.deepStrictEqual(settingsOf(plan).slice(0, 3), [
            ["imageTag", "v1.5.8", false], ["registry", "registry.cn-hangzhou.aliyuncs.com", false], ["namespace", "yyhuni", false],
        ]);
        assert.ok(plan.notes.includes("XingRin hands out docker.io/yyhuni/xingrin-worker:v1.5.8 to workers now (from docker/.env); the program will " +
            "hand out registry.cn-hangzhou.aliyuncs.com/yyhuni/xingrin-worker:v1.5.8, the worker image beside the others"), plan.notes.join("\n"));
    });

    it("keeps secrets exactly as quoted in .env", async () => {
        const plan = planAdoption(env("DB_PASSWORD='p@ss word #1 $x'", "DJANGO_SECRET_KEY=\"a\\\"b\\\\c\""), await inventory(), OPTIONS);
        const value = (key: string) => plan.settings.find(setting => setting.key === key)!.value;
        assert.strictEqual(value("databasePassword"), "p@ss word #1 $x");
        assert.strictEqual(value("djangoSecretKey"), "a\"b\\c");
    });

    it("keeps a volume compose did not name <project>_postgres_data, and says so", async () => {
        const plan = planAdoption(env(), await inventory((containers, _networks, volumes) => {
            containerNamed(containers, "xingrin-postgres").Mounts[0].Name = "xingrin_pg";
            volumes[0].Name = "xingrin_pg";
        }), OPTIONS);
        assert.deepStrictEqual(plan.settings.find(setting => setting.key === "postgresVolume")?.value, "xingrin_pg");
        assert.ok(plan.notes.includes("the postgres volume is xingrin_pg, not docker_postgres_data as compose names it by default: adopt keeps xingrin_pg"));
    });

    it("keeps the addresses ports are published on", async () => {
        const plan = planAdoption(env(), await inventory(containers => {
            containerNamed(containers, "xingrin-nginx").HostConfig.PortBindings["8083/tcp"][0].HostIp = "10.20.0.5";
            containerNamed(containers, "xingrin-postgres").HostConfig.PortBindings["5432/tcp"][0].HostIp = "10.30.0.5";
        }), OPTIONS);
        const value = (key: string) => plan.settings.find(setting => setting.key === key)?.value;
        assert.strictEqual(value("bindAddress"), "10.20.0.5");
        assert.strictEqual(value("databaseBindAddress"), "10.30.0.5");
    });

    it("binds an unpublished postgres to this host only, and says what that means for workers", async () => {
        const plan = planAdoption(env(), await inventory(containers => {
            containerNamed(containers, "xingrin-postgres").HostConfig.PortBindings = {};
        }), OPTIONS);
        assert.strictEqual(plan.settings.find(setting => setting.key === "databaseBindAddress")?.value, "127.0.0.1");
        assert.ok(plan.notes.some(note => note.startsWith("xingrin-postgres publishes no port; the program always publishes databasePort")));
    });

    it("sets no volume or database address for an external database", async () => {
        const plan = planAdoption(env("DB_HOST=db.internal", "DB_PORT=6432"), await inventory(containers => {
            containers.splice(containers.indexOf(containerNamed(containers, "xingrin-postgres")), 1);
        }), OPTIONS);
        const keys = plan.settings.map(setting => setting.key);
        assert.ok(!keys.includes("postgresVolume") && !keys.includes("databaseBindAddress"), keys.join(", "));
        assert.strictEqual(plan.settings.find(setting => setting.key === "databaseHost")?.value, "db.internal");
        assert.strictEqual(plan.settings.find(setting => setting.key === "databasePort")?.value, "6432");
    });

    it("notes what the program runs differently and what is not running", async () => {
        const plan = planAdoption(env("DEBUG=True", "DOCKER_USER=someone"), await inventory(containers => {
            containerNamed(containers, "xingrin-agent").State.Status = "exited";
        }), OPTIONS);
        assert.deepStrictEqual(plan.notes, [
            "XingRin hands out docker.io/someone/xingrin-worker:v1.5.8 to workers now (from docker/.env); the program will " +
                "hand out docker.io/yyhuni/xingrin-worker:v1.5.8, the worker image beside the others",
            "the TLS certificate is in the XingRin checkout (/root/xingrin/docker/nginx/ssl): keep it there, or copy it to " +
                "/opt/xingrin/ssl and set tlsCertDir, before retiring the checkout",
            "passed to the server as they are (serverExtraEnv): RESULTS_DIR, LOGS_DIR, LOG_LEVEL, SCAN_RETENTION_DAYS",
            `${INSTALL_ENV} sets DEBUG=True; the program runs the server with DEBUG=False`,
            "not running: xingrin-agent (exited); the takeover starts the program's containers in their place",
            "also on xingrin_network: eager_tesla (scans in progress?): wait for them to finish before the takeover",
        ]);
    });

    it("accepts TASK_EXECUTOR_IMAGE naming the worker on the running tag", async () => {
        const plan = planAdoption(env("TASK_EXECUTOR_IMAGE=docker.io/yyhuni/xingrin-worker:v1.5.8"), await inventory(), OPTIONS);
        assert.strictEqual(plan.settings[0].value, "v1.5.8");
    });

    it("takes a prerelease only into a stack that allows prereleases", async () => {
        const dev = await inventory(containers => containers.forEach(c => { c.Config.Image = c.Config.Image.replace(":v1.5.8", ":v1.6.0-dev.2"); }));
        assert.strictEqual(await refusal(env("IMAGE_TAG=v1.6.0-dev.2"), dev),
            `${REFUSED}images of the 5 XingRin containers: imageTag "v1.6.0-dev.2" is a prerelease, which this stack does not accept (allowPrerelease is false): ` +
            "use a stable version such as \"v1.6.0\", or set allowPrerelease: true on a development stack");
        assert.strictEqual(planAdoption(env("IMAGE_TAG=v1.6.0-dev.2"), dev, { ...OPTIONS, allowPrerelease: true }).settings[0].value, "v1.6.0-dev.2");
    });

    describe("refusals", () => {
        it("a missing required key, naming every one", async () => {
            assert.strictEqual(await refusal(env("DB_PASSWORD", "WORKER_API_KEY"), inventory()),
                `${INSTALL_ENV}: missing DB_PASSWORD, WORKER_API_KEY. adopt needs IMAGE_TAG, PUBLIC_HOST, PUBLIC_PORT, DB_HOST, DB_PORT, ` +
                "DB_NAME, DB_USER, DB_PASSWORD, DJANGO_SECRET_KEY, WORKER_API_KEY each written out as KEY=value, as install.sh writes them: " +
                "complete the file and run adopt again");
        });

        it("no postgres container while DB_HOST=postgres", async () => {
            assert.strictEqual(await refusal(env(), inventory(containers => {
                containers.splice(containers.indexOf(containerNamed(containers, "xingrin-postgres")), 1);
            })), `${REFUSED}DB_HOST is postgres (the database runs beside XingRin) but no postgres container was found, so the volume ` +
                "holding the data is unknown. Start the installation (`docker compose up -d`) so adopt can see it, or set DB_HOST to the external database host");
        });

        it("postgres data in a bind mount rather than a volume", async () => {
            assert.match(await refusal(env(), inventory(containers => {
                containerNamed(containers, "xingrin-postgres").Mounts[0] = {
                    Type: "bind", Source: "/srv/pgdata", Destination: "/var/lib/postgresql/data", Mode: "", RW: true, Propagation: "rprivate",
                };
            })), /^cannot adopt .*:\n {2}- xingrin-postgres keeps its data in the bind mount \/srv\/pgdata at \/var\/lib\/postgresql\/data, not in a Docker volume/);
        });

        it("a postgres volume on another volume driver", async () => {
            assert.match(await refusal(env(), inventory((_c, _n, volumes) => { volumes[0].Driver = "rexray/ebs"; })),
                /- the postgres volume docker_postgres_data uses the volume driver rexray\/ebs: the program declares its volume with Docker's local driver/);
        });

        it("TASK_EXECUTOR_IMAGE pointing elsewhere", async () => {
            assert.strictEqual(await refusal(env("TASK_EXECUTOR_IMAGE=me/xingrin-worker:patched"), inventory()),
                `${REFUSED}TASK_EXECUTOR_IMAGE in ${INSTALL_ENV} is me/xingrin-worker:patched, not the worker image on the running tag ` +
                "(docker.io/yyhuni/xingrin-worker:v1.5.8): the program hands out the worker image of imageTag, so scans would start running " +
                "a different worker. Remove TASK_EXECUTOR_IMAGE from docker/.env (XingRin then derives the same image), `docker compose up -d`, then adopt");
        });

        it("images on mixed tags", async () => {
            assert.match(await refusal(env(), inventory(containers => {
                containerNamed(containers, "xingrin-server").Config.Image = "yyhuni/xingrin-server:v1.5.9";
            })), /- the XingRin containers run different tags \(.*xingrin-server v1\.5\.9\)/);
        });

        it("an IMAGE_TAG in .env that the containers do not run", async () => {
            assert.strictEqual(await refusal(env("IMAGE_TAG=v1.5.9"), inventory()),
                `${REFUSED}${INSTALL_ENV} says IMAGE_TAG=v1.5.9 but the containers run v1.5.8: an update was started and not finished, ` +
                "or undone by hand. Run `docker compose up -d` (to run v1.5.9) or set IMAGE_TAG back to v1.5.8, then adopt");
        });

        it("nginx published on another port than PUBLIC_PORT", async () => {
            assert.match(await refusal(env("PUBLIC_PORT=443"), inventory()),
                /- xingrin-nginx publishes port 8083, but PUBLIC_PORT is 443: the program publishes nginx on publicPort/);
        });

        it("a port that is not a port, naming its line", async () => {
            assert.match(await refusal(env("DB_PORT=postgres"), inventory()),
                /- DB_PORT=postgres in .*install\.env \(line 8\) is not a TCP port: use a whole number from 1 to 65535/);
        });

        it("a PUBLIC_HOST or DB_HOST the program would refuse: the program's message, after the .env line", async () => {
            const message = await refusal(env("PUBLIC_HOST=https://xingrin.example.com:8083", "DB_HOST=db.internal:5432"), inventory(containers => {
                containers.splice(containers.indexOf(containerNamed(containers, "xingrin-postgres")), 1);
            }));
            assert.strictEqual(message, REFUSED +
                '.env PUBLIC_HOST (line 18): publicHost "https://xingrin.example.com:8083" is a URL, not a host name; use the host alone: "xingrin.example.com"\n  - ' +
                '.env DB_HOST (line 7): databaseHost "db.internal:5432" has a port, which has its own setting; use the host alone: "db.internal"');
        });

        it("an external DB_HOST next to a running postgres container", async () => {
            assert.match(await refusal(env("DB_HOST=db.internal"), inventory()),
                /- DB_HOST is db\.internal, an external database, yet xingrin-postgres runs beside XingRin: which one holds the data is unclear/);
        });

        it("scan data mounted from somewhere other than /opt/xingrin", async () => {
            assert.match(await refusal(env(), inventory(containers => {
                containerNamed(containers, "xingrin-server").Mounts[0].Source = "/data/xingrin";
            })), /- xingrin-server mounts \/data\/xingrin at \/opt\/xingrin: the program mounts dataDir at the same path inside the server/);
        });

        it("every problem at once, never a secret", async () => {
            const message = await refusal(env("IMAGE_TAG=v1.5.9", "PUBLIC_PORT=443", "TASK_EXECUTOR_IMAGE=me/w:1"), inventory(containers => {
                containers.splice(containers.indexOf(containerNamed(containers, "xingrin-postgres")), 1);
            }));
            assert.strictEqual(message.split("\n  - ").length - 1, 4, message);
            for (const secret of SECRET_VALUES) {
                assert.ok(!message.includes(secret), message);
            }
        });
    });
});
