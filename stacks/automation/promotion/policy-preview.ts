import { liveArtifact } from "../../../components/release";
import { GateRefusal } from "../errors";
import { GateResult } from "../records/promotion-record";
import type { PromoteRequest, PromotionEnvironment } from "./promote";
import type { StagePlan } from "./preflight";
import { StageFacts, previewPolicyConfigs, stageChecklist } from "./stage-checklist";

/** What the run knows of a stage, for the checklist the policy pack judges. */
export function stageFacts(plan: StagePlan, request: PromoteRequest, staging: StageFacts["staging"]): StageFacts {
    return {
        environment: plan.environment,
        version: request.version,
        services: plan.services.map((s) => s.service),
        approvers: request.approvers,
        commit: request.gitCommit,
        rollbackTarget: plan.services[0] ? liveArtifact(plan.services[0].lastGood).version : undefined,
        staging,
        hotfixReason: request.hotfixReason,
    };
}


/**
 * Fail closed: production never runs with gates it was meant to have. Every stage's packs and
 * configs are looked for before any preview runs, so a path mis-typed for production refuses the
 * run at once, not after staging's preview; staging only warns (in its preview).
 */
export function checkPolicyFiles(plans: readonly StagePlan[], env: PromotionEnvironment): void {
    for (const plan of plans) {
        const files = env.policy(plan.stage, plan.environment, plan.settings);
        if (files.problems.length && plan.environment === "production") {
            throw new GateRefusal("policy", `${plan.stage}: ${files.problems.join("; ")}`, "the policy gates cannot be evaluated, so production is not promoted: fix the pack or config named above");
        }
    }
}

/**
 * The policy packs judge a stage before any traffic moves: a preview of its first step (what moves
 * traffic first) and of its target (where the release ends), with CI's checklist attached.
 */
export async function policyPreview(
    plan: StagePlan,
    env: PromotionEnvironment,
    gate: (g: GateResult) => void,
    request: PromoteRequest,
    facts: StageFacts,
    disabled: readonly string[],
): Promise<void> {
    checkPolicyFiles([plan], env);
    const files = env.policy(plan.stage, plan.environment, plan.settings);
    if (files.problems.length) {
        for (const problem of files.problems) gate({ stage: plan.stage, gate: "policy", outcome: "warn", detail: `${problem} (the preview runs without it)` });
    }
    if (!files.packs.length) {
        if (!files.problems.length) gate({ stage: plan.stage, gate: "policy", outcome: "warn", detail: "no policy pack configured (shipgate:promotion.policy.packs is empty): the preview ran without gates" });
        return;
    }
    const checklist = request.checklist ? stageChecklist(request.checklist, facts) : undefined;
    const configs = previewPolicyConfigs(files.configs, checklist, disabled);
    try {
        // The first step is what moves traffic first; the last is where the release ends. Judge both.
        const targets = new Map(plan.services.filter((s) => s.steps.length).map((s) => [s.service, s.steps[s.steps.length - 1].state]));
        const firsts = new Map(plan.services.filter((s) => s.steps.length).map((s) => [s.service, s.steps[0].state]));
        for (const [label, states] of [["first step", firsts], ["target", targets]] as const) {
            if (!states.size) continue;
            const outcome = await plan.driver.previewWithPolicies(states, { policyPacks: files.packs, policyPackConfigs: configs.files, signal: env.signal });
            const seen = new Set<string>();
            for (const v of outcome.violations) {
                const key = `${v.policy}|${v.message}`;
                if (seen.has(key) || plan.seenViolations.has(key)) continue;
                seen.add(key);
                plan.seenViolations.add(key);
                gate({ stage: plan.stage, gate: `policy:${v.policy}`, outcome: v.level === "mandatory" ? "fail" : "warn", detail: v.message });
            }
            if (!outcome.passed) {
                const mandatory = outcome.violations.filter((v) => v.level === "mandatory").map((v) => v.policy);
                throw new GateRefusal(
                    "policy",
                    `${plan.stage} (${label}) violates ${[...new Set(mandatory)].join(", ")}`,
                    checklist ? "fix the violations listed above, then promote again" : "fix the violations listed above; CI hands its checklist over with --checklist <file> (see README, Deployment gates)",
                );
            }
        }
        gate({
            stage: plan.stage,
            gate: "policy",
            outcome: "pass",
            detail: `${files.packs.length} pack(s) passed the preview of ${plan.stage}${disabled.length ? ` (${disabled.join(", ")} judged before ${plan.stage} runs)` : ""}`,
        });
    } finally {
        configs.cleanup();
    }
}
