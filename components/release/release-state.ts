import { z } from "zod";
import { Artifact, sameArtifact } from "./artifact";
import { BlueGreenRelease, BlueGreenReleaseSchema, otherColor } from "./blue-green";
import { CanaryRelease, CanaryReleaseSchema } from "./canary";
import { parseOrThrow } from "./errors";
import { RollingRelease, RollingReleaseSchema } from "./rolling";

export const STRATEGIES = ["canary", "blueGreen", "rolling"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** A service's release state: the only thing a promotion changes (it lives in stack config). */
export const ReleaseStateSchema = z.discriminatedUnion("strategy", [CanaryReleaseSchema, BlueGreenReleaseSchema, RollingReleaseSchema], {
    error: (issue) =>
        issue.code === "invalid_union"
            ? `unknown strategy ${JSON.stringify((issue.input as { strategy?: unknown } | undefined)?.strategy)}: use one of ${STRATEGIES.join(", ")}`
            : undefined,
});

export type ReleaseState = CanaryRelease | BlueGreenRelease | RollingRelease;
export type ReleaseStateInput = z.input<typeof ReleaseStateSchema>;

export function parseReleaseState(input: unknown, prefix = "release"): ReleaseState {
    return parseOrThrow(ReleaseStateSchema, input, "release state", prefix);
}

/** Traffic percentages by track or color name. Always sums to 100. */
export type TrafficSplit = Readonly<Record<string, number>>;

export function trafficSplit(state: ReleaseState): TrafficSplit {
    switch (state.strategy) {
        case "canary":
            return { stable: 100 - state.weight, canary: state.weight };
        case "blueGreen":
            return { [state.active]: 100, [otherColor(state.active)]: 0 };
        case "rolling":
            return state.next ? { current: 100 - state.weight, next: state.weight } : { current: 100 };
    }
}

/** The artifact that carries the majority of traffic (the one a rollback goes back to). */
export function liveArtifact(state: ReleaseState): Artifact {
    switch (state.strategy) {
        case "canary":
            return state.weight === 100 && state.canary ? state.canary : state.stable;
        case "blueGreen":
            return state[state.active]!;
        case "rolling":
            return state.current;
    }
}

/** The artifact under test, if a promotion is under way in this state. */
export function candidateArtifact(state: ReleaseState): Artifact | undefined {
    switch (state.strategy) {
        case "canary":
            return state.canary;
        case "blueGreen": {
            const idle = state[otherColor(state.active)];
            return idle && !state.idleScaledDown && !sameArtifact(idle, state[state.active]) ? idle : undefined;
        }
        case "rolling":
            return state.next;
    }
}

/** The artifact the stable track/active color will run once this state's promotion completes. */
export function settledArtifact(state: ReleaseState): Artifact {
    switch (state.strategy) {
        case "canary":
            return state.stable;
        case "blueGreen":
            return state[state.active]!;
        case "rolling":
            return state.current;
    }
}

/** True when nothing is in flight: no canary track, or an idle color already scaled down. */
export function isSettled(state: ReleaseState): boolean {
    switch (state.strategy) {
        case "canary":
            return state.canary === undefined && state.weight === 0;
        case "blueGreen":
            return state.idleScaledDown || !state[otherColor(state.active)];
        case "rolling":
            return state.next === undefined;
    }
}

/** Structural equality of two release states (after parsing, so defaults are filled in). */
export function sameState(a: ReleaseState, b: ReleaseState): boolean {
    return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(normalise);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
                .filter(([, v]) => v !== undefined)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, normalise(v)]),
        );
    }
    return value;
}

/** One line a person reads in a plan or a report, e.g. "stable 1.0.0 75%, canary 2.0.0 25%". */
export function describeState(state: ReleaseState): string {
    switch (state.strategy) {
        case "canary":
            return state.canary
                ? `stable ${state.stable.version} ${100 - state.weight}%, canary ${state.canary.version} ${state.weight}%`
                : `stable ${state.stable.version} 100%, no canary`;
        case "blueGreen": {
            const idle = otherColor(state.active);
            const idleArtifact = state[idle];
            const idleText = idleArtifact
                ? `${idle} ${idleArtifact.version} idle${state.idleScaledDown ? " (scaled down)" : ""}`
                : `${idle} empty`;
            return `${state.active} ${state[state.active]!.version} active, ${idleText}`;
        }
        case "rolling":
            return state.next
                ? `current ${state.current.version} ${100 - state.weight}%, next ${state.next.version} ${state.weight}% (rolling)`
                : `${state.current.version} (rolling)`;
    }
}
