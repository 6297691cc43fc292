import type { LatencyBucket } from "../metric-source";

/**
 * Latency histograms as the sources give them (cumulative `le` buckets, Prometheus' shape), made
 * fit for counting: whole numbers (`increase()` extrapolates to fractions), never decreasing
 * (extrapolation can make a higher bucket read a little lower), sorted, ending at +Inf.
 */

/** Bucket bound (ms) → cumulative count. */
export type Histogram = ReadonlyMap<number, number>;

/** A measurement's buckets as a histogram; undefined when they are unusable (no +Inf bucket, NaN counts). */
export function toHistogram(buckets: readonly LatencyBucket[] | undefined): Histogram | undefined {
    if (!buckets?.length) {
        return undefined;
    }
    const sorted = [...buckets].sort((x, y) => x.leMs - y.leMs);
    if (sorted.at(-1)?.leMs !== Infinity || sorted.some((b) => !Number.isFinite(b.count) || b.count < 0 || Number.isNaN(b.leMs))) {
        return undefined;
    }
    const out = new Map<number, number>();
    let running = 0;
    for (const b of sorted) {
        running = Math.max(running, Math.round(b.count));
        out.set(b.leMs, running);
    }
    return out;
}

/** Requests in the histogram (its +Inf bucket). */
export function total(h: Histogram): number {
    return h.get(Infinity) ?? 0;
}

/** Requests slower than `leMs` (a bound of the histogram); undefined when the histogram has no such bound. */
export function countAbove(h: Histogram, leMs: number): number | undefined {
    const below = h.get(leMs);
    return below === undefined ? undefined : total(h) - below;
}

/** Bucket by bucket sum of two histograms with the same bounds (a bound one of them lacks is dropped). */
export function addHistograms(a: Histogram | undefined, b: Histogram): Histogram {
    if (!a) {
        return b;
    }
    const out = new Map<number, number>();
    for (const [le, n] of b) {
        const m = a.get(le);
        if (m !== undefined) {
            out.set(le, m + n);
        }
    }
    return out;
}

/**
 * The q-quantile as Prometheus' histogram_quantile computes it: linear interpolation inside the
 * bucket it falls in, the first bucket starting at 0; in the +Inf bucket, the highest finite
 * bound. Undefined for an empty histogram.
 */
export function quantileMs(h: Histogram, q: number): number | undefined {
    const n = total(h);
    if (n <= 0) {
        return undefined;
    }
    const rank = q * n;
    let lowerLe = 0;
    let lowerCount = 0;
    const bounds = [...h.keys()].sort((x, y) => x - y);
    for (const le of bounds) {
        const c = h.get(le) as number;
        if (c >= rank) {
            if (le === Infinity) {
                return lowerLe;
            }
            return c === lowerCount ? le : lowerLe + ((le - lowerLe) * (rank - lowerCount)) / (c - lowerCount);
        }
        lowerLe = le;
        lowerCount = c;
    }
    return lowerLe;
}

/**
 * The finite bound above which the histogram's share of requests is closest to `share` (in log
 * ratio): the bucket edge "at the P95" for share 0.05. When no request lies above any finite
 * bound (a fast service whose requests all fit in the first bucket), the lowest bound: a canary
 * that spills past it is slower, and the judge's tolerance decides whether it matters.
 * Undefined for an empty histogram or one without finite bounds.
 */
export function edgeForShare(h: Histogram, share: number): number | undefined {
    const n = total(h);
    if (n <= 0) {
        return undefined;
    }
    let best: number | undefined;
    let bestDistance = Infinity;
    let lowest: number | undefined;
    for (const [le, c] of h) {
        if (le === Infinity) {
            continue;
        }
        lowest = lowest === undefined ? le : Math.min(lowest, le);
        if (n - c <= 0) {
            continue;
        }
        const distance = Math.abs(Math.log((n - c) / n / share));
        if (distance < bestDistance) {
            best = le;
            bestDistance = distance;
        }
    }
    return best ?? lowest;
}
