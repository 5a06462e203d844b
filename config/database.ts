import { ConfigError } from "./errors";

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
