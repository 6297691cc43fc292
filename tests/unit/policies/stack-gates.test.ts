import { strict as assert } from "node:assert";
import { ChecklistInput } from "../../../components/release";
import { changeWindow } from "../../../policies/deployment-gates/rules/change-window";
import { coverageThreshold } from "../../../policies/deployment-gates/rules/coverage-threshold";
import { databaseMigrations } from "../../../policies/deployment-gates/rules/database-migrations";
import { deployOrder } from "../../../policies/deployment-gates/rules/deploy-order";
import { hotfixOverride } from "../../../policies/deployment-gates/rules/hotfix-override";
import { noCriticalVulnerabilities } from "../../../policies/deployment-gates/rules/no-critical-vulnerabilities";
import { podDisruptionBudget } from "../../../policies/deployment-gates/rules/pod-disruption-budget";
import { productionApprovers } from "../../../policies/deployment-gates/rules/production-approvers";
import { releaseChecklist } from "../../../policies/deployment-gates/rules/release-checklist";
import { reviewApproved } from "../../../policies/deployment-gates/rules/review-approved";
import { rollbackTarget } from "../../../policies/deployment-gates/rules/rollback-target";
import { stagingVerified } from "../../../policies/deployment-gates/rules/staging-verified";
import { testsPassed } from "../../../policies/deployment-gates/rules/tests-passed";
import type { PolicyDeps } from "../../../policies/deployment-gates/lib/facts";
import type { StackValidationPolicy } from "../../../policies/deployment-gates/lib/sdk";
import {
    StackResourceInput,
    UNKNOWN,
    assertNotApplicable,
    assertPasses,
    assertViolation,
    runStackPolicy,
    stackArgs,
    testDeps,
} from "../../helpers/policy-args";
import { K8S, LOCAL_CANARY, checklist, stackServices } from "./fixtures";

const production = testDeps({ environment: "production", services: stackServices() });
const staging = testDeps({ environment: "staging", services: stackServices() });
const development = testDeps({ environment: "development" });

/** The stack as the local platform registers it: two components, the frontend after the backend's children. */
function localStack(frontendDependsOnBackend = true): StackResourceInput[] {
    return [
        { type: "pulumi:pulumi:Stack", name: "shipgate-production" },
        { type: "shipgate:local:Platform", name: "local", parent: "shipgate-production" },
        { type: "pulumi-nodejs:dynamic/shipgate:HaproxyInstance", name: "local-router", parent: "local" },
        { type: LOCAL_CANARY, name: "backend", parent: "shipgate-production", dependsOn: ["local-router"] },
        { type: "pulumi-nodejs:dynamic/shipgate:LocalProcess", name: "backend-stable", parent: "backend" },
        { type: "pulumi-nodejs:dynamic/shipgate:HaproxyRoute", name: "backend-route", parent: "backend", dependsOn: ["local-router", "backend-stable"] },
        {
            type: LOCAL_CANARY,
            name: "frontend",
            parent: "shipgate-production",
            dependsOn: frontendDependsOnBackend ? ["local-router", "backend-stable", "backend-route"] : ["local-router"],
        },
        { type: "pulumi-nodejs:dynamic/shipgate:LocalProcess", name: "frontend-stable", parent: "frontend" },
    ];
}

/** Runs a stack policy with a checklist handed over in its config. */
function withChecklist(policy: StackValidationPolicy, list: ChecklistInput | undefined, extra: Record<string, unknown> = {}) {
    return runStackPolicy(policy, stackArgs(localStack(), { ...extra, ...(list ? { checklist: list } : {}) }));
}

describe("stack gates", () => {
    describe("pod-disruption-budget", () => {
        const workload = (name: string, replicas: unknown, labels: Record<string, string>): StackResourceInput => ({
            type: K8S.deployment,
            name,
            props: { metadata: { name, namespace: "shop" }, spec: { replicas, template: { metadata: { labels } } } },
        });
        const budget = (name: string, matchLabels: Record<string, string>, namespace = "shop"): StackResourceInput => ({
            type: K8S.pdb,
            name,
            props: { metadata: { name, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels } } },
        });

        it("passes when every multi-replica workload has a budget selecting its pods", async () => {
            const args = stackArgs([workload("api", 3, { app: "api", track: "stable" }), budget("api-pdb", { app: "api" }), workload("worker", 1, { app: "worker" })]);
            assertPasses(await runStackPolicy(podDisruptionBudget(production), args));
        });

        it("fails a workload no budget covers (wrong labels or namespace), with its URN", async () => {
            const args = stackArgs([workload("api", 3, { app: "api" }), budget("other", { app: "web" }), budget("api-elsewhere", { app: "api" }, "elsewhere")]);
            const outcome = await runStackPolicy(podDisruptionBudget(production), args);
            const message = assertViolation(outcome, 'Deployment "shop/api"', "runs 3 replicas in production with no PodDisruptionBudget selecting its pods (app=api)");
            assert.match(message, /Fix: add a PodDisruptionBudget in namespace shop/);
            assert.match(outcome.violations[0].urn!, /kubernetes:apps\/v1:Deployment::api$/);
        });

        it("leaves what preview cannot know to `up`, and applies only in production to Kubernetes stacks", async () => {
            assertPasses(await runStackPolicy(podDisruptionBudget(production), stackArgs([workload("api", UNKNOWN, { app: "api" })])));
            assertNotApplicable(await runStackPolicy(podDisruptionBudget(staging), stackArgs([workload("api", 3, { app: "api" })])));
            assertNotApplicable(await runStackPolicy(podDisruptionBudget(production), stackArgs(localStack())), /no Kubernetes/);
        });
    });

    describe("deploy-order", () => {
        it("passes when the frontend is ordered after the backend's resources", async () => {
            assertPasses(await runStackPolicy(deployOrder(production), stackArgs(localStack(true))));
        });

        it("fails when the frontend can go out before the backend, naming both and the fix", async () => {
            const outcome = await runStackPolicy(deployOrder(production), stackArgs(localStack(false)));
            const message = assertViolation(outcome, 'service "frontend"', 'is not ordered after service "backend"', "links to backend");
            assert.match(message, /Fix: add backend to shipgate:services\.frontend\.dependsOn/);
            assert.match(outcome.violations[0].urn!, /shipgate:local:CanaryService::frontend$/);
        });

        it("follows transitive dependencies and the configured order, without stack config", async () => {
            const deps = testDeps({ environment: "production" });
            const chain = [
                { type: LOCAL_CANARY, name: "backend" },
                { type: "x:index:Queue", name: "queue", dependsOn: ["backend"] },
                { type: LOCAL_CANARY, name: "frontend", dependsOn: ["queue"] },
                { type: LOCAL_CANARY, name: "api" },
            ];
            assertPasses(await runStackPolicy(deployOrder(deps), stackArgs(chain)));
            const custom = await runStackPolicy(deployOrder(deps), stackArgs(chain, { order: [{ first: "api", then: "frontend" }] }));
            assertViolation(custom, 'service "frontend"', 'service "api"', "the deploy order puts api before frontend");
        });

        it("does not apply to a single service", async () => {
            assertNotApplicable(await runStackPolicy(deployOrder(production), stackArgs([{ type: LOCAL_CANARY, name: "backend" }])));
        });
    });

    describe("release-checklist", () => {
        it("passes a valid checklist prepared for this environment", async () => {
            assertPasses(await withChecklist(releaseChecklist(production), checklist()));
        });

        it("fails without a checklist, saying how CI hands one over", async () => {
            const message = assertViolation(await withChecklist(releaseChecklist(production), undefined), 'stack "production" (production)', "no deployment checklist was handed to the pack");
            assert.match(message, /policy-config\.ts --base policies\/config\/production\.json --checklist checklist\.json/);
        });

        it("fails an invalid checklist field by field", async () => {
            const bad = { ...checklist(), coverage: 140, tests: { passed: "yes" } } as unknown as ChecklistInput;
            const message = assertViolation(await withChecklist(releaseChecklist(production), bad), "the deployment checklist is invalid");
            assert.match(message, /checklist\.coverage: coverage is a percentage between 0 and 100/);
            assert.match(message, /checklist\.tests\.passed: tests\.passed is true or false/);
        });

        it("fails a staging checklist handed to production, and services the stack does not have", async () => {
            const outcome = await withChecklist(releaseChecklist(production), checklist({ environment: "staging", services: ["backend", "payments"] }));
            assertViolation(outcome, "prepared for staging, not production");
            assertViolation(outcome, "names service payments, which this stack does not have (it has backend, frontend)");
        });

        it("does not apply to development stacks", async () => {
            assertNotApplicable(await withChecklist(releaseChecklist(development), undefined));
        });
    });

    describe("checklist gates", () => {
        const gates: Array<[string, (d: PolicyDeps) => StackValidationPolicy, Partial<ChecklistInput>, string]> = [
            ["tests-passed", testsPassed, { tests: { passed: false, failed: 3 } }, "3 tests failed for 1.1.0"],
            ["coverage-threshold", coverageThreshold, { coverage: 72.5 }, "line coverage is 72.5%, below the required 80%"],
            ["no-critical-vulnerabilities", noCriticalVulnerabilities, { vulnerabilities: { critical: 0, high: 2 } }, "reports 2 high (at most 0) vulnerabilities"],
            ["review-approved", reviewApproved, { review: { approved: false } }, "the code review is not approved"],
            ["staging-verified", stagingVerified, { staging: { version: "1.0.9", succeeded: true } }, "staging verified 1.0.9, but this release is 1.1.0"],
            ["production-approvers", productionApprovers, { approvers: [] }, "no named approvers; production needs 1"],
            ["rollback-target", rollbackTarget, { rollback: undefined }, "no rollback target is known for 1.1.0"],
            ["database-migrations", databaseMigrations, { migrations: { additiveOnly: false, backupTaken: true, downMigration: true } }, "not additive only, which production forbids"],
        ];

        for (const [name, make, broken, expected] of gates) {
            describe(name, () => {
                it("passes the clean checklist", async () => {
                    const policy = make(production);
                    assert.equal(policy.name, name);
                    assertPasses(await withChecklist(policy, checklist()));
                });

                it("fails the broken item, naming the release and the stack", async () => {
                    const message = assertViolation(await withChecklist(make(production), checklist(broken)), 'release 1.1.0 to stack "production" (production)', expected);
                    assert.match(message, /\. Fix: .+\.$/);
                });

                it("fails closed without a checklist", async () => {
                    assertViolation(await withChecklist(make(production), undefined), "no deployment checklist was handed to the pack");
                });
            });
        }

        it("apply staging-only where the protocol says: no approvers or staging record needed in staging", async () => {
            const staged = checklist({ environment: "staging", approvers: [], staging: undefined });
            assertNotApplicable(await withChecklist(productionApprovers(staging), staged));
            assertNotApplicable(await withChecklist(stagingVerified(staging), staged));
            assertPasses(await withChecklist(databaseMigrations(staging), checklist({ migrations: { additiveOnly: false, backupTaken: true, downMigration: true } })));
        });

        it("take their thresholds from the policy config", async () => {
            assertPasses(await withChecklist(coverageThreshold(production), checklist({ coverage: 72.5 }), { minimum: 70 }));
            assertPasses(await withChecklist(noCriticalVulnerabilities(production), checklist({ vulnerabilities: { critical: 0, high: 2 } }), { maxHigh: 2 }));
            assertViolation(await withChecklist(productionApprovers(production), checklist({ approvers: ["alice"] }), { minimum: 2 }), "only 1 named approver");
        });

        it("do not count the author as an approver", async () => {
            assertViolation(await withChecklist(productionApprovers(production), checklist({ author: "alice", approvers: ["alice"] })), "the author alice cannot approve their own change");
        });

        it("check that production declares no version staging did not verify", async () => {
            const deps = testDeps({ environment: "production", services: stackServices({ strategy: "canary", stable: "1.0.0", canary: "1.2.0", weight: 25 }) });
            assertViolation(await withChecklist(stagingVerified(deps), checklist()), "service backend declares version 1.2.0, which is neither the release staging verified (1.1.0) nor the rollback target (1.0.0)");
        });

        it("reject a policy config with an unknown setting instead of passing unconfigured", async () => {
            await assert.rejects(withChecklist(coverageThreshold(production), checklist(), { minimun: 70 }), /policy config of "coverage-threshold" is invalid/);
        });
    });

    describe("change-window", () => {
        it("passes a Tuesday morning", async () => {
            assertPasses(await withChecklist(changeWindow(production), checklist()));
        });

        it("fails a Friday 16:00, saying when the window opens", async () => {
            const message = assertViolation(
                await withChecklist(changeWindow(production), checklist({ clock: "2026-03-13T16:00:00Z" })),
                "the change window is closed: Friday 2026-03-13 16:00 UTC falls in the blocked period \"Friday afternoon\"",
            );
            assert.match(message, /the window next opens Sunday 2026-03-15 02:00 UTC/);
            assert.match(message, /hotfix\.reason/);
        });

        it("lets a hotfix with a reason through a closed window", async () => {
            assertPasses(await withChecklist(changeWindow(production), checklist({ clock: "2026-03-13T16:00:00Z", hotfix: { reason: "checkout fails for every card payment" } })));
        });

        it("uses the wall clock without a checklist, and the configured calendar", async () => {
            const saturday = testDeps({ environment: "production", now: "2026-03-14T10:00:00Z" });
            assertViolation(await withChecklist(changeWindow(saturday), undefined), 'stack "production" (production): the change window is closed: Saturday');
            const holiday = { calendar: { holidays: [{ date: "2026-03-10", name: "Founders' Day" }] } };
            assertViolation(await withChecklist(changeWindow(production), checklist(), holiday), 'the holiday "Founders\' Day"');
        });

        it("does not apply to staging by default, and rejects a bad calendar", async () => {
            assertNotApplicable(await withChecklist(changeWindow(staging), checklist({ clock: "2026-03-13T16:00:00Z" })));
            await assert.rejects(withChecklist(changeWindow(production), checklist(), { calendar: { timeZone: "Mars/Olympus" } }), /unknown time zone "Mars\/Olympus"/);
        });
    });

    describe("hotfix-override", () => {
        it("stays quiet for a normal release", async () => {
            assertPasses(await withChecklist(hotfixOverride(production), checklist()));
        });

        it("warns about a hotfix and its follow-up, with the review deadline", async () => {
            const list = checklist({ clock: "2026-03-13T16:00:00Z", hotfix: { reason: "checkout fails for every card payment", ticket: "INC-142" } });
            const message = assertViolation(await withChecklist(hotfixOverride(production), list), 'hotfix INC-142 ("checkout fails for every card payment") goes out on the expedited path');
            assert.match(message, /keep the rollback to 1\.0\.0 ready, and hold the post-deployment review by 2026-03-14T16:00:00Z/);
        });

        it("is advisory by default", () => {
            assert.equal(hotfixOverride(production).enforcementLevel, "advisory");
        });
    });
});
