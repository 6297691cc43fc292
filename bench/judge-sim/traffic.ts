import type { LatencyBucket, Measurement } from "../../stacks/automation/verify/metric-source";
import { quantileMs, toHistogram } from "../../stacks/automation/verify/sequential/histogram";
import { Random } from "./random";

/**
 * Simulated traffic with known truth: a service gets `ratePerSecond` requests (Poisson), the
 * canary `share` of them. Each request fails with its track's error rate and takes a log-normal
 * time (median `medianMs`, shape `sigma`; the canary's times multiplied by `latencyFactor`).
 * Each analysis interval yields what a Prometheus source would answer for each track: requests,
 * errors, the window's P95 (histogram_quantile over the buckets) and the buckets themselves.
 */

/** The shop example's histogram bounds (examples/shop/metrics.ts), in ms. */
export const SHOP_BUCKETS_MS = [5, 10, 25, 50, 100, 150, 200, 300, 500, 750, 1000, 2500, 5000];

export interface Scenario {
    readonly ratePerSecond: number;
    /** The canary's share of requests, 0..1. */
    readonly share: number;
    readonly stableErrorRate: number;
    readonly canaryErrorRate: number;
    readonly medianMs: number;
    readonly sigma: number;
    /** 1 for a healthy canary; 1.3 for +30%, 2 for twice as slow. */
    readonly latencyFactor: number;
}

export interface Interval {
    readonly canary: Measurement;
    readonly stable: Measurement;
}

function track(random: Random, expected: number, errorRate: number, medianMs: number, sigma: number, bounds: readonly number[]): Measurement {
    const n = random.poisson(expected);
    const counts = new Array<number>(bounds.length + 1).fill(0);
    let errors = 0;
    const mu = Math.log(medianMs);
    for (let i = 0; i < n; i++) {
        if (random.uniform() < errorRate) errors++;
        const t = Math.exp(mu + sigma * random.normal());
        let b = 0;
        while (b < bounds.length && t > bounds[b]) b++;
        counts[b]++;
    }
    let running = 0;
    const buckets: LatencyBucket[] = counts.map((c, i) => {
        running += c;
        return { leMs: i < bounds.length ? bounds[i] : Infinity, count: running };
    });
    const histogram = toHistogram(buckets);
    const p95Ms = histogram && n > 0 ? quantileMs(histogram, 0.95) : undefined;
    return { requests: n, errors, ...(p95Ms === undefined ? {} : { p95Ms }), buckets };
}

/** One interval of `seconds` of both tracks' traffic. */
export function interval(random: Random, s: Scenario, seconds: number, bounds: readonly number[] = SHOP_BUCKETS_MS): Interval {
    const expected = s.ratePerSecond * seconds;
    return {
        canary: track(random, expected * s.share, s.canaryErrorRate, s.medianMs * s.latencyFactor, s.sigma, bounds),
        stable: track(random, expected * (1 - s.share), s.stableErrorRate, s.medianMs, s.sigma, bounds),
    };
}
