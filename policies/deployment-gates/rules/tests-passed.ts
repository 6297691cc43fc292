import type { StackValidationPolicy } from "@pulumi/policy";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "tests-passed";

/** Every test suite of the release passed (the protocol: all tests passing, integration tests 100%). */
export function testsPassed(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description: "Every test of the release passed, every suite green (the protocol: all tests passing, integration tests 100%).",
            severity: "high",
            remediationSteps: "Fix the failing tests and run the pipeline again; CI records tests.passed, tests.failed and the suites in the checklist.",
            verifies: "that the tests passed",
            settings: {},
            requirements: () => ({}),
        },
        deps,
    );
}
