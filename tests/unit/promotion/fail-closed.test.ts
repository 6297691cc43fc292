import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GateRefusal } from "../../../stacks/automation/errors";
import { resolvePolicyFiles } from "../../../stacks/automation/promotion/policy-files";
import { PromoteRequest, promote } from "../../../stacks/automation/promotion/promote";
import { PromotionSettingsSchema } from "../../../stacks/automation/promotion/promotion-settings";
import { fakeWorld } from "./fakes";

describe("fail closed: policy packs, their configs and metric sources", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-policy-files-"));
        mkdirSync(path.join(dir, "policies", "deployment-gates"), { recursive: true });
        writeFileSync(path.join(dir, "policies", "deployment-gates", "PulumiPolicy.yaml"), "runtime: nodejs\n");
        mkdirSync(path.join(dir, "policies", "config"));
        writeFileSync(path.join(dir, "policies", "config", "production.json"), "{}");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const settings = (policy: unknown = {}) => PromotionSettingsSchema.parse({ policy });

    it("finds the default pack and the environment's config", () => {
        const files = resolvePolicyFiles(dir, "production", settings());
        assert.deepEqual(files, {
            packs: [path.join(dir, "policies", "deployment-gates")],
            configs: [path.join(dir, "policies", "config", "production.json")],
            problems: [],
        });
    });

    it("names a pack that is missing, and one that is not a pack, with the config key", () => {
        mkdirSync(path.join(dir, "not-a-pack"));
        const files = resolvePolicyFiles(dir, "production", settings({ packs: ["policies/deployment-gatez", "not-a-pack"], configs: ["policies/config/production.json", "policies/config/production.json"] }));
        assert.deepEqual(files.packs, []);
        assert.deepEqual(files.problems, [
            "policy pack policies/deployment-gatez (shipgate:promotion.policy.packs[0]) does not exist: fix the path or restore the folder",
            "policy pack not-a-pack (shipgate:promotion.policy.packs[1]) is not a policy pack: it has no PulumiPolicy.yaml",
        ]);
    });

    it("names a missing or unreadable config, defaulted or named", () => {
        assert.deepEqual(resolvePolicyFiles(dir, "staging", settings()).problems, [
            "policy config policies/config/staging.json (the default policy config for staging) does not exist: fix the path or restore the file",
        ]);
        writeFileSync(path.join(dir, "broken.json"), "{");
        assert.match(resolvePolicyFiles(dir, "production", settings({ configs: ["broken.json"] })).problems[0], /^policy config broken\.json \(shipgate:promotion\.policy\.configs\[0\]\) cannot be read as JSON/);
    });

    it("with no pack named at all, has nothing to report", () => {
        assert.deepEqual(resolvePolicyFiles(dir, "production", settings({ packs: [] })), { packs: [], configs: [], problems: [] });
    });

    describe("in a promotion", () => {
        const REQUEST: PromoteRequest = { version: "2.0.0", stages: ["staging", "production"], approvers: ["alice"] };

        it("refuses production (exit 3, nothing changed) when a named pack cannot be evaluated", async () => {
            const world = fakeWorld();
            world.env = {
                ...world.env,
                policy: (_s, environment) =>
                    environment === "production"
                        ? { packs: [], configs: [], problems: ["policy pack policies/deployment-gatez (shipgate:promotion.policy.packs[0]) does not exist"] }
                        : { packs: ["policies/deployment-gates"], configs: [], problems: [] },
            };
            const { record, error } = await promote(REQUEST, world.env);
            assert.ok(error instanceof GateRefusal, String(error));
            assert.match(error.message, /production: policy pack policies\/deployment-gatez .* does not exist/);
            assert.equal(record.result, "refused");
            assert.equal(world.applied.length, 0, "nothing was applied, staging included");
            assert.equal(world.stacks.staging.previews, 0, "refused before staging's preview: the missing path is known without one");
        });

        it("lets staging warn and go on", async () => {
            const world = fakeWorld();
            world.env = { ...world.env, policy: () => ({ packs: [], configs: [], problems: ["policy config policies/config/staging.json does not exist"] }) };
            const { record, error } = await promote({ ...REQUEST, stages: ["staging"] }, world.env);
            assert.equal(error, undefined);
            assert.equal(record.result, "succeeded");
            assert.ok(record.gates.some((g) => g.gate === "policy" && g.outcome === "warn" && /staging\.json does not exist \(the preview runs without it\)/.test(g.detail)));
        });

        it("refuses a production canary whose analysis has no metric source (exit 3, nothing changed); staging only warns", async () => {
            const world = fakeWorld();
            world.verifier.sources = { staging: undefined, production: undefined };
            const { record, error } = await promote(REQUEST, world.env);
            assert.ok(error instanceof GateRefusal, String(error));
            assert.match(error.message, /production: the canary analysis of backend, frontend has no metric source/);
            assert.match(error.message, /shipgate:promotion\.analysis/);
            assert.equal(world.applied.length, 0);
            assert.ok(!record.gates.some((g) => g.stage === "staging" && g.gate === "metric source"), "staging is blue-green: no canary to compare");
            world.stacks.staging.releases.set("backend", world.stacks.production.release("backend"));
            const staging = await promote({ ...REQUEST, stages: ["staging"] }, world.env);
            assert.equal(staging.record.result, "succeeded");
            assert.ok(staging.record.gates.some((g) => g.gate === "metric source" && g.outcome === "warn" && /judged on health alone/.test(g.detail)));
        });
    });
});
