import { z } from "zod";
import { GitSettingsSchema } from "../repository/write-back-settings";
import { HttpJsonSourceSchema, PrometheusSourceSchema } from "../verify";

/** Where the analysis reads traffic figures; the stack's own Prometheus when nothing is said. */
export const AnalysisSourceSchema = z.discriminatedUnion(
    "source",
    [
        z.object({ source: z.literal("prometheus"), prometheus: PrometheusSourceSchema.partial({ url: true }).prefault({}) }).strict(),
        z.object({ source: z.literal("httpJson"), httpJson: HttpJsonSourceSchema }).strict(),
        z.object({ source: z.literal("none") }).strict(),
    ],
    { error: () => 'analysis.source is one of "prometheus", "httpJson" or "none"' },
);

export const SmokeCheckSchema = z
    .object({
        service: z.string().min(1),
        path: z.string().startsWith("/").default("/"),
        expectStatus: z.number().int().min(100).max(599).default(200),
        timeoutSeconds: z.number().positive().max(120).default(10),
    })
    .strict();

/**
 * How `shipgate promote` treats one stack: `shipgate:promotion` in its config. The program
 * ignores this key; only the release engine reads it.
 */
export const PromotionSettingsSchema = z
    .object({
        approvals: z
            .object({
                /** Named approvers a promotion needs here (the protocol: production 1, staging 0). */
                required: z.number().int().min(0).optional(),
                /** Who may approve here (names or handles, as CI gives them); an --approver not listed does not count. */
                approvers: z
                    .array(z.string().trim().min(1, { error: 'an approver is empty: write a name or handle, e.g. "alice"' }), {
                        error: 'approvals.approvers is a list of names or handles, e.g. ["alice", "bob"]',
                    })
                    .min(1, { error: "approvals.approvers is empty: list who may approve, or leave it out" })
                    .optional(),
            })
            .strict()
            .prefault({}),
        policy: z
            .object({
                /** Policy pack folders, relative to the project; the preview of each step's target runs them. */
                packs: z.array(z.string().min(1)).default(["policies/deployment-gates"]),
                /** Policy config files paired with the packs; default policies/config/<environment>.json. */
                configs: z.array(z.string().min(1)).optional(),
            })
            .strict()
            .prefault({}),
        analysis: AnalysisSourceSchema.prefault({ source: "prometheus" }),
        /** HTTP checks after a service's last step here (the seeds' smoke tests: pages load, flows work). */
        smoke: z.array(SmokeCheckSchema).default([]),
        /** Where the run writes the release state back (repository/write-back-settings.ts). */
        git: GitSettingsSchema.prefault({}),
        /** How long to wait for GREEN after an up before the step fails. */
        healthTimeoutSeconds: z.number().int().min(1).max(3600).default(120),
    })
    .loose();

export type PromotionSettings = z.output<typeof PromotionSettingsSchema>;

export function requiredApprovals(settings: PromotionSettings, environment: string): number {
    return settings.approvals.required ?? (environment === "production" ? 1 : 0);
}
