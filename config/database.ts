import { ConfigError } from "./errors";
import { validateIpAddress } from "./hosts";

// An unquoted PostgreSQL identifier; NAMEDATALEN cuts names at 63 bytes.
const POSTGRES_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
// Docker's rule for volume names (at least two characters).
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** databaseName and databaseUser: names postgres takes without quoting, and a shell without escaping. */
export function validatePostgresName(key: "databaseName" | "databaseUser", value: string, example: string): string {
    if (!POSTGRES_NAME.test(value)) {
        throw new ConfigError(
            `${key} ${JSON.stringify(value)} is not a PostgreSQL name; use a letter or "_", then letters, digits or "_", ` +
            `at most 63 characters, for example ${JSON.stringify(example)}`);
    }
    return value;
}

export function validateVolumeName(key: string, value: string, example: string): string {
    if (!VOLUME_NAME.test(value)) {
        throw new ConfigError(
            `${key} ${JSON.stringify(value)} is not a Docker volume name; use a letter or digit, then letters, digits, ` +
            `"_", "." or "-" (two characters at least), for example ${JSON.stringify(example)}`);
    }
    return value;
}

/**
 * Where the local postgres publishes its port. Docker's published ports bypass host firewalls such
 * as ufw, so by default only this host reaches it. Remote workers connect to the database directly
 * (XingRin hands each task the database's address), so with workers the address must be chosen:
 * the main server's address on the workers' network, never silently every interface.
 */
export function resolveDatabaseBindAddress(value: string | undefined, fleet: { workers: number; localDatabase: boolean }): string {
    if (value !== undefined) return validateIpAddress("databaseBindAddress", value);
    if (fleet.workers > 0 && fleet.localDatabase) {
        throw new ConfigError(
            "databaseBindAddress is required with workers: their scan tasks connect to postgres directly, so it must be " +
            "published on an address they reach, and Docker's published ports bypass host firewalls; set it to the main " +
            "server's address on the workers' network, e.g. `pulumi config set databaseBindAddress 10.0.0.2`");
    }
    return "127.0.0.1";
}

/**
 * Why a changed postgresVolume is refused: postgres would start on a new, empty volume while
 * XingRin's data stays behind in the one the stack deployed.
 */
export function postgresVolumeChangeRefusal(deployed: string, configured: string): string {
    return `postgresVolume is ${JSON.stringify(configured)}, but this stack's database is in volume ${JSON.stringify(deployed)}: ` +
        `XingRin would start on an empty database. Set it back (\`pulumi config set postgresVolume ${deployed}\`); ` +
        "to move the data to another volume, follow README \"Moving the database to another volume\"";
}
