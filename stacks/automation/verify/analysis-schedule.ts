import type { AnalysisConfig } from "../../../components/release/analysis";

/** The parts of the thresholds the schedule reads. */
export interface ScheduleTiming {
    readonly intervalSeconds: AnalysisConfig["intervalSeconds"];
    readonly inconclusiveLimit: AnalysisConfig["inconclusiveLimit"];
    readonly health: Pick<AnalysisConfig["health"], "intervalSeconds" | "consecutiveFailures">;
}

export interface ScheduleSpec {
    /** Epoch milliseconds the run started at. */
    readonly startMs: number;
    readonly bakeSeconds: number;
    readonly timing: ScheduleTiming;
    /** A metric source is measured; without one no measurement round is ever due. */
    readonly measures: boolean;
    /** Health URLs are checked; without any no health round is ever due. */
    readonly checksHealth: boolean;
}

/** Which rounds are due at a moment. */
export interface DueRounds {
    readonly measure: boolean;
    readonly health: boolean;
}

/** The next run of a task every `everyMs`: the last one before the bake's end is moved onto it, so the bake ends on evidence. */
export function nextRun(previous: number, everyMs: number, bakeEnd: number): number {
    const next = previous + everyMs;
    return previous < bakeEnd && next > bakeEnd ? bakeEnd : next;
}

/**
 * How long a bake that ended unresolved may go on: `inconclusiveLimit` measurement intervals or
 * `consecutiveFailures` health intervals, whichever is longer, counting only what the run does:
 * long enough for either rule to reach its limit from a clean streak.
 */
export function extensionBoundMs(timing: ScheduleTiming, measures: boolean, checksHealth: boolean): number {
    return Math.max(
        measures ? timing.inconclusiveLimit * timing.intervalSeconds * 1000 : 0,
        checksHealth ? timing.health.consecutiveFailures * timing.health.intervalSeconds * 1000 : 0,
    );
}

/**
 * When one run's rounds are due. Health is checked from the start; the first measurement comes one
 * interval in (its window then covers only the step), or at the bake's end if that is sooner.
 * Pure time arithmetic: no clock of its own, the run says when rounds ran.
 */
export class AnalysisSchedule {
    readonly bakeEnd: number;
    /** The extension's bound (see extensionBoundMs). */
    readonly extensionMs: number;
    /** The bake's end plus the extension: unresolved by then, the step fails. */
    readonly deadline: number;
    private readonly intervalMs: number;
    private readonly healthMs: number;
    private measureAt: number;
    private healthAt: number;

    constructor(spec: ScheduleSpec) {
        const bakeMs = spec.bakeSeconds * 1000;
        this.intervalMs = spec.timing.intervalSeconds * 1000;
        this.healthMs = spec.timing.health.intervalSeconds * 1000;
        this.bakeEnd = spec.startMs + bakeMs;
        this.extensionMs = extensionBoundMs(spec.timing, spec.measures, spec.checksHealth);
        this.deadline = this.bakeEnd + this.extensionMs;
        this.measureAt = spec.measures ? spec.startMs + Math.min(this.intervalMs, bakeMs) : Infinity;
        this.healthAt = spec.checksHealth ? spec.startMs : Infinity;
    }

    /** When the next measurement round is due (Infinity: never). */
    get nextMeasure(): number {
        return this.measureAt;
    }

    /** When the next health round is due (Infinity: never). */
    get nextHealth(): number {
        return this.healthAt;
    }

    /** The earlier of the two. */
    get nextDue(): number {
        return Math.min(this.measureAt, this.healthAt);
    }

    /** The rounds due at `now`. */
    dueAt(now: number): DueRounds {
        return { measure: this.measureAt <= now, health: this.healthAt <= now };
    }

    /** Moves past the rounds that ran; the next is counted from when each was due, not when it ran, so a slow source does not drift the schedule. */
    ran(rounds: DueRounds): void {
        if (rounds.measure) {
            this.measureAt = nextRun(this.measureAt, this.intervalMs, this.bakeEnd);
        }
        if (rounds.health) {
            this.healthAt = nextRun(this.healthAt, this.healthMs, this.bakeEnd);
        }
    }

    /** The bake is over at `now`: from here on a round may pass the step. */
    bakeOver(now: number): boolean {
        return now >= this.bakeEnd;
    }
}
