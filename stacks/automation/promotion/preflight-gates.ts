import { GateResult } from "../records/promotion-record";
import { PromotionSettings, requiredApprovals } from "./promotion-settings";

export interface PreflightContext {
    readonly stage: string;
    readonly environment: string;
    readonly version: string;
    readonly approvers: readonly string[];
    readonly hotfixReason?: string;
    readonly now: Date;
    readonly settings: PromotionSettings;
    /** The stack's whole config, for gates with settings of their own. */
    readonly config: Record<string, unknown>;
}

/** A pre-flight check; a "fail" stops the promotion before anything changes. Undefined: not applicable. */
export type PreflightGate = (context: PreflightContext) => GateResult | undefined | Promise<GateResult | undefined>;

/** The protocol: production needs a named approver; staging does not. */
export const approvalsGate: PreflightGate = ({ stage, environment, approvers, settings }) => {
    const required = requiredApprovals(settings, environment);
    if (required === 0) return undefined;
    const named = [...new Set(approvers.map((a) => a.trim()).filter(Boolean))];
    return named.length >= required
        ? { stage, gate: "approvals", outcome: "pass", detail: `approved by ${named.join(", ")}` }
        : {
              stage,
              gate: "approvals",
              outcome: "fail",
              detail: `${stage} needs ${required} named approver(s), got ${named.length}: pass --approver <name> (in CI, the reviewer of the deployment environment)`,
          };
};
