import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AdoptDeps, main } from "../../../adopt/cli";
import { processAdoptPulumiRunner, secretSetArgs } from "../../../adopt/pulumiConfig";
import { FakeDocker } from "./support/fakeDocker";
import { FakePulumi } from "./support/fakePulumi";
import { containerNamed, containersJson, INSTALL_ENV, SECRET_VALUES } from "./support/fixtures";

const HOST = "unix:///var/run/docker.sock";

describe("adopt CLI", () => {
    let pulumi: FakePulumi;
    let docker: FakeDocker;
    let dockerHosts: string[];
    let out: string[];
    let errors: string[];
    let deps: AdoptDeps;
    beforeEach(() => {
        pulumi = new FakePulumi();
        docker = new FakeDocker();
        dockerHosts = [];
        out = [];
        errors = [];
        deps = {
            pulumi,
            docker: host => { dockerHosts.push(host); return docker; },
            print: line => out.push(...line.split("\n")),
            printError: line => errors.push(...line.split("\n")),
        };
    });

    /** Nothing adopt printed or passed on a command line holds a secret value. */
    function assertNoSecretShown(): void {
        const shown = [...out, ...errors, ...pulumi.lines, ...docker.commands].join("\n");
        for (const secret of SECRET_VALUES) {
            assert.ok(!shown.includes(secret), `${secret} appeared in:\n${shown}`);
        }
    }

    it("--dry-run prints the plan, secrets as [secret], and sets nothing", async () => {
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod", "--dry-run"], deps), 0);
        assert.deepStrictEqual(pulumi.lines, ["pulumi config get --stack prod -- allowPrerelease"]);
        assert.deepStrictEqual(errors, []);
        const plan = out.filter(line => /^ {2}[a-zA-Z]+ +\S/.test(line) && out.indexOf(line) > out.indexOf("Stack config to set on prod:"));
        assert.deepStrictEqual(plan.map(line => line.trim().split(/\s+/).slice(0, 2)), [
            ["imageTag", "v1.5.8"], ["registry", "docker.io"], ["namespace", "yyhuni"], ["redisImage", "redis:7-alpine"],
            ["dockerHost", HOST], ["publicHost", "10.20.0.5"], ["publicPort", "8083"], ["bindAddress", "0.0.0.0"],
            ["dataDir", "/opt/xingrin"], ["tlsCertDir", "/root/xingrin/docker/nginx/ssl"], ["databaseHost", "postgres"],
            ["databasePort", "5432"], ["databaseName", "xingrin"], ["databaseUser", "postgres"],
            ["postgresVolume", "docker_postgres_data"], ["databaseBindAddress", "0.0.0.0"],
            ["databasePassword", "[secret]"], ["djangoSecretKey", "[secret]"], ["workerApiKey", "[secret]"],
            ["serverExtraEnv", "[secret]"], ["takeoverComposeProject", "docker"], ["takeoverNetworkId", "3c5bac42a239df2b51af56f285ab6d6b6e2bb2bac5b246c00ff00ba4cef16d2c"],
        ]);
        assert.strictEqual(out[out.length - 1],
            "--dry-run: nothing was set. Without --dry-run, adopt sets these 22 keys (4 as secrets) on stack prod.");
        assertNoSecretShown();
    });

    it("sets plain keys on the command line and secrets through stdin, encrypted", async () => {
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod"], deps), 0);
        assert.deepStrictEqual(pulumi.lines, [
            "pulumi config get --stack prod -- allowPrerelease",
            "pulumi config set --stack prod -- imageTag v1.5.8",
            "pulumi config set --stack prod -- registry docker.io",
            "pulumi config set --stack prod -- namespace yyhuni",
            "pulumi config set --stack prod -- redisImage redis:7-alpine",
            `pulumi config set --stack prod -- dockerHost ${HOST}`,
            "pulumi config set --stack prod -- publicHost 10.20.0.5",
            "pulumi config set --stack prod -- publicPort 8083",
            "pulumi config set --stack prod -- bindAddress 0.0.0.0",
            "pulumi config set --stack prod -- dataDir /opt/xingrin",
            "pulumi config set --stack prod -- tlsCertDir /root/xingrin/docker/nginx/ssl",
            "pulumi config set --stack prod -- databaseHost postgres",
            "pulumi config set --stack prod -- databasePort 5432",
            "pulumi config set --stack prod -- databaseName xingrin",
            "pulumi config set --stack prod -- databaseUser postgres",
            "pulumi config set --stack prod -- postgresVolume docker_postgres_data",
            "pulumi config set --stack prod -- databaseBindAddress 0.0.0.0",
            "pulumi config set --secret --raw --stack prod -- databasePassword",
            "pulumi config set --secret --raw --stack prod -- djangoSecretKey",
            "pulumi config set --secret --raw --stack prod -- workerApiKey",
            "pulumi config set --secret --raw --stack prod -- serverExtraEnv",
            "pulumi config set --stack prod -- takeoverComposeProject docker",
            "pulumi config set --stack prod -- takeoverNetworkId 3c5bac42a239df2b51af56f285ab6d6b6e2bb2bac5b246c00ff00ba4cef16d2c",
        ]);
        const stdin = pulumi.commands.filter(command => command.stdin !== undefined).map(command => command.stdin);
        assert.deepStrictEqual(stdin.slice(0, 3), SECRET_VALUES);
        assert.deepStrictEqual(JSON.parse(stdin[3]!).LOG_LEVEL, "DEBUG", "the other .env keys, as one secret object");
        assert.deepStrictEqual([...pulumi.secrets], ["databasePassword", "djangoSecretKey", "workerApiKey", "serverExtraEnv"]);
        assert.strictEqual(pulumi.config.databasePassword, SECRET_VALUES[0]);
        assert.deepStrictEqual(out.slice(-2), [
            "Set 22 keys on stack prod (4 as secrets). Review the takeover with:",
            "  pulumi preview --stack prod --diff",
        ]);
        assertNoSecretShown();
    });

    it("reads the Docker host --docker-host names and sets it as dockerHost", async () => {
        docker = new FakeDocker(undefined, undefined, undefined, "ssh://root@10.20.0.5");
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod", "--docker-host", "ssh://root@10.20.0.5"], deps), 0);
        assert.deepStrictEqual(dockerHosts, ["ssh://root@10.20.0.5"]);
        assert.ok(docker.commands.every(command => command.startsWith("docker --host ssh://root@10.20.0.5 ")));
        assert.strictEqual(pulumi.config.dockerHost, "ssh://root@10.20.0.5");
    });

    it("refuses an installation it cannot take over: exit 1, the reasons, nothing set", async () => {
        docker = new FakeDocker(containersJson().filter(container => container.Name !== "/xingrin-postgres"));
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
        assert.deepStrictEqual(errors, [
            `error: cannot adopt the XingRin installation on ${HOST}:`,
            "  - DB_HOST is postgres (the database runs beside XingRin) but no postgres container was found, so the volume holding " +
                "the data is unknown. Start the installation (`docker compose up -d`) so adopt can see it, or set DB_HOST to the external database host",
        ]);
        assert.ok(!pulumi.lines.some(line => line.startsWith("pulumi config set")), pulumi.lines.join("\n"));
        assertNoSecretShown();
    });

    it("refuses mixed tags before setting anything", async () => {
        const containers = containersJson();
        containerNamed(containers, "xingrin-agent").Config.Image = "yyhuni/xingrin-agent:v1.5.7";
        docker = new FakeDocker(containers);
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod", "--dry-run"], deps), 1);
        assert.match(errors[1], /^ {2}- the XingRin containers run different tags \(xingrin-agent v1\.5\.7, xingrin-frontend v1\.5\.8,/);
        assert.deepStrictEqual(out, []);
    });

    it("stops at a stack pulumi does not know, before asking Docker", async () => {
        pulumi.missingStack = true;
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
        assert.deepStrictEqual(errors, ["error: `pulumi config get --stack prod -- allowPrerelease` failed (exit 255): error: no stack named 'prod' found"]);
        assert.deepStrictEqual(docker.commands, []);
    });

    it("reports a failed secret set with the command line only", async () => {
        pulumi.captureWithInput = async args => {
            pulumi.commands.push({ line: ["pulumi", ...args].join(" ") });
            return { code: 255, stdout: "", stderr: "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE\n" };
        };
        assert.strictEqual(await main(["--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
        assert.deepStrictEqual(errors, ["error: `pulumi config set --secret --raw --stack prod -- databasePassword` failed (exit 255): " +
            "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE"]);
        assertNoSecretShown();
    });

    it("names the .env it cannot read", async () => {
        const missing = path.join(os.tmpdir(), "xingrin-adopt-missing", ".env");
        assert.strictEqual(await main(["--env", missing, "--stack", "prod"], deps), 1);
        assert.match(errors[0], new RegExp(`^error: cannot read ${missing}: it does not exist`));
        assert.deepStrictEqual(pulumi.lines, []);
    });

    it("names the missing keys of an incomplete .env, and no value", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-adopt-cli-"));
        try {
            const file = path.join(dir, ".env");
            fs.writeFileSync(file, fs.readFileSync(INSTALL_ENV, "utf8").replace(/^(DJANGO_SECRET_KEY|PUBLIC_HOST)=.*$/mg, ""));
            assert.strictEqual(await main(["--env", file, "--stack", "prod"], deps), 1);
            assert.match(errors[0], new RegExp(`^error: ${file}: missing PUBLIC_HOST, DJANGO_SECRET_KEY\\.`));
            assertNoSecretShown();
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    const misuse: Array<[string[], RegExp]> = [
        [[], /^error: adopt needs --env and --stack$/],
        [["--env", INSTALL_ENV], /^error: adopt needs --stack$/],
        [["--env", INSTALL_ENV, "--stack", "prod", "--yes"], /^error: Unknown option '--yes'/],
        [["--env", INSTALL_ENV, "--stack", "prod", "extra"], /^error: Unexpected argument 'extra'/],
        [["--env", INSTALL_ENV, "--stack", "prod", "--docker-host", "/var/run/docker.sock"],
            /^error: dockerHost "\/var\/run\/docker\.sock" is not a Docker endpoint: use unix:\/\/\/var\/run\/docker\.sock, ssh:\/\/user@host or tcp:\/\/host:2376$/],
    ];
    for (const [argv, message] of misuse) {
        it(`refuses \`${argv.join(" ")}\` and runs nothing`, async () => {
            assert.strictEqual(await main(argv, deps), 1);
            assert.match(errors[0], message);
            assert.deepStrictEqual([...pulumi.lines, ...docker.commands], []);
        });
    }

    it("prints its usage for --help", async () => {
        assert.strictEqual(await main(["--help"], deps), 0);
        assert.match(out[1], /npm run adopt -- --env <xingrin>\/docker\/\.env --stack <name>/);
    });
});

describe("adopt: a secret reaches pulumi on stdin", () => {
    it("puts no value among the arguments of a secret set", () => {
        assert.deepStrictEqual(secretSetArgs("databasePassword", "prod"), ["config", "set", "--secret", "--raw", "--stack", "prod", "--", "databasePassword"]);
    });

    it("writes the value to the program's standard input", async () => {
        // `cat` echoes its stdin: proof that the value travels there and not on the command line.
        const result = await processAdoptPulumiRunner("cat").captureWithInput([], "s3cret\nwith a newline");
        assert.deepStrictEqual(result, { code: 0, stdout: "s3cret\nwith a newline", stderr: "" });
    });

    it("says how to get pulumi when it is missing", async () => {
        await assert.rejects(processAdoptPulumiRunner("/nonexistent/pulumi").captureWithInput(["version"], ""), {
            name: "AdoptError",
            message: "/nonexistent/pulumi was not found: put the pulumi CLI on PATH or set PULUMI=/path/to/pulumi",
        });
    });
});
