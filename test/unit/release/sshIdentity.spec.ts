import * as assert from "assert";
import * as fs from "fs";
import { WorkerHost } from "../../../config/workers";
import { createSshIdentity, knownHostsLine, sshArgs } from "../../../release/sshIdentity";

const WORKERS: WorkerHost[] = [
    { name: "worker-1", address: "10.0.1.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne" },
    { name: "worker-2", address: "10.0.1.12", port: 2222, user: "xingrin", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo" },
];

describe("release ssh identity", () => {
    it("writes the key readable by the owner only, and known_hosts from the configured host keys", () => {
        const identity = createSshIdentity("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----", WORKERS);
        try {
            assert.strictEqual(fs.statSync(identity.keyFile).mode & 0o777, 0o600);
            assert.strictEqual(fs.readFileSync(identity.keyFile, "utf8"), "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n");
            assert.strictEqual(fs.readFileSync(identity.knownHostsFile, "utf8"),
                "10.0.1.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne\n[10.0.1.12]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo\n");
        } finally {
            identity.dispose();
        }
        assert.strictEqual(fs.existsSync(identity.keyFile), false, "the key is deleted afterwards");
        assert.strictEqual(fs.existsSync(identity.knownHostsFile), false);
    });

    it("connects with that key and known_hosts only, refusing unknown host keys", () => {
        assert.strictEqual(knownHostsLine(WORKERS[0]), "10.0.1.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne");
        assert.deepStrictEqual(sshArgs({ keyFile: "/tmp/k", knownHostsFile: "/tmp/kh" }, WORKERS[1]), [
            "-F", "/dev/null",
            "-i", "/tmp/k",
            "-o", "IdentitiesOnly=yes",
            "-o", "UserKnownHostsFile=/tmp/kh",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=10",
            "-p", "2222",
            "-l", "xingrin",
            "10.0.1.12",
        ]);
    });
});
