import { z } from "zod";
import { HOOK_POINTS, HookPoint } from "./hook-types";
import { SecretRefSchema } from "./secrets";

export { MigrationConfigSchema } from "./migration-config";
export type { MigrationConfig, MigrationConfigInput } from "./migration-config";

/**
 * `shipgate:promotion.hooks` in a stack's config: per hook point, an ordered list of hooks, each a
 * command or an HTTP webhook (the two kinds Flagger and CodeDeploy offer). A hook that fails or
 * times out fails its step, so every hook has a timeout.
 *
 *     shipgate:promotion:
 *       hooks:
 *         beforeRollout:
 *           - {name: smoke-db, command: [./scripts/check-db.sh], timeoutSeconds: 60}
 *         afterStep:
 *           - name: load-test
 *             webhook: {url: {fromEnv: LOADTEST_HOOK_URL}, timeoutSeconds: 30, expect: {field: {path: status, equals: ok}}}
 */

const ArgvSchema = z
    .array(z.string())
    .min(1, "a command is an argv array with at least the program, e.g. [./smoke.sh, --quick]")
    .refine((argv) => argv.length === 0 || argv[0].trim() !== "", "the program (the first element) is empty");

export const WebhookSpecSchema = z.strictObject({
    /** POSTed the hook context as JSON. A URL with a token in it belongs in {fromEnv} or {fromConfig}. */
    url: SecretRefSchema,
    timeoutSeconds: z.number().positive().max(3600).optional(),
    headers: z.record(z.string(), SecretRefSchema).default({}),
    /** Beyond a 2xx status: the answer must contain this text, or have this JSON field value. */
    expect: z
        .strictObject({
            bodyContains: z.string().min(1).optional(),
            field: z.strictObject({ path: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).optional(),
        })
        .optional(),
});

export const HookSpecSchema = z
    .strictObject({
        name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only (it names the hook in logs and reports)"),
        /** Only for these services (a hook point with no service, such as a stage's beforeRollout, runs it anyway). */
        services: z.array(z.string().min(1)).min(1).optional(),
        command: ArgvSchema.optional(),
        cwd: z.string().optional(),
        env: z.record(z.string(), z.string()).optional(),
        webhook: WebhookSpecSchema.optional(),
        /** Defaults: 300 s for a command, 30 s for a webhook. */
        timeoutSeconds: z.number().positive().max(24 * 3600).optional(),
    })
    .superRefine((hook, ctx) => {
        if ((hook.command === undefined) === (hook.webhook === undefined)) {
            ctx.addIssue({ code: "custom", message: "a hook is either a `command` (argv array) or a `webhook` ({url}), exactly one of them" });
        }
        if (hook.webhook && (hook.cwd !== undefined || hook.env !== undefined)) {
            ctx.addIssue({ code: "custom", message: "`cwd` and `env` apply to command hooks only" });
        }
    });
export type HookSpec = z.output<typeof HookSpecSchema>;
export type HookSpecInput = z.input<typeof HookSpecSchema>;

const HookListSchema = z
    .array(HookSpecSchema)
    .default([])
    .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((h, i) => {
            if (seen.has(h.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `two hooks named "${h.name}" at the same point: names must be unique there` });
            seen.add(h.name);
        });
    });

export const HooksConfigSchema = z.strictObject(
    Object.fromEntries(HOOK_POINTS.map((p) => [p, HookListSchema])) as Record<HookPoint, typeof HookListSchema>,
    { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown hook point(s) ${issue.keys.join(", ")}: use ${HOOK_POINTS.join(", ")}` : undefined) },
);
export type HooksConfig = z.output<typeof HooksConfigSchema>;
export type HooksConfigInput = z.input<typeof HooksConfigSchema>;

/** Defaults per kind, in milliseconds. */
export function hookTimeoutMs(hook: HookSpec): number {
    const seconds = hook.webhook?.timeoutSeconds ?? hook.timeoutSeconds ?? (hook.webhook ? 30 : 300);
    return seconds * 1000;
}
