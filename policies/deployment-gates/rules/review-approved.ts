import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "review-approved";

/** The code review of the change is approved. */
export function reviewApproved(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description: "The code review of the change is approved.",
            severity: "high",
            remediationSteps: "Get the change reviewed and approved; CI records review {approved, reviewers} in the checklist.",
            verifies: "the code review",
            settings: {},
            requirements: () => ({}),
        },
        deps,
    );
}
