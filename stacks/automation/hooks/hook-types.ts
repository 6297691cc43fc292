import type { PromotionRecord } from "../records/promotion-record";

/**
 * Where a promotion calls out, at the points the anchors offer them (Argo Rollouts' pre/post
 * promotion analysis, Flagger's webhooks, CodeDeploy's lifecycle hooks).
 */
export type HookPoint =
    | "beforeRollout" // before the first step of a stage (a migration runs here: backup, then migrate)
    | "afterStep" // after each step's verification passed
    | "beforePromotion" // before the step that makes the new version the stable/active one
    | "afterRollout" // after the last step of a stage
    | "onRollback"; // after a stage was rolled back (a migration's down runs here)

export const HOOK_POINTS: readonly HookPoint[] = ["beforeRollout", "afterStep", "beforePromotion", "afterRollout", "onRollback"];

/** What a hook is told (as environment variables for a command, as JSON for a webhook). */
export interface HookContext {
    readonly promotionId: string;
    readonly stage: string;
    readonly environment: string;
    readonly version: string;
    readonly previousVersion?: string;
    readonly service?: string;
    readonly step?: { readonly index: number; readonly kind: string; readonly summary: string };
    /** The service's live endpoint, so a smoke test knows where to go. */
    readonly endpoint?: string;
    readonly reason?: string;
}

export interface HookOutcome {
    readonly point: HookPoint;
    readonly name: string;
    readonly outcome: "pass" | "fail";
    readonly durationMs: number;
    readonly detail: string;
}

/** A hook failed (or timed out): the step it belongs to fails. */
export class HookFailure extends Error {
    constructor(readonly outcomes: readonly HookOutcome[]) {
        const failed = outcomes.filter((o) => o.outcome === "fail");
        super(`hook ${failed.map((o) => `${o.point}/${o.name}: ${o.detail}`).join("; ")}`);
        this.name = "HookFailure";
    }
}

export interface Hooks {
    /** Runs every hook configured at `point`, in order; throws HookFailure when one fails. */
    run(point: HookPoint, context: HookContext, signal?: AbortSignal): Promise<HookOutcome[]>;
}

export type NotificationEvent = "started" | "succeeded" | "rolled-back" | "refused" | "failed" | "rollback-failed";

export interface Notifier {
    /**
     * Equal for two notifiers that would post the same messages to the same place (the same
     * webhook configured on staging and production): a promotion posts through one of them.
     */
    readonly sameAs?: string;
    /** Never throws: a notification that fails is logged, it must not fail a release. */
    notify(event: NotificationEvent, record: PromotionRecord): Promise<void>;
}
