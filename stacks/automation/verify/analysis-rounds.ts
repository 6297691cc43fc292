import type { AnalysisConfig } from "../../../components/release/analysis";
import type { BaselineSpec, Clock, HealthRound, MeasurementRound } from "./analysis-types";
import { messageOf } from "./format";
import type { HealthResult } from "./health-check";
import { HealthMonitor, worstHealth } from "./health-monitor";
import { inconclusiveVerdict } from "./judge";
import type { MetricSource } from "./metric-source";
import { HealthProbe } from "./health-probe";
import type { StepJudge } from "./step-judge";

const iso = (t: number) => new Date(t).toISOString();

/** Where a round sits in the run: when it was due, its 1-based number, the run's start. */
export interface RoundSlot {
    readonly now: number;
    readonly index: number;
    readonly startMs: number;
}

export interface MeasureInputs {
    readonly source: MetricSource;
    readonly service: string;
    readonly candidateTrack: string;
    readonly baseline?: BaselineSpec;
    readonly baselineLabel?: string;
    readonly windowSeconds: number;
    readonly analysis: AnalysisConfig;
    /** The step's judge (the sequential one keeps the step's evidence across rounds). */
    readonly judge: StepJudge;
    readonly clock: Clock;
    readonly signal?: AbortSignal;
}

/**
 * One measurement round: the candidate and its baseline measured over the same window, judged.
 * `previousStreak` is the inconclusive streak before it; the round carries the streak after it.
 * `windowSeconds` overrides the inputs' window (the sequential judge measures since the last round).
 */
export async function measureRound(inputs: MeasureInputs, slot: RoundSlot, previousStreak: number, window?: number): Promise<MeasurementRound> {
    const { source, clock, signal, baselineLabel } = inputs;
    const windowSeconds = window ?? inputs.windowSeconds;
    const started = clock.now();
    const query = (track: string) => ({ service: inputs.service, track, windowSeconds, ...(inputs.judge.wantsBuckets ? { buckets: true } : {}) });
    const base = inputs.baseline;
    const [cand, baseRes] = await Promise.allSettled([
        source.measure(query(inputs.candidateTrack), signal),
        base === undefined ? Promise.resolve(undefined) : "track" in base ? source.measure(query(base.track), signal) : Promise.resolve(base.measurement),
    ]);
    const candidate = cand.status === "fulfilled" ? cand.value : undefined;
    const candidateError = cand.status === "rejected" ? messageOf(cand.reason) : undefined;
    const baseline = baseRes.status === "fulfilled" ? baseRes.value : undefined;
    const baselineError = baseRes.status === "rejected" ? messageOf(baseRes.reason) : undefined;
    // A failed candidate query leaves nothing to judge; a failed baseline query only takes the
    // relative checks away (the judge skips them and says why).
    const verdict = candidate
        ? inputs.judge.judge(candidate, baseline, { baseline: baselineLabel, baselineMissingReason: baselineError })
        : inconclusiveVerdict(`no measurement of ${inputs.candidateTrack}: ${candidateError}`, undefined, baseline);
    return {
        index: slot.index,
        at: iso(slot.now),
        elapsedMs: slot.now - slot.startMs,
        durationMs: clock.now() - started,
        windowSeconds,
        candidate,
        candidateError,
        baselineLabel,
        baseline,
        baselineError,
        verdict,
        inconclusiveStreak: verdict.outcome === "inconclusive" ? previousStreak + 1 : 0,
    };
}

export interface HealthInputs {
    readonly probes: readonly HealthProbe[];
    readonly timeoutSeconds: number;
    readonly clock: Clock;
    readonly signal?: AbortSignal;
}

/**
 * One health round: every probe checked at once, the round recorded in `monitor` (which counts the
 * RED rounds in a row). An interruption rejects; any other checker error is a RED result.
 */
export async function healthRound(inputs: HealthInputs, monitor: HealthMonitor, slot: RoundSlot): Promise<HealthRound> {
    const { clock, signal } = inputs;
    const started = clock.now();
    const timeoutMs = inputs.timeoutSeconds * 1000;
    const results = await Promise.all(
        inputs.probes.map((probe) =>
            probe.check({ timeoutMs, signal }).catch((err): HealthResult => {
                if (signal?.aborted) {
                    throw err;
                }
                // checkHealth turns every bad answer into RED itself; this is a checker that threw.
                return { url: probe.target, at: iso(clock.now()), color: "RED", latencyMs: 0, reason: `health check failed: ${messageOf(err)}` };
            }),
        ),
    );
    const state = monitor.record(results, slot.now);
    return {
        index: slot.index,
        at: iso(slot.now),
        elapsedMs: slot.now - slot.startMs,
        durationMs: clock.now() - started,
        results,
        color: worstHealth(results).color,
        consecutiveFailures: state.consecutiveFailures,
        limit: state.limit,
    };
}
