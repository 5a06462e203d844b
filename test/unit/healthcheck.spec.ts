import * as assert from "assert";
import { dockerDuration, fastHealthcheck } from "../../components/healthcheck";
import { byType, runProgram } from "../support/program";
import { prodConfig, SECRET_KEYS } from "../support/fixtures";

describe("health checks", () => {
    it("write durations the way Docker reads them back, so previews stay empty", () => {
        assert.deepStrictEqual([0, 2, 30, 59, 60, 90, 3600, 3725].map(dockerDuration),
            ["0s", "2s", "30s", "59s", "1m0s", "1m30s", "1h0m0s", "1h2m5s"]);
        assert.throws(() => dockerDuration(1.5), /whole seconds, not 1\.5/);
    });

    it("check every 2 s and keep XingRin's time to unhealthy", () => {
        assert.deepStrictEqual(fastHealthcheck({ timeoutSeconds: 10, failAfterSeconds: 90, startPeriodSeconds: 60 }),
            { interval: "2s", timeout: "10s", retries: 45, startPeriod: "1m0s" });
    });

    it("never set startInterval, which Docker before 25 (API 1.44) refuses", async () => {
        const run = await runProgram(prodConfig(), SECRET_KEYS);
        const checked = byType(run.resources, "docker:index/container:Container").filter(c => c.inputs.healthcheck !== undefined);
        assert.deepStrictEqual(checked.map(c => c.name).sort(), ["xingrin-postgres", "xingrin-redis", "xingrin-scheduler", "xingrin-server-v1.1.0"]);
        for (const container of checked) {
            assert.strictEqual(container.inputs.healthcheck.startInterval, undefined, container.name);
            for (const key of ["interval", "timeout", "startPeriod"]) {
                const value = container.inputs.healthcheck[key];
                if (value !== undefined) {
                    assert.match(value, /^(\d+h)?(\d+m)?\d+s$/, `${container.name} ${key}`);
                    assert.ok(!/^\d{2,}s$/.test(value) || Number(value.slice(0, -1)) < 60, `${container.name} ${key} ${value}`);
                }
            }
        }
    });
});
