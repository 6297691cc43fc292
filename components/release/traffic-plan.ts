import { Artifact } from "./artifact";
import { COLORS, otherColor } from "./blue-green";
import { ReleaseState } from "./release-state";
import { canarySizing, colorReplicas } from "./sizing";

/**
 * One track (canary `stable`/`canary`, rolling `current`) or color (`blue`/`green`) that a
 * release state declares, as a cloud router sees it. Pure: the AWS and Azure components map it
 * onto target groups, Lambda versions, Container Apps revisions or App Service slots.
 */
export interface PlannedTrack {
    readonly name: string;
    readonly artifact: Artifact;
    /** Percent of the service's traffic (the tracks' weights sum to 100). */
    readonly weight: number;
    /** Replicas at the platform's full size `replicas` (0: declared, but scaled down). */
    readonly replicas: number;
    /** `primary` carries the majority of traffic (stable track, active color); `candidate` is the other one. */
    readonly role: "primary" | "candidate";
}

export interface TrafficPlan {
    /** The declared tracks, primary first. A track with no artifact (no canary, an empty color) is absent. */
    readonly tracks: readonly PlannedTrack[];
    readonly primary: PlannedTrack;
    /**
     * The track to reach apart (preview endpoint, candidate header): the canary while it has
     * replicas, the idle color while it runs and `preview` is on.
     */
    readonly preview?: PlannedTrack;
}

/**
 * The tracks a release state declares with a weighted router (ALB, Lambda alias, Container
 * Apps, App Service ramp-up): the candidate's replicas follow its weight, the primary keeps full
 * capacity until the promotion ends, so a rollback never waits for a scale-up.
 */
export function planTraffic(state: ReleaseState, replicas: number): TrafficPlan {
    switch (state.strategy) {
        case "canary": {
            const sizing = canarySizing(state, replicas, "weighted");
            const stable: PlannedTrack = {
                name: "stable",
                artifact: state.stable,
                weight: 100 - sizing.canaryShare,
                replicas: sizing.stableReplicas,
                role: "primary",
            };
            if (!state.canary) {
                return { tracks: [stable], primary: stable };
            }
            const canary: PlannedTrack = {
                name: "canary",
                artifact: state.canary,
                weight: sizing.canaryShare,
                replicas: sizing.canaryReplicas,
                role: "candidate",
            };
            return { tracks: [stable, canary], primary: stable, ...(canary.replicas > 0 ? { preview: canary } : {}) };
        }
        case "blueGreen": {
            const sizes = colorReplicas(state, replicas);
            const idle = otherColor(state.active);
            const tracks: PlannedTrack[] = [];
            for (const color of [state.active, ...COLORS.filter((c) => c !== state.active)]) {
                const artifact = state[color];
                if (artifact) {
                    tracks.push({
                        name: color,
                        artifact,
                        weight: color === state.active ? 100 : 0,
                        replicas: sizes[color],
                        role: color === state.active ? "primary" : "candidate",
                    });
                }
            }
            const idleTrack = tracks.find((t) => t.name === idle);
            return {
                tracks,
                primary: tracks[0],
                ...(idleTrack && idleTrack.replicas > 0 && state.preview ? { preview: idleTrack } : {}),
            };
        }
        case "rolling": {
            const current: PlannedTrack = { name: "current", artifact: state.current, weight: 100, replicas, role: "primary" };
            return { tracks: [current], primary: current };
        }
    }
}
