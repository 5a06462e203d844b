/**
 * Health-check timing that makes updates quick on every Docker an operator is likely to have.
 *
 * Docker 20.10 (API 1.41, Debian 12) runs the first check only after a full `interval`, and the
 * `startInterval` setting that would shorten it needs API 1.44 (Docker 25), which older daemons
 * refuse outright. So the interval itself is short, and `retries` keeps the time before a
 * container counts as unhealthy where XingRin's compose file puts it.
 */
export interface HealthTiming {
    /** How long one check may take. */
    timeoutSeconds: number;
    /** How long a container must keep failing before Docker calls it unhealthy. */
    failAfterSeconds: number;
    /** Grace time after start during which failures do not count. */
    startPeriodSeconds?: number;
}

/** Seconds between checks: the longest a health-gated update waits on a container that is already up. */
export const HEALTH_INTERVAL_SECONDS = 2;

export interface HealthcheckTiming {
    interval: string;
    timeout: string;
    retries: number;
    startPeriod?: string;
}

export function fastHealthcheck(timing: HealthTiming): HealthcheckTiming {
    return {
        interval: dockerDuration(HEALTH_INTERVAL_SECONDS),
        timeout: dockerDuration(timing.timeoutSeconds),
        retries: Math.ceil(timing.failAfterSeconds / HEALTH_INTERVAL_SECONDS),
        ...(timing.startPeriodSeconds !== undefined ? { startPeriod: dockerDuration(timing.startPeriodSeconds) } : {}),
    };
}

/**
 * A duration as Docker reports it back (Go's time.Duration format: "2s", "1m0s", "1h0m0s"). The
 * docker provider reads containers back and compares, so "60s" would show as a change to
 * "1m0s" on every preview.
 */
export function dockerDuration(totalSeconds: number): string {
    if (!Number.isInteger(totalSeconds) || totalSeconds < 0) {
        throw new Error(`a health-check duration must be whole seconds, not ${totalSeconds}`);
    }
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    if (hours > 0) {
        return `${hours}h${minutes}m${seconds}s`;
    }
    return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
