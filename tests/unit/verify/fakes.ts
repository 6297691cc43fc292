import type { Clock, Sleep } from "../../../stacks/automation/verify/analysis-types";
import type { HealthColor, HealthResult } from "../../../stacks/automation/verify/health-check";
import type { Measurement, MetricQuery, MetricSource } from "../../../stacks/automation/verify/metric-source";

/** A clock that only moves when the run sleeps: a 5-minute bake takes microseconds. */
export class FakeClock implements Clock {
    t = Date.UTC(2026, 10, 23, 10, 0, 0);
    readonly start = this.t;
    /** Called at each sleep with the fake time reached, before the sleep resolves. */
    onTick?: (elapsedMs: number) => void;

    now(): number {
        return this.t;
    }

    elapsedSeconds(): number {
        return (this.t - this.start) / 1000;
    }

    readonly sleep: Sleep = async (ms, signal) => {
        if (signal?.aborted) {
            throw signal.reason;
        }
        this.t += ms;
        this.onTick?.(this.t - this.start);
        await Promise.resolve();
        if (signal?.aborted) {
            throw signal.reason;
        }
    };
}

export interface SourceCall {
    readonly query: MetricQuery;
    readonly elapsedSeconds: number;
}

/**
 * A MetricSource that answers from a script: `answer(query, n)` gets the query and the 1-based
 * number of the call for that track, and returns figures or throws.
 */
export class ScriptedSource implements MetricSource {
    readonly name = "scripted";
    readonly calls: SourceCall[] = [];
    private perTrack = new Map<string, number>();

    constructor(
        private readonly clock: FakeClock,
        private readonly answer: (query: MetricQuery, n: number) => Measurement | Promise<Measurement>,
    ) {}

    async measure(query: MetricQuery, signal?: AbortSignal): Promise<Measurement> {
        if (signal?.aborted) {
            throw signal.reason;
        }
        const n = (this.perTrack.get(query.track) ?? 0) + 1;
        this.perTrack.set(query.track, n);
        this.calls.push({ query, elapsedSeconds: this.clock.elapsedSeconds() });
        return this.answer(query, n);
    }

    callsFor(track: string): SourceCall[] {
        return this.calls.filter((c) => c.query.track === track);
    }
}

/** A health checker answering a scripted color per call (1-based), recording when it was asked. */
export function scriptedHealth(clock: FakeClock, color: (n: number, elapsedSeconds: number) => HealthColor) {
    const calls: number[] = [];
    const check = async (url: string): Promise<HealthResult> => {
        calls.push(clock.elapsedSeconds());
        const c = color(calls.length, clock.elapsedSeconds());
        return {
            url,
            at: new Date(clock.now()).toISOString(),
            color: c,
            latencyMs: 1,
            ...(c === "RED"
                ? { httpStatus: 503, reason: "HTTP 503 (the service reports a failure), status error: database failing" }
                : c === "YELLOW"
                  ? { httpStatus: 200, status: "warning" as const, reason: "status warning: websocket failing" }
                  : { httpStatus: 200 }),
        };
    };
    return { check, calls };
}

export const HEALTHY: Measurement = { requests: 600, errors: 3, p95Ms: 40 };
