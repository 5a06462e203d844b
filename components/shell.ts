/**
 * The one way the program writes shell. A script is a `Shell`, and the only ways to make one are
 * `sh` and `script` below: every value put into a line becomes exactly one single-quoted word, so a
 * quote, `$(…)`, a backtick or a newline in a value stays part of that word. The step builders
 * (createScript, remoteScript) take a Shell, not a string, so text interpolated by hand cannot become
 * a script. Modelled on Kamal's command classes, which build `docker` calls as lists of words.
 */
export class Shell {
    private constructor(readonly text: string) {}

    /** @internal Only this module makes Shell values. */
    static of(text: string): Shell {
        return new Shell(text);
    }
}

/**
 * A value for one word (a string or number), several words (a list), or shell made here (inserted
 * as it is; a list of them, with spaces between).
 */
export type ShellValue = string | number | Shell | readonly (string | number)[] | readonly Shell[];

/** A value the builder refuses: it would not reach the host as the word it is meant to be. */
export class ShellValueError extends Error {}

/**
 * sh`docker rm -f ${name}`: the template's text is shell as written (raw: a backslash is a
 * backslash); each `${…}` is a value (see ShellValue). A string or number must stand outside
 * quotes, where it makes whole words: inside "…" its quotes would be taken literally. A value
 * starting with "-" is refused, because a command would read it as an option: options are written
 * in the template, never passed as values.
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Shell {
    const state = new QuoteState();
    let text = "";
    // The raw text, so it reads as the shell reads it ("\n" in printf's format stays two characters);
    // only "\${" and "\`", which a template literal needs, become "${" and "`".
    strings.raw.map(literal => literal.replace(/\\(?=\$\{|`)/g, "")).forEach((literal, index) => {
        state.read(literal);
        text += literal;
        if (index < values.length) {
            // Shell made here may stand anywhere (a variable's name in "…"); a plain value only outside quotes.
            if (state.quoted() && !(values[index] instanceof Shell)) {
                throw new ShellValueError(`a value is placed inside ${state.quoted()} in: ${strings.raw.join("${…}").trim()}`);
            }
            text += render(values[index]);
        }
    });
    return Shell.of(text);
}

/** Lines of shell, one per line. */
export function script(...lines: Shell[]): Shell {
    return Shell.of(lines.map(line => line.text).join("\n"));
}

/** A shell variable's name, for scripts that make one per item ("id_0"): `$${variable("id_0")}`. */
export function variable(name: string): Shell {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ShellValueError(`${JSON.stringify(name)} is not a shell variable name`);
    }
    return Shell.of(name);
}

/** A `case` pattern that matches exactly these values ('a'|'b'). */
export function alternatives(values: readonly string[]): Shell {
    if (values.length === 0) {
        throw new ShellValueError("a case pattern needs values: with no values, leave the case out");
    }
    return Shell.of(values.map(word).join("|"));
}

/** A single-quoted word for POSIX sh. */
export function quote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

function render(value: ShellValue): string {
    if (value instanceof Shell) return value.text;
    if (Array.isArray(value)) return (value as readonly (string | number | Shell)[]).map(item => item instanceof Shell ? item.text : word(item)).join(" ");
    return word(value as string | number);
}

function word(value: string | number): string {
    if (typeof value === "number") {
        if (!Number.isFinite(value)) throw new ShellValueError(`${value} is not a number a command can take`);
        return String(value);
    }
    if (value.startsWith("-")) {
        throw new ShellValueError(`the value ${JSON.stringify(value)} starts with "-", and a command would read it as an option`);
    }
    if (value.includes("\0")) {
        throw new ShellValueError(`the value ${JSON.stringify(value)} holds a NUL byte, which no command line can carry`);
    }
    return quote(value);
}

/**
 * Where a template's text leaves the shell's quoting: at the top level, inside '…', "…", a comment,
 * or a `$(…)` (which starts anew inside "…"). Enough of sh's grammar for the scripts written here.
 */
class QuoteState {
    private readonly stack: ("single" | "double" | "substitution" | "comment")[] = [];
    private escaped = false;
    private previous = "\n";

    quoted(): string | undefined {
        const top = this.stack[this.stack.length - 1];
        return top === "single" ? "'…'" : top === "double" ? '"…"' : top === "comment" ? "a comment" : undefined;
    }

    read(text: string): void {
        for (let i = 0; i < text.length; i++) {
            this.step(text[i], text[i + 1]);
        }
    }

    private step(char: string, next: string | undefined): void {
        const top = this.stack[this.stack.length - 1];
        const previous = this.previous;
        this.previous = char;
        if (top === "comment") {
            if (char === "\n") this.stack.pop();
            return;
        }
        if (top === "single") {
            if (char === "'") this.stack.pop();
            return;
        }
        if (this.escaped) {
            this.escaped = false;
            return;
        }
        if (char === "\\") {
            this.escaped = true;
        } else if (char === "$" && next === "(") {
            this.stack.push("substitution");
        } else if (top === "double") {
            if (char === '"') this.stack.pop();
        } else if (char === "'") {
            this.stack.push("single");
        } else if (char === '"') {
            this.stack.push("double");
        } else if (char === ")" && top === "substitution") {
            this.stack.pop();
        } else if (char === "#" && /[\s;|&(]/.test(previous)) {
            this.stack.push("comment");
        }
    }
}
