import type { AnalysisConfig } from "../../../components/release/analysis";
import { count, ms, percent, points } from "./format";
import { Measurement } from "./metric-source";

/**
 * The judge: one candidate measurement (and the baseline's, from the same window) against the
 * step's thresholds. Absolute thresholds only, like Flagger, plus the protocol's comparison with
 * the stable track; not Kayenta's statistics. Every figure and threshold goes into the verdict, so
 * a report can say "error rate 12.0% > 5.0%" instead of "failed" (FL#1147, FL#1304).
 *
 * How little traffic is handled (kayenta#799, deck-kayenta#314):
 * - candidate below `minRequests`: every check is computed and shown, but none can pass or fail;
 *   the verdict is inconclusive. A few requests never make a pass, and 1 error in 5 requests
 *   never makes a rollback. The run's inconclusive limit decides what persistent silence means.
 * - baseline below `minRequests` (or missing, or unmeasurable): the checks *relative* to it are
 *   "skipped", and a skipped check neither fails nor blocks a pass; the absolute ones (error rate
 *   ceiling, the optional P95 ceiling) still decide. So a stable track that gets no traffic (a
 *   canary at 100%, a blue-green switch) cannot fail the candidate, and the verdict says which
 *   checks were skipped and why.
 * - a baseline P95 that is 0, NaN or infinite is no reference: the latency comparison is skipped.
 */

export type VerdictOutcome = "pass" | "fail" | "inconclusive";
export type CheckOutcome = VerdictOutcome | "skipped";

export type CheckName =
    | "traffic"
    | "error-rate"
    | "error-rate-vs-baseline"
    | "p95-vs-baseline"
    /** The sequential judge's latency test (slow requests vs the baseline's). */
    | "latency-vs-baseline"
    | "p95"
    | "source";

/**
 * The sequential judge's evidence behind a check: the e-value over the step so far, the bound it
 * fails at (1/alpha, split over the step's tests) and how much traffic it rests on.
 */
export interface Evidence {
    readonly statistic: "e-value";
    readonly value: number;
    readonly bound: number;
    /** Candidate requests the test has counted in this step (whole). */
    readonly requests: number;
    /** Baseline requests it has counted (relative tests). */
    readonly baselineRequests?: number;
}

export interface Check {
    readonly name: CheckName;
    /** The candidate's figure: requests, a rate as a fraction, or milliseconds (see `unit`). */
    readonly value?: number;
    /** The limit the figure was held to (for relative checks, already derived from the baseline). */
    readonly threshold?: number;
    /** The baseline's figure, for relative checks. */
    readonly baseline?: number;
    readonly unit: "requests" | "fraction" | "ms";
    readonly outcome: CheckOutcome;
    /** One line a person reads: "error rate 12.0% > 5.0%". */
    readonly detail: string;
    /** Sequential checks only. */
    readonly evidence?: Evidence;
}

export interface Verdict {
    readonly outcome: VerdictOutcome;
    /** The decisive details on one line: what failed, or why it is inconclusive, or what passed. */
    readonly summary: string;
    readonly checks: readonly Check[];
    readonly candidate?: Measurement;
    readonly baseline?: Measurement;
}

export interface JudgeLabels {
    /** How the baseline is called in details: "stable", "blue", "baseline". */
    readonly baseline?: string;
    /** Why there is no baseline measurement, when the caller knows (e.g. the source failed for it). */
    readonly baselineMissingReason?: string;
}

/** Tolerance for float comparisons: 0.02 - 0.01 must count as "at least 0.01 above". */
const EPSILON = 1e-9;

/** Counts that can be judged: finite and not negative. */
export function usableMeasurement(m: Measurement | undefined): boolean {
    return (
        m !== undefined &&
        Number.isFinite(m.requests) &&
        Number.isFinite(m.errors) &&
        m.requests >= 0 &&
        m.errors >= 0
    );
}

function usableP95(p95: number | undefined): p95 is number {
    return p95 !== undefined && !Number.isNaN(p95) && p95 >= 0;
}

export function judge(
    candidate: Measurement,
    baseline: Measurement | undefined,
    thresholds: AnalysisConfig,
    labels: JudgeLabels = {},
): Verdict {
    const base = labels.baseline ?? "baseline";
    const min = thresholds.minRequests;

    if (!usableMeasurement(candidate)) {
        return inconclusiveVerdict(
            `the candidate's measurement is not usable (requests ${candidate.requests}, errors ${candidate.errors})`,
            candidate,
            baseline,
        );
    }

    const enough = candidate.requests >= min;
    const rate = candidate.requests > 0 ? Math.min(1, candidate.errors / candidate.requests) : undefined;
    const p95 = usableP95(candidate.p95Ms) ? candidate.p95Ms : undefined;

    // Why the baseline cannot serve as a reference, if it cannot.
    let baselineProblem: string | undefined;
    if (baseline === undefined) {
        baselineProblem = labels.baselineMissingReason ? `no ${base} measurement (${labels.baselineMissingReason})` : `no ${base} measurement`;
    } else if (!usableMeasurement(baseline)) {
        baselineProblem = `${base} measurement is not usable (requests ${baseline.requests}, errors ${baseline.errors})`;
    } else if (baseline.requests < min) {
        baselineProblem = `${base} has ${count(baseline.requests)} requests (< ${min})`;
    }
    const ref = baselineProblem === undefined ? (baseline as Measurement) : undefined;

    const checks: Check[] = [];

    checks.push({
        name: "traffic",
        // A count: Prometheus' increase() extrapolates to fractions of a request.
        value: Math.round(candidate.requests),
        threshold: min,
        unit: "requests",
        outcome: enough ? "pass" : "inconclusive",
        detail: enough
            ? `${count(candidate.requests)} requests ≥ ${min}`
            : `only ${count(candidate.requests)} requests (< ${min}): too little traffic to judge`,
    });

    // Absolute error rate: applies whatever the baseline is.
    const maxRate = thresholds.errorRate.max;
    if (rate === undefined) {
        checks.push({ name: "error-rate", threshold: maxRate, unit: "fraction", outcome: "inconclusive", detail: "no requests: no error rate" });
    } else {
        const over = rate > maxRate + EPSILON;
        checks.push({
            name: "error-rate",
            value: rate,
            threshold: maxRate,
            unit: "fraction",
            outcome: over ? "fail" : "pass",
            detail: `error rate ${percent(rate)} ${over ? ">" : "≤"} ${percent(maxRate)}`,
        });
    }

    // Error rate relative to the baseline: both "50% above it" and "at least minAbsoluteIncrease above it".
    const { maxIncreaseOverBaseline: inc, minAbsoluteIncrease: minAbs } = thresholds.errorRate;
    if (!ref) {
        checks.push({
            name: "error-rate-vs-baseline",
            value: rate,
            unit: "fraction",
            outcome: "skipped",
            detail: `skipped: ${baselineProblem}; the absolute ceiling ${percent(maxRate)} still applies`,
        });
    } else if (rate === undefined) {
        checks.push({ name: "error-rate-vs-baseline", unit: "fraction", outcome: "inconclusive", detail: "no requests: no error rate" });
    } else {
        const b = ref.requests > 0 ? Math.min(1, ref.errors / ref.requests) : 0;
        const relative = b * (1 + inc);
        const limit = Math.max(relative, b + minAbs);
        const over = rate > relative + EPSILON && rate - b >= minAbs - EPSILON;
        checks.push({
            name: "error-rate-vs-baseline",
            value: rate,
            threshold: limit,
            baseline: b,
            unit: "fraction",
            outcome: over ? "fail" : "pass",
            detail: over
                ? `error rate ${percent(rate)} > ${percent(limit)}: ${base} ${percent(b)} + ${percent(inc)} and ${points(rate - b)} above it (≥ ${points(minAbs)})`
                : `error rate ${percent(rate)} ≤ ${percent(limit)} (${base} ${percent(b)} + ${percent(inc)}, or ${points(minAbs)} above it)`,
        });
    }

    // P95 relative to the baseline.
    const factor = thresholds.latency.p95MaxFactor;
    const refP95 = ref?.p95Ms;
    if (!ref) {
        checks.push({ name: "p95-vs-baseline", value: p95, unit: "ms", outcome: "skipped", detail: `skipped: ${baselineProblem}` });
    } else if (refP95 === undefined || Number.isNaN(refP95)) {
        checks.push({ name: "p95-vs-baseline", value: p95, unit: "ms", outcome: "skipped", detail: `skipped: no P95 for ${base} in this window` });
    } else if (!(refP95 > 0) || !Number.isFinite(refP95)) {
        checks.push({
            name: "p95-vs-baseline",
            value: p95,
            baseline: refP95,
            unit: "ms",
            outcome: "skipped",
            detail: `skipped: ${base} P95 is ${ms(refP95)}, no reference to compare with`,
        });
    } else if (p95 === undefined) {
        checks.push({
            name: "p95-vs-baseline",
            baseline: refP95,
            unit: "ms",
            outcome: "skipped",
            detail: "skipped: the source gave no P95 for the candidate in this window",
        });
    } else {
        // Both "factor × the baseline" and "at least minAbsoluteIncreaseMs above it": at a few
        // milliseconds, twice the baseline is scheduling noise, not a slower release.
        const minMs = thresholds.latency.minAbsoluteIncreaseMs;
        const limit = Math.max(factor * refP95, refP95 + minMs);
        const over = p95 > factor * refP95 && p95 - refP95 >= minMs;
        checks.push({
            name: "p95-vs-baseline",
            value: p95,
            threshold: limit,
            baseline: refP95,
            unit: "ms",
            outcome: over ? "fail" : "pass",
            detail: over
                ? `P95 ${ms(p95)} > ${ms(limit)} (${factor}× ${base} ${ms(refP95)}, and ${ms(p95 - refP95)} above it ≥ ${ms(minMs)})`
                : `P95 ${ms(p95)} ≤ ${ms(limit)} (${factor}× ${base} ${ms(refP95)}, or ${ms(minMs)} above it)`,
        });
    }

    // Absolute P95 ceiling, only when configured; then a missing P95 is not evidence of a pass.
    const maxMs = thresholds.latency.p95MaxMs;
    if (maxMs === undefined) {
        checks.push({ name: "p95", value: p95, unit: "ms", outcome: "skipped", detail: "no absolute P95 ceiling set (latency.p95MaxMs)" });
    } else if (p95 === undefined) {
        checks.push({
            name: "p95",
            threshold: maxMs,
            unit: "ms",
            outcome: "inconclusive",
            detail: `latency.p95MaxMs is ${ms(maxMs)} but the source gave no P95 for the candidate`,
        });
    } else {
        const over = p95 > maxMs;
        checks.push({
            name: "p95",
            value: p95,
            threshold: maxMs,
            unit: "ms",
            outcome: over ? "fail" : "pass",
            detail: `P95 ${ms(p95)} ${over ? ">" : "≤"} ${ms(maxMs)}`,
        });
    }

    // Too little candidate traffic: nothing computed from it may pass or fail.
    const final: Check[] = enough
        ? checks
        : checks.map((c) =>
              c.name === "traffic" || c.outcome === "skipped" || c.outcome === "inconclusive"
                  ? c
                  : { ...c, outcome: "inconclusive" as const, detail: `${c.detail}, on only ${count(candidate.requests)} requests: not judged` },
          );

    return verdictOf(final, candidate, baseline);
}

export function verdictOf(checks: readonly Check[], candidate?: Measurement, baseline?: Measurement): Verdict {
    const failed = checks.filter((c) => c.outcome === "fail");
    const unsure = checks.filter((c) => c.outcome === "inconclusive");
    const skipped = checks.filter((c) => c.outcome === "skipped" && c.detail.startsWith("skipped"));
    let outcome: VerdictOutcome;
    let summary: string;
    if (failed.length) {
        outcome = "fail";
        summary = failed.map((c) => c.detail).join("; ");
    } else if (unsure.length) {
        outcome = "inconclusive";
        // The traffic check explains the rest when it is the cause; say it once.
        const cause = unsure.find((c) => c.name === "traffic" || c.name === "source");
        summary = cause ? cause.detail : unsure.map((c) => c.detail).join("; ");
    } else {
        outcome = "pass";
        summary = checks
            .filter((c) => c.outcome === "pass" && c.name !== "traffic")
            .map((c) => c.detail)
            .join("; ");
        if (skipped.length) {
            // Say why the relative checks did not count, once: they share their reason.
            const reasons = [...new Set(skipped.map((c) => c.detail.replace(/^skipped: /, "").split(";")[0]))];
            summary += ` (relative checks skipped: ${reasons.join("; ")})`;
        }
    }
    return { outcome, summary, checks, candidate, baseline };
}

/** The verdict when nothing could be judged: the source did not answer for the candidate, say. */
export function inconclusiveVerdict(reason: string, candidate?: Measurement, baseline?: Measurement): Verdict {
    return verdictOf([{ name: "source", unit: "requests", outcome: "inconclusive", detail: reason }], candidate, baseline);
}
