import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliDeps, main } from "../../../release/cli";
import { FakeHosts } from "../release/support/fakeHosts";
import { FakePulumi } from "../release/support/fakePulumi";
import { FakeDocker } from "./support/fakeDocker";
import { containerNamed, containersJson, INSTALL_ENV, installEnvText, SECRET_VALUES } from "./support/fixtures";

const HOST = "unix:///var/run/docker.sock";
const REFUSED = `error: cannot adopt the XingRin installation on ${HOST}:`;
/** What adopt asks pulumi before it sets anything: the target stack's prerelease rule. */
const READ_ONLY = ["pulumi config get --stack prod -- allowPrerelease"];

describe("npm run adopt (release CLI adopt)", () => {
    let dir: string;
    let fake: FakePulumi;
    let docker: FakeDocker;
    let dockerHosts: string[];
    let out: string[];
    let errors: string[];
    let deps: CliDeps;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-adopt-cli-"));
        fake = new FakePulumi();
        docker = new FakeDocker();
        dockerHosts = [];
        out = [];
        errors = [];
        deps = {
            pulumi: fake,
            openHosts: new FakeHosts({}).open,
            docker: host => { dockerHosts.push(host); return docker; },
            versionFile: path.join(dir, "VERSION"),
            print: line => out.push(...line.split("\n")),
            printError: line => errors.push(...line.split("\n")),
        };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Nothing adopt printed or passed on a command line holds a secret value. */
    function assertNoSecretShown(secrets: readonly string[] = SECRET_VALUES): void {
        const shown = [...out, ...errors, ...fake.commands, ...docker.commands].join("\n");
        for (const secret of secrets) {
            assert.ok(!shown.includes(secret), `${secret} appeared in:\n${shown}`);
        }
    }

    /** The fixture .env with lines replaced or added (KEY=value replaces KEY's line), written to a file of its own. */
    function envFile(...edits: string[]): string {
        let text = installEnvText();
        for (const edit of edits) {
            const key = edit.slice(0, edit.indexOf("="));
            const line = new RegExp(`^${key.replace(/\./g, "\\.")}=.*$`, "m");
            text = line.test(text) ? text.replace(line, edit) : `${text}${edit}\n`;
        }
        const file = path.join(dir, ".env");
        fs.writeFileSync(file, text);
        return file;
    }

    const configSets = () => fake.commands.filter(command => command.startsWith("pulumi config set"));

    it("--dry-run prints the stack, the plan, secrets as [secret], and sets nothing", async () => {
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod", "--dry-run"], deps), 0);
        assert.deepStrictEqual(fake.commands, READ_ONLY);
        assert.deepStrictEqual(errors, []);
        assert.strictEqual(out[0], "stack prod (named by --stack)");
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

    it("sets plain keys on the command line and secrets through stdin, encrypted, each after `--`", async () => {
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod"], deps), 0);
        assert.deepStrictEqual(fake.commands, [
            ...READ_ONLY,
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
        assert.deepStrictEqual(fake.inputs.map(({ command }) => command.split(" ").pop()),
            ["databasePassword", "djangoSecretKey", "workerApiKey", "serverExtraEnv"], "only the secrets went on stdin");
        const stdin = fake.inputs.map(({ input }) => input);
        assert.deepStrictEqual(stdin.slice(0, 3), SECRET_VALUES);
        assert.deepStrictEqual(JSON.parse(stdin[3]).LOG_LEVEL, "DEBUG", "the other .env keys, as one secret object");
        assert.deepStrictEqual([...fake.secrets], ["databasePassword", "djangoSecretKey", "workerApiKey", "serverExtraEnv"]);
        assert.strictEqual(fake.config.databasePassword, SECRET_VALUES[0]);
        assert.deepStrictEqual(out.slice(-2), [
            "Set 22 keys on stack prod (4 as secrets). Review the takeover with:",
            "  pulumi preview --stack prod --diff",
        ]);
        assertNoSecretShown();
    });

    it("a secret that starts with \"-\" reaches pulumi as a value: on stdin, after `--` and the key", async () => {
        assert.strictEqual(await main(["adopt", "--env", envFile("DB_PASSWORD=-pg-Secret-dash"), "--stack", "prod"], deps), 0);
        assert.deepStrictEqual(fake.inputs[0], { command: "pulumi config set --secret --raw --stack prod -- databasePassword", input: "-pg-Secret-dash" });
        assert.strictEqual(fake.config.databasePassword, "-pg-Secret-dash");
        assertNoSecretShown(["-pg-Secret-dash"]);
    });

    it("without --stack: adopts into the selected stack, named on the first line", async () => {
        fake.selected = "prod";
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV], deps), 0);
        assert.strictEqual(out[0], "stack prod (the selected stack, from `pulumi stack --show-name`; --stack names another)");
        assert.deepStrictEqual(fake.commands.slice(0, 3), [
            "pulumi stack --show-name", ...READ_ONLY, "pulumi config set --stack prod -- imageTag v1.5.8",
        ]);
    });

    it("without --stack and with no stack selected: refuses as every command does, before reading anything", async () => {
        const env = path.join(dir, "missing.env");
        assert.strictEqual(await main(["adopt", "--env", env], deps), 1);
        assert.deepStrictEqual(errors, [
            "error: no stack is selected and --stack was not given, so adopt does not know which stack to act on: " +
            `name it with --stack (\`npm run adopt -- --env ${env} --stack <stack>\`; \`pulumi stack ls\` lists them), ` +
            "or select one with `pulumi stack select <stack>`",
        ]);
        assert.deepStrictEqual(fake.commands, ["pulumi stack --show-name"]);
        assert.deepStrictEqual(docker.commands, []);
    });

    it("reads the Docker host --docker-host names and sets it as dockerHost", async () => {
        docker = new FakeDocker(undefined, undefined, undefined, "ssh://root@10.20.0.5");
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod", "--docker-host", "ssh://root@10.20.0.5"], deps), 0);
        assert.deepStrictEqual(dockerHosts, ["ssh://root@10.20.0.5"]);
        assert.ok(docker.commands.every(command => command.startsWith("docker --host ssh://root@10.20.0.5 ")));
        assert.strictEqual(fake.config.dockerHost, "ssh://root@10.20.0.5");
    });

    it("refuses an installation it cannot take over: exit 1, `error:` and the reasons, nothing set", async () => {
        docker = new FakeDocker(containersJson().filter(container => container.Name !== "/xingrin-postgres"));
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
        assert.deepStrictEqual(errors, [
            REFUSED,
            "  - DB_HOST is postgres (the database runs beside XingRin) but no postgres container was found, so the volume holding " +
                "the data is unknown. Start the installation (`docker compose up -d`) so adopt can see it, or set DB_HOST to the external database host",
        ]);
        assert.deepStrictEqual(fake.commands, READ_ONLY);
        assertNoSecretShown();
    });

    it("refuses mixed tags before printing a plan or setting anything", async () => {
        const containers = containersJson();
        containerNamed(containers, "xingrin-agent").Config.Image = "yyhuni/xingrin-agent:v1.5.7";
        docker = new FakeDocker(containers);
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod", "--dry-run"], deps), 1);
        assert.match(errors[1], /^ {2}- the XingRin containers run different tags \(xingrin-agent v1\.5\.7, xingrin-frontend v1\.5\.8,/);
        assert.deepStrictEqual(out, ["stack prod (named by --stack)"]);
    });

    describe("runs the program's config checks on every value before it sets one", () => {
        // [what is wrong, the .env edits, the refusal line: where the value came from, then the program's message]
        const hostile: Array<[string, string[], string]> = [
            ["a public host that starts with \"-\"", ["PUBLIC_HOST=-oProxyCommand=touch"],
                ".env PUBLIC_HOST (line 18): publicHost \"-oProxyCommand=touch\" starts with \"-\", which ssh and docker would read " +
                "as an option; use a DNS name such as \"scan.example.com\" or an IP address such as \"10.0.0.5\""],
            ["a database name with a line break", ["DB_NAME=\"xingrin\\nDROP\""],
                ".env DB_NAME (line 9): databaseName \"xingrin\\nDROP\" is not a PostgreSQL name; use a letter or \"_\", then letters, " +
                "digits or \"_\", at most 63 characters, for example \"xingrin\""],
            ["a worker API key with a line break (a secret: named, never shown)", ["WORKER_API_KEY=\"wk-Secret-one\\nwk-Secret-two\""],
                ".env WORKER_API_KEY (line 22): workerApiKey has a line break (the value is secret and not shown); the agents read " +
                "the key as one line, so set it without one: run `pulumi config set --secret workerApiKey <value>`"],
            ["a .env key the server cannot get as a variable name", ["MY.SETTING=1"],
                ".env RESULTS_DIR, LOGS_DIR, LOG_LEVEL, SCAN_RETENTION_DAYS, MY.SETTING: serverExtraEnv: \"MY.SETTING\" is not an " +
                "environment variable name: use letters, digits and _, not starting with a digit"],
        ];
        for (const [what, edits, problem] of hostile) {
            it(`${what}: exit 1, the key, where it came from and the fix, and no config set`, async () => {
                assert.strictEqual(await main(["adopt", "--env", envFile(...edits), "--stack", "prod"], deps), 1);
                assert.deepStrictEqual(errors, [REFUSED, `  - ${problem}`]);
                assert.deepStrictEqual(fake.commands, READ_ONLY);
                assert.deepStrictEqual(fake.inputs, []);
                assertNoSecretShown([...SECRET_VALUES, "wk-Secret-one", "wk-Secret-two"]);
            });
        }

        it("an image tag that is not a version, in .env and on every container", async () => {
            const containers = containersJson();
            containers.forEach(container => { container.Config.Image = container.Config.Image.replace(":v1.5.8", ":latest"); });
            docker = new FakeDocker(containers);
            assert.strictEqual(await main(["adopt", "--env", envFile("IMAGE_TAG=latest"), "--stack", "prod", "--dry-run"], deps), 1);
            assert.deepStrictEqual(errors, [REFUSED,
                "  - images of the 5 XingRin containers: imageTag \"latest\" is not a version tag: it must start with \"v\"; " +
                "use \"v\" followed by a semantic version, for example \"v1.5.8\""]);
            assert.deepStrictEqual(fake.commands, READ_ONLY);
            assert.deepStrictEqual(out, ["stack prod (named by --stack)"], "no plan is printed for values the program refuses");
        });

        it("a value read from a container: a TLS directory with \":\" in its path", async () => {
            const containers = containersJson();
            const nginx = containerNamed(containers, "xingrin-nginx");
            nginx.Mounts.find((mount: any) => mount.Destination === "/etc/nginx/ssl").Source = "/root/xingrin/docker/nginx:ssl";
            docker = new FakeDocker(containers);
            assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
            assert.deepStrictEqual(errors, [REFUSED,
                "  - mount /etc/nginx/ssl of xingrin-nginx: tlsCertDir \"/root/xingrin/docker/nginx:ssl\" contains \":\", which " +
                "Docker's bind mounts use as a separator; use an absolute path such as \"/opt/xingrin/ssl\""]);
            assert.deepStrictEqual(configSets(), []);
        });

        it("every refused value at once, after the installation's own problems", async () => {
            const file = envFile("PUBLIC_HOST=-x", "DB_USER=postgres user", "PUBLIC_PORT=443");
            assert.strictEqual(await main(["adopt", "--env", file, "--stack", "prod"], deps), 1);
            const expected = [
                /^ {2}- xingrin-nginx publishes port 8083, but PUBLIC_PORT is 443: /,
                /^ {2}- \.env PUBLIC_HOST \(line 18\): publicHost "-x" starts with "-"/,
                /^ {2}- \.env DB_USER \(line 10\): databaseUser "postgres user" is not a PostgreSQL name/,
            ];
            assert.strictEqual(errors.length, 1 + expected.length, errors.join("\n"));
            expected.forEach((line, index) => assert.match(errors[1 + index], line));
            assert.deepStrictEqual(configSets(), []);
        });
    });

    it("stops at a stack pulumi does not know, before asking Docker", async () => {
        fake.missingStack = true;
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
        assert.deepStrictEqual(errors, ["error: `pulumi config get --stack prod -- allowPrerelease` failed (exit 255): error: no stack named 'prod' found"]);
        assert.deepStrictEqual(docker.commands, []);
    });

    it("reports a failed secret set with the command line only", async () => {
        const answer = fake.capture.bind(fake);
        fake.capture = async (args, input) => input === undefined ? answer(args)
            : { code: 255, stdout: "", stderr: "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE\n" };
        assert.strictEqual(await main(["adopt", "--env", INSTALL_ENV, "--stack", "prod"], deps), 1);
        assert.deepStrictEqual(errors, ["error: `pulumi config set --secret --raw --stack prod -- databasePassword` failed (exit 255): " +
            "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE"]);
        assertNoSecretShown();
    });

    it("names the .env it cannot read", async () => {
        const missing = path.join(os.tmpdir(), "xingrin-adopt-missing", ".env");
        assert.strictEqual(await main(["adopt", "--env", missing, "--stack", "prod"], deps), 1);
        assert.match(errors[0], new RegExp(`^error: cannot read ${missing}: it does not exist`));
        assert.deepStrictEqual(fake.commands, []);
    });

    it("names the missing keys of an incomplete .env, and no value", async () => {
        const file = path.join(dir, "incomplete.env");
        fs.writeFileSync(file, installEnvText().replace(/^(DJANGO_SECRET_KEY|PUBLIC_HOST)=.*$/mg, ""));
        assert.strictEqual(await main(["adopt", "--env", file, "--stack", "prod"], deps), 1);
        assert.match(errors[0], new RegExp(`^error: ${file}: missing PUBLIC_HOST, DJANGO_SECRET_KEY\\.`));
        assertNoSecretShown();
    });

    const misuse: Array<[string[], RegExp]> = [
        [["adopt"], /^error: adopt needs --env, the docker\/\.env that install\.sh wrote in the XingRin checkout: `npm run adopt -- --env \/root\/xingrin\/docker\/\.env`$/],
        [["adopt", "--env", " ", "--stack", "prod"], /^error: adopt needs --env, .*: `npm run adopt -- --env \/root\/xingrin\/docker\/\.env --stack prod`$/],
        [["adopt", "--env", INSTALL_ENV, "--stack", "prod", "--yes"], /^error: adopt does not take --yes \(it takes --stack, --env, --docker-host, --dry-run, --help\)$/],
        [["adopt", "--env", INSTALL_ENV, "--stack", "prod", "extra"], /^error: adopt takes no arguments, only flags: `npm run adopt -- --env \/root\/xingrin\/docker\/\.env --stack prod`$/],
        [["adopt", "--env", INSTALL_ENV, "--stack", " "], /^error: --stack is empty: name a stack/],
        [["adopt", "--env", INSTALL_ENV, "--stack", "prod", "--docker-host", "/var/run/docker.sock"],
            /^error: dockerHost "\/var\/run\/docker\.sock" is not a Docker endpoint: use unix:\/\/\/var\/run\/docker\.sock, ssh:\/\/user@host or tcp:\/\/host:2376$/],
        [["bump", "v1.6.1", "--stack", "prod", "--env", INSTALL_ENV], /^error: bump does not take --env \(it takes --stack, --no-preview, --help\)$/],
    ];
    for (const [argv, message] of misuse) {
        it(`refuses \`${argv.join(" ")}\` and runs nothing`, async () => {
            assert.strictEqual(await main(argv, deps), 1);
            assert.match(errors[0], message);
            assert.deepStrictEqual([...fake.commands, ...docker.commands], []);
        });
    }

    it("prints its usage for --help, with the shared --stack rule", async () => {
        assert.strictEqual(await main(["adopt", "--help"], deps), 0);
        assert.strictEqual(out[1], "  npm run adopt -- --env <xingrin>/docker/.env [--stack <stack>] [--docker-host <endpoint>] [--dry-run]");
        assert.match(out.join("\n"), /Without it, the command uses the stack `pulumi stack select` chose/);
        assert.deepStrictEqual(fake.commands, []);
    });
});
