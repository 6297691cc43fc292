import type { HealthColor, HealthResult } from "./health-check";

const SEVERITY: Record<HealthColor, number> = { GREEN: 0, YELLOW: 1, RED: 2 };

/** The worst of one round's results (several endpoints of one candidate): one RED makes the round RED. */
export function worstHealth(results: readonly HealthResult[]): HealthResult {
    if (results.length === 0) {
        throw new Error("worstHealth needs at least one health result");
    }
    return results.reduce((worst, r) => (SEVERITY[r.color] > SEVERITY[worst.color] ? r : worst));
}

export interface HealthMonitorState {
    /** RED rounds in a row, up to now. */
    readonly consecutiveFailures: number;
    /** The protocol's limit: this many RED rounds in a row fail the step. */
    readonly limit: number;
    /** How long the RED rounds in a row have lasted: from the first of them to the last (0 without one). */
    readonly failingForMs: number;
    /** The duration trigger, when set: RED for this many seconds in a row fails the step (seed 003). */
    readonly failingForSeconds?: number;
    /** True once a limit was reached; stays true (a recovery after the limit does not undo a failure). */
    readonly failed: boolean;
    /** Which limit failed it: the count of RED rounds, or how long they lasted. */
    readonly trippedBy?: "count" | "duration";
    /** The color of the last round, undefined before the first. */
    readonly color?: HealthColor;
    /** The result the last round's color comes from (its worst endpoint). */
    readonly last?: HealthResult;
}

/**
 * Counts consecutive failed health checks (protocol: 3 fail the step, seeds 002/004). A round is
 * one check of every endpoint of the candidate; it fails when any endpoint is RED, so endpoints
 * that take turns failing still count. GREEN and YELLOW (operational) reset the count.
 * With `failingForSeconds` the step also fails once the RED rounds in a row have lasted that long
 * ("failing for more than N minutes", seed 003), whichever comes first: a count suits a fixed
 * check interval, a duration says the same whatever the interval is.
 */
export class HealthMonitor {
    private streak = 0;
    private streakStartedAt?: number;
    private failingFor = 0;
    private trippedBy?: "count" | "duration";
    private lastResult?: HealthResult;

    constructor(
        readonly limit: number,
        readonly failingForSeconds?: number,
    ) {
        if (!Number.isInteger(limit) || limit < 1) {
            throw new Error(`consecutiveFailures must be a whole number of at least 1, got ${limit}`);
        }
        if (failingForSeconds !== undefined && !(Number.isInteger(failingForSeconds) && failingForSeconds >= 1)) {
            throw new Error(`failingForSeconds must be a whole number of seconds, at least 1, got ${failingForSeconds}`);
        }
    }

    /** Records one round (one result, or one per endpoint) checked at `now` (ms) and returns the state after it. */
    record(round: HealthResult | readonly HealthResult[], now: number = Date.now()): HealthMonitorState {
        const worst = Array.isArray(round) ? worstHealth(round) : (round as HealthResult);
        this.lastResult = worst;
        if (worst.color === "RED") {
            this.streak++;
            this.streakStartedAt ??= now;
            this.failingFor = now - this.streakStartedAt;
        } else {
            this.streak = 0;
            this.streakStartedAt = undefined;
            this.failingFor = 0;
        }
        if (!this.trippedBy && this.streak >= this.limit) this.trippedBy = "count";
        if (!this.trippedBy && this.failingForSeconds !== undefined && this.failingFor >= this.failingForSeconds * 1000) this.trippedBy = "duration";
        return this.state;
    }

    get state(): HealthMonitorState {
        return {
            consecutiveFailures: this.streak,
            limit: this.limit,
            failingForMs: this.failingFor,
            failingForSeconds: this.failingForSeconds,
            failed: this.trippedBy !== undefined,
            trippedBy: this.trippedBy,
            color: this.lastResult?.color,
            last: this.lastResult,
        };
    }
}

/** Why the monitor failed the step, with the figure next to its limit. */
export function describeHealthTrip(state: HealthMonitorState): string {
    if (state.trippedBy === "duration") {
        return `RED for ${Math.round(state.failingForMs / 1000)} s without a break (limit ${state.failingForSeconds} s, ${state.consecutiveFailures} checks)`;
    }
    return `${state.consecutiveFailures} consecutive RED checks (limit ${state.limit})`;
}
