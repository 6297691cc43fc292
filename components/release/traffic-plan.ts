import { Artifact } from "./artifact";
import { COLORS, Color, otherColor } from "./blue-green";
import { ReleaseState } from "./release-state";
import { rollingReplicas } from "./rolling";
import { SizingMode, canarySizing, colorReplicas } from "./sizing";

/** The header that sends a request to the candidate (canary track or idle color), as Argo Rollouts' header routing: every platform's default. */
export const DEFAULT_CANARY_HEADER = { name: "X-Canary", value: "always" } as const;

/**
 * One track (canary `stable`/`canary`, rolling `current`/`next`) or color (`blue`/`green`) as a router
 * sees it. Pure: each platform maps it onto its Deployments and Services, target groups, Lambda
 * versions, Container Apps revisions, App Service slots or HAProxy servers.
 */
export interface PlannedTrack<A extends Artifact | undefined = Artifact> {
    readonly name: string;
    /** What the track runs; undefined only for a track planned with `everyTrack` that the state does not declare. */
    readonly artifact: A;
    /** Percent of the service's traffic (the tracks' weights sum to 100). */
    readonly weight: number;
    /** Replicas at the platform's full size `replicas` (0: declared, but scaled down). */
    readonly replicas: number;
    /** `primary` carries the majority of traffic (stable track, active color); `candidate` is the other one. */
    readonly role: "primary" | "candidate";
}

/** Where requests carrying the candidate header go. */
export interface HeaderRoute {
    readonly track: string;
    /** The track has replicas (pods, tasks, a process) to answer; a router without them parks or drops the route. */
    readonly answers: boolean;
}

export interface TrafficPlan<A extends Artifact | undefined = Artifact> {
    /** Primary first; with `everyTrack`, the strategy's fixed order (stable, canary; blue, green). */
    readonly tracks: readonly PlannedTrack<A>[];
    readonly primary: PlannedTrack;
    /** The other track (canary, idle color) when there is one. */
    readonly candidate?: PlannedTrack<A>;
    /** The candidate header's route: to the canary, or to the idle color while `preview` is on. */
    readonly header?: HeaderRoute;
    /** The track to reach apart (preview endpoint): the header's track while it answers. */
    readonly preview?: PlannedTrack;
}

export interface TrafficOptions {
    /** How the canary tracks are sized (default `weighted`). */
    readonly sizing?: SizingMode;
    /**
     * Plan every track the strategy can use, weight 0 and no artifact when the state declares
     * none, for a router whose server names never change during a promotion (the local HAProxy).
     */
    readonly everyTrack?: boolean;
}

/**
 * The one function from a release state to what every platform's router does: each track's
 * weight and replicas at full size `replicas`, the candidate header's route and the preview.
 * With a weighted router the candidate's replicas follow its weight and the primary keeps full
 * capacity until the promotion ends, so a rollback never waits for a scale-up.
 */
export function planTraffic(state: ReleaseState, replicas: number, options: TrafficOptions & { readonly everyTrack: true }): TrafficPlan<Artifact | undefined>;
export function planTraffic(state: ReleaseState, replicas: number, options?: TrafficOptions): TrafficPlan;
export function planTraffic(state: ReleaseState, replicas: number, options: TrafficOptions = {}): TrafficPlan<Artifact | undefined> {
    const tracks = plannedTracks(state, replicas, options);
    const primary = tracks.find((t): t is PlannedTrack => t.role === "primary")!;
    const candidate = tracks.find((t) => t.role === "candidate");
    // A rolling batch and a canary answer the candidate header; a blue-green idle color only with preview on.
    const header =
        candidate && (state.strategy === "canary" || (state.strategy === "rolling" && state.next) || (state.strategy === "blueGreen" && state.preview))
            ? { track: candidate.name, answers: candidate.replicas > 0 }
            : undefined;
    return {
        tracks,
        primary,
        ...(candidate ? { candidate } : {}),
        ...(header ? { header } : {}),
        ...(header?.answers ? { preview: candidate as PlannedTrack } : {}),
    };
}

function plannedTracks(state: ReleaseState, replicas: number, options: TrafficOptions): PlannedTrack<Artifact | undefined>[] {
    switch (state.strategy) {
        case "canary": {
            const sizing = canarySizing(state, replicas, options.sizing ?? "weighted");
            const stable: PlannedTrack = { name: "stable", artifact: state.stable, weight: 100 - sizing.canaryShare, replicas: sizing.stableReplicas, role: "primary" };
            if (!state.canary && !options.everyTrack) {
                return [stable];
            }
            return [stable, { name: "canary", artifact: state.canary, weight: sizing.canaryShare, replicas: sizing.canaryReplicas, role: "candidate" }];
        }
        case "blueGreen": {
            const sizes = colorReplicas(state, replicas);
            const order: readonly Color[] = options.everyTrack ? COLORS : [state.active, otherColor(state.active)];
            return order
                .filter((color) => state[color] || options.everyTrack)
                .map((color) => ({
                    name: color,
                    artifact: state[color],
                    weight: color === state.active ? 100 : 0,
                    replicas: sizes[color],
                    role: color === state.active ? "primary" : "candidate",
                }));
        }
        case "rolling": {
            // Mid-update the share is the next track's share of the replicas, as Kubernetes
            // spreads a Service's requests over its pods; a router is given the same weights.
            const sizes = options.sizing === "fullSize" ? { current: replicas, next: state.next ? replicas : 0 } : rollingReplicas(state.weight, replicas);
            const current: PlannedTrack = { name: "current", artifact: state.current, weight: 100 - state.weight, replicas: sizes.current, role: "primary" };
            if (!state.next && !options.everyTrack) return [current];
            return [current, { name: "next", artifact: state.next, weight: state.weight, replicas: sizes.next, role: "candidate" }];
        }
    }
}
