/**
 * Where the analysis gets traffic figures: one small interface per source, as Flagger's metric
 * providers (Prometheus, an HTTP JSON endpoint, CloudWatch, Azure Monitor all implement it).
 */

/** Which traffic to measure: one track (or color) of one service, over the last `windowSeconds`. */
export interface MetricQuery {
    readonly service: string;
    /** stable | canary | blue | green | current */
    readonly track: string;
    readonly windowSeconds: number;
    /** Also the window's latency histogram (`Measurement.buckets`), for the sequential judge. */
    readonly buckets?: boolean;
}

/**
 * One bucket of a latency histogram, cumulative as Prometheus' `le`: `count` requests took at most
 * `leMs` milliseconds. The last bucket's `leMs` is Infinity (every request).
 */
export interface LatencyBucket {
    readonly leMs: number;
    readonly count: number;
}

/**
 * What a source measured. `p95Ms` is absent when the source has no latency for the window.
 * `buckets` is the window's latency histogram (ascending, cumulative), for the sequential judge's
 * latency test; sources that cannot give one leave it out and say why in `MetricSource.noBuckets`.
 */
export interface Measurement {
    readonly requests: number;
    /** Requests answered with a server error (5xx). */
    readonly errors: number;
    readonly p95Ms?: number;
    readonly buckets?: readonly LatencyBucket[];
}

export interface MetricSource {
    /** Names the source in reports, e.g. "prometheus http://127.0.0.1:9090". */
    readonly name: string;
    /**
     * Set by a source that cannot give latency histograms (CloudWatch and Azure Monitor give a P95
     * only): why, in a few words. The sequential judge then checks latency with the thresholds and
     * says so in the check.
     */
    readonly noBuckets?: string;
    /** Throws MetricSourceError when the source cannot answer (unreachable, throttled, malformed). */
    measure(query: MetricQuery, signal?: AbortSignal): Promise<Measurement>;
}

/** The source did not answer usefully: the measurement is inconclusive, never a pass. */
export class MetricSourceError extends Error {
    constructor(
        readonly source: string,
        message: string,
        readonly cause?: unknown,
    ) {
        super(`${source}: ${message}`);
        this.name = "MetricSourceError";
    }
}

export function errorRate(m: Measurement): number | undefined {
    return m.requests > 0 ? m.errors / m.requests : undefined;
}
