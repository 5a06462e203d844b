import { spawn } from "child_process";
import { ReleaseError } from "./errors";

export interface ProcessResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface RunOptions {
    cwd?: string;
    /** Added to this process's environment. */
    env?: Record<string, string>;
    /** How to tell the operator to install the program when it is missing. */
    missingHint: string;
}

export interface CaptureOptions extends RunOptions {
    /**
     * Written to the program's standard input, which is then closed; without it the program reads
     * end-of-file at once. A secret travels here, since an argument list shows in `ps` and
     * /proc/<pid>/cmdline.
     */
    input?: string;
}

/**
 * Runs a program and returns what it printed. Nothing is echoed: some outputs are secrets
 * (`pulumi config get workerSshPrivateKey`), so callers decide what may be shown.
 */
export function runCaptured(program: string, args: readonly string[], options: CaptureOptions): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        child.on("error", error => reject(launchError(program, error, options.missingHint)));
        child.on("close", code => resolve({
            code: code ?? 1,
            stdout: Buffer.concat(stdout).toString("utf8"),
            stderr: Buffer.concat(stderr).toString("utf8"),
        }));
        // A program that exits before reading (a bad flag) closes the pipe: its exit status says why.
        child.stdin.on("error", () => undefined);
        child.stdin.end(options.input);
    });
}

/** Runs a program on the operator's terminal (pulumi up shows progress and diffs) and returns its exit code. */
export function runStreaming(program: string, args: readonly string[], options: RunOptions): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: "inherit" });
        child.on("error", error => reject(launchError(program, error, options.missingHint)));
        child.on("close", code => resolve(code ?? 1));
    });
}

function launchError(program: string, error: NodeJS.ErrnoException, hint: string): Error {
    if (error.code === "ENOENT") {
        return new ReleaseError(`${program} was not found: ${hint}`);
    }
    return error;
}
