import type { AnalysisConfig } from "../../../../components/release/analysis";
import { eValue, ms, percent, points, whole } from "../format";
import { Check, JudgeLabels, Verdict, inconclusiveVerdict, judge as thresholdsJudge, usableMeasurement, verdictOf } from "../judge";
import type { Measurement } from "../metric-source";
import { ErrorRateTest } from "./error-rate-test";
import { toHistogram } from "./histogram";
import { LatencyTest } from "./latency-test";

/**
 * The sequential judge: one object per step's analysis run, fed each interval's measurements of
 * the canary and the stable (non-overlapping windows: the run measures each round since the last),
 * keeping the evidence of the whole step. Its tests (error-rate-test.ts, latency-test.ts) are
 * e-processes: nonnegative supermartingales under "the canary is healthy", so by Ville's
 * inequality the probability that any of them ever crosses its bound during the step is at most
 * its share of alpha. The step's alpha is split evenly over its tests (Bonferroni: each fails at
 * e ≥ tests/alpha), so a healthy canary fails a step with probability ≤ alpha however often the
 * judge looks and however long the bake is extended.
 *
 * - A check fails as soon as its e-value crosses its bound (and, for the relative checks, the
 *   protocol's absolute floor is met by the step's estimates). Crossing is evidence at any traffic:
 *   it is not withheld for a thin window.
 * - A check passes only when it has not crossed and the step has `minRequests` canary requests:
 *   below that the verdict is inconclusive, and the run's inconclusive limit decides. The run
 *   passes a step only after its bake on a passing verdict, so never on thin evidence.
 * - A baseline with fewer than `minRequests` requests in the step cannot fail the canary (as the
 *   thresholds judge): the relative checks are skipped and say why.
 * - Where the source gives no latency histogram (CloudWatch, Azure Monitor: `noBuckets`), latency
 *   is judged by the thresholds judge's P95 rules and the check says so.
 */
export class SequentialJudge {
    readonly kind = "sequential" as const;
    /** How many sequential tests share alpha. */
    readonly tests: number;
    /** Each test's bound: tests / alpha. */
    readonly bound: number;
    readonly description: string;
    private readonly errors: ErrorRateTest;
    private readonly latency?: LatencyTest;

    constructor(
        private readonly a: AnalysisConfig,
        private readonly noBuckets?: string,
    ) {
        this.errors = new ErrorRateTest(a.errorRate.maxIncreaseOverBaseline, a.errorRate.max);
        this.latency = noBuckets === undefined ? new LatencyTest(a.latency.slowShareMaxFactor, a.minRequests) : undefined;
        this.tests = 1 + (this.errors.hasCeiling ? 1 : 0) + (this.latency ? 1 : 0);
        this.bound = this.tests / a.alpha;
        this.description =
            `sequential: alpha ${a.alpha} over ${this.tests} tests, each fails at e ≥ ${whole(this.bound)}` +
            (noBuckets ? `; latency by thresholds (${noBuckets})` : "");
    }

    private boundText(): string {
        return `${whole(this.bound)} (${this.tests === 1 ? "" : this.tests}/α)`;
    }

    judge(candidate: Measurement, baseline: Measurement | undefined, labels: JudgeLabels = {}): Verdict {
        const a = this.a;
        const base = labels.baseline ?? "baseline";
        const min = a.minRequests;
        if (!usableMeasurement(candidate)) {
            return inconclusiveVerdict(`the candidate's measurement is not usable (requests ${candidate.requests}, errors ${candidate.errors})`, candidate, baseline);
        }
        const ref = baseline !== undefined && usableMeasurement(baseline) ? baseline : undefined;
        this.errors.update(counts(candidate), ref && counts(ref));

        // Latency: both histograms, or this window's P95 by the thresholds.
        let latencyFallback = this.noBuckets;
        if (this.latency) {
            const ch = toHistogram(candidate.buckets);
            const bh = ref && toHistogram(ref.buckets);
            if (ch && bh) {
                this.latency.update(ch, bh);
            } else if (!ch) {
                latencyFallback = "no latency histogram for the candidate in this window";
            }
        }
        // The thresholds judge's checks, for what is judged by thresholds (the optional P95
        // ceiling, latency without histograms, an error ceiling of 0).
        const byThresholds = thresholdsJudge(candidate, baseline, a, labels);
        const thresholdCheck = (name: Check["name"]) => byThresholds.checks.find((c) => c.name === name) as Check;

        const ev = this.errors.evidence;
        const n = ev.candidate.requests;
        const enough = n >= min;
        const baselineThin = !ref && ev.baseline.requests === 0 ? labelMissing(base, labels) : ev.baseline.requests < min ? `${base} has ${whole(ev.baseline.requests)} requests in this step (< ${min})` : undefined;
        const bound = this.bound;
        const of = this.boundText();
        const checks: Check[] = [];

        checks.push({
            name: "traffic",
            value: Math.round(n),
            threshold: min,
            unit: "requests",
            outcome: enough ? "pass" : "inconclusive",
            detail: enough ? `${whole(n)} requests in this step ≥ ${min}` : `only ${whole(n)} requests in this step (< ${min}): too little traffic to judge`,
        });

        // The absolute ceiling (5%).
        const rate = n > 0 ? ev.candidate.errors / n : undefined;
        if (ev.ceilingE !== undefined) {
            const e = ev.ceilingE;
            const over = e >= bound;
            const shown = rate === undefined ? "no requests" : `error rate ${percent(rate)}`;
            checks.push({
                name: "error-rate",
                value: rate,
                threshold: a.errorRate.max,
                unit: "fraction",
                outcome: over ? "fail" : "pass",
                evidence: { statistic: "e-value", value: e, bound, requests: n },
                detail: over
                    ? `${shown} above the ${percent(a.errorRate.max)} ceiling: e = ${eValue(e)} ≥ ${of}, ${whole(n)} requests`
                    : `${shown} vs ${percent(a.errorRate.max)} ceiling: e = ${eValue(e)} of ${of}, ${whole(n)} requests`,
            });
        } else {
            checks.push(thresholdCheck("error-rate"));
        }

        // Relative to the stable.
        const { maxIncreaseOverBaseline: inc, minAbsoluteIncrease: minAbs } = a.errorRate;
        if (baselineThin) {
            checks.push({ name: "error-rate-vs-baseline", unit: "fraction", outcome: "skipped", detail: `skipped: ${baselineThin}; the absolute ceiling still applies` });
        } else {
            const e = ev.ratioE;
            const b = ev.baseline.errors / ev.baseline.requests;
            const c = b + (ev.difference ?? 0);
            const crossed = e >= bound;
            const floorMet = (ev.difference ?? 0) >= minAbs - 1e-9;
            const evidence = { statistic: "e-value" as const, value: e, bound, requests: n, baselineRequests: ev.baseline.requests };
            const figures = `${percent(c)} vs ${base} ${percent(b)}`;
            checks.push({
                name: "error-rate-vs-baseline",
                value: c,
                threshold: b * (1 + inc),
                baseline: b,
                unit: "fraction",
                outcome: crossed && floorMet ? "fail" : "pass",
                evidence,
                detail:
                    crossed && floorMet
                        ? `error rate more than ${percent(inc)} above ${base}: ${figures}, e = ${eValue(e)} ≥ ${of}, ${whole(n)} requests`
                        : crossed
                          ? `error rate vs ${base}: ${figures}, e = ${eValue(e)} ≥ ${of} but only ${points(ev.difference ?? 0)} above it (< ${points(minAbs)}): not a failure`
                          : `error rate vs ${base}: ${figures}, e = ${eValue(e)} of ${of}, ${whole(n)} requests`,
            });
        }

        checks.push(this.latencyCheck(base, baselineThin, latencyFallback, thresholdCheck("p95-vs-baseline")));
        checks.push(thresholdCheck("p95"));

        // Evidence that could not be computed is no pass (fail closed): inconclusive, said so.
        for (const [i, c] of checks.entries()) {
            if (c.evidence && Number.isNaN(c.evidence.value)) {
                checks[i] = { ...c, outcome: "inconclusive", detail: `${c.name}: the evidence could not be computed from these counts` };
            }
        }
        // Thin step: nothing may pass yet; a crossing stands (the evidence is valid at any count).
        const final = enough
            ? checks
            : checks.map((c) =>
                  c.name === "traffic" || c.outcome === "skipped" || c.outcome === "inconclusive" || (c.outcome === "fail" && c.evidence)
                      ? c
                      : { ...c, outcome: "inconclusive" as const, detail: `${c.detail}; too little traffic to pass` },
              );
        return verdictOf(final, candidate, baseline);
    }

    private latencyCheck(base: string, baselineThin: string | undefined, fallback: string | undefined, byThresholds: Check): Check {
        if (!this.latency || fallback) {
            return byThresholds.outcome === "skipped"
                ? { ...byThresholds, detail: `${byThresholds.detail} (thresholds: ${fallback})` }
                : { ...byThresholds, detail: `thresholds (${fallback}): ${byThresholds.detail}` };
        }
        const l = this.latency.evidence;
        if (l.edgeMs === undefined) {
            return baselineThin
                ? { name: "latency-vs-baseline", unit: "ms", outcome: "skipped", detail: `skipped: ${baselineThin}` }
                : {
                      name: "latency-vs-baseline",
                      unit: "ms",
                      outcome: "inconclusive",
                      detail: `latency: no slow-request edge yet (set from ${base}'s histogram of the windows before)`,
                  };
        }
        const factor = this.a.latency.slowShareMaxFactor;
        const bound = this.bound;
        const cShare = l.candidateRequests > 0 ? l.candidateSlow / l.candidateRequests : 0;
        const bShare = l.baselineRequests > 0 ? l.baselineSlow / l.baselineRequests : 0;
        const crossed = l.e >= bound;
        const minMs = this.a.latency.minAbsoluteIncreaseMs;
        const p95Gap = l.candidateP95Ms !== undefined && l.baselineP95Ms !== undefined ? l.candidateP95Ms - l.baselineP95Ms : undefined;
        const shareRatio = bShare > 0 ? cShare / bShare : cShare > 0 ? Infinity : 0;
        const gateMet = p95Gap !== undefined && p95Gap >= minMs && shareRatio >= factor;
        const figures = `${percent(cShare)} of requests slower than ${ms(l.edgeMs)} vs ${base} ${percent(bShare)}`;
        const p95s = l.candidateP95Ms !== undefined && l.baselineP95Ms !== undefined ? `P95 ${ms(l.candidateP95Ms)} vs ${ms(l.baselineP95Ms)}` : "no P95";
        const evidence = { statistic: "e-value" as const, value: l.e, bound, requests: l.candidateRequests, baselineRequests: l.baselineRequests };
        const of = this.boundText();
        return {
            name: "latency-vs-baseline",
            value: cShare,
            threshold: bShare * factor,
            baseline: bShare,
            unit: "fraction",
            outcome: crossed && gateMet ? "fail" : "pass",
            evidence,
            detail:
                crossed && gateMet
                    ? `slower than ${base} (max ${factor}× its slow share): ${figures}, e = ${eValue(l.e)} ≥ ${of}, ${whole(l.candidateRequests)} requests; ${p95s}`
                    : crossed
                      ? `latency vs ${base}: ${figures}, e = ${eValue(l.e)} ≥ ${of} but within the tolerance (${factor}× its slow share, ${ms(minMs)} on the P95; ${p95s}): not a failure`
                      : `latency vs ${base}: ${figures}, e = ${eValue(l.e)} of ${of}, ${whole(l.candidateRequests)} requests`,
        };
    }
}

function labelMissing(base: string, labels: JudgeLabels): string {
    return labels.baselineMissingReason ? `no ${base} measurement (${labels.baselineMissingReason})` : `no ${base} measurement`;
}

/** Whole counts (Prometheus' increase() extrapolates to fractions), errors never above requests. */
function counts(m: Measurement): { requests: number; errors: number } {
    const requests = Math.max(0, Math.round(m.requests));
    return { requests, errors: Math.min(requests, Math.max(0, Math.round(m.errors))) };
}
