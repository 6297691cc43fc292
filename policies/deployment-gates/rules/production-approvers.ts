import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "production-approvers";

/** Production needs at least one named approver other than the author (staging does not). */
export function productionApprovers(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description: "A production deployment has at least one named approver (configurable), and the author does not approve their own change.",
            severity: "high",
            remediationSteps: "Have someone other than the author approve the deployment (e.g. the CI environment's required reviewers) and list them under approvers in the checklist.",
            verifies: "the approval",
            settings: {
                minimum: z.number().int().min(1).default(1),
                approverNotAuthor: z.boolean().default(true),
            },
            requirements: (s) => ({ minApprovers: s.minimum, approverNotAuthor: s.approverNotAuthor }),
        },
        deps,
    );
}
