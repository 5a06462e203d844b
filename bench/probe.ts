/**
 * The public endpoint as a user sees it: GET /api/health/ through nginx (TLS, trusting the
 * sandbox's certificate) every 100 ms, each with a 1 s timeout. XingRin's health route checks
 * neither the database nor Redis (contract §9): a failure means no server answered through nginx.
 */
import * as https from "https";

export interface ProbeSample {
    /** ms since the probe started */
    readonly at: number;
    readonly ok: boolean;
    /** HTTP status, or the error's code (ECONNREFUSED, timeout, …) */
    readonly result: string;
    readonly ms: number;
}

export interface Downtime {
    readonly requests: number;
    readonly failed: number;
    /** ms from the first failure of the longest run of failures to the next success */
    readonly longestGapMs: number;
    /** the sum of all such gaps */
    readonly totalGapMs: number;
}

export class Probe {
    private readonly samples: ProbeSample[] = [];
    private timer?: NodeJS.Timeout;
    private started = 0;
    private inFlight = new Set<Promise<void>>();

    constructor(private readonly url: string, private readonly ca: Buffer, private readonly intervalMs = 100, private readonly timeoutMs = 1000) {}

    start(): void {
        this.started = Date.now();
        this.timer = setInterval(() => this.shoot(), this.intervalMs);
    }

    /** Stops probing and returns every sample, in the order they were sent. */
    async stop(): Promise<ProbeSample[]> {
        clearInterval(this.timer);
        await Promise.all(this.inFlight);
        return [...this.samples].sort((a, b) => a.at - b.at);
    }

    /** ms since start: marks phases on the same clock as the samples. */
    now(): number {
        return Date.now() - this.started;
    }

    private shoot(): void {
        const at = this.now();
        const sent = Date.now();
        const done = new Promise<void>(resolve => {
            const record = (ok: boolean, result: string) => {
                this.samples.push({ at, ok, result, ms: Date.now() - sent });
                resolve();
            };
            const req = https.get(this.url, { ca: this.ca, timeout: this.timeoutMs, agent: false }, res => {
                res.resume();
                res.on("end", () => record(res.statusCode === 200, String(res.statusCode)));
                res.on("error", err => record(false, (err as NodeJS.ErrnoException).code ?? err.message));
            });
            req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
            req.on("error", err => record(false, (err as NodeJS.ErrnoException).code ?? err.message));
        });
        this.inFlight.add(done);
        void done.then(() => this.inFlight.delete(done));
    }
}

export function downtime(samples: readonly ProbeSample[]): Downtime {
    let failed = 0, longest = 0, total = 0;
    let gapStart: number | undefined;
    for (const sample of samples) {
        if (!sample.ok) {
            failed++;
            gapStart ??= sample.at;
        } else if (gapStart !== undefined) {
            longest = Math.max(longest, sample.at - gapStart);
            total += sample.at - gapStart;
            gapStart = undefined;
        }
    }
    if (gapStart !== undefined) {
        const end = samples[samples.length - 1].at;
        longest = Math.max(longest, end - gapStart);
        total += end - gapStart;
    }
    return { requests: samples.length, failed, longestGapMs: longest, totalGapMs: total };
}
