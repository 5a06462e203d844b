import * as assert from "assert";
import { urlHost, validateHost, validateIpAddress, validateUserName } from "../../config/hosts";

const GENERIC = 'use a DNS name such as "scan.example.com" or an IP address such as "10.0.0.5"';

describe("hosts: names and addresses, not URLs", () => {
    it("accepts DNS names, IPv4 and IPv6 addresses, and container names", () => {
        for (const host of ["scan.example.com", "localhost", "postgres", "10.0.1.11", "::1", "fd00::5", "xingrin_db"]) {
            assert.strictEqual(validateHost("publicHost", host, "scan.example.com"), host);
        }
    });

    const rejected: Array<[string, string]> = [
        ["", `publicHost "" is empty; ${GENERIC}`],
        ["https://scan.example.com:8443/", 'publicHost "https://scan.example.com:8443/" is a URL, not a host name; use the host alone: "scan.example.com"'],
        ["scan.example.com:8443", 'publicHost "scan.example.com:8443" has a port, which has its own setting; use the host alone: "scan.example.com"'],
        ["scan.example.com/xingrin", 'publicHost "scan.example.com/xingrin" has a path; use the host alone: "scan.example.com"'],
        ["root@scan.example.com", 'publicHost "root@scan.example.com" has a user name in it, which has its own setting; use the host alone: "scan.example.com"'],
        ["scan example.com", `publicHost "scan example.com" contains white space; ${GENERIC}`],
        ["-oProxyCommand=sh", `publicHost "-oProxyCommand=sh" starts with "-", which ssh and docker would read as an option; ${GENERIC}`],
        ["[::1]", 'publicHost "[::1]" has brackets around an IPv6 address; use the host alone: "::1"'],
        ["10.0.0.256", `publicHost "10.0.0.256" looks like an IPv4 address but is not one; ${GENERIC}`],
        ["scan..example.com", `publicHost "scan..example.com" is not a host name or IP address; ${GENERIC}`],
    ];
    for (const [value, message] of rejected) {
        it(`refuses ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateHost("publicHost", value, "scan.example.com"), { name: "ConfigError", message });
        });
    }

    it("puts an IPv6 address in brackets for a URL, and nothing else", () => {
        assert.strictEqual(urlHost("fd00::5"), "[fd00::5]");
        assert.strictEqual(urlHost("10.0.0.5"), "10.0.0.5");
        assert.strictEqual(urlHost("scan.example.com"), "scan.example.com");
    });
});

describe("bind addresses: IPv4 or IPv6", () => {
    it("accepts what Docker's port binding takes", () => {
        for (const address of ["0.0.0.0", "127.0.0.1", "::", "fd00::5"]) {
            assert.strictEqual(validateIpAddress("bindAddress", address), address);
        }
    });

    for (const value of ["localhost", "[::]", "0.0.0.0:8083", ""]) {
        it(`refuses ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateIpAddress("bindAddress", value), {
                name: "ConfigError",
                message: `bindAddress ${JSON.stringify(value)} is not an IP address; use an IPv4 or IPv6 address such as ` +
                    '"0.0.0.0" (every interface), "127.0.0.1" (this host only), "::" or the address of one interface',
            });
        });
    }
});

describe("user names", () => {
    it("accepts the names useradd makes", () => {
        for (const user of ["root", "xingrin", "deploy.bot", "ci_user", "svc-1"]) {
            assert.strictEqual(validateUserName("user", user), user);
        }
    });

    for (const value of ["deploy user", "-oProxyCommand=sh", ".hidden", "root@host", "a".repeat(33), 0]) {
        it(`refuses ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateUserName('workers[0] ("w1"): user', value), {
                name: "ConfigError",
                message: `workers[0] ("w1"): user ${JSON.stringify(value)} is not a user name; use up to 32 letters, digits, ".", "_" and "-", ` +
                    'not starting with "." or "-", for example "root" or "xingrin"',
            });
        });
    }
});
