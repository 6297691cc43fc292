import { z } from "zod";
import { AnalysisSchema } from "./analysis";
import { ArtifactSchema } from "./artifact";

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];

export const ColorSchema = z.enum(COLORS, {
    error: (issue) => `unknown color ${JSON.stringify(issue.input)}: use "blue" or "green"`,
});

export function otherColor(color: Color): Color {
    return color === "blue" ? "green" : "blue";
}

/**
 * A blue-green release: two colors, one `active` (all traffic), the other idle. The idle
 * color is reachable through the preview endpoint while `preview` is on, and stays up after a
 * switch (the rollback target) until the automation scales it down after `scaleDownDelaySeconds`.
 */
export const BlueGreenReleaseSchema = z
    .object({
        strategy: z.literal("blueGreen"),
        blue: ArtifactSchema.optional(),
        green: ArtifactSchema.optional(),
        active: ColorSchema.default("blue"),
        /** Route the preview endpoint to the idle color. */
        preview: z.boolean().default(true),
        /** How long the previous color stays up after a switch (Argo Rollouts' default: 30 s). */
        scaleDownDelaySeconds: z.number().int().min(0).max(86_400).default(30),
        /** Set by the automation once the delay has passed: the idle color runs no replicas. */
        idleScaledDown: z.boolean().default(false),
        /** Seconds the new color is watched after the switch (protocol: 5 minutes). */
        bakeSeconds: z.number().int().min(0).max(86_400).default(300),
        analysis: AnalysisSchema.prefault({}),
    })
    .strict()
    .superRefine((state, ctx) => {
        if (!state[state.active]) {
            ctx.addIssue({
                code: "custom",
                path: [state.active],
                message: `the active color ${state.active} has no version: set ${state.active} to the version that serves traffic, or make the other color active`,
            });
        }
    });

export type BlueGreenRelease = z.output<typeof BlueGreenReleaseSchema>;
export type BlueGreenReleaseInput = z.input<typeof BlueGreenReleaseSchema>;
