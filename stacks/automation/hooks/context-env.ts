import { HookContext, HookPoint } from "./hook-types";

/**
 * The hook context as environment variables for a command (a webhook gets the same as JSON).
 * Every variable shipgate sets is listed here, so a stale one inherited from the environment
 * (a shipgate run inside a hook, say) is removed rather than passed on with an old value.
 */
export const CONTEXT_VARIABLES = [
    "SHIPGATE_HOOK_POINT",
    "SHIPGATE_HOOK_NAME",
    "SHIPGATE_PROMOTION_ID",
    "SHIPGATE_STAGE",
    "SHIPGATE_ENVIRONMENT",
    "SHIPGATE_VERSION",
    "SHIPGATE_PREVIOUS_VERSION",
    "SHIPGATE_SERVICE",
    "SHIPGATE_STEP_INDEX",
    "SHIPGATE_STEP_KIND",
    "SHIPGATE_STEP_SUMMARY",
    "SHIPGATE_ENDPOINT",
    "SHIPGATE_REASON",
    "SHIPGATE_CONTEXT",
] as const;

/** What a webhook is POSTed and what SHIPGATE_CONTEXT holds. */
export function hookPayload(point: HookPoint, name: string, context: HookContext): Record<string, unknown> {
    return { point, hook: name, ...context };
}

export function contextEnv(point: HookPoint, name: string, context: HookContext): Record<string, string> {
    const env: Record<string, string | undefined> = {
        SHIPGATE_HOOK_POINT: point,
        SHIPGATE_HOOK_NAME: name,
        SHIPGATE_PROMOTION_ID: context.promotionId,
        SHIPGATE_STAGE: context.stage,
        SHIPGATE_ENVIRONMENT: context.environment,
        SHIPGATE_VERSION: context.version,
        SHIPGATE_PREVIOUS_VERSION: context.previousVersion,
        SHIPGATE_SERVICE: context.service,
        // 0-based, as in the record.
        SHIPGATE_STEP_INDEX: context.step === undefined ? undefined : String(context.step.index),
        SHIPGATE_STEP_KIND: context.step?.kind,
        SHIPGATE_STEP_SUMMARY: context.step?.summary,
        SHIPGATE_ENDPOINT: context.endpoint,
        SHIPGATE_REASON: context.reason,
        SHIPGATE_CONTEXT: JSON.stringify(hookPayload(point, name, context)),
    };
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The base environment with shipgate's variables replaced by this hook's. */
export function hookEnvironment(base: NodeJS.ProcessEnv, extra: Record<string, string>, point: HookPoint, name: string, context: HookContext): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(base)) {
        if (v !== undefined && !(CONTEXT_VARIABLES as readonly string[]).includes(k)) env[k] = v;
    }
    return { ...env, ...extra, ...contextEnv(point, name, context) };
}
