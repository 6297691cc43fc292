import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { readChecklist, releaseSubject } from "../lib/checklist";
import { ChecklistProperty, configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";

export const NAME = "hotfix-override";

const Config = z
    .object({
        /** Hours within which a hotfix gets its post-deployment review (protocol: 24). */
        reviewWithinHours: z.number().int().min(1).default(24),
        checklist: ChecklistProperty,
    })
    .strict();

/**
 * A warning, never a block: a release that declares a hotfix goes through a closed change window
 * and the expedited path, and the people watching should know it and what follows (extra
 * monitoring, the rollback ready, a review within 24 hours).
 */
export function hotfixOverride(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "Warns when a release declares a hotfix: it bypasses the change window on the expedited path, so it needs extra monitoring, its rollback ready and a post-deployment review within 24 hours. Advisory by design.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps:
            "Nothing blocks: watch the release closely, keep the rollback target ready, hold the post-deployment review within 24 hours, and back-port the fix to the main branch.",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            const facts = deps.facts();
            if (facts.environment === "development") {
                args.notApplicable("development stacks have no release checklist");
            }
            const config = readConfig(NAME, Config, args);
            const state = readChecklist(config.checklist);
            if (state.status !== "valid" || !state.checklist.hotfix) return;
            const c = state.checklist;
            const hotfix = state.checklist.hotfix;
            const at = Date.parse(c.clock ?? deps.now().toISOString());
            const reviewBy = new Date(at + config.reviewWithinHours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
            report(
                violation(
                    releaseSubject(facts, c),
                    `hotfix${hotfix.ticket ? ` ${hotfix.ticket}` : ""} ("${hotfix.reason}") goes out on the expedited path, through the change window if it is closed`,
                    `watch it closely (extra monitoring), keep the rollback${c.rollback?.target ? ` to ${c.rollback.target}` : ""} ready, and hold the post-deployment review by ${reviewBy}`,
                ),
            );
        },
    };
}
