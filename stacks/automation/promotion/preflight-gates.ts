import { GateResult } from "../records/promotion-record";
import { PromotionSettings, requiredApprovals } from "./promotion-settings";

export interface PreflightContext {
    readonly stage: string;
    readonly environment: string;
    readonly version: string;
    readonly approvers: readonly string[];
    /** Who made the change (the checklist's author): never an approver of it. */
    readonly author?: string;
    readonly hotfixReason?: string;
    readonly now: Date;
    readonly settings: PromotionSettings;
    /** The stack's whole config, for gates with settings of their own. */
    readonly config: Record<string, unknown>;
}

/** A pre-flight check; a "fail" stops the promotion before anything changes. Undefined: not applicable. */
export type PreflightGate = (context: PreflightContext) => GateResult | undefined | Promise<GateResult | undefined>;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The protocol: production needs a named approver; staging does not. An approval counts only
 * from the stack's list (`approvals.approvers`) and never from the change's author. Production
 * without a list refuses (nothing could check the name); a stage that asks for approvals
 * without one warns.
 */
export const approvalsGate: PreflightGate = ({ stage, environment, approvers, author, settings }) => {
    const required = requiredApprovals(settings, environment);
    if (required === 0) return undefined;
    const named = [...new Set(approvers.map((a) => a.trim()).filter(Boolean))];
    const listed = settings.approvals.approvers;
    const fail = (detail: string) => ({ stage, gate: "approvals", outcome: "fail" as const, detail });
    const unlisted = listed ? named.filter((a) => !listed.some((l) => same(l, a))) : [];
    if (unlisted.length) {
        return fail(`${unlisted.join(", ")} may not approve ${stage} (shipgate:promotion.approvals.approvers: ${listed!.join(", ")}): have a listed approver approve, or add them to that list`);
    }
    if (author && named.some((a) => same(a, author))) {
        return fail(`${author} made this change and cannot approve it: have someone else approve (the checklist's author is ${author})`);
    }
    if (named.length < required) {
        return fail(`${stage} needs ${required} named approver(s), got ${named.length}: pass --approver <name> (in CI, the reviewer of the deployment environment)`);
    }
    if (!listed) {
        // Fail closed: with no list, any string passed as --approver would count.
        const detail = `approved by ${named.join(", ")}, a name nobody checked: list who may approve in shipgate:promotion.approvals.approvers`;
        return environment === "production"
            ? fail(`${stage} has no list of who may approve, so ${named.join(", ")} cannot be checked: list the approvers (their CI handles) in shipgate:promotion.approvals.approvers`)
            : { stage, gate: "approvals", outcome: "warn", detail };
    }
    return { stage, gate: "approvals", outcome: "pass", detail: `approved by ${named.join(", ")} (listed approvers of ${stage})` };
};
