import { healthRound, measureRound } from "./analysis-rounds";
import { AnalysisSchedule } from "./analysis-schedule";
import { parseRunSpec } from "./analysis-spec";
import type { AnalysisEvent, AnalysisResult, AnalysisRunOptions, FailureCause, HealthRound, MeasurementRound } from "./analysis-types";
import { systemClock, systemSleep } from "./analysis-types";
import { messageOf, seconds } from "./format";
import { checkHealth as defaultCheckHealth } from "./health-check";
import { HealthMonitor, worstHealth } from "./health-monitor";
import type { Verdict } from "./judge";

// The types moved to analysis-types.ts; re-exported so importers of this module keep working.
export type {
    AnalysisEvent,
    AnalysisResult,
    AnalysisRunOptions,
    BaselineSpec,
    Clock,
    FailureCause,
    HealthRound,
    MeasurementRound,
    Sleep,
} from "./analysis-types";
export { systemClock, systemSleep } from "./analysis-types";

/**
 * One step's analysis: while the step bakes, measure the candidate and its baseline every
 * `analysis.intervalSeconds` and judge them, and check the candidate's health endpoint(s) every
 * `health.intervalSeconds`. Argo Rollouts' AnalysisRun with the protocol's rules:
 * - fail at the first failed verdict (Argo's failureLimit 0, Flagger's threshold 1);
 * - fail at `health.consecutiveFailures` RED health rounds in a row (protocol: 3);
 * - fail at `inconclusiveLimit` inconclusive verdicts in a row (Argo's consecutiveErrorLimit):
 *   a source that does not answer, or too little traffic, is never a pass;
 * - pass once `bakeSeconds` have elapsed, the last verdict passed and the last health round is
 *   not RED. The first measurement comes one interval into the step (its window then covers only
 *   the step); a final measurement and health check are taken when the bake ends.
 *
 * When the bake ends without that (last verdict inconclusive, or health RED but not yet at its
 * limit), the run is *extended*: it keeps measuring and checking on the same schedule until the
 * evidence resolves: a pass, or a failure by the rules above. The extension is bounded by
 * `inconclusiveLimit` measurement intervals (or `consecutiveFailures` health intervals, whichever
 * is longer); reaching that bound without a pass fails the step. So an inconclusive bake never
 * passes and never waits for a person (Argo pauses on Inconclusive; a CI run cannot).
 */

export async function runAnalysis(options: AnalysisRunOptions): Promise<AnalysisResult> {
    const a = options.analysis;
    const spec = parseRunSpec(options, a);
    const source = options.source;
    const urls = spec.healthUrls;
    const clock = options.clock ?? systemClock;
    const sleep = options.sleep ?? systemSleep;
    const check = options.checkHealth ?? defaultCheckHealth;
    const signal = options.signal;
    const windowSeconds = spec.windowSeconds;
    const baselineLabel = spec.baselineLabel;

    const t0 = clock.now();
    const schedule = new AnalysisSchedule({ startMs: t0, bakeSeconds: spec.bakeSeconds, timing: a, measures: !!source, checksHealth: urls.length > 0 });
    const { bakeEnd, deadline, extensionMs } = schedule;
    const iso = (t: number) => new Date(t).toISOString();

    const monitor = new HealthMonitor(a.health.consecutiveFailures);
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
            baselineLabel,
            source: source?.name,
            healthUrls: urls,
            thresholds: a,
            bakeSeconds: spec.bakeSeconds,
            windowSeconds,
            startedAt: iso(t0),
            finishedAt: iso(end),
            durationMs: end - t0,
            extendedMs: extended ? end - bakeEnd : 0,
            measurements,
            health,
            lastVerdict,
            lastHealthColor: monitor.state.color,
        };
        emit({ type: "finished", result });
        return result;
    };
    const aborted = () => finish("aborted", `aborted: ${messageOf(signal?.reason ?? "interrupted")}`);

    const measureInputs = source && {
        source,
        service: spec.service,
        candidateTrack: spec.candidateTrack,
        baseline: spec.baseline,
        baselineLabel,
        windowSeconds,
        analysis: a,
        clock,
        signal,
    };
    const healthInputs = { urls, check, timeoutSeconds: a.health.timeoutSeconds, clock, signal };

    emit({
        type: "started",
        at: iso(t0),
        service: spec.service,
        candidateTrack: spec.candidateTrack,
        baselineLabel,
        bakeSeconds: spec.bakeSeconds,
        intervalSeconds: a.intervalSeconds,
        healthIntervalSeconds: a.health.intervalSeconds,
    });

    for (;;) {
        if (signal?.aborted) {
            return aborted();
        }
        const now = clock.now();
        const due = schedule.nextDue;
        if (due > now) {
            try {
                await sleep(due - now, signal);
            } catch (err) {
                if (signal?.aborted) {
                    return aborted();
                }
                throw err;
            }
            continue;
        }

        const rounds = schedule.dueAt(now);
        const doMeasure = rounds.measure;
        const doHealth = rounds.health;
        let h: HealthRound | undefined;
        let m: MeasurementRound | undefined;
        try {
            [h, m] = await Promise.all([
                doHealth ? healthRound(healthInputs, monitor, { now, index: health.length + 1, startMs: t0 }) : undefined,
                doMeasure && measureInputs
                    ? measureRound(measureInputs, { now, index: measurements.length + 1, startMs: t0 }, measurements.at(-1)?.inconclusiveStreak ?? 0)
                    : undefined,
            ]);
        } catch (err) {
            if (signal?.aborted) {
                return aborted();
            }
            throw err;
        }
        // Rounds cut short by an interruption are artifacts of it, not evidence: not recorded.
        if (signal?.aborted) {
            return aborted();
        }
        schedule.ran(rounds);

        const failures: string[] = [];
        const causes: FailureCause[] = [];
        if (h) {
            health.push(h);
            emit({ type: "health", round: h });
            if (monitor.state.failed) {
                const worst = worstHealth(h.results);
                causes.push("health");
                failures.push(
                    `health: ${h.consecutiveFailures} consecutive RED checks (limit ${h.limit}); last: ${worst.url}: ${worst.reason ?? "RED"}`,
                );
            }
        }
        if (m) {
            measurements.push(m);
            lastVerdict = m.verdict;
            emit({ type: "measurement", round: m });
            if (m.verdict.outcome === "fail") {
                causes.push("verdict");
                failures.push(`${spec.candidateTrack} failed the analysis: ${m.verdict.summary}`);
            } else if (m.inconclusiveStreak >= a.inconclusiveLimit) {
                causes.push("inconclusive");
                failures.push(`${m.inconclusiveStreak} inconclusive analyses in a row (limit ${a.inconclusiveLimit}); last: ${m.verdict.summary}`);
            }
        }
        if (failures.length) {
            return finish("fail", failures.join(" | "), causes);
        }

        if (schedule.bakeOver(now)) {
            const verdictOk = !source || lastVerdict?.outcome === "pass";
            const healthColor = monitor.state.color;
            const healthOk = urls.length === 0 || (healthColor !== undefined && healthColor !== "RED");
            if (verdictOk && healthOk) {
                const parts = [`passed after ${seconds(now - t0)}`];
                if (lastVerdict) {
                    parts.push(`last verdict: ${lastVerdict.summary}`);
                }
                if (urls.length) {
                    parts.push(`health ${healthColor} (${health.length} rounds)`);
                }
                return finish("pass", parts.join("; "));
            }
            const waitingFor = [
                ...(verdictOk ? [] : [`the last verdict is ${lastVerdict?.outcome ?? "missing"}${lastVerdict ? ` (${lastVerdict.summary})` : ""}`]),
                ...(healthOk ? [] : [`health is ${healthColor ?? "unchecked"}`]),
            ].join(" and ");
            if (clock.now() >= deadline) {
                return finish(
                    "fail",
                    `the bake ended after ${seconds(spec.bakeSeconds * 1000)} and ${seconds(clock.now() - bakeEnd)} more did not resolve it: ${waitingFor}`,
                    ["unresolved"],
                );
            }
            if (!extended) {
                extended = true;
                emit({
                    type: "extended",
                    reason: `bake over but ${waitingFor}: measuring on, for at most ${seconds(extensionMs)}`,
                    until: iso(deadline),
                });
            }
        }
    }
}
