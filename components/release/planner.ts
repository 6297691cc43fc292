import { Artifact, sameArtifact } from "./artifact";
import { BlueGreenRelease, otherColor } from "./blue-green";
import { CanaryRelease } from "./canary";
import { InvalidInputError } from "./errors";
import {
    ReleaseState,
    candidateArtifact,
    describeState,
    isSettled,
    parseReleaseState,
    sameState,
    settledArtifact,
} from "./release-state";
import { RollingRelease, rollingBatchSize } from "./rolling";

export type StepKind =
    | "canary-weight" // shift a share of traffic to the canary track
    | "canary-promote" // move the stable track to the new artifact while the canary carries the traffic
    | "canary-finalize" // traffic back on the (now new) stable track; the canary track goes away
    | "bluegreen-deploy" // the new artifact on the idle color, reachable on the preview endpoint
    | "bluegreen-switch" // the idle color becomes active
    | "bluegreen-scale-down" // the previous color scales down once its delay has passed
    | "rolling-batch" // the new artifact on a further batch of replicas (the `next` track)
    | "rolling-update" // the new artifact on every replica (the last batch, or the platform's own rolling update)
    | "restore"; // a rollback state

/**
 * What the automation checks after applying a step:
 * - `analysis`: health checks plus error rate and latency against the baseline, for `bakeSeconds`;
 * - `preview`: health checks of the idle color through the preview endpoint;
 * - `health`: health checks of the live endpoint until GREEN;
 * - `none`: nothing beyond the engine's own success.
 */
export type Verification = "analysis" | "preview" | "health" | "none";

export interface PlannedStep {
    /** 1-based position in the plan. */
    readonly index: number;
    readonly kind: StepKind;
    readonly summary: string;
    /** The release state this step applies with one `up`. */
    readonly state: ReleaseState;
    readonly verify: Verification;
    /** How long `verify: analysis` watches the step. */
    readonly bakeSeconds: number;
    /** How long to wait before applying the step (the blue-green scale-down delay). */
    readonly waitSeconds: number;
    /** The track under test once the step is applied (the canary, the new color, the updated current track). */
    readonly candidateTrack?: string;
    /**
     * What `verify: analysis` compares the candidate with: another track in the same window, or
     * (`measuredBefore`) the track that served until this step, measured right before it is applied.
     */
    readonly baseline?: { readonly track: string; readonly measuredBefore: boolean };
    /** The step that makes the new version the stable/active one: the beforePromotion hooks run before it. */
    readonly promotes: boolean;
}

export interface ReleasePlan {
    readonly from: ReleaseState;
    readonly target: Artifact;
    /** Empty when the target is already live and settled. */
    readonly steps: readonly PlannedStep[];
}

/** Raised when a release is asked for while another one is still in flight on the service. */
export class ReleaseInProgressError extends Error {
    constructor(readonly candidate: Artifact) {
        super(
            `a release of ${candidate.version} is still in progress on this service: finish it or run \`shipgate rollback\` before releasing another version`,
        );
        this.name = "ReleaseInProgressError";
    }
}

type Draft = Omit<PlannedStep, "index" | "promotes"> & { readonly promotes?: boolean };

export interface PlanOptions {
    /**
     * The service's replicas, where the platform rolls batch by batch under the release
     * engine (local, Kubernetes). Without it a rolling release is one step: the platform's own
     * rolling update, verified once it is done.
     */
    readonly rollingReplicas?: number;
}

/**
 * Turns "release `target`" into the ordered release states a promotion walks through.
 * Pure: every state is re-validated with the release schema, so a plan never holds a state
 * the components would reject.
 */
export function planRelease(current: ReleaseState, target: Artifact, options: PlanOptions = {}): ReleasePlan {
    if (!target.version) {
        throw new InvalidInputError("release", [{ path: "version", message: "version is missing: pass the version to release" }]);
    }
    if (isSettled(current) && sameArtifact(settledArtifact(current), target)) {
        return { from: current, target, steps: [] };
    }
    const inFlight = candidateArtifact(current);
    if (!isSettled(current) && inFlight) {
        throw new ReleaseInProgressError(inFlight);
    }
    let drafts: Draft[];
    switch (current.strategy) {
        case "canary":
            drafts = planCanary(current, target);
            break;
        case "blueGreen":
            drafts = planBlueGreen(current, target);
            break;
        case "rolling":
            drafts = planRolling(current, target, options.rollingReplicas);
            break;
    }
    return { from: current, target, steps: number(drafts) };
}

function planCanary(current: CanaryRelease, target: Artifact): Draft[] {
    const base = { ...current, canary: undefined, weight: 0 };
    const drafts: Draft[] = current.steps.map((weight) => ({
        kind: "canary-weight",
        summary: `send ${weight}% of traffic to ${target.version} (stable ${current.stable.version} keeps ${100 - weight}%)`,
        state: revalidate({ ...base, canary: target, weight }),
        verify: "analysis",
        bakeSeconds: weight === 100 ? current.watchSeconds : current.bakeSeconds,
        waitSeconds: 0,
        candidateTrack: "canary",
        baseline: { track: "stable", measuredBefore: false },
    }));
    drafts.push({
        kind: "canary-promote",
        summary: `move the stable track to ${target.version} while the canary carries all traffic`,
        state: revalidate({ ...base, stable: target, canary: target, weight: 100 }),
        verify: "health",
        bakeSeconds: 0,
        waitSeconds: 0,
        promotes: true,
    });
    drafts.push({
        kind: "canary-finalize",
        summary: `route all traffic to the stable track on ${target.version} and remove the canary track`,
        state: revalidate({ ...base, stable: target }),
        verify: "health",
        bakeSeconds: 0,
        waitSeconds: 0,
    });
    return drafts;
}

function planBlueGreen(current: BlueGreenRelease, target: Artifact): Draft[] {
    const from = current.active;
    const to = otherColor(from);
    const previous = current[from]!;
    return [
        {
            kind: "bluegreen-deploy",
            summary: `deploy ${target.version} on ${to} (idle) and verify it through the preview endpoint`,
            state: revalidate({ ...current, [to]: target, preview: true, idleScaledDown: false }),
            verify: "preview",
            bakeSeconds: 0,
            waitSeconds: 0,
            candidateTrack: to,
        },
        {
            kind: "bluegreen-switch",
            summary: `switch traffic from ${from} (${previous.version}) to ${to} (${target.version}); ${from} stays up as the rollback target`,
            state: revalidate({ ...current, [to]: target, preview: true, idleScaledDown: false, active: to }),
            verify: "analysis",
            bakeSeconds: current.bakeSeconds,
            waitSeconds: 0,
            candidateTrack: to,
            baseline: { track: from, measuredBefore: true },
            promotes: true,
        },
        {
            kind: "bluegreen-scale-down",
            summary: `scale ${from} (${previous.version}) down after its ${current.scaleDownDelaySeconds}s delay`,
            state: revalidate({ ...current, [to]: target, preview: true, idleScaledDown: true, active: to }),
            verify: "none",
            bakeSeconds: 0,
            waitSeconds: current.scaleDownDelaySeconds,
        },
    ];
}

function planRolling(current: RollingRelease, target: Artifact, replicas: number | undefined): Draft[] {
    const from = current.current.version;
    const batches: Draft[] = [];
    if (replicas !== undefined && replicas > 1) {
        // Seed 001: one batch of servers at a time, each verified before the next. A batch runs
        // as the `next` track beside `current`, so it is analysed against it in the same window.
        const size = rollingBatchSize(current, replicas);
        const partial: { updated: number; weight: number }[] = [];
        for (let updated = size; updated < replicas; updated += size) {
            const weight = Math.round((updated * 100) / replicas);
            if (weight >= 1 && weight <= 99 && !partial.some((p) => p.weight === weight)) partial.push({ updated, weight });
        }
        partial.forEach(({ updated, weight }, i) =>
            batches.push({
                kind: "rolling-batch",
                summary: `batch ${i + 1}/${partial.length + 1}: ${target.version} on ${updated} of ${replicas} replicas (${weight}% of traffic; ${from} keeps ${replicas - updated})`,
                state: revalidate({ ...current, next: target, weight }),
                verify: "analysis",
                bakeSeconds: current.bakeSeconds,
                waitSeconds: 0,
                candidateTrack: "next",
                baseline: { track: "current", measuredBefore: false },
            }),
        );
    }
    const summary = batches.length
        ? `batch ${batches.length + 1}/${batches.length + 1}: ${target.version} on all ${replicas} replicas; the next track goes away`
        : `roll ${from} → ${target.version} (maxSurge ${current.maxSurge}, maxUnavailable ${current.maxUnavailable})`;
    return [
        ...batches,
        {
            kind: "rolling-update",
            summary,
            state: revalidate({ ...current, current: target, next: undefined, weight: 0 }),
            verify: "analysis",
            bakeSeconds: current.bakeSeconds,
            waitSeconds: 0,
            candidateTrack: "current",
            baseline: { track: "current", measuredBefore: true },
            promotes: true,
        },
    ];
}

/**
 * The states that take a service from `current` back to `lastGood`. Traffic moves first: the
 * first state puts it on an artifact that is already running and known good, later states clean
 * up. The last state is always `lastGood` itself; an empty plan means `current` is `lastGood`.
 */
export function planRollback(current: ReleaseState, lastGood: ReleaseState): PlannedStep[] {
    if (sameState(current, lastGood)) {
        return [];
    }
    let drafts: ReleaseState[];
    if (current.strategy === "canary" && lastGood.strategy === "canary") {
        drafts = rollbackCanary(current, lastGood);
    } else if (current.strategy === "blueGreen" && lastGood.strategy === "blueGreen") {
        drafts = rollbackBlueGreen(current, lastGood);
    } else if (current.strategy === "rolling" && lastGood.strategy === "rolling") {
        drafts = rollbackRolling(current, lastGood);
    } else {
        drafts = [lastGood];
    }
    const states = dedupe(current, [...drafts.map(revalidate), lastGood]);
    return number(
        states.map((state, i) => ({
            kind: "restore",
            summary: `${i === states.length - 1 ? "restore the last good release" : "restore, traffic first"}: ${describeState(state)}`,
            state,
            verify: "health",
            bakeSeconds: 0,
            waitSeconds: 0,
        })),
    );
}

function rollbackCanary(current: CanaryRelease, lastGood: CanaryRelease): ReleaseState[] {
    if (sameArtifact(current.stable, lastGood.stable)) {
        // The stable track still runs the good artifact: take the canary's share away at once.
        return current.canary && current.weight > 0 ? [{ ...current, weight: 0 }] : [];
    }
    if (current.canary && current.weight === 100) {
        // The stable track was already moved (promote step): put it back while the canary,
        // which passed its analysis at 100%, keeps serving; then route to it.
        return [{ ...current, stable: lastGood.stable }];
    }
    return [];
}

function rollbackRolling(current: RollingRelease, lastGood: RollingRelease): ReleaseState[] {
    // Mid-update the current track still runs the good artifact: all traffic back on it first.
    return current.next && current.weight > 0 && sameArtifact(current.current, lastGood.current) ? [{ ...current, weight: 0 }] : [];
}

function rollbackBlueGreen(current: BlueGreenRelease, lastGood: BlueGreenRelease): ReleaseState[] {
    const good = lastGood.active;
    const goodArtifact = lastGood[good]!;
    const running = sameArtifact(current[good], goodArtifact) && (current.active === good || !current.idleScaledDown);
    const states: ReleaseState[] = [];
    if (!running) {
        // Bring the good artifact back up on its color (idle, so no traffic moves yet).
        states.push({ ...current, [good]: goodArtifact, idleScaledDown: false });
    }
    const base = states.length ? (states[states.length - 1] as BlueGreenRelease) : current;
    states.push({ ...base, active: good, idleScaledDown: false });
    return states;
}

function revalidate(state: unknown): ReleaseState {
    return parseReleaseState(state, "planned release");
}

function dedupe(current: ReleaseState, states: ReleaseState[]): ReleaseState[] {
    const out: ReleaseState[] = [];
    let previous = current;
    for (const state of states) {
        if (!sameState(state, previous)) {
            out.push(state);
            previous = state;
        }
    }
    return out;
}

function number(drafts: Draft[]): PlannedStep[] {
    return drafts.map((d, i) => ({ ...d, promotes: d.promotes ?? false, index: i + 1 }));
}

/**
 * The settled state of `state`'s service running `artifact`: the target of a rollback to a
 * named earlier release. Blue-green reuses a color that already runs the artifact, else the
 * idle one, so `planRollback` can bring it up and move traffic before the other color is
 * scaled down.
 */
export function settledAt(state: ReleaseState, artifact: Artifact): ReleaseState {
    switch (state.strategy) {
        case "canary":
            return revalidate({ ...state, stable: artifact, canary: undefined, weight: 0 });
        case "blueGreen": {
            const color = (["blue", "green"] as const).find((c) => sameArtifact(state[c], artifact)) ?? otherColor(state.active);
            // Settled: the other color (the release rolled away from) is scaled down, as after a
            // promotion, or the next promotion would find a release still in flight.
            return revalidate({ ...state, [color]: artifact, active: color, idleScaledDown: state[otherColor(color)] !== undefined });
        }
        case "rolling":
            return revalidate({ ...state, current: artifact, next: undefined, weight: 0 });
    }
}
