// The analysis run's vocabulary: what it is given, what it records and reports, and the clock
// and sleep it runs on (injected, so a test bakes five minutes in microseconds).
import { setTimeout as delay } from "node:timers/promises";
import type { AnalysisConfig } from "../../../components/release/analysis";
import type { HealthColor, HealthResult } from "./health-check";
import type { Verdict } from "./judge";
import type { Measurement, MetricSource } from "./metric-source";
import type { HealthProbe } from "./health-probe";

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
}

/** Resolves after `ms`, rejects as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Epoch milliseconds that only move forward: a wall-clock (NTP) jump must not end or stretch a bake. */
export const systemClock: Clock = { now: () => performance.timeOrigin + performance.now() };
export const systemSleep: Sleep = async (ms, signal) => {
    await delay(ms, undefined, { signal });
};

/** What the candidate is compared with: a live track measured in the same window, or fixed figures. */
export type BaselineSpec =
    | { readonly track: string }
    /** For blue-green after the switch: the old color's figures measured before it, say. */
    | { readonly measurement: Measurement; readonly label: string };

export interface AnalysisRunOptions {
    readonly analysis: AnalysisConfig;
    readonly bakeSeconds: number;
    readonly service: string;
    /** The track (or color) under test: canary, green, … */
    readonly candidateTrack: string;
    /** Absent: only absolute thresholds apply. */
    readonly baseline?: BaselineSpec;
    /** Absent: health checks only (a preview endpoint before a blue-green switch, say). */
    readonly source?: MetricSource;
    /** The candidate's health endpoint(s), e.g. http://10.0.0.5:8080/health. */
    readonly healthUrls?: readonly string[];
    /** Health signals that are not URLs (a Kubernetes track's pod readiness), checked beside them. */
    readonly healthProbes?: readonly HealthProbe[];
    /** The window each measurement covers; defaults to `analysis.intervalSeconds`. */
    readonly windowSeconds?: number;
    /** Interruption: the run stops promptly (in-flight requests are aborted) and returns "aborted". */
    readonly signal?: AbortSignal;
    /** Progress for a live view. A listener that throws is ignored: a view must not fail a release. */
    readonly onEvent?: (event: AnalysisEvent) => void;
    /** Injected for tests. */
    readonly clock?: Clock;
    readonly sleep?: Sleep;
    readonly checkHealth?: (url: string, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<HealthResult>;
}

export interface MeasurementRound {
    /** 1-based. */
    readonly index: number;
    readonly at: string;
    /** Since the run started. */
    readonly elapsedMs: number;
    /** How long the source took to answer. */
    readonly durationMs: number;
    readonly windowSeconds: number;
    readonly candidate?: Measurement;
    readonly candidateError?: string;
    readonly baselineLabel?: string;
    readonly baseline?: Measurement;
    readonly baselineError?: string;
    readonly verdict: Verdict;
    /** Inconclusive verdicts in a row, this one included. */
    readonly inconclusiveStreak: number;
}

export interface HealthRound {
    readonly index: number;
    readonly at: string;
    readonly elapsedMs: number;
    readonly durationMs: number;
    /** One per health URL. */
    readonly results: readonly HealthResult[];
    /** The worst of them. */
    readonly color: HealthColor;
    readonly consecutiveFailures: number;
    readonly limit: number;
}

export type FailureCause = "verdict" | "health" | "inconclusive" | "unresolved";

export interface AnalysisResult {
    readonly outcome: "pass" | "fail" | "aborted";
    /** One sentence for the log and the report. */
    readonly reason: string;
    /** For "fail": every rule that fired in the deciding round. */
    readonly causes: readonly FailureCause[];
    readonly service: string;
    readonly candidateTrack: string;
    readonly baselineLabel?: string;
    readonly source?: string;
    readonly healthUrls: readonly string[];
    readonly thresholds: AnalysisConfig;
    /** The judge that ran (the configured one, or thresholds when the sequential one could not). */
    readonly judge: AnalysisConfig["judge"];
    /** What the judge was, in one line, with any fallback and why. */
    readonly judgeDescription: string;
    readonly bakeSeconds: number;
    readonly windowSeconds: number;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly durationMs: number;
    /** Time spent past the bake waiting for the evidence to resolve (0 when the bake's end settled it). */
    readonly extendedMs: number;
    readonly measurements: readonly MeasurementRound[];
    readonly health: readonly HealthRound[];
    readonly lastVerdict?: Verdict;
    readonly lastHealthColor?: HealthColor;
}

export type AnalysisEvent =
    | {
          readonly type: "started";
          readonly at: string;
          readonly service: string;
          readonly candidateTrack: string;
          readonly baselineLabel?: string;
          readonly bakeSeconds: number;
          /** Which judge, in one line (with any fallback and why). */
          readonly judge: string;
          readonly intervalSeconds: number;
          readonly healthIntervalSeconds: number;
      }
    | { readonly type: "health"; readonly round: HealthRound }
    | { readonly type: "measurement"; readonly round: MeasurementRound }
    | { readonly type: "extended"; readonly reason: string; readonly until: string }
    | { readonly type: "finished"; readonly result: AnalysisResult };
