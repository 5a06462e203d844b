/**
 * adopt cannot read the installation, or refuses to take it over. The message names what was
 * found, why it cannot be taken over as it is, and what to do; the CLI prints it without a stack
 * trace. It never carries a secret value.
 */
export class AdoptError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AdoptError";
    }
}
