import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { EngineEvent, PolicyEvent, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import { ChecklistInput, PolicyConfigFile, attachChecklist } from "../../components/release";
import { REPO_ROOT, TestProject, createTestProject, relocateLocalPlatform, shippedStackConfig } from "../helpers/engine";

// The deployment-gates pack through the real engine, on the shipped stacks (local platform): the
// same violation warns in staging and fails production, a clean production preview passes, and the
// change window closes on a Friday afternoon unless the checklist states a hotfix.
describe("deployment gates through the real engine", function () {
    const PACK = path.join(REPO_ROOT, "policies", "deployment-gates");
    const BASE = 23000;
    let project: TestProject;
    let staging: Stack;
    let production: Stack;

    /** A checklist CI would hand over for 1.0.0 (the shipped stacks' version), on a Tuesday morning. */
    const checklist = (environment: "staging" | "production", overrides: Partial<ChecklistInput> = {}): ChecklistInput => ({
        environment,
        version: "1.0.0",
        author: "dev",
        tests: { passed: true, total: 212, failed: 0 },
        coverage: 87.5,
        vulnerabilities: { critical: 0, high: 0, medium: 1 },
        review: { approved: true, reviewers: ["carol"] },
        ...(environment === "production" ? { staging: { version: "1.0.0", succeeded: true }, approvers: ["alice"] } : {}),
        rollback: { target: "0.9.0" },
        clock: "2026-03-10T10:00:00Z",
        ...overrides,
    });

    /** Writes the stack's shipped policy config with a checklist merged in, as CI does; returns its path. */
    function policyConfig(environment: "staging" | "production", list: ChecklistInput, name: string = environment): string {
        const base = require(path.join(REPO_ROOT, "policies", "config", `${environment}.json`)) as PolicyConfigFile;
        const file = path.join(project.dir, `policy-config.${name}.json`);
        writeFileSync(file, JSON.stringify(attachChecklist(base, list), null, 2));
        return file;
    }

    interface Previewed {
        readonly result?: PreviewResult;
        readonly error?: Error;
        readonly policies: PolicyEvent[];
    }

    async function preview(stack: Stack, configFile: string): Promise<Previewed> {
        const policies: PolicyEvent[] = [];
        const onEvent = (e: EngineEvent) => {
            if (e.policyEvent) policies.push(e.policyEvent);
        };
        try {
            const result = await stack.preview({ color: "never", policyPacks: [PACK], policyPackConfigs: [configFile], onEvent });
            return { result, policies };
        } catch (error) {
            return { error: error as Error, policies };
        }
    }

    const summary = (events: PolicyEvent[]) => events.map((e) => `${e.enforcementLevel} ${e.policyName}`).sort();

    before(async () => {
        project = await createTestProject("shipgate-policies-");
        const withSecret = (config: Record<string, any>) => {
            config["shipgate:services"].backend.env = { DB_PASSWORD: "hunter2" };
            return config;
        };
        staging = await project.stack("staging", withSecret(relocateLocalPlatform(shippedStackConfig("staging"), BASE)));
        production = await project.stack("production", withSecret(relocateLocalPlatform(shippedStackConfig("production"), BASE + 100)));
    });

    after(async () => project?.cleanup());

    it("passes a staging preview with a plaintext secret, reporting it as a warning", async () => {
        const { result, error, policies } = await preview(staging, policyConfig("staging", checklist("staging")));
        assert.equal(error, undefined, `the staging preview failed: ${error?.message}`);
        assert.equal(result!.changeSummary.create, 12);
        assert.deepEqual(summary(policies), ["advisory no-plaintext-secrets"]);
        assert.match(policies[0].message, /service "backend" \(shipgate:local:BlueGreenService\): environment variable DB_PASSWORD holds a secret in plain text/);
        assert.match(policies[0].resourceUrn ?? "", /shipgate:local:BlueGreenService::backend$/);
    });

    it("fails the production preview with the same violation, naming the policy (the gate read it at preview)", async () => {
        const { error, policies } = await preview(production, policyConfig("production", checklist("production")));
        assert.ok(error, "the production preview passed");
        assert.match(error.message, /no-plaintext-secrets/);
        assert.match(error.message, /\[mandatory\]/);
        assert.match(error.message, /DB_PASSWORD/);
        // Mandatory, not downgraded: had the gate read a value unknown at preview, the engine would
        // have reported it as an advisory "can't run policy during preview" and let the preview pass.
        assert.deepEqual(summary(policies), ["mandatory no-plaintext-secrets"]);
        assert.ok(!policies.some((e) => /can't run policy/.test(e.message)));
    });

    it("passes a clean production preview with every gate mandatory", async () => {
        await production.removeConfig("shipgate:services.backend.env", true);
        const { result, error, policies } = await preview(production, policyConfig("production", checklist("production")));
        assert.equal(error, undefined, `the clean production preview failed: ${error?.message}`);
        assert.equal(result!.changeSummary.create, 12);
        assert.deepEqual(summary(policies), []);
    });

    it("fails a production preview on a Friday at 16:00 on the change-window gate", async () => {
        const friday = checklist("production", { clock: "2026-03-13T16:00:00Z" });
        const { error, policies } = await preview(production, policyConfig("production", friday, "friday"));
        assert.ok(error, "the Friday preview passed");
        assert.match(error.message, /change-window/);
        assert.deepEqual(summary(policies), ["mandatory change-window"]);
        assert.match(policies[0].message, /Friday 2026-03-13 16:00 UTC falls in the blocked period "Friday afternoon".*the window next opens Sunday 2026-03-15 02:00 UTC/);
    });

    it("passes the same Friday preview with a hotfix reason, with a warning", async () => {
        const hotfix = checklist("production", { clock: "2026-03-13T16:00:00Z", hotfix: { reason: "card payments fail for every customer", ticket: "INC-142" } });
        const { result, error, policies } = await preview(production, policyConfig("production", hotfix, "hotfix"));
        assert.equal(error, undefined, `the hotfix preview failed: ${error?.message}`);
        assert.ok(result);
        assert.deepEqual(summary(policies), ["advisory hotfix-override"]);
        assert.match(policies[0].message, /hotfix INC-142 \("card payments fail for every customer"\) goes out on the expedited path.*review by 2026-03-14T16:00:00Z/);
    });
});
