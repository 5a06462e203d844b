import * as assert from "assert";
import { downtime, ProbeSample } from "../../../bench/probe";

const sample = (at: number, ok: boolean): ProbeSample => ({ at, ok, result: ok ? "200" : "ECONNREFUSED", ms: 1 });

describe("bench: downtime from probe samples", () => {
    it("counts failures and measures each gap from its first failure to the next success", () => {
        const samples = [sample(0, true), sample(100, false), sample(200, false), sample(300, true), sample(400, false), sample(500, true)];
        assert.deepStrictEqual(downtime(samples), { requests: 6, failed: 3, longestGapMs: 200, totalGapMs: 300 });
    });

    it("a run that ends while failing counts the gap up to the last sample", () => {
        assert.deepStrictEqual(downtime([sample(0, true), sample(100, false), sample(900, false)]),
            { requests: 3, failed: 2, longestGapMs: 800, totalGapMs: 800 });
    });

    it("no failures, no gap", () => {
        assert.deepStrictEqual(downtime([sample(0, true), sample(100, true)]), { requests: 2, failed: 0, longestGapMs: 0, totalGapMs: 0 });
    });
});
