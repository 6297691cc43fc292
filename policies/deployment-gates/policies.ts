// Every gate of the pack, in the order the engine runs them. index.ts hands this list to the
// PolicyPack; tests and the benchmark build it with their own facts and clock.
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ENGINE_DEPS, PolicyDeps } from "./lib/facts";
import { analysisThresholds } from "./rules/analysis-thresholds";
import { blueGreenRollbackReady } from "./rules/blue-green-rollback-ready";
import { canarySteps } from "./rules/canary-steps";
import { changeWindow } from "./rules/change-window";
import { coverageThreshold } from "./rules/coverage-threshold";
import { databaseMigrations } from "./rules/database-migrations";
import { deployOrder } from "./rules/deploy-order";
import { ecsNativeIgnoreChanges } from "./rules/ecs-native-ignore-changes";
import { healthProbes } from "./rules/health-probes";
import { hotfixOverride } from "./rules/hotfix-override";
import { imagePinned } from "./rules/image-pinned";
import { noCriticalVulnerabilities } from "./rules/no-critical-vulnerabilities";
import { noPlaintextSecrets } from "./rules/no-plaintext-secrets";
import { podDisruptionBudget } from "./rules/pod-disruption-budget";
import { productionAlarms } from "./rules/production-alarms";
import { productionApprovers } from "./rules/production-approvers";
import { productionReplicas } from "./rules/production-replicas";
import { releaseChecklist } from "./rules/release-checklist";
import { resourceLimits } from "./rules/resource-limits";
import { reviewApproved } from "./rules/review-approved";
import { rollbackTarget } from "./rules/rollback-target";
import { stagingVerified } from "./rules/staging-verified";
import { testsPassed } from "./rules/tests-passed";
import { tlsPublicEndpoints } from "./rules/tls-public-endpoints";

export const PACK_NAME = "deployment-gates";

/** The gates on what a stack declares, run on every resource. */
export function resourceGates(deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy[] {
    return [
        healthProbes(deps),
        resourceLimits(deps),
        imagePinned(deps),
        productionReplicas(deps),
        blueGreenRollbackReady(deps),
        canarySteps(deps),
        analysisThresholds(deps),
        tlsPublicEndpoints(deps),
        noPlaintextSecrets(deps),
    ];
}

/** The gates on the whole stack and on the release's checklist, run once per preview or update. */
export function stackGates(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy[] {
    return [
        podDisruptionBudget(deps),
        productionAlarms(deps),
        ecsNativeIgnoreChanges(deps),
        deployOrder(deps),
        releaseChecklist(deps),
        testsPassed(deps),
        coverageThreshold(deps),
        noCriticalVulnerabilities(deps),
        reviewApproved(deps),
        stagingVerified(deps),
        productionApprovers(deps),
        rollbackTarget(deps),
        databaseMigrations(deps),
        changeWindow(deps),
        hotfixOverride(deps),
    ];
}

export function deploymentGates(deps: PolicyDeps = ENGINE_DEPS): Policies {
    return [...resourceGates(deps), ...stackGates(deps)];
}
