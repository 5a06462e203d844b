import { StackConfig } from "./program";

export const SECRET_KEYS = ["databasePassword", "djangoSecretKey", "workerApiKey", "workerSshPrivateKey", "workerPasswords"];

export const SECRETS = {
    databasePassword: "db-pass-4d1f",
    djangoSecretKey: "django-key-9c2e",
    workerApiKey: "worker-key-77ab",
    workerSshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nfixture\n-----END OPENSSH PRIVATE KEY-----",
};

/** XingRin's SSH password for each worker in WORKERS (a secret object). */
export const WORKER_PASSWORDS = { "worker-1": "ssh-pass-w1-5e0c", "worker-2": "ssh-pass-w2-a71d" };

export const WORKERS = [
    { name: "worker-1", address: "10.0.1.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne" },
    { name: "worker-2", address: "10.0.1.12", port: 2222, user: "xingrin", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo" },
];

/** A prod-like stack: a private registry, two remote workers, local database. */
export function prodConfig(overrides: StackConfig = {}): StackConfig {
    return {
        imageTag: "v1.1.0",
        registry: "registry.example.com",
        namespace: "xingrin",
        publicHost: "scan.example.com",
        workers: WORKERS,
        databaseBindAddress: "10.0.0.2",
        ...SECRETS,
        workerPasswords: WORKER_PASSWORDS,
        ...overrides,
    };
}
