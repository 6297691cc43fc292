import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "no-critical-vulnerabilities";

/** The security scan found no critical and no high vulnerabilities (protocol quality gates). */
export function noCriticalVulnerabilities(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description: "The security scan of the release reports no critical and no high vulnerabilities (limits configurable).",
            severity: "critical",
            remediationSteps: "Upgrade or patch the affected dependencies and base images, scan again, and let CI record vulnerabilities {critical, high} in the checklist.",
            verifies: "the security scan",
            settings: {
                maxCritical: z.number().int().min(0).default(0),
                maxHigh: z.number().int().min(0).default(0),
            },
            requirements: (s) => ({ maxCritical: s.maxCritical, maxHigh: s.maxHigh }),
        },
        deps,
    );
}
