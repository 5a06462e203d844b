import { ReleaseError } from "../release/errors";

/**
 * adopt cannot read the installation, or refuses to take it over. The message names what was
 * found, why it cannot be taken over as it is, and what to do. A ReleaseError, so the one CLI
 * (release/cli.ts) prints it as it prints every refusal: `error: <message>`, exit status 1. It
 * never carries a secret value.
 */
export class AdoptError extends ReleaseError {
    constructor(message: string) {
        super(message);
        this.name = "AdoptError";
    }
}
