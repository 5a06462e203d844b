/**
 * (e) How long `pulumi preview` takes with nothing to change, against the preview of an empty
 * TypeScript program: same CLI, same language host, same backend. The difference is what the
 * program and its providers cost.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BENCH_STACK, BenchStack } from "./benchStack";
import { mustRun } from "./run";

const REPO = path.resolve(__dirname, "..");

export interface PreviewTimes {
    /** ms of each no-change preview of the bench stack */
    readonly program: number[];
    /** ms of each preview of the empty program */
    readonly empty: number[];
}

async function timed(cwd: string, stack: string, env: Record<string, string>): Promise<number> {
    const start = Date.now();
    await mustRun("pulumi", ["preview", "--stack", stack, "--non-interactive", "--expect-no-changes"], { cwd, env });
    return Date.now() - start;
}

/** An empty program with the project's own TypeScript setup and packages. */
function emptyProgram(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xingrin-bench-empty-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-empty\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-empty", main: "index.ts" }));
    fs.writeFileSync(path.join(dir, "index.ts"), "// Nothing: the engine's own cost.\nexport {};\n");
    fs.copyFileSync(path.join(REPO, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

export async function timePreviews(bench: BenchStack, rounds: number, log: (line: string) => void): Promise<PreviewTimes> {
    const empty = emptyProgram();
    try {
        await mustRun("pulumi", ["stack", "init", "empty", "--non-interactive"], { cwd: empty, env: bench.env });
        // Deployed once, so both sides preview a stack that exists and has nothing to change.
        await mustRun("pulumi", ["up", "--yes", "--stack", "empty", "--non-interactive"], { cwd: empty, env: bench.env });
        const times: PreviewTimes = { program: [], empty: [] };
        for (let round = 0; round < rounds; round++) {
            // Alternate, so a slow moment of the machine does not land on one side only.
            times.program.push(await timed(REPO, BENCH_STACK, bench.env));
            times.empty.push(await timed(empty, "empty", bench.env));
            log(`preview round ${round + 1}: program ${times.program[round]} ms, empty ${times.empty[round]} ms`);
        }
        await mustRun("pulumi", ["stack", "rm", "empty", "--yes", "--force", "--non-interactive"], { cwd: empty, env: bench.env });
        return times;
    } finally {
        fs.rmSync(empty, { recursive: true, force: true });
    }
}
