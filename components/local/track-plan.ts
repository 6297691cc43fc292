import { Artifact, ReleaseState, otherColor } from "../release";

/** One track or color of a service on the local platform: a process when it has an artifact. */
export interface TrackPlan {
    readonly name: string;
    /** What the track runs; undefined means no process (a scaled-down color, no canary). */
    readonly artifact?: Artifact;
    /** Percent of the service's traffic. */
    readonly weight: number;
}

export interface ServicePlan {
    readonly tracks: readonly TrackPlan[];
    /** The track the header and the preview endpoint reach (the canary, the idle color). */
    readonly candidate?: string;
}

/**
 * Which processes a release state needs and how the router weighs them. Every strategy's
 * server names are fixed (stable/canary, blue/green, current) so the router's structure never
 * changes during a promotion.
 */
export function planTracks(state: ReleaseState): ServicePlan {
    switch (state.strategy) {
        case "canary":
            return {
                tracks: [
                    { name: "stable", artifact: state.stable, weight: 100 - (state.canary ? state.weight : 0) },
                    { name: "canary", artifact: state.canary, weight: state.canary ? state.weight : 0 },
                ],
                candidate: "canary",
            };
        case "blueGreen": {
            const idle = otherColor(state.active);
            const running = (color: "blue" | "green") => (color === idle && state.idleScaledDown ? undefined : state[color]);
            return {
                tracks: (["blue", "green"] as const).map((color) => ({
                    name: color,
                    artifact: running(color),
                    weight: color === state.active ? 100 : 0,
                })),
                candidate: state.preview ? idle : undefined,
            };
        }
        case "rolling":
            return { tracks: [{ name: "current", artifact: state.current, weight: 100 }] };
    }
}
