import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";

/** Message stand-in for a secret's value, which no message ever contains. */
const HIDDEN = "(the value is secret and not shown)";

export type SecretKey = "databasePassword" | "djangoSecretKey" | "workerApiKey" | "workerSshPrivateKey";

const SET_IT: Record<SecretKey, string> = {
    databasePassword: "`pulumi config set --secret databasePassword <value>`",
    djangoSecretKey: "`pulumi config set --secret djangoSecretKey <value>`",
    workerApiKey: "`pulumi config set --secret workerApiKey <value>`",
    workerSshPrivateKey: "`pulumi config set --secret workerSshPrivateKey < ~/.ssh/id_ed25519`",
};

const PRIVATE_KEY = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Checks a secret's text; every message names the key and the rule, never the text. `undefined`
 * means the key is not set at all.
 */
export function validateSecretText(key: SecretKey, text: string | undefined): void {
    if (text === undefined) {
        throw new ConfigError(`${key} is not set; run ${SET_IT[key]}`);
    }
    if (text.trim() === "") {
        throw new ConfigError(`${key} is empty or only white space ${HIDDEN}; XingRin needs a real one: run ${SET_IT[key]}`);
    }
    if (key === "workerApiKey" && /[\r\n]/.test(text)) {
        // The agents read it from stdin as one line while the server gets it whole: they would disagree.
        throw new ConfigError(`${key} has a line break ${HIDDEN}; the agents read the key as one line, so set it without one: run ${SET_IT[key]}`);
    }
    if (key === "workerSshPrivateKey" && !PRIVATE_KEY.test(text.trimStart())) {
        throw new ConfigError(
            `${key} is not a private key ${HIDDEN}; it must be the key file's content, starting with "-----BEGIN" and ` +
            `ending in "PRIVATE KEY-----", not its path or the public key: run ${SET_IT[key]}`);
    }
}

/**
 * A secret setting, checked now, while nothing is registered yet. An error thrown later, inside an
 * apply, would come after other resources had started to change (and the unit mocks would drop the
 * resource silently). `requireSecret` reads the same text synchronously; it stays in this function.
 */
export function readSecret(config: pulumi.Config, key: SecretKey): pulumi.Output<string> {
    validateSecretText(key, config.get(key));
    return config.requireSecret(key);
}
