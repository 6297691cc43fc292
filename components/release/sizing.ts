import { BlueGreenRelease, Color, otherColor } from "./blue-green";
import { CanaryRelease } from "./canary";

/**
 * How a platform sizes the canary tracks, and so what share the canary really gets:
 * - `weighted`: the router honours the weight exactly (Gateway API, ingress-nginx, ALB…), the
 *   canary's replicas follow its weight;
 * - `replicaRatio`: no router, so the share is the ratio of replicas behind one Service
 *   (what Argo Rollouts does without traffic routing);
 * - `fullSize`: every declared track runs at full size whatever its weight (the local platform's
 *   one process per track, so a canary at weight 0 still answers its header and preview port).
 */
export type SizingMode = "weighted" | "replicaRatio" | "fullSize";

export interface CanarySizing {
    readonly stableReplicas: number;
    readonly canaryReplicas: number;
    /** The canary's real share of traffic in percent: the weight, or the replica ratio. */
    readonly canaryShare: number;
}

/**
 * Replicas per canary track. With a weighted router the canary follows the weight (at least
 * one pod while it gets traffic) and the stable track keeps full capacity until the promotion
 * ends, so a rollback never waits for a scale-up.
 */
export function canarySizing(state: CanaryRelease, replicas: number, mode: SizingMode): CanarySizing {
    const weight = state.canary ? state.weight : 0;
    if (mode === "fullSize") {
        return { stableReplicas: replicas, canaryReplicas: state.canary ? replicas : 0, canaryShare: weight };
    }
    if (weight === 0) {
        return { stableReplicas: replicas, canaryReplicas: 0, canaryShare: 0 };
    }
    if (mode === "weighted") {
        return {
            stableReplicas: replicas,
            canaryReplicas: Math.max(1, Math.ceil((replicas * weight) / 100)),
            canaryShare: weight,
        };
    }
    if (weight === 100) {
        return { stableReplicas: 0, canaryReplicas: replicas, canaryShare: 100 };
    }
    // Keep at least one replica on each track while both should see traffic.
    const canaryReplicas = Math.min(replicas - 1, Math.max(1, Math.round((replicas * weight) / 100)));
    const stable = replicas - canaryReplicas;
    if (canaryReplicas < 1 || stable < 1) {
        // One replica in all cannot be split: run one of each, so the share is 50%.
        return { stableReplicas: 1, canaryReplicas: 1, canaryShare: 50 };
    }
    return {
        stableReplicas: stable,
        canaryReplicas,
        canaryShare: Math.round((canaryReplicas / replicas) * 100),
    };
}

/** Replicas per color: the active color at full size; the idle one too until it is scaled down. */
export function colorReplicas(state: BlueGreenRelease, replicas: number): Record<Color, number> {
    const idle = otherColor(state.active);
    return {
        [state.active]: replicas,
        [idle]: state[idle] && !state.idleScaledDown ? replicas : 0,
    } as Record<Color, number>;
}
