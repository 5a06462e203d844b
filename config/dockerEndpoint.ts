import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "./errors";
import { validateDirectory } from "./paths";

/** How the program reaches the main server's Docker: dockerHost, and for tcp:// the client's TLS files. */
export interface DockerEndpoint {
    host: string;
    /** A directory with ca.pem, cert.pem and key.pem (Docker's DOCKER_CERT_PATH), for a tcp:// host. */
    certPath?: string;
}

/** The files Docker's client reads from DOCKER_CERT_PATH. */
export const DOCKER_TLS_FILES = ["ca.pem", "cert.pem", "key.pem"];

/**
 * A tcp:// Docker API without TLS lets anyone who reaches the port run containers as root on the
 * host, and every update sends databasePassword, djangoSecretKey and workerApiKey across it in
 * container environments: refused. With dockerCertPath the program and its steps verify the daemon
 * and authenticate to it (DOCKER_TLS_VERIFY). `exists` is for tests.
 */
export function validateDockerEndpoint(host: string, certPath: string | undefined,
    exists: (file: string) => boolean = fs.existsSync): DockerEndpoint {
    const tcp = host.startsWith("tcp://");
    if (certPath === undefined) {
        if (tcp) {
            throw new ConfigError(
                `dockerHost ${host} is Docker's API over TCP, and without TLS anyone who reaches it controls the host and reads ` +
                "the secrets sent there: set dockerCertPath to the directory with the client's ca.pem, cert.pem and key.pem " +
                "(the daemon run with --tlsverify), or use ssh://user@host");
        }
        return { host };
    }
    if (!tcp) {
        throw new ConfigError(`dockerCertPath is for a tcp:// dockerHost, and ${host} does not use it: remove dockerCertPath`);
    }
    validateDirectory("dockerCertPath", certPath, "/home/me/.docker/xingrin-main", path, false);
    const missing = DOCKER_TLS_FILES.filter(file => !exists(path.join(certPath, file)));
    if (missing.length > 0) {
        throw new ConfigError(
            `dockerCertPath ${certPath} has no ${missing.join(", ")}: put the Docker client's TLS files there ` +
            `(${DOCKER_TLS_FILES.join(", ")}, signed by the CA the daemon trusts)`);
    }
    return { host, certPath };
}

/** The environment a step's docker commands need to reach the endpoint. */
export function dockerEnvironment(endpoint: DockerEndpoint): Record<string, string> {
    return endpoint.certPath === undefined
        ? { DOCKER_HOST: endpoint.host }
        : { DOCKER_HOST: endpoint.host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: endpoint.certPath };
}

/** The same as docker command-line options, for a docker run by the release CLI. */
export function dockerOptions(endpoint: DockerEndpoint): string[] {
    const tls = endpoint.certPath === undefined ? [] : ["--tlsverify",
        "--tlscacert", path.join(endpoint.certPath, "ca.pem"),
        "--tlscert", path.join(endpoint.certPath, "cert.pem"),
        "--tlskey", path.join(endpoint.certPath, "key.pem")];
    return ["--host", endpoint.host, ...tls];
}
