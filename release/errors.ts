/**
 * A release step refused or failed in a way the operator can act on. The message names the value,
 * the rule it broke and what to run instead; the CLI prints it alone, without a stack trace.
 */
export class ReleaseError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReleaseError";
    }
}
