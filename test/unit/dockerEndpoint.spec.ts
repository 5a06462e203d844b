import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerEnvironment, dockerOptions, validateDockerEndpoint } from "../../config/dockerEndpoint";
import { named, runProgram } from "../support/program";
import { prodConfig, SECRET_KEYS } from "../support/fixtures";

const everyFile = () => true;

describe("dockerHost over tcp:// needs TLS (issue 18)", () => {
    it("refuses tcp:// without dockerCertPath, naming the setting and the fix", () => {
        assert.throws(() => validateDockerEndpoint("tcp://10.0.0.2:2375", undefined, everyFile), {
            name: "ConfigError",
            message: "dockerHost tcp://10.0.0.2:2375 is Docker's API over TCP, and without TLS anyone who reaches it controls the host " +
                "and reads the secrets sent there: set dockerCertPath to the directory with the client's ca.pem, cert.pem and key.pem " +
                "(the daemon run with --tlsverify), or use ssh://user@host",
        });
    });

    it("names the TLS files a dockerCertPath lacks", () => {
        assert.throws(() => validateDockerEndpoint("tcp://10.0.0.2:2376", "/etc/xingrin/docker", file => file.endsWith("ca.pem")),
            /^ConfigError: dockerCertPath \/etc\/xingrin\/docker has no cert\.pem, key\.pem: put the Docker client's TLS files there/);
    });

    it("refuses dockerCertPath for an endpoint that does not use it, and a relative one", () => {
        assert.throws(() => validateDockerEndpoint("unix:///var/run/docker.sock", "/etc/certs", everyFile),
            /^ConfigError: dockerCertPath is for a tcp:\/\/ dockerHost, and unix:\/\/\/var\/run\/docker\.sock does not use it/);
        assert.throws(() => validateDockerEndpoint("tcp://h:2376", "certs", everyFile), /dockerCertPath "certs" is a relative path/);
    });

    it("gives every docker the program runs the TLS settings: its steps' environment and the release CLI's options", () => {
        const endpoint = validateDockerEndpoint("tcp://10.0.0.2:2376", "/etc/xingrin/docker", everyFile);
        assert.deepStrictEqual(dockerEnvironment(endpoint),
            { DOCKER_HOST: "tcp://10.0.0.2:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/etc/xingrin/docker" });
        assert.deepStrictEqual(dockerOptions(endpoint), ["--host", "tcp://10.0.0.2:2376", "--tlsverify",
            "--tlscacert", "/etc/xingrin/docker/ca.pem", "--tlscert", "/etc/xingrin/docker/cert.pem", "--tlskey", "/etc/xingrin/docker/key.pem"]);
        assert.deepStrictEqual(dockerEnvironment({ host: "unix:///var/run/docker.sock" }), { DOCKER_HOST: "unix:///var/run/docker.sock" });
    });

    it("through the program: the docker provider verifies the daemon, and so does every step run against it", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-tls-"));
        for (const file of ["ca.pem", "cert.pem", "key.pem"]) fs.writeFileSync(path.join(dir, file), "pem");
        try {
            await assert.rejects(runProgram(prodConfig({ dockerHost: "tcp://10.0.0.2:2375" }), SECRET_KEYS), /dockerCertPath/);
            const run = await runProgram(prodConfig({ dockerHost: "tcp://10.0.0.2:2376", dockerCertPath: dir }), SECRET_KEYS);
            const provider = named(run.resources, "main-server-docker");
            assert.strictEqual(provider.inputs.host, "tcp://10.0.0.2:2376");
            assert.strictEqual(provider.inputs.certPath, dir);
            const steps = run.resources.filter(r => r.type === "command:local:Command" && r.inputs.environment?.DOCKER_HOST !== undefined);
            assert.ok(steps.length >= 5, "the main server's steps");
            for (const step of steps) {
                assert.strictEqual(step.inputs.environment.DOCKER_TLS_VERIFY, "1", step.name);
                assert.strictEqual(step.inputs.environment.DOCKER_CERT_PATH, dir, step.name);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
