import * as assert from "assert";
import { validateSecretText } from "../../config/secrets";

const HIDDEN = "(the value is secret and not shown)";
const KEY_FILE = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n";

/** Runs the check and returns its message, after making sure the secret's text is not in it. */
function refusal(key: Parameters<typeof validateSecretText>[0], text: string | undefined): string {
    try {
        validateSecretText(key, text);
    } catch (error) {
        const { name, message } = error as Error;
        assert.strictEqual(name, "ConfigError");
        if (text !== undefined && text.trim() !== "") {
            assert.ok(!message.includes(text.trim()), "the message must not contain the secret");
        }
        return message;
    }
    throw new Error(`${key} was accepted`);
}

describe("secrets: set and not empty, never shown", () => {
    it("accepts a set secret", () => {
        assert.doesNotThrow(() => validateSecretText("databasePassword", "db-pass-4d1f"));
        assert.doesNotThrow(() => validateSecretText("workerSshPrivateKey", KEY_FILE));
        assert.doesNotThrow(() => validateSecretText("workerSshPrivateKey", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"));
    });

    it("asks for a secret that is not set", () => {
        assert.strictEqual(refusal("djangoSecretKey", undefined),
            "djangoSecretKey is not set; run `pulumi config set --secret djangoSecretKey <value>`");
    });

    for (const empty of ["", " ", "\n\t"]) {
        it(`refuses an empty or white-space secret (${JSON.stringify(empty)})`, () => {
            assert.strictEqual(refusal("databasePassword", empty),
                `databasePassword is empty or only white space ${HIDDEN}; XingRin needs a real one: ` +
                "run `pulumi config set --secret databasePassword <value>`");
        });
    }

    it("refuses a workerApiKey with a line break, which the agents would read cut short", () => {
        assert.strictEqual(refusal("workerApiKey", "worker-key-77ab\n"),
            `workerApiKey has a line break ${HIDDEN}; the agents read the key as one line, so set it without one: ` +
            "run `pulumi config set --secret workerApiKey <value>`");
    });

    for (const [what, text] of [["a path", "/home/me/.ssh/xingrin_deploy"], ["a public key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne me@host"]]) {
        it(`refuses ${what} as workerSshPrivateKey`, () => {
            assert.strictEqual(refusal("workerSshPrivateKey", text),
                `workerSshPrivateKey is not a private key ${HIDDEN}; it must be the key file's content, starting with "-----BEGIN" ` +
                'and ending in "PRIVATE KEY-----", not its path or the public key: run `pulumi config set --secret workerSshPrivateKey < ~/.ssh/id_ed25519`');
        });
    }
});
