import * as assert from "assert";
import { validateWorkers } from "../../config/workers";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey";

describe("workers validation", () => {
    it("fills in port 22 and user root, and keeps the host key", () => {
        assert.deepStrictEqual(validateWorkers([{ name: "w1", address: "10.0.0.5", hostKey: key }]), [
            { name: "w1", address: "10.0.0.5", port: 22, user: "root", hostKey: key },
        ]);
    });

    it("takes an IPv6 address and a named user, and an empty user as root", () => {
        assert.deepStrictEqual(validateWorkers([
            { name: "w1", address: "fd00::5", user: "xingrin", hostKey: key },
            { name: "w2", address: "10.0.0.6", user: " ", hostKey: key },
        ]).map(({ address, user }) => ({ address, user })), [
            { address: "fd00::5", user: "xingrin" },
            { address: "10.0.0.6", user: "root" },
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
            'workers[0] ("w1"): address is empty: set it to the host\'s IP address'],
        ["a host name, which XingRin's worker record cannot hold", [{ name: "w1", address: "worker-1.example.com", hostKey: key }],
            'workers[0] ("w1"): address "worker-1.example.com" is a host name, but XingRin keeps an IP address in its worker ' +
            'record (worker_node.ip_address) and starts scans by connecting to it: use the host\'s IP address, for example "10.0.0.5"'],
        ["a loopback address, which XingRin's server cannot reach from its container", [{ name: "w1", address: "127.0.1.1", hostKey: key }],
            'workers[0] ("w1"): address 127.0.1.1 is not reachable from XingRin\'s server: it connects to each worker from inside its ' +
            'container, where a loopback address is the container itself: use the worker\'s address on your network, for example "10.0.0.5"'],
        ["IPv6 loopback", [{ name: "w1", address: "::1", hostKey: key }],
            'workers[0] ("w1"): address ::1 is not reachable from XingRin\'s server: it connects to each worker from inside its ' +
            'container, where a loopback address is the container itself: use the worker\'s address on your network, for example "10.0.0.5"'],
        ["the main server's own name", [{ name: "main-server", address: "10.0.0.5", hostKey: key }],
            'workers[0] ("main-server"): the name main-server is the main server\'s in the stack\'s outputs (versions): give this worker another name, for example "worker-1"'],
        ["a hostKey with a second line (a wildcard known_hosts entry)", [{ name: "w1", address: "10.0.0.5", hostKey: `${key}\n* ${key}` }],
            'workers[0] ("w1"): hostKey has more than one line; it must be the host\'s public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ' +
            "read it with `ssh-keyscan -p 22 -t ed25519 10.0.0.5` and paste the key part"],
        ["a hostKey whose key is of another type than it says", [{ name: "w1", address: "10.0.0.5", hostKey: "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB" }],
            'workers[0] ("w1"): hostKey says "ssh-ed25519" but holds a "ssh-rsa" key; it must be the host\'s public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ' +
            "read it with `ssh-keyscan -p 22 -t ed25519 10.0.0.5` and paste the key part"],
        ["a hostKey of a type OpenSSH does not offer", [{ name: "w1", address: "10.0.0.5", hostKey: "ssh-foo AAAA" }],
            'workers[0] ("w1"): hostKey has the type "ssh-foo", which is not one of ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ' +
            'ecdsa-sha2-nistp521, ssh-rsa; it must be the host\'s public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ' +
            "read it with `ssh-keyscan -p 22 -t ed25519 10.0.0.5` and paste the key part"],
        ["a hostKey that is not base64 of a key", [{ name: "w1", address: "10.0.0.5", hostKey: "ssh-ed25519 AAAA" }],
            'workers[0] ("w1"): hostKey says "ssh-ed25519" but holds no SSH key; it must be the host\'s public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ' +
            "read it with `ssh-keyscan -p 22 -t ed25519 10.0.0.5` and paste the key part"],
        ["a port out of range", [{ name: "w1", address: "10.0.0.5", port: 70000, hostKey: key }],
            'workers[0] ("w1"): port 70000 is not a TCP port: use a whole number from 1 to 65535 (SSH is usually 22)'],
        ["a port that is text", [{ name: "w1", address: "10.0.0.5", port: "22", hostKey: key }],
            'workers[0] ("w1"): port "22" is not a TCP port: use a whole number from 1 to 65535 (SSH is usually 22)'],
        ["a missing host key", [{ name: "w1", address: "10.0.0.5" }],
            'workers[0] ("w1"): hostKey is not one key line of a type, a key and an optional comment; it must be the host\'s public SSH key ("ssh-ed25519 AAAA…") so the connection can be verified: ' +
            "read it with `ssh-keyscan -p 22 -t ed25519 10.0.0.5` and paste the key part"],
        ["a bad name", [{ name: "Worker 1", address: "10.0.0.5", hostKey: key }],
            'workers[0] ("Worker 1"): name must be lower-case letters, digits and dashes, for example "worker-1"'],
        ["a misspelt field, suggesting the known one", [{ name: "w1", adress: "10.0.0.5", hostKey: key }],
            'workers[0] ("w1"): unknown field "adress" (set to "10.0.0.5"); did you mean "address"? ' +
            "A worker entry has only name, address, port, user and hostKey"],
        ["a field in the wrong case", [{ name: "w1", address: "10.0.0.5", hostkey: key }],
            `workers[0] ("w1"): unknown field "hostkey" (set to "${key}"); did you mean "hostKey"? ` +
            "A worker entry has only name, address, port, user and hostKey"],
        ["a field that may hold a credential, without its value", [{ name: "w1", address: "10.0.0.5", hostKey: key, password: "hunter2" }],
            'workers[0] ("w1"): unknown field "password" (value not shown); a worker entry has only name, address, port, user and hostKey'],
        ["a field it cannot place", [{ name: "w1", address: "10.0.0.5", hostKey: key, identityFile: "~/.ssh/id" }],
            'workers[0] ("w1"): unknown field "identityFile" (set to "~/.ssh/id"); a worker entry has only name, address, port, user and hostKey'],
        ["an address starting with -", [{ name: "w1", address: "-oProxyCommand=sh", hostKey: key }],
            'workers[0] ("w1"): address "-oProxyCommand=sh" starts with "-", which ssh and docker would read as an option; ' +
            'use a DNS name such as "worker-1.example.com" or an IP address such as "10.0.0.5"'],
        ["an address given as a URL", [{ name: "w1", address: "ssh://10.0.0.5:22", hostKey: key }],
            'workers[0] ("w1"): address "ssh://10.0.0.5:22" is a URL, not a host name; use the host alone: "10.0.0.5"'],
        ["a user with a space", [{ name: "w1", address: "10.0.0.5", user: "deploy user", hostKey: key }],
            'workers[0] ("w1"): user "deploy user" is not a user name; use up to 32 letters, digits, ".", "_" and "-", ' +
            'not starting with "." or "-", for example "root" or "xingrin"'],
        ["a user that is not text", [{ name: "w1", address: "10.0.0.5", user: 0, hostKey: key }],
            'workers[0] ("w1"): user 0 is not a user name; use up to 32 letters, digits, ".", "_" and "-", ' +
            'not starting with "." or "-", for example "root" or "xingrin"'],
        ["a non-list", { name: "w1" }, "workers must be a list of hosts such as " +
            '[{name: "worker-1", address: "10.0.0.5", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA…"}]'],
    ];
    for (const [what, workers, message] of cases) {
        it(`rejects ${what}, naming the entry`, () => {
            assert.throws(() => validateWorkers(workers), { name: "ConfigError", message });
        });
    }
});
