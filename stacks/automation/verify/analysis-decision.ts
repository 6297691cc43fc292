import type { FailureCause, HealthRound, MeasurementRound } from "./analysis-types";
import { seconds } from "./format";
import type { HealthColor } from "./health-check";
import { HealthMonitorState, describeHealthTrip, worstHealth } from "./health-monitor";
import type { Verdict } from "./judge";

/** What the run does after a round. */
export type Decision =
    | { readonly kind: "fail"; readonly reason: string; readonly causes: FailureCause[] }
    | { readonly kind: "pass"; readonly reason: string }
    /** The bake is over, the evidence (or health) does not settle it yet and the deadline is not reached: measure on. */
    | { readonly kind: "extend"; readonly waitingFor: string }
    /** Still baking. */
    | { readonly kind: "continue" };

/** What a run is judged by: fixed for the run. */
export interface DecisionRules {
    readonly inconclusiveLimit: number;
    readonly candidateTrack: string;
    /** A metric source is measured / health URLs are checked: what the run does not check is not waited for. */
    readonly measures: boolean;
    readonly checksHealth: boolean;
    /** `health.allowYellow`: YELLOW passes the step; by default only GREEN does. */
    readonly allowYellow: boolean;
    readonly bakeSeconds: number;
    readonly startMs: number;
    readonly bakeEnd: number;
    readonly deadline: number;
}

/** What the run knows after one round. */
export interface RoundOutcome {
    /** This round's results; absent for the kind that was not due. */
    readonly health?: HealthRound;
    readonly measurement?: MeasurementRound;
    /** The monitor after this round, and the run's last verdict (this round's or an earlier one). */
    readonly healthState: HealthMonitorState;
    readonly lastVerdict?: Verdict;
    /** Health rounds recorded so far, for the pass's reason. */
    readonly healthRounds: number;
    /** When the round was due. */
    readonly now: number;
    /** The clock read after the round: the deadline is judged on it, so a slow round counts. */
    readonly checkedAt: number;
}

/** The protocol's proceed rule: GREEN, or YELLOW where the stack allows it; never RED or unchecked. */
export function proceeds(color: HealthColor | undefined, allowYellow: boolean): boolean {
    return color === "GREEN" || (allowYellow && color === "YELLOW");
}

/** What health is waited for, naming the check that keeps it from GREEN. */
function healthWait(round: RoundOutcome): string {
    const { color, last } = round.healthState;
    if (color === "YELLOW") {
        return `health is YELLOW, not GREEN (${last?.url}: ${last?.reason ?? "warning"}; health.allowYellow lets YELLOW pass)`;
    }
    return `health is ${color ?? "unchecked"}`;
}

/** The rules that fail a step on one round; every one that fired is named (health first), so the report says all of it. */
export function roundFailure(rules: DecisionRules, round: RoundOutcome): { reason: string; causes: FailureCause[] } | undefined {
    const { health: h, measurement: m } = round;
    const failures: string[] = [];
    const causes: FailureCause[] = [];
    if (h && round.healthState.failed) {
        const worst = worstHealth(h.results);
        causes.push("health");
        failures.push(`health: ${describeHealthTrip(round.healthState)}; last: ${worst.url}: ${worst.reason ?? "RED"}`);
    }
    if (m) {
        const limit = rules.inconclusiveLimit;
        if (m.verdict.outcome === "fail") {
            causes.push("verdict");
            failures.push(`${rules.candidateTrack} failed the analysis: ${m.verdict.summary}`);
        } else if (m.inconclusiveStreak >= limit) {
            causes.push("inconclusive");
            failures.push(`${m.inconclusiveStreak} inconclusive analyses in a row (limit ${limit}); last: ${m.verdict.summary}`);
        }
    }
    return failures.length ? { reason: failures.join(" | "), causes } : undefined;
}

/**
 * After a round: fail if a rule fired; once the bake is over, pass if the last verdict passed and
 * health is GREEN (or YELLOW with `health.allowYellow`; what the run does not check is not waited
 * for), else extend to the deadline and fail there: as unresolved, or on health when only a
 * YELLOW kept the step from passing.
 */
export function decide(rules: DecisionRules, round: RoundOutcome): Decision {
    const failure = roundFailure(rules, round);
    if (failure) {
        return { kind: "fail", ...failure };
    }
    if (round.now < rules.bakeEnd) {
        return { kind: "continue" };
    }
    const { lastVerdict } = round;
    const healthColor: HealthColor | undefined = round.healthState.color;
    const verdictOk = !rules.measures || lastVerdict?.outcome === "pass";
    const healthOk = !rules.checksHealth || proceeds(healthColor, rules.allowYellow);
    if (verdictOk && healthOk) {
        const parts = [`passed after ${seconds(round.now - rules.startMs)}`];
        if (lastVerdict) {
            parts.push(`last verdict: ${lastVerdict.summary}`);
        }
        if (rules.checksHealth) {
            parts.push(`health ${healthColor} (${round.healthRounds} rounds)`);
        }
        return { kind: "pass", reason: parts.join("; ") };
    }
    const waitingFor = [
        ...(verdictOk ? [] : [`the last verdict is ${lastVerdict?.outcome ?? "missing"}${lastVerdict ? ` (${lastVerdict.summary})` : ""}`]),
        ...(healthOk ? [] : [healthWait(round)]),
    ].join(" and ");
    if (round.checkedAt >= rules.deadline) {
        const bake = seconds(rules.bakeSeconds * 1000);
        const over = seconds(round.checkedAt - rules.bakeEnd);
        // Only YELLOW kept it from passing: the step stopped on health, and the report says so.
        const causes: FailureCause[] = verdictOk && healthColor === "YELLOW" ? ["health"] : ["unresolved"];
        return { kind: "fail", reason: `the bake ended after ${bake} and ${over} more did not resolve it: ${waitingFor}`, causes };
    }
    return { kind: "extend", waitingFor };
}
