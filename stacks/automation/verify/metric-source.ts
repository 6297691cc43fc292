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
}

/** What a source measured. `p95Ms` is absent when the source has no latency for the window. */
export interface Measurement {
    readonly requests: number;
    /** Requests answered with a server error (5xx). */
    readonly errors: number;
    readonly p95Ms?: number;
}

export interface MetricSource {
    /** Names the source in reports, e.g. "prometheus http://127.0.0.1:9090". */
    readonly name: string;
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
