/** The benchmark's results: the JSON it writes and the Markdown table it prints. */
import { Phase } from "./baseline";
import { IMAGE_SIZES } from "./imageSizes";
import { BenchOptions } from "./options";
import { PreviewTimes } from "./previews";
import { Downtime, ProbeSample } from "./probe";

export interface RunResult {
    readonly title: string;
    readonly wallMs: number;
    readonly downtime: Downtime;
    /** Bytes of layers the registry sent over the limited link during the run. */
    readonly linkBytes: number;
    readonly phases: Phase[];
    /** Per container: ms until created and healthy (baseline: from `up -d`). */
    readonly containers: Record<string, number>;
    readonly samples: ProbeSample[];
}

export interface BenchResults {
    readonly when: string;
    readonly command: string;
    readonly options: BenchOptions;
    /** (a) baseline, (b) update, (c) rollback */
    readonly runs: RunResult[];
    readonly fleet: Array<{ workers: number; wallMs: number; linkBytes: number }>;
    readonly previews: PreviewTimes;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const ratio = (a: number, b: number) => (b === 0 ? "n/a" : (a / b).toFixed(2));

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function renderMarkdown(results: BenchResults): string {
    const { options } = results;
    const lines: string[] = [];
    lines.push(`Measured ${results.when} with \`${results.command}\`: registry link ${options.mbit} Mbit/s shared by every host; ` +
        `image scale ${options.scale} for (a)–(c) and (e), ${options.fleetScale} for (d).`, "");
    lines.push("| run | wall time | failed requests | longest gap | total gap | pulled over the link | phases |");
    lines.push("|---|---|---|---|---|---|---|");
    for (const run of results.runs) {
        const phases = run.phases.map(p => `${p.name} ${s(p.end - p.start)}`).join(", ");
        lines.push(`| ${run.title} | ${s(run.wallMs)} | ${run.downtime.failed} of ${run.downtime.requests} | ${s(run.downtime.longestGapMs)} | ` +
            `${s(run.downtime.totalGapMs)} | ${mb(run.linkBytes)} | ${phases} |`);
    }
    lines.push("", "Per container (create until healthy; baseline: from `up -d`):", "");
    for (const run of results.runs) {
        const containers = Object.entries(run.containers).map(([name, ms]) => `${name} ${s(ms)}`).join(", ");
        lines.push(`- ${run.title}: ${containers}`);
    }
    lines.push("", "| worker hosts | update wall time | × 1 host | pulled over the link |", "|---|---|---|---|");
    const one = results.fleet.find(f => f.workers === 1)?.wallMs ?? 0;
    for (const f of results.fleet) {
        lines.push(`| ${f.workers} | ${s(f.wallMs)} | ${ratio(f.wallMs, one)} | ${mb(f.linkBytes)} |`);
    }
    const program = median(results.previews.program), empty = median(results.previews.empty);
    lines.push("", `No-change preview: ${s(program)} (median of ${results.previews.program.length}); ` +
        `empty program: ${s(empty)}; ratio ${ratio(program, empty)}.`);
    const [baseline, update, rollback] = results.runs;
    const biggest = results.fleet.reduce((a, b) => (b.workers > a.workers ? b : a), results.fleet[0]);
    lines.push("", "| goal | measured | reached |", "|---|---|---|");
    lines.push(`| zero failed requests, update | ${update.downtime.failed} failed (baseline ${baseline.downtime.failed}) | ${update.downtime.failed === 0 ? "yes" : "no"} |`);
    lines.push(`| zero failed requests, rollback | ${rollback.downtime.failed} failed | ${rollback.downtime.failed === 0 ? "yes" : "no"} |`);
    lines.push(`| rollback ≤ ½ update wall time | ${ratio(rollback.wallMs, update.wallMs)} | ${rollback.wallMs <= update.wallMs / 2 ? "yes" : "no"} |`);
    if (biggest !== undefined && one > 0) {
        lines.push(`| ${biggest.workers} workers ≤ 1.5 × 1 worker | ${ratio(biggest.wallMs, one)} | ${biggest.wallMs <= 1.5 * one ? "yes" : "no"} |`);
    }
    lines.push(`| no-change preview ≤ 1.5 × empty program | ${ratio(program, empty)} | ${program <= 1.5 * empty ? "yes" : "no"} |`);
    lines.push(`| update vs baseline downtime (total gap) | ${s(update.downtime.totalGapMs)} vs ${s(baseline.downtime.totalGapMs)} | |`);
    lines.push("", "Image sizes at scale 1 (MB as pulled; the release part is new in every tag):", "");
    lines.push("| image | total | release part | why |", "|---|---|---|---|");
    for (const [name, size] of Object.entries(IMAGE_SIZES)) {
        lines.push(`| ${name} | ${size.totalMb} | ${size.perReleaseMb} | ${size.why} |`);
    }
    return lines.join("\n") + "\n";
}
