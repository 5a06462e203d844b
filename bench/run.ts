/** Runs a command without blocking the event loop (the probe keeps its 100 ms beat meanwhile). */
import { spawn } from "child_process";

export interface RunResult { status: number; output: string }

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; quiet?: boolean } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        const take = (chunk: Buffer) => {
            output += chunk.toString("utf8");
            if (!opts.quiet) process.stdout.write(chunk.toString("utf8").replace(/^(?=.)/gm, "      | "));
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("error", reject);
        child.on("close", status => resolve({ status: status ?? -1, output }));
    });
}

/** Like run, but a non-zero exit is an error that carries the command's output. */
export async function mustRun(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; quiet?: boolean } = {}): Promise<string> {
    const result = await run(cmd, args, opts);
    if (result.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} exited ${result.status}:\n${result.output.slice(-2000)}`);
    }
    return result.output;
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
