import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "coverage-threshold";

/** Line coverage at or above the quality gate (protocol: 80%). */
export function coverageThreshold(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description: "Line coverage of the release is at or above the quality gate (80% by default).",
            severity: "medium",
            remediationSteps: "Add tests until coverage reaches the minimum; CI records it as coverage (percent) in the checklist.",
            verifies: "the test coverage",
            settings: { minimum: z.number().min(0).max(100).default(80) },
            requirements: (s) => ({ minCoverage: s.minimum }),
        },
        deps,
    );
}
