import { z } from "zod";
import { AnalysisSchema } from "./analysis";
import { ArtifactSchema, sameArtifact } from "./artifact";
import { DEFAULT_CANARY_STEPS, StepsSchema } from "./steps";

/**
 * A canary release: `stable` serves traffic, `canary` (when present) gets `weight` percent.
 * A promotion walks `weight` through `steps`; at 100 the stable track is moved to the canary's
 * artifact and the canary track is removed.
 */
export const CanaryReleaseSchema = z
    .object({
        strategy: z.literal("canary"),
        stable: ArtifactSchema,
        canary: ArtifactSchema.optional(),
        weight: z
            .number({ error: "weight is a whole percentage between 0 and 100" })
            .int({ error: "weight is a whole percentage between 0 and 100" })
            .min(0, { error: "weight is a whole percentage between 0 and 100: use 0 for no canary traffic" })
            .max(100, { error: "weight is a whole percentage between 0 and 100: use 100 to send all traffic to the canary" })
            .default(0),
        steps: StepsSchema.default([...DEFAULT_CANARY_STEPS]),
        /** Seconds each step is watched before the next (protocol: 5 minutes). */
        bakeSeconds: z.number().int().min(0).max(86_400).default(300),
        /** How long the 100% step is watched before the stable track moves (protocol: 15 minutes). */
        watchSeconds: z.number().int().min(0).max(86_400).default(900),
        analysis: AnalysisSchema.prefault({}),
    })
    .strict()
    .superRefine((state, ctx) => {
        if (state.weight > 0 && !state.canary) {
            ctx.addIssue({
                code: "custom",
                path: ["canary"],
                message: `canary is missing while weight is ${state.weight}: set canary to the version under test, or set weight to 0`,
            });
        }
        if (state.weight > 0 && !state.steps.includes(state.weight)) {
            ctx.addIssue({
                code: "custom",
                path: ["weight"],
                message: `weight ${state.weight} is not one of the steps [${state.steps.join(", ")}]: set weight to 0 or to one of the steps`,
            });
        }
        if (state.canary && state.weight === 0 && sameArtifact(state.canary, state.stable)) {
            ctx.addIssue({
                code: "custom",
                path: ["canary"],
                message: "canary runs the same artifact as stable with no traffic: remove canary",
            });
        }
    });

export type CanaryRelease = z.output<typeof CanaryReleaseSchema>;
export type CanaryReleaseInput = z.input<typeof CanaryReleaseSchema>;
