import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "staging-verified";

/**
 * Production only takes a version staging verified: the checklist records a successful staging
 * deployment of the same version, and every version the production stack declares for the
 * released services is that version or the rollback target.
 */
export function stagingVerified(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description:
                "Production only takes a version staging verified: a successful staging deployment of the same version is recorded, and the production stack declares no other version for the released services than it (or the rollback target).",
            severity: "high",
            remediationSteps:
                "Deploy the version to staging first and let it succeed; CI records staging {version, succeeded} in the checklist. Never skip staging.",
            verifies: "the staging deployment",
            settings: {},
            requirements: () => ({}),
        },
        deps,
    );
}
