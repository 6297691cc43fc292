import normalQuantile = require("@stdlib/stats-base-dists-normal-quantile");
import type { Measurement } from "../../stacks/automation/verify/metric-source";
import type { Verdict } from "../../stacks/automation/verify/judge";

/**
 * A Kayenta-style fixed-window judge, the statistical baseline of the bench: Spinnaker Kayenta's
 * NetflixACAJudge classifies each metric with a Mann-Whitney U test (MannWhitneyClassifier) over
 * the metric's samples in the analysis window, canary ("experiment") vs baseline ("control"):
 * a metric is High when the 98% confidence interval of the location shift lies above 0 and the
 * effect size (ratio of the means) reaches the allowed increase; a critical metric that is High
 * fails the canary. The samples are the per-interval values (Kayenta's metrics are time series:
 * one value per step of the series), here the error rate and the P95 of each 30 s interval.
 *
 * The interval is Bauer's distribution-free one (1972; what R's wilcox.test(conf.int = TRUE)
 * and Kayenta's port of it compute): the Hodges-Lehmann differences x_i - y_j sorted, the bound
 * the k-th of them with k from the normal approximation of U (tie-corrected variance).
 *
 * As it would be used when looked at every interval: the judge runs after each interval on the
 * window so far. That is the point of the comparison: a fixed-sample test looked at repeatedly.
 */

export interface KayentaOptions {
    /** Two-sided confidence of the interval (Kayenta's default 0.98 in NetflixACAJudge). */
    readonly confidence: number;
    /** Effect size (mean ratio) a metric must reach to be High: the protocol's margins. */
    readonly errorRateAllowedIncrease: number;
    readonly p95AllowedIncrease: number;
}

/** The lower bound of the CI for the shift of x over y; -Infinity when the samples are too few. */
export function shiftLowerBound(x: readonly number[], y: readonly number[], confidence: number): number {
    const n = x.length;
    const m = y.length;
    if (n < 2 || m < 2) return -Infinity;
    const all = [...x, ...y].sort((a, b) => a - b);
    let tieTerm = 0;
    for (let i = 0; i < all.length; ) {
        let j = i;
        while (j < all.length && all[j] === all[i]) j++;
        const t = j - i;
        tieTerm += t * t * t - t;
        i = j;
    }
    const N = n + m;
    const variance = ((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
    if (variance <= 0) return 0;
    const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
    const k = Math.floor((n * m) / 2 - z * Math.sqrt(variance));
    if (k < 1) return -Infinity;
    const diffs: number[] = [];
    for (const a of x) for (const b of y) diffs.push(a - b);
    diffs.sort((a, b) => a - b);
    return diffs[k - 1];
}

function mean(xs: readonly number[]): number {
    return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function classifyHigh(canary: number[], control: number[], allowedIncrease: number, confidence: number): boolean {
    if (canary.length < 2 || control.length < 2) return false;
    const sortedA = [...canary].sort((a, b) => a - b);
    const sortedB = [...control].sort((a, b) => a - b);
    if (sortedA.length === sortedB.length && sortedA.every((v, i) => v === sortedB[i])) return false;
    const lower = shiftLowerBound(canary, control, confidence);
    const controlMean = mean(control);
    const effect = controlMean > 0 ? mean(canary) / controlMean : mean(canary) > 0 ? Infinity : 1;
    return lower > 0 && effect >= allowedIncrease;
}

export class KayentaMannWhitneyJudge {
    private readonly canaryErrors: number[] = [];
    private readonly stableErrors: number[] = [];
    private readonly canaryP95: number[] = [];
    private readonly stableP95: number[] = [];

    constructor(private readonly options: KayentaOptions) {}

    /** After each interval: the window so far, judged again. */
    judge(canary: Measurement, stable: Measurement): Verdict {
        // Kayenta drops NaN samples (no requests in the interval).
        if (canary.requests > 0) this.canaryErrors.push(canary.errors / canary.requests);
        if (stable.requests > 0) this.stableErrors.push(stable.errors / stable.requests);
        if (canary.p95Ms !== undefined) this.canaryP95.push(canary.p95Ms);
        if (stable.p95Ms !== undefined) this.stableP95.push(stable.p95Ms);
        const o = this.options;
        const errorsHigh = classifyHigh(this.canaryErrors, this.stableErrors, o.errorRateAllowedIncrease, o.confidence);
        const latencyHigh = classifyHigh(this.canaryP95, this.stableP95, o.p95AllowedIncrease, o.confidence);
        const failed = errorsHigh || latencyHigh;
        const summary = failed ? `High: ${[errorsHigh ? "error rate" : "", latencyHigh ? "P95" : ""].filter(Boolean).join(", ")}` : "Pass";
        return { outcome: failed ? "fail" : "pass", summary, checks: [] };
    }
}
