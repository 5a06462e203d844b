import * as pulumi from "@pulumi/pulumi";

/**
 * A stack setting that cannot be used. The message names the key, what is wrong, and the fix.
 * As a RunError, Pulumi prints just the message, without a stack trace an operator cannot use.
 */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}
