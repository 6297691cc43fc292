import { z } from "zod";
import { AnalysisSchema } from "./analysis";
import { ArtifactSchema, sameArtifact } from "./artifact";

/** A count ("1") or a percentage ("25%") of replicas, as the platform's rolling update takes it. */
export const SurgeSchema = z.union([
    z.number().int().min(0),
    z.string().regex(/^(100|[1-9]?[0-9])%$/, { error: "use a whole number of replicas or a percentage such as \"25%\"" }),
]);

/**
 * A rolling release. Settled, every replica runs `current`. On the local platform and on
 * Kubernetes a promotion rolls batch by batch: `next` runs the new artifact on `weight` percent
 * of the replicas (and so of the traffic), each batch verified before the next, until `current`
 * takes the new artifact on every replica and `next` goes away. Elsewhere the platform's own
 * rolling update runs in one step, verified after it.
 */
export const RollingReleaseSchema = z
    .object({
        strategy: z.literal("rolling"),
        current: ArtifactSchema,
        /** The artifact the update rolls to, while it runs on part of the replicas. */
        next: ArtifactSchema.optional(),
        /** Percent of the replicas (and so of the traffic) on `next`; 0 with no `next`. */
        weight: z
            .number({ error: "weight is a whole percentage between 0 and 99" })
            .int({ error: "weight is a whole percentage between 0 and 99" })
            .min(0, { error: "weight is a whole percentage between 0 and 99" })
            .max(99, { error: "weight is below 100 while next runs part of the replicas: at 100 the update is done, so set current to next's artifact and remove next" })
            .default(0),
        maxSurge: SurgeSchema.default("25%"),
        maxUnavailable: SurgeSchema.default("25%"),
        bakeSeconds: z.number().int().min(0).max(86_400).default(300),
        analysis: AnalysisSchema.prefault({}),
    })
    .strict()
    .superRefine((state, ctx) => {
        if (state.weight > 0 && !state.next) {
            ctx.addIssue({ code: "custom", path: ["next"], message: `next is missing while weight is ${state.weight}: set next to the version rolling out, or set weight to 0` });
        }
        if (state.next && sameArtifact(state.next, state.current)) {
            ctx.addIssue({ code: "custom", path: ["next"], message: "next runs the same artifact as current: remove next" });
        }
        const zero = (v: number | string) => v === 0 || v === "0%";
        if (zero(state.maxSurge) && zero(state.maxUnavailable)) {
            ctx.addIssue({
                code: "custom",
                path: ["maxUnavailable"],
                message: "maxSurge and maxUnavailable are both 0, so the update could never progress: raise one of them, e.g. maxSurge \"25%\"",
            });
        }
    });

export type RollingRelease = z.output<typeof RollingReleaseSchema>;
export type RollingReleaseInput = z.input<typeof RollingReleaseSchema>;

/** A count or a percentage of `replicas`, rounded as Kubernetes rounds it (surge up, unavailable down). */
function resolve(value: number | string, replicas: number, round: (n: number) => number): number {
    return typeof value === "number" ? value : round((replicas * Number(value.slice(0, -1))) / 100);
}

/**
 * How many replicas change in one batch: as many as the update may add (maxSurge) and take
 * away (maxUnavailable) at once, at least one, at most all of them.
 */
export function rollingBatchSize(state: Pick<RollingRelease, "maxSurge" | "maxUnavailable">, replicas: number): number {
    const batch = resolve(state.maxSurge, replicas, Math.ceil) + resolve(state.maxUnavailable, replicas, Math.floor);
    return Math.min(replicas, Math.max(1, batch));
}

/**
 * Replicas per track at `weight` percent on `next`: at least one on each track while both have a
 * share (one replica in all cannot be split, so it runs one of each).
 */
export function rollingReplicas(weight: number, replicas: number): { readonly current: number; readonly next: number } {
    if (weight === 0) return { current: replicas, next: 0 };
    if (replicas === 1) return { current: 1, next: 1 };
    const next = Math.min(replicas - 1, Math.max(1, Math.round((replicas * weight) / 100)));
    return { current: replicas - next, next };
}
