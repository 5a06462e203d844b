/**
 * A stack setting that cannot be used. The message names the key, what is wrong, and the fix;
 * Pulumi prints it as the program's error, so it must read well on its own.
 */
export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}
