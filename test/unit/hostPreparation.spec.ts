import * as assert from "assert";
import { hostPreparationScript, MAIN_DATA_DIRS } from "../../components/hostPreparation";
import { named, runProgram } from "../support/program";
import { prodConfig, SECRET_KEYS } from "../support/fixtures";

describe("the main server's host preparation", () => {
    const script = hostPreparationScript({ image: "r.example/x/xingrin-server:v1.1.0", dataDir: "/opt/xingrin", tlsCertDir: "/opt/xingrin/ssl", publicHost: "scan.example.com" }).text;

    it("makes install.sh's data directories, nuclei-repos included, through the main server's Docker", () => {
        assert.deepStrictEqual(MAIN_DATA_DIRS, ["results", "logs", "fingerprints", "wordlists", "nuclei-repos"]);
        assert.ok(script.startsWith("docker run --rm --entrypoint sh -v '/opt/xingrin:/opt/xingrin' -v '/opt/xingrin/ssl:/ssl' 'r.example/x/xingrin-server:v1.1.0'"));
        assert.ok(script.includes("'\\''/opt/xingrin/nuclei-repos'\\''"));
    });

    it("makes a certificate only where none is, naming publicHost, and keeps an operator's own", () => {
        assert.ok(script.includes("if [ -s /ssl/fullchain.pem ] && [ -s /ssl/privkey.pem ]; then echo '\\''tls: certificate present, kept'\\''; exit 0; fi"));
        assert.ok(script.includes("subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:scan.example.com"));
        const byIp = hostPreparationScript({ image: "i", dataDir: "/opt/xingrin", tlsCertDir: "/c", publicHost: "10.0.0.2" }).text;
        assert.ok(byIp.includes("subjectAltName=DNS:localhost,IP:127.0.0.1,IP:10.0.0.2"));
        assert.ok(script.includes("umask 077"), "the private key is the owner's only");
    });

    it("runs before the server and nginx start, again at every tag", async () => {
        const run = await runProgram(prodConfig(), SECRET_KEYS);
        const prepared = named(run.resources, "main-server-host-preparation");
        assert.deepStrictEqual(prepared.inputs.triggers, ["v1.1.0"]);
        assert.ok(named(run.resources, "xingrin-server-v1.1.0").dependencies.includes(prepared.urn));
    });
});
