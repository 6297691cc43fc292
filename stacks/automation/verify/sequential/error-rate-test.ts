import { RateCeilingEProcess } from "./rate-ceiling-e-process";
import { RateRatioEProcess } from "./rate-ratio-e-process";

/**
 * The protocol's two error-rate rules as sequential tests over a step (seeds 001, 002, 004):
 *
 * - relative: fail when the canary's error rate is more than `maxIncreaseOverBaseline` (50%)
 *   above the stable's in the same windows. H0: λc ≤ (1 + 0.5) λs, tested on the request and
 *   error counts of both tracks with the conditional-binomial e-process (rate-ratio-e-process.ts):
 *   robust to traffic that changes between intervals, and to the stable's own rate drifting.
 *   The protocol's floor ("and at least 1 point above it", `minAbsoluteIncrease`) is a
 *   practical-significance gate on the step's estimates: the failure also needs the canary's
 *   observed rate over the step at least that far above the stable's. It can only withhold a
 *   failure, so it never adds false ones; it keeps 0.1% vs 0.3% from rolling a release back.
 * - absolute: fail when the canary's error rate is above `max` (5%), whatever the stable does.
 *   H0: λc ≤ 5%, tested on the canary's counts alone with the one-sided beta-binomial mixture
 *   (rate-ceiling-e-process.ts). Still an absolute check, judged on the step's evidence rather
 *   than one window's ratio (one window of 20 requests with 2 errors is 10%, and no evidence).
 */

export interface Counts {
    readonly requests: number;
    readonly errors: number;
}

export interface ErrorRateEvidence {
    /** Step totals. */
    readonly candidate: Counts;
    readonly baseline: Counts;
    /** e-value against the relative null (canary ≤ 1.5 × stable). */
    readonly ratioE: number;
    /** e-value against the ceiling (canary ≤ 5%); undefined when the ceiling is off (max 1) or 0. */
    readonly ceilingE?: number;
    /** Observed canary rate minus stable rate over the step (both over the intervals measured together). */
    readonly difference?: number;
}

export class ErrorRateTest {
    private readonly ratio: RateRatioEProcess;
    private readonly ceiling?: RateCeilingEProcess;
    private candidate: Counts = { requests: 0, errors: 0 };
    /** The canary's counts over the intervals where the stable was measured too, for the floor. */
    private pairedCandidate: Counts = { requests: 0, errors: 0 };
    private baseline: Counts = { requests: 0, errors: 0 };

    constructor(maxIncreaseOverBaseline: number, max: number) {
        this.ratio = new RateRatioEProcess(1 + maxIncreaseOverBaseline);
        this.ceiling = max > 0 && max < 1 ? new RateCeilingEProcess(max) : undefined;
    }

    /** Whether the ceiling is a sequential test here (0 < max < 1). */
    get hasCeiling(): boolean {
        return this.ceiling !== undefined;
    }

    /** One interval's counts (whole numbers); the baseline's absent when it was not measured. */
    update(candidate: Counts, baseline?: Counts): void {
        this.ceiling?.update(candidate.errors, candidate.requests);
        this.candidate = add(this.candidate, candidate);
        if (baseline) {
            this.ratio.update({
                candidateEvents: candidate.errors,
                candidateRequests: candidate.requests,
                baselineEvents: baseline.errors,
                baselineRequests: baseline.requests,
            });
            this.pairedCandidate = add(this.pairedCandidate, candidate);
            this.baseline = add(this.baseline, baseline);
        }
    }

    get evidence(): ErrorRateEvidence {
        const pc = this.pairedCandidate;
        const b = this.baseline;
        return {
            candidate: this.candidate,
            baseline: b,
            ratioE: this.ratio.e,
            ceilingE: this.ceiling?.e,
            difference: pc.requests > 0 && b.requests > 0 ? pc.errors / pc.requests - b.errors / b.requests : undefined,
        };
    }
}

function add(a: Counts, b: Counts): Counts {
    return { requests: a.requests + b.requests, errors: a.errors + b.errors };
}
