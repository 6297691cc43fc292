import { sameArtifact } from "./artifact";
import { ReleaseState, TrafficSplit, describeState, trafficSplit } from "./release-state";

/** How traffic can reach a restore state: set at the router at once, or only by the `up`. */
export type DirectRoute =
    | { readonly kind: "route"; readonly split: TrafficSplit }
    | { readonly kind: "already"; readonly split: TrafficSplit }
    | { readonly kind: "up-only"; readonly reason: string };

/**
 * Whether the router can be told to send traffic where a rollback sends it before any of the
 * rollback's `up`s runs (its emergency path). `restore` is the rollback's states (planRollback);
 * the one that matters is the first that moves traffic. The router may move at once only when
 * every track that will take traffic already runs, at full readiness, the artifact that state
 * gives it; otherwise an `up` has to deploy something first, and the reason says what.
 */
export function directRoute(current: ReleaseState, restore: readonly ReleaseState[]): DirectRoute {
    const now = trafficSplit(current);
    const next = restore.find((s) => Object.entries(trafficSplit(s)).some(([track, w]) => (now[track] ?? 0) !== w));
    if (!next) return { kind: "already", split: now };
    const split = trafficSplit(next);
    if (current.strategy !== next.strategy) {
        return { kind: "up-only", reason: `the strategy changes (${current.strategy} to ${next.strategy}): the up deploys ${describeState(next)} first` };
    }
    switch (current.strategy) {
        case "canary": {
            const n = next as typeof current;
            if (!sameArtifact(current.stable, n.stable)) {
                return { kind: "up-only", reason: `the stable track runs ${current.stable.version}, not ${n.stable.version}: the up deploys it first` };
            }
            if (n.weight > 0 && !sameArtifact(current.canary, n.canary)) {
                return { kind: "up-only", reason: `the canary track does not run ${n.canary?.version}: the up deploys it first` };
            }
            break;
        }
        case "blueGreen": {
            const n = next as typeof current;
            const target = n[n.active];
            if (!sameArtifact(current[n.active], target)) {
                return { kind: "up-only", reason: `${n.active} runs ${current[n.active]?.version ?? "nothing"}, not ${target?.version}: the up deploys it first` };
            }
            // An idle color that was scaled down has no replicas to send traffic to.
            if (n.active !== current.active && current.idleScaledDown) {
                return { kind: "up-only", reason: `${n.active} was scaled down: the up scales it up first` };
            }
            break;
        }
        case "rolling": {
            const n = next as typeof current;
            if (!sameArtifact(current.current, n.current)) {
                return { kind: "up-only", reason: `the current track runs ${current.current.version}, not ${n.current.version}: the up deploys it first` };
            }
            if (n.weight > 0 && !sameArtifact(current.next, n.next)) {
                return { kind: "up-only", reason: `the next track does not run ${n.next?.version}: the up deploys it first` };
            }
            break;
        }
    }
    return { kind: "route", split };
}
