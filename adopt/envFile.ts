import * as fs from "fs";
import { AdoptError } from "./errors";

/** One assignment in an `.env` file, after quotes and escapes are resolved. */
export interface EnvEntry {
    value: string;
    /** The line the assignment starts on (a duplicate key keeps the line of its last assignment). */
    line: number;
    /**
     * The value refers to another variable (`${VAR}`, `$VAR`). docker compose would expand it; adopt
     * does not, so a value it takes over must be written out.
     */
    interpolated: boolean;
}

/** A parsed `.env` file and the name its errors use. */
export interface EnvFile {
    file: string;
    entries: ReadonlyMap<string, EnvEntry>;
}

/** Reads and parses an `.env` file; a file that cannot be read is refused with its path. */
export function readEnvFile(file: string): EnvFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String((error as Error).message);
        throw new AdoptError(
            `cannot read ${file}: ${reason}; pass the .env that install.sh wrote, in the docker/ folder of the XingRin checkout`);
    }
    return parseEnvFile(text, file);
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** An unescaped reference to another variable: compose expands `$VAR`, `${VAR…}` and `$(…)`. */
const REFERENCE = /\$[{(A-Za-z_]/;

/**
 * docker compose's `.env` syntax: `KEY=value` per line, optionally after `export `; `#` lines and
 * blank lines are skipped; an unquoted value is trimmed and ends at ` #`; a single-quoted value is
 * literal; a double-quoted one resolves \n, \r, \t, \", \\ and \$; quoted values may span lines; a
 * later assignment of the same key wins. Errors name the file and line and never quote a value
 * (it may be a secret).
 */
export function parseEnvFile(text: string, file: string): EnvFile {
    const entries = new Map<string, EnvEntry>();
    const lines = text.split("\n").map(line => line.replace(/\r$/, ""));
    const fail = (lineIndex: number, problem: string): never => {
        throw new AdoptError(`${file}, line ${lineIndex + 1}: ${problem}`);
    };

    for (let index = 0; index < lines.length; index++) {
        const start = index;
        let rest = lines[index].replace(/^[ \t]+/, "");
        if (rest === "" || rest.startsWith("#")) {
            continue;
        }
        if (/^export[ \t]/.test(rest)) {
            rest = rest.slice("export".length).replace(/^[ \t]+/, "");
        }
        const equals = rest.indexOf("=");
        if (equals === -1) {
            const word = rest.trim();
            fail(start, KEY_PATTERN.test(word)
                ? `${word} has no "=": write ${word}=<value> (adopt reads values only from this file, not from the shell)`
                : `expected KEY=VALUE`);
        }
        const key = rest.slice(0, equals).replace(/[ \t]+$/, "");
        if (!KEY_PATTERN.test(key)) {
            fail(start, key === "" ? "a line starts with \"=\": expected KEY=VALUE" : "the name before \"=\" is not a variable name: expected KEY=VALUE");
        }
        const raw = rest.slice(equals + 1);
        const opening = raw.replace(/^[ \t]+/, "")[0];

        if (opening !== "'" && opening !== "\"") {
            // An inline comment needs whitespace before "#": KEY=a#b is the value "a#b".
            const comment = raw.search(/[ \t]#/);
            const value = (comment === -1 ? raw : raw.slice(0, comment)).trim();
            entries.set(key, { value, line: start + 1, interpolated: REFERENCE.test(value) });
            continue;
        }

        // A quoted value: read up to the closing quote, across lines if need be.
        let segment = raw.replace(/^[ \t]+/, "").slice(1);
        let value = "";
        let interpolated = false;
        let closedAt = -1;
        for (;;) {
            if (opening === "'") {
                closedAt = segment.indexOf("'");
                value += closedAt === -1 ? segment : segment.slice(0, closedAt);
            } else {
                for (let i = 0; i < segment.length; i++) {
                    const char = segment[i];
                    if (char === "\"") {
                        closedAt = i;
                        break;
                    }
                    if (char === "\\" && i + 1 < segment.length) {
                        const next = segment[++i];
                        value += ESCAPES[next] ?? `\\${next}`;
                        continue;
                    }
                    if (char === "$" && REFERENCE.test(segment.slice(i, i + 2))) {
                        interpolated = true;
                    }
                    value += char;
                }
            }
            if (closedAt !== -1) {
                break;
            }
            if (index + 1 >= lines.length) {
                fail(start, `the value of ${key} opens a ${opening === "'" ? "single" : "double"} quote that is never closed`);
            }
            value += "\n";
            segment = lines[++index];
        }
        const after = segment.slice(closedAt + 1);
        if (!/^([ \t]*|[ \t]+#.*|#.*)$/.test(after)) {
            fail(index, `unexpected text after the closing quote of ${key}'s value: put the whole value inside the quotes`);
        }
        entries.set(key, { value, line: start + 1, interpolated });
    }
    return { file, entries };
}

const ESCAPES: Record<string, string> = { "n": "\n", "r": "\r", "t": "\t", "\"": "\"", "\\": "\\", "$": "$" };

/** The value of a key, or undefined when the file does not set it. */
export function envValue(env: EnvFile, key: string): string | undefined {
    return env.entries.get(key)?.value;
}

/**
 * The values of keys that must all be set, non-empty and written out. One error names every key
 * that is missing, empty or a reference to another variable, so one edit fixes the file.
 */
export function requireKeys<K extends string>(env: EnvFile, keys: readonly K[]): Record<K, string> {
    const missing = keys.filter(key => !env.entries.has(key));
    const present = keys.filter(key => env.entries.has(key)).map(key => ({ key, entry: env.entries.get(key)! }));
    const empty = present.filter(({ entry }) => entry.value.trim() === "");
    const references = present.filter(({ entry }) => entry.interpolated);
    const problems: string[] = [];
    if (missing.length > 0) {
        problems.push(`missing ${missing.join(", ")}`);
    }
    if (empty.length > 0) {
        problems.push(`empty ${empty.map(({ key, entry }) => `${key} (line ${entry.line})`).join(", ")}`);
    }
    if (references.length > 0) {
        problems.push(`referring to another variable, which adopt does not expand: ${references
            .map(({ key, entry }) => `${key} (line ${entry.line})`).join(", ")}`);
    }
    if (problems.length > 0) {
        throw new AdoptError(
            `${env.file}: ${problems.join("; ")}. adopt needs ${keys.join(", ")} each written out as ` +
            "KEY=value, as install.sh writes them: complete the file and run adopt again");
    }
    const values = {} as Record<K, string>;
    for (const { key, entry } of present) {
        values[key] = entry.value;
    }
    return values;
}
