import { DecisionRules, decide } from "./analysis-decision";
import { healthRound, measureRound } from "./analysis-rounds";
import { AnalysisSchedule } from "./analysis-schedule";
import { parseRunSpec } from "./analysis-spec";
import type { AnalysisEvent, AnalysisResult, AnalysisRunOptions, FailureCause, HealthRound, MeasurementRound } from "./analysis-types";
import { systemClock, systemSleep } from "./analysis-types";
import { messageOf, seconds } from "./format";
import { checkHealth as defaultCheckHealth } from "./health-check";
import { httpHealthProbe } from "./health-probe";
import { HealthMonitor } from "./health-monitor";
import type { Verdict } from "./judge";
import { createStepJudge } from "./step-judge";

/** Awaits `work`; a rejection the interruption caused resolves to undefined (the caller checks the signal), any other is thrown. */
async function interruptible<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
    try {
        return await work;
    } catch (err) {
        if (signal?.aborted) {
            return undefined;
        }
        throw err;
    }
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * One step's analysis: while the step bakes, measure the candidate and its baseline every
 * `analysis.intervalSeconds` and judge them, and check the candidate's health endpoint(s) every
 * `health.intervalSeconds`. Argo Rollouts' AnalysisRun with the protocol's rules:
 * - fail at the first failed verdict (Argo's failureLimit 0, Flagger's threshold 1);
 * - fail at `health.consecutiveFailures` RED health rounds in a row (protocol: 3);
 * - fail at `inconclusiveLimit` inconclusive verdicts in a row (Argo's consecutiveErrorLimit):
 *   a source that does not answer, or too little traffic, is never a pass;
 * - pass once `bakeSeconds` have elapsed, the last verdict passed and the last health round is
 *   GREEN (YELLOW too with `health.allowYellow`: the protocol proceeds on GREEN). The first measurement comes one interval into the step (its window then covers only
 *   the step); a final measurement and health check are taken when the bake ends.
 *
 * When the bake ends without that (last verdict inconclusive, health YELLOW, or RED but not yet
 * at its limit), the run is *extended*: it keeps measuring and checking on the same schedule until the
 * evidence resolves: a pass, or a failure by the rules above. The extension is bounded by
 * `inconclusiveLimit` measurement intervals (or `consecutiveFailures` health intervals, whichever
 * is longer); reaching that bound without a pass fails the step. So an inconclusive bake never
 * passes and never waits for a person (Argo pauses on Inconclusive; a CI run cannot).
 */
export async function runAnalysis(options: AnalysisRunOptions): Promise<AnalysisResult> {
    const a = options.analysis;
    const spec = parseRunSpec(options, a);
    const { source, signal } = options;
    const urls = spec.healthUrls;
    const clock = options.clock ?? systemClock;
    const sleep = options.sleep ?? systemSleep;
    const t0 = clock.now();
    const check = options.checkHealth ?? defaultCheckHealth;
    const probes = [...urls.map((url) => httpHealthProbe(url, check)), ...(options.healthProbes ?? [])];
    const schedule = new AnalysisSchedule({ startMs: t0, bakeSeconds: spec.bakeSeconds, timing: a, measures: !!source, checksHealth: probes.length > 0 });
    const monitor = new HealthMonitor(a.health.consecutiveFailures, a.health.failingForSeconds);
    // One judge per step run: the sequential judge's evidence lives as long as the step.
    const stepJudge = createStepJudge(a, { source, baseline: spec.baseline });
    const measureInputs = source && { ...spec, source, analysis: a, judge: stepJudge, clock, signal };
    // The sequential judge adds each round's counts to the step's: its rounds cover the time since
    // the previous round was due (the first: since the start), so no request counts twice.
    let measuredUntil = t0;
    const healthInputs = { probes, timeoutSeconds: a.health.timeoutSeconds, clock, signal };
    const rules: DecisionRules = {
        inconclusiveLimit: a.inconclusiveLimit,
        candidateTrack: spec.candidateTrack,
        measures: !!source,
        checksHealth: probes.length > 0,
        allowYellow: a.health.allowYellow,
        bakeSeconds: spec.bakeSeconds,
        startMs: t0,
        bakeEnd: schedule.bakeEnd,
        deadline: schedule.deadline,
    };
    const measurements: MeasurementRound[] = [];
    const health: HealthRound[] = [];
    let lastVerdict: Verdict | undefined;
    let extended = false;

    const emit = (event: AnalysisEvent) => {
        try {
            options.onEvent?.(event);
        } catch {
            /* a broken live view must not change the outcome */
        }
    };
    const finish = (outcome: AnalysisResult["outcome"], reason: string, causes: FailureCause[] = []): AnalysisResult => {
        const end = clock.now();
        const result: AnalysisResult = {
            outcome,
            reason,
            causes,
            service: spec.service,
            candidateTrack: spec.candidateTrack,
            baselineLabel: spec.baselineLabel,
            source: source?.name,
            healthUrls: probes.map((p) => p.target),
            thresholds: a,
            judge: stepJudge.kind,
            judgeDescription: stepJudge.description,
            bakeSeconds: spec.bakeSeconds,
            windowSeconds: spec.windowSeconds,
            startedAt: iso(t0),
            finishedAt: iso(end),
            durationMs: end - t0,
            extendedMs: extended ? end - schedule.bakeEnd : 0,
            measurements,
            health,
            lastVerdict,
            lastHealthColor: monitor.state.color,
        };
        emit({ type: "finished", result });
        return result;
    };
    const aborted = () => finish("aborted", `aborted: ${messageOf(signal?.reason ?? "interrupted")}`);

    emit({
        type: "started",
        at: iso(t0),
        service: spec.service,
        candidateTrack: spec.candidateTrack,
        baselineLabel: spec.baselineLabel,
        bakeSeconds: spec.bakeSeconds,
        judge: stepJudge.description,
        intervalSeconds: a.intervalSeconds,
        healthIntervalSeconds: a.health.intervalSeconds,
    });

    for (;;) {
        if (signal?.aborted) {
            return aborted();
        }
        const now = clock.now();
        if (schedule.nextDue > now) {
            await interruptible(sleep(schedule.nextDue - now, signal), signal);
            continue;
        }

        const due = schedule.dueAt(now);
        const slot = (index: number) => ({ now, index, startMs: t0 });
        const streak = measurements.at(-1)?.inconclusiveStreak ?? 0;
        const window = stepJudge.needsIncrements && due.measure ? Math.max(1, Math.round((now - measuredUntil) / 1000)) : undefined;
        const [h, m] =
            (await interruptible(
                Promise.all([
                    due.health ? healthRound(healthInputs, monitor, slot(health.length + 1)) : undefined,
                    due.measure && measureInputs ? measureRound(measureInputs, slot(measurements.length + 1), streak, window) : undefined,
                ]),
                signal,
            )) ?? [];
        // Rounds cut short by an interruption are artifacts of it, not evidence: not recorded.
        if (signal?.aborted) {
            return aborted();
        }
        if (due.measure) {
            measuredUntil = now;
        }
        schedule.ran(due);
        if (h) {
            health.push(h);
            emit({ type: "health", round: h });
        }
        if (m) {
            measurements.push(m);
            lastVerdict = m.verdict;
            emit({ type: "measurement", round: m });
        }

        const found = { health: h, measurement: m, healthState: monitor.state, lastVerdict, healthRounds: health.length };
        const decision = decide(rules, { ...found, now, checkedAt: clock.now() });
        if (decision.kind === "fail") {
            return finish("fail", decision.reason, decision.causes);
        }
        if (decision.kind === "pass") {
            return finish("pass", decision.reason);
        }
        // Said once: the run goes on measuring on the same schedule until the deadline.
        if (decision.kind === "extend" && !extended) {
            extended = true;
            emit({
                type: "extended",
                reason: `bake over but ${decision.waitingFor}: measuring on, for at most ${seconds(schedule.extensionMs)}`,
                until: iso(schedule.deadline),
            });
        }
    }
}
