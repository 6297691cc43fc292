import { z } from "zod";
import { AnalysisSchema } from "./analysis";
import { ArtifactSchema } from "./artifact";

/** A count ("1") or a percentage ("25%") of replicas, as the platform's rolling update takes it. */
export const SurgeSchema = z.union([
    z.number().int().min(0),
    z.string().regex(/^(100|[1-9]?[0-9])%$/, { error: "use a whole number of replicas or a percentage such as \"25%\"" }),
]);

/** The platform's own rolling update, verified by the release engine like the other strategies. */
export const RollingReleaseSchema = z
    .object({
        strategy: z.literal("rolling"),
        current: ArtifactSchema,
        maxSurge: SurgeSchema.default("25%"),
        maxUnavailable: SurgeSchema.default("25%"),
        bakeSeconds: z.number().int().min(0).max(86_400).default(300),
        analysis: AnalysisSchema.prefault({}),
    })
    .strict()
    .superRefine((state, ctx) => {
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
