/**
 * npm run bench: XingRin's own stop-pull-start against XingRin Deploy's update, rollback, fleet
 * sizes and preview, all in one run on the sandbox, with images of realistic size pulled over a
 * link of limited bandwidth. Prints the figures, writes results.json, results.md and chart.svg.
 * A script, not a test: it asserts nothing, it measures.
 */
import * as fs from "fs";
import * as path from "path";
import { Baseline } from "./baseline";
import { BenchStack, configure, createBenchStack, timedUp } from "./benchStack";
import { chartSvg } from "./chart";
import { blobBytesSince, logMark } from "./linkTraffic";
import { parseOptions, USAGE } from "./options";
import { timePreviews } from "./previews";
import { downtime, Probe, ProbeSample } from "./probe";
import { BenchResults, RunResult, renderMarkdown } from "./report";
import { SANDBOX_DIR, sandboxDown, SandboxFleet, sandboxUp } from "../sandbox/fleet";
import { LIMITED_REGISTRY, limitedRegistry } from "./limitedRegistry";
import { SyntheticImages } from "./syntheticImages";
import { containerTimes, updatePhases } from "./updatePhases";
import { sleep } from "./run";

const REPO = path.resolve(__dirname, "..");
/** What the probe asks: XingRin's health route through nginx, where the sandbox publishes it. */
const publicHealthUrl = (fleet: SandboxFleet) => `https://${fleet.publicHost}:8083/api/health/`;
const BASELINE_TAGS = ["v9.0.0", "v9.1.0"];
const UPDATE_TAGS = ["v9.2.0", "v9.3.0"];
const fleetTag = (i: number) => `v9.${4 + i}.0`;

const started = Date.now();
function log(line: string): void {
    const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    process.stdout.write(`[bench ${s}s] ${line}\n`);
}

/** Runs `work` with the probe hitting the public endpoint from 1 s before to 1 s after. */
async function probed<T>(fleet: SandboxFleet, work: (clock: () => number) => Promise<T>): Promise<{ value: T; samples: ProbeSample[] }> {
    const probe = new Probe(publicHealthUrl(fleet), fs.readFileSync(fleet.tlsCaFile));
    probe.start();
    await sleep(1000);
    const value = await work(() => probe.now());
    await sleep(1000);
    return { value, samples: await probe.stop() };
}

async function pulumiRun(fleet: SandboxFleet, bench: BenchStack, title: string): Promise<RunResult> {
    log(`${title}: pulumi up`);
    const mark = logMark();
    const { value, samples } = await probed(fleet, clock => timedUp(bench, clock, line => process.stdout.write(`      | ${line}\n`)));
    return {
        title,
        wallMs: value.end - value.start,
        downtime: downtime(samples),
        linkBytes: blobBytesSince(mark),
        phases: updatePhases(value.steps, value.start),
        containers: containerTimes(value.steps),
        samples,
    };
}

async function main(): Promise<void> {
    if (process.argv.includes("--help")) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    const options = parseOptions(process.argv.slice(2));
    const out = path.resolve(REPO, options.out);
    fs.mkdirSync(out, { recursive: true });
    const workers = Math.max(1, ...options.fleet);
    log(`sandbox with ${workers} worker hosts, registry link ${options.mbit} Mbit/s, image scale ${options.scale} (fleet runs ${options.fleetScale})`);
    const fleet: SandboxFleet = sandboxUp(workers);
    limitedRegistry(options.mbit);
    const backendDir = path.join(SANDBOX_DIR, "bench-state");
    try {
        const synth = (scale: number) => new SyntheticImages({
            standinRegistry: fleet.registry, standinNamespace: fleet.namespace, standinTag: fleet.tags[fleet.tags.length - 1],
            standinRedis: fleet.redisImage.slice(fleet.registry.length + 1), pushTo: LIMITED_REGISTRY.push, scale,
            indexFile: "/var/cache/xingrin-deploy/bench-registry/bench-index.json", log: line => log(`image ${line}`),
        });
        const images = synth(options.scale);
        const fleetImages = synth(options.fleetScale);
        for (const tag of [...BASELINE_TAGS, ...UPDATE_TAGS]) await images.ensureTag(tag);
        for (let i = 0; i <= options.fleet.length; i++) await fleetImages.ensureTag(fleetTag(i));
        const registry = LIMITED_REGISTRY.pull;

        // (a) XingRin's update.sh.
        const baseline = new Baseline({
            dockerHost: fleet.dockerHost, registry, namespace: images.namespace, redisImage: images.redisRef(registry),
            bindAddress: fleet.bindAddress, publicUrl: publicHealthUrl(fleet), tlsCertDir: fleet.tlsCertDir, workDir: path.join(SANDBOX_DIR, "bench-baseline"), log,
        });
        log(`(a) baseline: install ${BASELINE_TAGS[0]} with docker-compose (not measured)`);
        await baseline.install(BASELINE_TAGS[0]);
        log(`(a) baseline: update.sh to ${BASELINE_TAGS[1]}: down, pull, up`);
        const mark = logMark();
        const a = await probed(fleet, clock => baseline.update(BASELINE_TAGS[1], clock));
        const baselineRun: RunResult = {
            title: `(a) XingRin update.sh ${BASELINE_TAGS[0]} → ${BASELINE_TAGS[1]}`,
            wallMs: a.value.end - a.value.start, downtime: downtime(a.samples), linkBytes: blobBytesSince(mark),
            phases: a.value.phases, containers: Object.fromEntries(Object.entries(a.value.ready).map(([c, at]) => [c, at - a.value.phases[2].start])),
            samples: a.samples,
        };
        await baseline.remove();

        // (b), (c): an update and a rollback with one worker host.
        const bench = await createBenchStack(fleet, backendDir, log);
        const deployment = { registry, namespace: images.namespace, redisImage: images.redisRef(registry), workers: 1 };
        log(`(b) first deploy at ${UPDATE_TAGS[0]} (not measured)`);
        await configure(bench, fleet, { ...deployment, imageTag: UPDATE_TAGS[0] });
        await bench.stack.up({ onOutput: text => process.stdout.write(text.replace(/^(?=.)/gm, "      | ")) });
        await configure(bench, fleet, { ...deployment, imageTag: UPDATE_TAGS[1] });
        const update = await pulumiRun(fleet, bench, `(b) pulumi up ${UPDATE_TAGS[0]} → ${UPDATE_TAGS[1]}`);
        await configure(bench, fleet, { ...deployment, imageTag: UPDATE_TAGS[0] });
        const rollback = await pulumiRun(fleet, bench, `(c) rollback ${UPDATE_TAGS[1]} → ${UPDATE_TAGS[0]}`);

        // (e) previews: no change on this stack, against an empty program on the same engine and backend.
        log(`(e) previews, ${options.previews} of each`);
        const previews = await timePreviews(bench, options.previews, log);

        // (d) fleet sizes: the same update with more hosts, each behind the same link.
        const fleetRuns: Array<{ workers: number; wallMs: number; linkBytes: number }> = [];
        const fleetDeployment = { registry, namespace: fleetImages.namespace, redisImage: fleetImages.redisRef(registry) };
        for (const [i, count] of options.fleet.entries()) {
            log(`(d) ${count} worker hosts: deploy ${fleetTag(i)} (not measured)`);
            await configure(bench, fleet, { ...fleetDeployment, workers: count, imageTag: fleetTag(i) });
            await bench.stack.up({ onOutput: text => process.stdout.write(text.replace(/^(?=.)/gm, "      | ")) });
            await configure(bench, fleet, { ...fleetDeployment, workers: count, imageTag: fleetTag(i + 1) });
            const run = await pulumiRun(fleet, bench, `(d) ${count} workers ${fleetTag(i)} → ${fleetTag(i + 1)}`);
            fleetRuns.push({ workers: count, wallMs: run.wallMs, linkBytes: run.linkBytes });
        }

        const results: BenchResults = {
            when: new Date().toISOString(),
            command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
            options,
            runs: [baselineRun, update, rollback],
            fleet: fleetRuns,
            previews,
        };
        fs.writeFileSync(path.join(out, "results.json"), JSON.stringify(results, null, 1));
        fs.writeFileSync(path.join(out, "chart.svg"), chartSvg(`Public endpoint during an update (registry link ${options.mbit} Mbit/s, image scale ${options.scale})`,
            results.runs.map(r => ({ title: r.title, samples: r.samples, phases: r.phases }))));
        const markdown = renderMarkdown(results);
        fs.writeFileSync(path.join(out, "results.md"), markdown);
        process.stdout.write(`\n${markdown}\n`);
        log(`wrote ${path.relative(REPO, out)}/results.json, results.md, chart.svg`);
    } finally {
        if (!options.keep) {
            log("tearing the sandbox down (--keep leaves it up)");
            sandboxDown();
            fs.rmSync(backendDir, { recursive: true, force: true });
            fs.rmSync(path.join(REPO, "Pulumi.bench.yaml"), { force: true });
        }
    }
}

main().catch(err => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
});
