import { Histogram, addHistograms, countAbove, edgeForShare, quantileMs, total } from "./histogram";
import { RateRatioEProcess } from "./rate-ratio-e-process";

/**
 * Is the canary slower than the stable? A sequential test on the two tracks' latency histograms.
 *
 * What is tested: a "slow request" is one slower than an edge near the stable's P95 (the bucket
 * bound above which the stable's share of requests is closest to 5%). H0: the canary's share of
 * slow requests is at most the stable's, i.e. the canary is not stochastically slower at the P95
 * (a canary identical to the stable is on H0's boundary, as Lindon et al.'s canary-vs-control
 * null). A canary whose distribution is shifted or stretched upwards (+30%, ×2) moves requests
 * across the edge, and the test sees it without estimating a P95 per window (a ratio of two noisy
 * quantiles is what makes "P95 above 2×" slow and jumpy on thin windows).
 *
 * How: counting slow requests per track makes this the same count comparison as the error rate
 * (rate-ratio-e-process.ts, Lindon et al. KDD 2022): conditional on the interval's slow requests
 * of both tracks, the canary's share is binomial with p = ρa/(ρa + b), ρ the ratio of slow
 * shares, and H0 is ρ ≤ 1. It is the two-category reduction of the histogram's multinomial
 * (Lindon & Malek, NeurIPS 2022, test the full Dirichlet-multinomial; here only the category the
 * protocol is about, the tail, carries evidence, which keeps the test one-sided: faster canaries
 * never fail).
 *
 * Why it stays valid: the edge for interval k is chosen from the stable's histogram of intervals
 * 1..k-1 only (a predictable choice, fixed before interval k's counts are seen). Each interval's
 * likelihood-ratio factor then has conditional mean ≤ 1 under H0 whatever edge was chosen, and
 * the product is still a supermartingale (Ramdas, Grünwald, Vovk, Shafer, "Game-theoretic
 * statistics and safe anytime-valid inference", Statist. Sci. 2023, §4: predictable plug-ins).
 * The first interval only sets the edge.
 *
 * The tolerance: a canary a little slower is not a failure. A crossing fails the step only if the
 * step's estimates also show a material slowdown: the canary's slow share at least `factor`
 * (latency.slowShareMaxFactor, 1.5) times the stable's, and its P95 (histogram_quantile over the
 * step) at least `minAbsoluteIncreaseMs` above the stable's, as the thresholds judge's floor. Like
 * Kayenta's effect size next to its Mann-Whitney test, these gates can only withhold failures: the
 * false-failure bound (alpha) holds for canaries that are not slower; between "not slower" and the
 * tolerance it is the estimate that decides, not a guarantee.
 */

/** The stable's share above the edge the test aims for: the protocol speaks of the P95. */
export const TAIL_SHARE = 0.05;

export interface LatencyEvidence {
    readonly e: number;
    /** The edge of the last interval that counted, in ms; undefined until the stable has shown one. */
    readonly edgeMs?: number;
    /** Slow requests and requests counted by the test (intervals after the first). */
    readonly candidateSlow: number;
    readonly candidateRequests: number;
    readonly baselineSlow: number;
    readonly baselineRequests: number;
    /** P95s over the step so far (histogram_quantile), for the gate and the report. */
    readonly candidateP95Ms?: number;
    readonly baselineP95Ms?: number;
}

export class LatencyTest {
    private readonly process: RateRatioEProcess;
    private candidateStep?: Histogram;
    private baselineStep?: Histogram;
    private edge?: number;
    private counted = { candidateSlow: 0, candidateRequests: 0, baselineSlow: 0, baselineRequests: 0 };

    /** `minBaselineRequests`: the stable requests needed before its histogram may set the edge. */
    constructor(
        readonly factor: number,
        private readonly minBaselineRequests: number,
    ) {
        this.process = new RateRatioEProcess(1);
    }

    /** One interval's histograms of both tracks (with the same bucket bounds). */
    update(candidate: Histogram, baseline: Histogram): void {
        // The edge comes from what the stable showed before this interval: a predictable choice.
        const edge = this.baselineStep && total(this.baselineStep) >= this.minBaselineRequests ? edgeForShare(this.baselineStep, TAIL_SHARE) : undefined;
        if (edge !== undefined) {
            const cSlow = countAbove(candidate, edge);
            const bSlow = countAbove(baseline, edge);
            if (cSlow !== undefined && bSlow !== undefined) {
                this.edge = edge;
                const o = { candidateEvents: cSlow, candidateRequests: total(candidate), baselineEvents: bSlow, baselineRequests: total(baseline) };
                this.process.update(o);
                this.counted = {
                    candidateSlow: this.counted.candidateSlow + cSlow,
                    candidateRequests: this.counted.candidateRequests + o.candidateRequests,
                    baselineSlow: this.counted.baselineSlow + bSlow,
                    baselineRequests: this.counted.baselineRequests + o.baselineRequests,
                };
            }
        }
        this.candidateStep = addHistograms(this.candidateStep, candidate);
        this.baselineStep = addHistograms(this.baselineStep, baseline);
    }

    get evidence(): LatencyEvidence {
        return {
            e: this.process.e,
            edgeMs: this.edge,
            ...this.counted,
            candidateP95Ms: this.candidateStep && quantileMs(this.candidateStep, 0.95),
            baselineP95Ms: this.baselineStep && quantileMs(this.baselineStep, 0.95),
        };
    }
}
