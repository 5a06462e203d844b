/**
 * Commands the benchmark runs beside the probe: release/process.ts's runCaptured, which does not
 * block the event loop, so the probe keeps its 100 ms beat meanwhile.
 */
import { ProcessResult, runCaptured } from "../release/process";

const HINT = "run `bash scripts/setup.sh` (it installs what the sandbox and the benchmark need)";

export function run(program: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<ProcessResult> {
    return runCaptured(program, args, { ...opts, missingHint: HINT });
}

/** Like run, but a non-zero exit is an error that carries the command's output. */
export async function mustRun(program: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
    const result = await run(program, args, opts);
    const output = `${result.stdout}${result.stderr}`;
    if (result.code !== 0) {
        throw new Error(`${program} ${args.join(" ")} exited ${result.code}:\n${output.slice(-2000)}`);
    }
    return output;
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
