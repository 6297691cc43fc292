import { AnalysisConfig } from "../../components/release/analysis";
import { DecisionRules, decide } from "../../stacks/automation/verify/analysis-decision";
import { HealthMonitor } from "../../stacks/automation/verify/health-monitor";
import type { Verdict } from "../../stacks/automation/verify/judge";
import type { Measurement } from "../../stacks/automation/verify/metric-source";
import { createStepJudge } from "../../stacks/automation/verify/step-judge";
import { KayentaMannWhitneyJudge } from "./mann-whitney";
import { Random } from "./random";
import { Scenario, interval } from "./traffic";

/**
 * One simulated step, judged by every judge on the same stream, each looked at after every
 * analysis interval and decided by the engine's own rules (analysis-decision.ts: fail on a failed
 * verdict or on `inconclusiveLimit` inconclusive ones in a row; pass after the bake on a passing
 * verdict; else measure on until the deadline, then fail unresolved).
 */

export const JUDGES = ["thresholds", "kayenta-mw", "sequential"] as const;
export type JudgeName = (typeof JUDGES)[number];

export interface StepOutcome {
    readonly outcome: "pass" | "fail";
    /** verdict: the evidence failed it; inconclusive / unresolved: too little traffic or evidence. */
    readonly cause?: "verdict" | "inconclusive" | "unresolved";
    readonly seconds: number;
    /** Canary requests up to the decision. */
    readonly requests: number;
    /** The checks that failed the deciding verdict (the thresholds and sequential judges name them). */
    readonly failedChecks?: readonly string[];
}

interface Runner {
    judge(canary: Measurement, stable: Measurement): Verdict;
    streak: number;
    last?: Verdict;
    done?: StepOutcome;
}

export function runStep(seed: number, scenario: Scenario, analysis: AnalysisConfig, bakeSeconds: number): Record<JudgeName, StepOutcome> {
    const random = new Random(seed);
    const every = analysis.intervalSeconds;
    const rules: DecisionRules = {
        inconclusiveLimit: analysis.inconclusiveLimit,
        candidateTrack: "canary",
        measures: true,
        checksHealth: false,
        allowYellow: false,
        bakeSeconds,
        startMs: 0,
        bakeEnd: bakeSeconds * 1000,
        deadline: (bakeSeconds + analysis.inconclusiveLimit * every) * 1000,
    };
    const healthState = new HealthMonitor(analysis.health.consecutiveFailures).state;
    const labels = { baseline: "stable" };
    const thresholds = createStepJudge({ ...analysis, judge: "thresholds" });
    const sequential = createStepJudge({ ...analysis, judge: "sequential" });
    const kayenta = new KayentaMannWhitneyJudge({ confidence: 0.98, errorRateAllowedIncrease: 1 + analysis.errorRate.maxIncreaseOverBaseline, p95AllowedIncrease: 1.25 });
    const runners: Record<JudgeName, Runner> = {
        thresholds: { judge: (c, s) => thresholds.judge(c, s, labels), streak: 0 },
        "kayenta-mw": { judge: (c, s) => kayenta.judge(c, s), streak: 0 },
        sequential: { judge: (c, s) => sequential.judge(c, s, labels), streak: 0 },
    };
    let requests = 0;
    for (let t = every; Object.values(runners).some((r) => !r.done); t += every) {
        const { canary, stable } = interval(random, scenario, every);
        requests += canary.requests;
        for (const r of Object.values(runners)) {
            if (r.done) continue;
            const verdict = r.judge(canary, stable);
            r.streak = verdict.outcome === "inconclusive" ? r.streak + 1 : 0;
            r.last = verdict;
            const round = { index: 0, at: "", elapsedMs: t * 1000, durationMs: 0, windowSeconds: every, candidate: canary, baseline: stable, verdict, inconclusiveStreak: r.streak };
            const d = decide(rules, { measurement: round, healthState, lastVerdict: verdict, healthRounds: 0, now: t * 1000, checkedAt: t * 1000 });
            if (d.kind === "pass") r.done = { outcome: "pass", seconds: t, requests };
            if (d.kind === "fail") {
                const failedChecks = verdict.checks.filter((c) => c.outcome === "fail").map((c) => c.name);
                r.done = { outcome: "fail", cause: d.causes[0] as StepOutcome["cause"], seconds: t, requests, failedChecks };
            }
        }
    }
    return { thresholds: runners.thresholds.done!, "kayenta-mw": runners["kayenta-mw"].done!, sequential: runners.sequential.done! };
}
