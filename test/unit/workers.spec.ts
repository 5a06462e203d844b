import * as assert from "assert";
import { validateWorkers } from "../../config/workers";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey";

describe("workers validation", () => {
    it("fills in port 22 and user root, and keeps the host key", () => {
        assert.deepStrictEqual(validateWorkers([{ name: "w1", address: "10.0.0.5", hostKey: key }]), [
            { name: "w1", address: "10.0.0.5", port: 22, user: "root", hostKey: key },
        ]);
    });

    it("treats a missing list as no workers", () => {
        assert.deepStrictEqual(validateWorkers(undefined), []);
    });

    const cases: Array<[string, unknown, string]> = [
        ["a duplicate name", [{ name: "w1", address: "10.0.0.5", hostKey: key }, { name: "w1", address: "10.0.0.6", hostKey: key }],
            'workers[1] ("w1") has the same name "w1" as workers[0] ("w1"): each worker host must have its own name'],
        ["a duplicate address", [{ name: "w1", address: "10.0.0.5", hostKey: key }, { name: "w2", address: "10.0.0.5", hostKey: key }],
            'workers[1] ("w2") has the same address "10.0.0.5" as workers[0] ("w1"): each worker host must have its own address'],
        ["an empty address", [{ name: "w1", address: " ", hostKey: key }],
            'workers[0] ("w1"): address is empty: set it to the host\'s IP address or DNS name'],
        ["a port out of range", [{ name: "w1", address: "10.0.0.5", port: 70000, hostKey: key }],
            'workers[0] ("w1"): port 70000 is not a TCP port: use a whole number from 1 to 65535 (SSH is usually 22)'],
        ["a port that is text", [{ name: "w1", address: "10.0.0.5", port: "22", hostKey: key }],
            'workers[0] ("w1"): port "22" is not a TCP port: use a whole number from 1 to 65535 (SSH is usually 22)'],
        ["a missing host key", [{ name: "w1", address: "10.0.0.5" }],
            'workers[0] ("w1"): hostKey must be the host\'s public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ' +
            "read it with `ssh-keyscan -p 22 -t ed25519 10.0.0.5` and paste the key part"],
        ["a bad name", [{ name: "Worker 1", address: "10.0.0.5", hostKey: key }],
            'workers[0] ("Worker 1"): name must be lower-case letters, digits and dashes, for example "worker-1"'],
        ["a non-list", { name: "w1" }, "workers must be a list of hosts such as " +
            '[{name: "worker-1", address: "10.0.0.5", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA…"}]'],
    ];
    for (const [what, workers, message] of cases) {
        it(`rejects ${what}, naming the entry`, () => {
            assert.throws(() => validateWorkers(workers), { name: "ConfigError", message });
        });
    }
});
