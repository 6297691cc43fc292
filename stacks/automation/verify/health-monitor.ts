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
    /** True once the limit was reached; stays true (a recovery after the limit does not undo a failure). */
    readonly failed: boolean;
    /** The color of the last round, undefined before the first. */
    readonly color?: HealthColor;
    /** The result the last round's color comes from (its worst endpoint). */
    readonly last?: HealthResult;
}

/**
 * Counts consecutive failed health checks (protocol: 3 fail the step, seeds 002/004). A round is
 * one check of every endpoint of the candidate; it fails when any endpoint is RED, so endpoints
 * that take turns failing still count. GREEN and YELLOW (operational) reset the count.
 */
export class HealthMonitor {
    private streak = 0;
    private tripped = false;
    private lastResult?: HealthResult;

    constructor(readonly limit: number) {
        if (!Number.isInteger(limit) || limit < 1) {
            throw new Error(`consecutiveFailures must be a whole number of at least 1, got ${limit}`);
        }
    }

    /** Records one round (one result, or one per endpoint) and returns the state after it. */
    record(round: HealthResult | readonly HealthResult[]): HealthMonitorState {
        const worst = Array.isArray(round) ? worstHealth(round) : (round as HealthResult);
        this.lastResult = worst;
        this.streak = worst.color === "RED" ? this.streak + 1 : 0;
        if (this.streak >= this.limit) {
            this.tripped = true;
        }
        return this.state;
    }

    get state(): HealthMonitorState {
        return {
            consecutiveFailures: this.streak,
            limit: this.limit,
            failed: this.tripped,
            color: this.lastResult?.color,
            last: this.lastResult,
        };
    }
}
