import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "rollback-target";

/** The rollback target (the version running before this release) is known: "have a rollback plan ready". */
export function rollbackTarget(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description:
                "The rollback target is known: the version running before this release (not the release itself), or an explicit first release.",
            severity: "high",
            remediationSteps:
                "Record rollback {target: <the version running now>} in the checklist (shipgate rolls back by re-applying the last good state), or rollback {firstRelease: true} when nothing ran before.",
            verifies: "the rollback target",
            settings: {},
            requirements: () => ({}),
        },
        deps,
    );
}
